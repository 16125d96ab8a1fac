// The staff page: log in, list my growing areas (every status) with the lifecycle steps my role
// may take, register a new area by drawing or uploading it, edit or delete a draft, read an
// area's history, and see failed rules on the map. Each concern has its own module.

import { ApiError, call, errorText, setCsrf, warningText, whenLoggedOut } from "./api.js";
import { $, el, say } from "./dom.js";
import { closeEdit, initEditor, isEditing, onBoundary, openEdit, saveEdit } from "./edit.js";
import { readForm } from "./form.js";
import { initCoords } from "./coords.js";
import { openHistory, setSteps, showAsOf } from "./history.js";
import { addWords, known, lang, pick, t } from "./i18n.js";
import { initImagery, staffStyle } from "./imagery.js";
import { STATUS_COLOURS, createMap, fitTo, hectares } from "./map.js";
import { countLine, fillCommuneFilter, filtered, watchFilters } from "./queue.js";
import { removeArea } from "./remove.js";
import { openReview } from "./review.js";
import { number } from "/static/common/format.js";

const config = JSON.parse(document.getElementById("staff-config").textContent);
addWords(config.words);
setSteps(config.steps);
const ITEMS = "/collections/growing_areas/items";
const CREATORS = config.creators;  // roles that may register an area (geo.lifecycle)
const ADDRESS_STAFF = config.address_staff;  // roles that place household addresses (layers.write.households)
const TABS = ["areas", "new", "history", "review"];
const CODED = ["granted", "suspended"];
let staffMap = null;
let imagery = null;  // the basemap switch (imagery / plain), once the map's style is loaded
let areas = [];
let communes = [];
let drawnGeometry = null;
let role = null;

function show(view) {
  $("#login-view").hidden = view !== "login";
  $("#work-view").hidden = view !== "work";
  $("#logout").hidden = $("#who").hidden = view !== "work";
  if (view !== "work") $("#other-work").hidden = true;
}

// --- log in / out ---------------------------------------------------------------------------
// The server put the session's user in the page (null when logged out), so no probe is needed.
async function start() {
  if (config.me) await enter(config.me);
  else show("login");
}

async function login(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  $("#login-error").textContent = "";
  try {
    const { body } = await call("POST", "/auth/login", { json: { username: form.get("username"), password: form.get("password") } });
    event.target.reset();
    await enter(body);
  } catch (err) {
    $("#login-error").textContent = err.status === 429 ? t("login.wait") : err.status === 401 ? t("login.failed") : errorText(err, t, known);
  }
}

async function logout() {
  await call("POST", "/auth/logout");
  setCsrf(null);
  areas = [];
  show("login");
}

