// The lot form: register a lot (product, lot code, quantity and unit, harvest date, the granted
// areas it came from, an optional certificate, confidentiality), or correct one (the same form,
// without product and lot code, which its labels carry: only the fields changed are sent, with
// If-Match). The areas come from /staff/api/cooperatives/{id}/growing-areas (with `citable`: granted
// today) and their shapes from the public growing-areas items.

import { ApiError, call } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { number } from "/static/common/format.js";
import { createAreasMap } from "./areasmap.js";
import { clearErrors, fieldError, placeErrors, statusText } from "./errors.js";
import { lang, t, word } from "./i18n.js";

const form = () => $("#lot-form");
let ctx = null;       // {config, coopId, notify, openLot, selectTab}
let areas = [];       // the cooperative's areas (id, code, name, crop, status, citable)
let products = [];
let areasMap = null;
let editing = null;   // {lot, etag} while correcting

export function initLotForm(context) {
  ctx = context;
  const f = form();
  f.unit.replaceChildren(...ctx.config.units.map((u) => el("option", { value: u }, word("unit", u))));
  f.certification.replaceChildren(...ctx.config.certifications.map((c) => el("option", { value: c }, word("cert", c))));
  f.certification.addEventListener("change", certDates);
  f.addEventListener("submit", submit);
  $("#lot-cancel").addEventListener("click", () => { const lot = editing && editing.lot; endEdit(); if (lot) ctx.openLot(lot.id); });
  $("#area-list").addEventListener("change", () => areasMap && areasMap.choose(chosenAreas()));
  certDates();
}

function certDates() {
  const f = form();
  $("#cert-dates").hidden = f.certification.value === "none";
}

export function setProducts(list) {
  products = list;
  const options = list.map((p) => el("option", { value: String(p.id) }, p.properties.name));
  form().product_id.replaceChildren(el("option", { value: "" }, t("f.productChoose")), ...options);
  if (list.length === 1) form().product_id.value = String(list[0].id);
}

export function productOf(id) { return products.find((p) => p.id === id); }

export async function loadAreas() {
  const { body } = await call("GET", `/staff/api/cooperatives/${ctx.coopId}/growing-areas`);
  areas = body.growing_areas;
  renderAreas([]);
}

// The map is made when the form is first shown (a map in a hidden box has no size).
export async function showMap() {
  if (areasMap) { areasMap.resize(); return; }
  areasMap = createAreasMap($("#areas-map"), ctx.config.styleUrl, toggleArea);
  window.lotsMap = areasMap.map;  // for tests (read-only use)
  areasMap.choose(chosenAreas());
  // Shapes of the areas that hold a code (public items); an area without one is listed only.
  try {
    const q = new URLSearchParams({ filter: `cooperative_id=${ctx.coopId}`, limit: "1000", f: "json" });
    const { body: shapes } = await call("GET", `/collections/growing_areas/items?${q}`);
    const byId = new Map(areas.map((a) => [a.id, a]));
    const features = (shapes.features || []).filter((f) => byId.has(f.id)).map((f) => ({
      type: "Feature", id: f.id, geometry: f.geometry,
      properties: { code: byId.get(f.id).code || "", status: byId.get(f.id).status } }));
    await areasMap.show({ type: "FeatureCollection", features });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
  }
  document.body.dataset.mapReady = "true";
}

function areaLabel(a) {
  return a.code || a.name || `#${a.id}`;
}

function renderAreas(checked) {
  const allowed = new Set(checked);
  const items = areas.map((a) => {
    const usable = a.citable || allowed.has(a.id);
    const box = el("input", { type: "checkbox", name: "area", value: String(a.id) });
    box.checked = allowed.has(a.id);
    box.disabled = !usable;
    const crop = a.crop ? word("crop", a.crop) : "";
    const status = el("span", { class: `status ${a.status}` }, word("areaStatus", a.status));
    const why = usable ? [] : [el("small", { class: "why" }, t("f.areaNotCitable"))];
    return el("li", { dataset: { id: String(a.id), citable: String(a.citable) } },
      el("label", { class: "check area" }, box,
        el("span", { class: "area-text" }, el("strong", { class: "code" }, areaLabel(a)),
          a.code && a.name ? el("span", {}, a.name) : "", crop ? el("span", { class: "hint" }, crop) : "", status, ...why)));
  });
  $("#area-list").replaceChildren(...items);
  $("#areas-none").hidden = areas.some((a) => a.citable);
  if (areasMap) areasMap.choose(checked);
}

function chosenAreas() {
  return [...document.querySelectorAll("#area-list input[name=area]:checked")].map((b) => Number(b.value));
}

function toggleArea(id) {
  const box = document.querySelector(`#area-list input[value="${id}"]`);
  if (!box || box.disabled) return;
  box.checked = !box.checked;
  areasMap.choose(chosenAreas());
}

// "1.200,5" (vi) or "1,200.5" (en) → "1200.5"; null when it is not a positive number.
export function parseQuantity(text) {
  let s = String(text || "").replace(/\s/g, "");
  s = lang() === "vi" ? s.replace(/\./g, "").replace(",", ".") : s.replace(/,/g, "");
  if (!/^\d+(\.\d+)?$/.test(s) || Number(s) <= 0) return null;
  return s;
}

