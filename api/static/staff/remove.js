// Deleting an area: only drafts and submissions go (after a confirm); a granted or suspended
// area is refused with the reason, because its code must stay on record: revoke it instead.

import { ApiError, call, errorText } from "./api.js";
import { known, t } from "./i18n.js";

const ITEMS = "/collections/growing_areas/items";

function refusal(status) {
  return t("delete.refused", { status: t(`status.${status}`).toLowerCase() });
}

export async function removeArea(feature, { deletable, notify, loadAreas }) {
  const p = feature.properties;
  if (!deletable.includes(p.status)) {
    notify(refusal(p.status), true);
    return;
  }
  if (!window.confirm(t("delete.confirm", { name: p.name || `#${feature.id}` }))) return;
  let message, error = false;
  try {
    const { etag } = await call("GET", `/staff/api/growing-areas/${feature.id}`);
    await call("DELETE", `${ITEMS}/${feature.id}`, { headers: { "If-Match": etag } });
    message = t("delete.done", { name: p.name || `#${feature.id}` });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // The status may have moved on since the list was drawn (granted meanwhile): same refusal.
    message = err.status === 409 ? t("delete.refusedNow") : errorText(err, t, known);
    error = true;
  }
  await loadAreas();  // the list first, so the message describes what is shown
  notify(message, error);
}