async function enter(me) {
  // A cooperative account's work is its lots and products: its own page (/staff/lots, issue 15).
  if (me.role === "cooperative") {
    window.location.replace(`/staff/lots?lang=${lang()}`);
    return;
  }
  // Tourism accounts' work is their listings and the moderation queue (/staff/tourism, issue 14).
  if (me.role === "tourism_promoter" || me.role === "tourism_staff") {
    window.location.replace(`/staff/tourism?lang=${lang()}`);
    return;
  }
  // Staff who run address campaigns (issue 16) reach the field page and the progress page from here.
  $("#other-work").hidden = !ADDRESS_STAFF.includes(me.role);
  setCsrf(me.csrf_token || null);
  $("#who").textContent = `${me.name} · ${pick(config.roles[me.role])}${me.areas.length ? " · " + me.areas.join(", ") : ""}`;
  $("#who").dataset.role = role = me.role;
  // Only agriculture staff register areas; other roles just read the areas of their scope.
  $("[data-tab=new]").hidden = !CREATORS.includes(me.role);
  selectTab("areas");
  show("work");
  if (!staffMap) {
    const style = await staffStyle(config);  // with NTM_BASEMAP_STYLE_URL: ours on the deployment's
    staffMap = createMap($("#map"), style, onDrawn, { polygon: t("draw.polygon"), trash: t("draw.trash") });
    window.staffMap = staffMap.map;  // for tests and curious staff (read-only use)
    window.staffDraw = staffMap.draw;
    initEditor({ staffMap, selectTab, loadAreas, notify, showProblems, clearProblems });
    initCoords(staffMap);
    $("#legend").replaceChildren(...Object.entries(STATUS_COLOURS).map(([status, colour]) =>
      el("li", {}, el("span", { class: "swatch", style: `background:${colour}` }), t(`status.${status}`))));
  }
  await staffMap.ready;
  staffMap.map.resize();
  if (!imagery) imagery = initImagery(staffMap.map);  // a promise: the page goes on meanwhile
  $("#map .maplibregl-ctrl-top-left").hidden = !CREATORS.includes(me.role);  // the drawing tools
  const { body } = await call("GET", "/staff/api/communes");
  communes = body.communes;
  fillCommunes();
  fillCommuneFilter(communes, communeLabel);
  $("#who").textContent = `${me.name} · ${pick(config.roles[me.role])}${me.areas.length ? " · " + t("who.areas", { areas: me.areas.map(scopeName).join(", ") }) : ""}`;
  if (communes.length) {
    const [x0, y0, x1, y1] = communes.reduce((b, c) => [Math.min(b[0], c.bbox[0]), Math.min(b[1], c.bbox[1]),
      Math.max(b[2], c.bbox[2]), Math.max(b[3], c.bbox[3])], [180, 90, -180, -90]);
    staffMap.map.fitBounds([[x0, y0], [x1, y1]], { padding: 20, duration: 0 });
  }
  await loadAreas();
  document.body.dataset.ready = "true";
}

// --- my areas -------------------------------------------------------------------------------
async function loadAreas() {
  const { body } = await call("GET", "/staff/api/growing-areas?limit=5000");
  areas = body.features;
  staffMap.showAreas(body);
  renderAreas();
}

function renderAreas() {
  const shown = filtered(areas, communeName);
  $("#areas tbody").replaceChildren(...shown.map(row));
  countLine(shown.length, areas.length);
}

function communeName(code) {
  const commune = communes.find((c) => c.code === code);
  return commune ? (lang() === "en" ? commune.name_en || commune.name_vi : commune.name_vi) : "";
}

function communeLabel(c) { return lang() === "en" ? c.name_en || c.name_vi : c.name_vi; }

// A scope is a province (2 digits) or commune code: said in words.
function scopeName(code) { return communeName(code) || (String(code).length <= 2 ? t("who.province") : code); }

// May this role change (edit, delete) an area in this status? The API decides; this only
// chooses which buttons to offer (geo.lifecycle.EDITABLE, passed in the page config).
function mayEdit(status) {
  return role === "admin" || (config.editable[status] || []).includes(role);
}

function row(f) {
  const p = f.properties;
  const name = el("a", { href: "#", onclick: (e) => { e.preventDefault(); fitTo(staffMap.map, [f.geometry]); } }, p.name || `#${f.id}`);
  const first = el("td", {}, name, el("br"), el("small", { class: "code" }, p.code || ""),
    el("small", {}, `${p.code ? " · " : ""}${communeName(p.commune_code) || p.commune_code}`));
  const buttons = (p.actions || []).map((a) => el("button", { type: "button", dataset: { action: a }, onclick: () => act(f, a) }, t(`action.${a}`)));
  const op = (name, fn) => el("button", { type: "button", class: "op", dataset: { op: name }, onclick: fn }, t(`op.${name}`));
  if (mayEdit(p.status)) {
    buttons.push(op("edit", () => openEdit(f.id)));
    // Coded areas get the button too: pressing it explains that they are revoked, not deleted.
    if (config.deletable.includes(p.status) || CODED.includes(p.status)) {
      buttons.push(op("delete", () => removeArea(f, { deletable: config.deletable, notify, loadAreas })));
    }
  }
  // Everyone may read the whole record without edit controls (an inspector reviewing a submission).
  buttons.push(op("review", () => openReview(f, { selectTab, fetchArea, act, names, showArea })));
  if (CREATORS.includes(role) || config.publicStatuses.includes(p.status)) {
    buttons.push(op("history", () => openHistory(f, { selectTab, notify, names, showPast: (g) => staffMap.showPast(g) })));
  }
  return el("tr", { dataset: { id: String(f.id), status: p.status } }, first,
    el("td", { class: `status ${p.status}` }, t(`status.${p.status}`)),
    el("td", { class: "n" }, p.area_ha != null ? number(p.area_ha, lang(), 2) : ""),
    el("td", { class: "actions" }, ...buttons));
}