// The form's values as the API takes them; field errors said here for what the browser can tell.
function read() {
  const f = form();
  const values = {
    product_id: f.product_id.value ? Number(f.product_id.value) : null,
    lot_code: f.lot_code.value.trim(),
    quantity: parseQuantity(f.quantity.value),
    unit: f.unit.value,
    harvest_date: f.harvest_date.value || null,
    growing_area_ids: chosenAreas(),
    certification: f.certification.value,
    certification_valid_from: f.certification.value === "none" ? null : (f.certification_valid_from.value || null),
    certification_valid_to: f.certification.value === "none" ? null : (f.certification_valid_to.value || null),
    confidential_quantity: f.confidential_quantity.checked,
  };
  const missing = [];
  if (!editing && !values.product_id) missing.push(["product_id", t("f.need.product")]);
  if (!editing && !values.lot_code) missing.push(["lot_code", t("f.need.lotCode")]);
  if (!values.quantity) missing.push(["quantity", t("f.need.quantity")]);
  if (!values.harvest_date) missing.push(["harvest_date", t("f.need.harvest")]);
  if (!values.growing_area_ids.length) missing.push(["growing_area_ids", t("f.need.areas")]);
  if (values.certification !== "none" && !values.certification_valid_from) missing.push(["certification_valid_from", t("f.need.certDate")]);
  if (values.certification !== "none" && !values.certification_valid_to) missing.push(["certification_valid_to", t("f.need.certDate")]);
  for (const [field, text] of missing) fieldError(f, field, text);
  return missing.length ? null : values;
}

// Only what differs from the lot read (a correction sends the fields it changes).
function changes(values, lot) {
  const out = {};
  const same = (a, b) => (a ?? null) === (b ?? null);
  if (Number(values.quantity) !== Number(lot.quantity)) out.quantity = values.quantity;
  for (const k of ["unit", "harvest_date", "certification", "certification_valid_from", "certification_valid_to",
    "confidential_quantity"]) {
    if (!same(values[k], lot[k])) out[k] = values[k];
  }
  const had = [...(lot.growing_area_ids || [])].sort((a, b) => a - b).join(",");
  if ([...values.growing_area_ids].sort((a, b) => a - b).join(",") !== had) out.growing_area_ids = values.growing_area_ids;
  return out;
}

async function submit(event) {
  event.preventDefault();
  const f = form();
  clearErrors(f);
  say($("#form-message"), "");
  const values = read();
  if (!values) {
    const first = f.querySelector("[aria-invalid=true]");
    if (first) first.focus();
    say($("#form-message"), t("form.fix"), { error: true });
    return;
  }
  try {
    let body;
    if (editing) {
      const patch = changes(values, editing.lot);
      if (!Object.keys(patch).length) { say($("#form-message"), t("form.unchanged")); return; }
      ({ body } = await call("PATCH", `/collections/harvest_lots/items/${editing.lot.id}`,
        { json: patch, headers: { "If-Match": editing.etag } }));
      endEdit();
      ctx.notify(t("form.corrected", { lot: body.lot_code }));
    } else {
      ({ body } = await call("POST", "/collections/harvest_lots/items", { json: values }));
      f.reset();
      renderAreas([]);
      certDates();
      ctx.notify(t("form.registered", { lot: body.lot_code }));
    }
    await ctx.openLot(body.id, { keepNotice: true });
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 412) {
      say($("#form-message"), t("err.412"), { error: true, extra: [" ", el("button", { type: "button", id: "form-reload",
        onclick: () => startEdit(editing.lot.id) }, t("form.reload"))] });
      $("#form-message").querySelector("button").focus();
      return;
    }
    const rest = err.status === 422 || err.status === 400 || err.status === 409
      ? placeErrors(f, err, { fallbackField: editing ? null : "lot_code" }) : statusText(err);
    say($("#form-message"), rest || t("form.fix"), { error: true });
    if (err.body && err.body.where && areasMap) areasMap.choose(chosenAreas());
  }
}

// Open the form on a lot to correct it, read fresh (its ETag with it).
export async function startEdit(lotId) {
  const { body: lot, etag } = await call("GET", `/staff/api/harvest-lots/${lotId}`);
  editing = { lot, etag };
  const f = form();
  clearErrors(f);
  say($("#form-message"), "");
  $("#form-title").textContent = t("form.correctTitle", { lot: lot.lot_code });
  f.product_id.value = String(lot.product_id);
  f.product_id.disabled = f.lot_code.disabled = true;
  f.lot_code.value = lot.lot_code;
  f.quantity.value = number(lot.quantity, lang(), 3).replace(/\s/g, "");
  f.unit.value = lot.unit;
  f.harvest_date.value = lot.harvest_date;
  f.certification.value = lot.certification || "none";
  f.certification_valid_from.value = lot.certification_valid_from || "";
  f.certification_valid_to.value = lot.certification_valid_to || "";
  f.confidential_quantity.checked = Boolean(lot.confidential_quantity);
  certDates();
  renderAreas(lot.growing_area_ids || []);
  $("#lot-save").textContent = t("form.saveCorrection");
  $("#lot-cancel").hidden = false;
  ctx.selectTab("new", { keepEdit: true });
  f.dataset.mode = "correct";  // filled: the tests wait for this
  f.quantity.focus();
}

export function isEditing() { return Boolean(editing); }

export function endEdit() {
  if (!editing) return;
  editing = null;
  const f = form();
  f.reset();
  f.dataset.mode = "new";
  f.product_id.disabled = f.lot_code.disabled = false;
  if (products.length === 1) f.product_id.value = String(products[0].id);
  $("#form-title").textContent = t("form.newTitle");
  $("#lot-save").textContent = t("form.register");
  $("#lot-cancel").hidden = true;
  clearErrors(f);
  say($("#form-message"), "");
  renderAreas([]);
  certDates();
}

export function resizeMap() { if (areasMap) areasMap.resize(); }

// An area's code (its name when it has none yet) by id, for the lot view and its history.
export function areaName(id) {
  const a = areas.find((x) => x.id === id);
  return a ? areaLabel(a) : `#${id}`;
}
