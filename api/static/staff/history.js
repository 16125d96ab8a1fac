// An area's history: who changed it, when, and each field before → after (newest first), from
// GET …/items/{id}/history; and the whole record as it stood at the end of a chosen day
// (GET /staff/api/growing-areas/{id}?as_of=).

import { ApiError, call, errorText } from "./api.js";
import { $, el } from "./dom.js";
import { day as dayWords, number } from "/static/common/format.js";
import { known, lang, t } from "./i18n.js";

const ITEMS = "/collections/growing_areas/items";
// The fields a person reads, in form order; bookkeeping columns (ids, timestamps, versions) are not shown.
export const FIELDS = ["name", "code", "status", "crop", "variety", "commune_code", "address", "cooperative_id",
  "owner_name", "owner_phone", "households_count", "expected_output_tonnes", "certification", "farming_diary",
  "residue_monitoring", "target_markets", "valid_from", "valid_to", "area_ha", "status_note", "geom"];
let current = null;  // the feature whose history is open
let names = (field, value) => value;  // code → readable name (crops, communes), from the page
let showPast = () => false;  // draws the past boundary on the map

// The lifecycle steps (geo.lifecycle.STEPS: sources → target), to name each recorded change.
let steps = {};
export function setSteps(table) { steps = table || {}; }

export function show(field, value, named = names) {
  if (value === null || value === undefined || (Array.isArray(value) && !value.length)) return t("empty");
  if (field === "status") return t(`status.${value}`);
  if (field === "certification") return t(`cert.${value}`);
  if (field === "area_ha" || field === "expected_output_tonnes") return number(value, lang(), 2);
  if (field === "valid_from" || field === "valid_to") return dayWords(value, lang());
  if (typeof value === "boolean") return t(value ? "yes" : "no");
  if (Array.isArray(value)) return value.join(", ");
  return String(named(field, value));
}

// What a change was: created, a lifecycle step by its name (submit by its own words, not "Sửa"), the code
// lapsing by itself, an edit, or a deletion.
export function actionOf(e) {
  if (e.operation !== "UPDATE") return t(`history.${e.operation}`);
  const before = (e.before || {}).status, after = (e.after || {}).status;
  if (e.changed.includes("status") || e.changed.includes("valid_to") || e.changed.includes("code")) {
    if (after === "expired" && before !== "expired") return t("history.expired");
    const step = Object.entries(steps).find(([, s]) => s.target === after && s.sources.includes(before)
      && (before !== after || e.changed.includes("valid_to")));
    if (step) return t(`action.${step[0]}`);
  }
  return t("history.edit");
}

// The server reads "as of" days in Vietnam time (UTC+7), whatever the browser's own zone.
function vietnamToday() {
  return new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);
}

function when(iso) {
  return new Date(iso).toLocaleString(lang() === "en" ? "en-GB" : "vi-VN", { dateStyle: "medium", timeStyle: "short", timeZone: "Asia/Ho_Chi_Minh" });
}

function changeRow(field, before, after, withBefore) {
  if (field === "geom") {
    return el("tr", { dataset: { field } }, el("th", {}, t("field.geom")), el("td", { colspan: "3" }, t("history.boundary")));
  }
  return el("tr", { dataset: { field } }, el("th", {}, t(`field.${field}`)),
    el("td", { class: "before" }, withBefore ? show(field, before) : ""), el("td", {}, withBefore ? "→" : ""),
    el("td", { class: "after" }, show(field, after)));
}

function entry(e) {
  const fields = FIELDS.filter((f) => e.changed.includes(f));
  const withBefore = e.operation !== "INSERT";
  const head = el("p", { class: "when" }, el("strong", {}, actionOf(e)), ` · ${when(e.changed_at)}`,
    e.changed_by ? el("span", { class: "who" }, ` · ${e.changed_by}`) : "");
  const rows = fields.map((f) => changeRow(f, (e.before || {})[f], (e.after || {})[f], withBefore));
  return el("li", { dataset: { operation: e.operation } }, head, rows.length ? el("table", { class: "changes" }, ...rows) : "");
}

export async function openHistory(feature, { selectTab, notify, names: named, showPast: draw }) {
  current = feature;
  if (named) names = named;
  if (draw) showPast = draw;
  $("#history-title").textContent = t("history.title", { name: feature.properties.name || `#${feature.id}` });
  $("#as-of-result").replaceChildren();
  const input = $("#as-of-form [name=as_of]");
  input.value = input.max = vietnamToday();
  $("#history-list").replaceChildren();
  selectTab("history");
  try {
    const { body } = await call("GET", `${ITEMS}/${feature.id}/history`);
    const items = body.entries.slice().reverse().map(entry);
    $("#history-list").replaceChildren(...(items.length ? items : [el("li", { class: "hint" }, t("history.empty"))]));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    notify(errorText(err, t, known), true);
  }
}

export async function showAsOf(event) {
  event.preventDefault();
  const day = new FormData(event.target).get("as_of");
  const box = $("#as-of-result");
  try {
    const { body } = await call("GET", `/staff/api/growing-areas/${current.id}?as_of=${encodeURIComponent(day)}`);
    const p = body.properties;
    const rows = FIELDS.filter((f) => f !== "geom" && f in p).map((f) =>
      el("tr", { dataset: { field: f } }, el("th", {}, t(`field.${f}`)), el("td", {}, show(f, p[f]))));
    box.replaceChildren(el("p", {}, t("history.asOfTitle", { day: dayWords(day, lang()) })), el("table", { class: "as-of" }, ...rows));
    box.dataset.drawn = String(showPast(p.geom));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    showPast(null);
    box.dataset.drawn = "false";
    box.replaceChildren(el("p", { class: "error" }, err.status === 404 ? t("history.notYet", { day: dayWords(day, lang()) }) : errorText(err, t, known)));
  }
}