// Names for codes, for the history panel: crops and the communes of my scope.
function names(field, value) {
  if (field === "crop") return config.crops.find((c) => c.code === value) ? pick(config.crops.find((c) => c.code === value)) : value;
  const commune = field === "commune_code" && communes.find((c) => c.code === value);
  return commune ? `${lang() === "en" ? commune.name_en : commune.name_vi} (${value})` : value;
}

async function fetchArea(id) {
  return (await call("GET", `/staff/api/growing-areas/${id}`)).body;
}

function showArea(geometry) {
  return staffMap.showPast(geometry);
}

function notify(text, error = false) {
  say($("#action-message"), text, { error });
}

async function act(feature, action) {
  if (action === "revoke" && !window.confirm(t("confirm.revoke"))) return;
  try {
    const { etag } = await call("GET", `/staff/api/growing-areas/${feature.id}`);
    const { body } = await call("POST", `${ITEMS}/${feature.id}/actions/${action}`, { headers: { "If-Match": etag } });
    const p = body.properties;
    notify(t("done", { action: t(`action.${action}`), name: p.name, status: t(`status.${p.status}`) })
      + (p.code ? " " + t("code", { code: p.code }) : ""));
  } catch (err) {
    notify(errorText(err, t, known), true);
  }
  if (!$("#tab-review").hidden) selectTab("areas");  // the step's result is said above the list
  await loadAreas();
}

// --- a new area -----------------------------------------------------------------------------
function onDrawn(geometry, kind) {
  if (isEditing()) {
    onBoundary(geometry, kind);
    return;
  }
  drawnGeometry = geometry;
  $("#draw-state").textContent = geometry ? t("draw.done", { ha: number(hectares(geometry), lang(), 2) }) : t("draw.none");
}

function fillCommunes() {
  const select = $("#area-form [name=commune_code]");
  select.replaceChildren(...communes.map((c) => el("option", { value: c.code }, communeLabel(c))));
}

function setUpForm() {
  const crop = $("#area-form [name=crop]");
  crop.replaceChildren(...config.crops.map((c) => el("option", { value: c.code }, `${pick(c)} (≥ ${number(c.min_area_ha, lang(), 2)} ha)`)));
  const varieties = () => $("#varieties").replaceChildren(
    ...(config.crops.find((c) => c.code === crop.value)?.varieties || []).map((v) => el("option", { value: v })));
  crop.addEventListener("change", varieties);
  varieties();
  $("#area-form [name=certification]").replaceChildren(...config.certifications.map((c) => el("option", { value: c }, t(`cert.${c}`))));
  const filter = $("#status-filter");
  for (const s of config.statuses) filter.append(el("option", { value: s }, t(`status.${s}`)));
  watchFilters(renderAreas);
}

function showProblems(err) {
  const box = $("#problems");
  const body = err.body || {};
  // An upload's report lists each feature with its own errors; a single area's 422 lists rules.
  const fromReport = (body.report || []).filter((r) => !r.ok).flatMap((r) => (r.errors || []).map((e) => ({ ...e, index: r.index })));
  const list = fromReport.length ? fromReport : body.errors && body.errors.length ? body.errors
    : [{ rule: body.rule, message: body.description, where: body.where }];
  const wheres = [body.where];
  const items = list.map((e) => {
    wheres.push(e.where);
    const label = e.rule ? t(`rule.${e.rule}`) : "";
    const at = e.index != null ? t("feature", { n: e.index }) + " — " : "";  // 1-based in the report
    return el("li", { dataset: { rule: e.rule || "" } }, el("strong", {}, `${at}${label}`), label ? ": " : "", e.message || "");
  });
  const crsNotes = (body.crs_notes || []).map((n) => el("li", { dataset: { crsNote: n.code } }, pick(n)));
  box.replaceChildren(el("p", {}, t("problems")), el("ul", {}, ...items),
    ...(crsNotes.length ? [el("p", {}, t("upload.crsNotes")), el("ul", {}, ...crsNotes)] : []));
  box.dataset.shown = String(staffMap.showProblems(wheres));
  box.scrollIntoView({ block: "nearest" });
}

