// The read-only review of one area (inspectors, and anyone who may not edit it): every field in
// words, the boundary on the map, and only the lifecycle steps the role may take; no form.

import { $, el } from "./dom.js";
import { FIELDS, show } from "./history.js";
import { t } from "./i18n.js";

export async function openReview(feature, { selectTab, fetchArea, act, names, showArea }) {
  const body = await fetchArea(feature.id);
  const p = body.properties;
  $("#review-title").textContent = t("review.title", { name: p.name || p.code || "—" });
  const rows = FIELDS.filter((f) => f !== "geom" && f in p).map((f) =>
    el("tr", { dataset: { field: f } }, el("th", {}, t(`field.${f}`)), el("td", {}, show(f, p[f], names))));
  $("#review-fields").replaceChildren(...rows);
  $("#review-actions").replaceChildren(...(p.actions || []).map((a) =>
    el("button", { type: "button", dataset: { action: a }, onclick: () => act(feature, a) }, t(`action.${a}`))));
  $("#tab-review").dataset.id = String(feature.id);
  selectTab("review");
  $("#tab-review").dataset.drawn = String(showArea(body.geometry));
  $("#review-title").setAttribute("tabindex", "-1");
  $("#review-title").focus();
}
