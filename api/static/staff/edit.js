// Editing one area: the form filled from the record, its boundary reshaped on the map
// (mapbox-gl-draw direct_select), saved with PATCH and the ETag as If-Match. A 412 means
// someone changed the area meanwhile: say so and offer to reload it; a 422 is drawn on the map.

import { ApiError, call, errorText, warningText } from "./api.js";
import { $, el, say } from "./dom.js";
import { fillForm, readForm } from "./form.js";
import { known, t } from "./i18n.js";

const ITEMS = "/collections/growing_areas/items";
let ctx = null;  // {staffMap, selectTab, loadAreas, notify, showProblems, clearProblems}
let editing = null;  // {id, etag, geometry, boundaryChanged}
let newHint = "";

export function initEditor(context) {
  ctx = context;
  newHint = $("#new-hint").textContent;
}

export function isEditing() { return editing !== null; }

// Every drawing event while editing (the user moved, added or removed corners, or drew anew).
export function onBoundary(geometry, kind) {
  if (!editing || !kind) return;
  editing.geometry = geometry;
  editing.boundaryChanged = true;
}

function setMode(name) {
  const on = name !== null;
  $("#form-title").textContent = on ? t("form.edit", { name }) : t("form.new");
  $("#save-draft").textContent = on ? t("form.saveEdit") : t("form.save");
  $("#new-hint").textContent = on ? t("edit.hint") : newHint;
  $("#cancel-edit").hidden = !on;
  $("#upload-form").hidden = on;
  $("#tab-new").dataset.mode = on ? "edit" : "new";
}

export async function openEdit(id) {
  ctx.clearProblems();
  say($("#edit-message"), "");
  let answer;
  try {
    answer = await call("GET", `/staff/api/growing-areas/${id}`);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    ctx.notify(err.status === 404 ? t("edit.gone") : errorText(err, t, known), true);
    return;
  }
  const { body, etag } = answer;
  editing = { id, etag, geometry: null, boundaryChanged: false };
  ctx.selectTab("new", { keepEdit: true });
  fillForm($("#area-form"), body.properties);
  setMode(body.properties.name || `#${id}`);
  editing.geometry = ctx.staffMap.editBoundary(body.geometry);
  $("#panel").scrollTop = 0;  // the form's title and messages first
  $("#tab-new").dataset.etag = etag;
}

export function closeEdit() {
  if (!editing) return;
  editing = null;
  setMode(null);
  $("#area-form").reset();
  say($("#edit-message"), "");
  ctx.staffMap.clearDrawing();
}

function staleMessage(id) {
  const reload = el("button", { type: "button", id: "edit-reload", onclick: () => openEdit(id) }, t("edit.reload"));
  say($("#edit-message"), t("edit.stale") + " ", { error: true, extra: [reload] });
  $("#edit-message").scrollIntoView({ block: "nearest" });
}

export async function saveEdit(form) {
  ctx.clearProblems();
  say($("#edit-message"), "");
  if (!editing.geometry) {
    say($("#edit-message"), t("draw.need"), { error: true });
    return;
  }
  // The boundary goes only when it changed: re-sending the stored one would record a change.
  const feature = { type: "Feature", properties: readForm(form, { clearEmpty: true }) };
  if (editing.boundaryChanged) feature.geometry = editing.geometry;
  const id = editing.id;
  try {
    const { body } = await call("PATCH", `${ITEMS}/${id}`, { json: feature, headers: { "If-Match": editing.etag } });
    const note = body.repaired ? " " + t("saved.repaired", { note: body.repair_note || "" }) : "";
    closeEdit();
    await ctx.loadAreas();
    ctx.selectTab("areas");
    ctx.notify(t("edit.saved", { name: body.properties.name }) + note + warningText(body));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 412) staleMessage(id);
    else if (err.status === 404) say($("#edit-message"), t("edit.gone"), { error: true });
    else ctx.showProblems(err);
  }
}