function clearProblems() {
  $("#problems").replaceChildren();
  staffMap.showProblems([]);
}

async function saveDraft(event) {
  event.preventDefault();
  if (isEditing()) {
    await saveEdit(event.target);
    return;
  }
  clearProblems();
  if (!drawnGeometry) {
    $("#problems").replaceChildren(el("p", {}, t("draw.need")));
    return;
  }
  const feature = { type: "Feature", geometry: drawnGeometry, properties: readForm(event.target) };
  try {
    const { body } = await call("POST", ITEMS, { json: feature });
    const note = body.repaired ? " " + t("saved.repaired", { note: body.repair_note || "" }) : "";
    staffMap.clearDrawing();
    event.target.reset();
    await loadAreas();
    fitTo(staffMap.map, [body.geometry]);
    selectTab("areas");
    notify(t("saved", { name: body.properties.name }) + note + warningText(body));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblems(err);
  }
}

async function upload(event) {
  event.preventDefault();
  clearProblems();
  const form = new FormData(event.target);
  try {
    const { body } = await call("POST", "/collections/growing_areas/uploads", { form });
    event.target.reset();
    await loadAreas();
    selectTab("areas");
    // Show where the new areas are: the map fits them all.
    const ids = new Set((body.features || []).map((f) => f.id));
    fitTo(staffMap.map, areas.filter((f) => ids.has(f.id)).map((f) => f.geometry));
    // CRS notes (geo/crs_traps.py) come in vi and en: a swapped axis, a datum, a likely wrong zone.
    const crsNotes = (body.crs_notes || []).map((n) => el("li", { dataset: { crsNote: n.code } }, pick(n)));
    // Columns of the file the platform does not store, said so nobody thinks they were kept.
    const ignored = (body.ignored_fields || []).length
      ? [el("p", { id: "ignored-fields" }, t("upload.ignored", { fields: body.ignored_fields.join(", ") }))] : [];
    // Areas on land their crop's suitability raster calls unsuitable: saved, and said (issue 13).
    const warned = (body.features || []).flatMap((f) => (f.warnings || []).map((w) => el("li", {}, w.message)));
    say($("#action-message"), t("uploaded", { n: body.stored ?? ids.size }), {
      extra: [...ignored, ...(crsNotes.length ? [" " + t("upload.crsNotes"), el("ul", {}, ...crsNotes)] : []),
              ...(warned.length ? [el("ul", { id: "upload-warnings" }, ...warned)] : [])] });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showProblems(err);
  }
}

// Leaving the form (another tab, or a fresh "new area") ends an edit in progress unsaved.
function selectTab(name, { keepEdit = false } = {}) {
  if (!keepEdit) closeEdit();
  if (staffMap && name !== "history" && name !== "review") staffMap.showPast(null);
  for (const b of document.querySelectorAll("[data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === name));
  for (const tab of TABS) $(`#tab-${tab}`).hidden = name !== tab;
  if (name === "new" && !isEditing()) onDrawn(drawnGeometry, null);
}

setUpForm();
whenLoggedOut(() => { setCsrf(null); show("login"); });
$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", logout);
$("#area-form").addEventListener("submit", saveDraft);
$("#upload-form").addEventListener("submit", upload);
$("#cancel-edit").addEventListener("click", () => selectTab("areas"));
$("#as-of-form").addEventListener("submit", showAsOf);
$("#history-close").addEventListener("click", () => selectTab("areas"));
$("#review-close").addEventListener("click", () => selectTab("areas"));
for (const b of document.querySelectorAll("[data-tab]")) b.addEventListener("click", () => selectTab(b.dataset.tab));
start();
