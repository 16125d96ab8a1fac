// A route's stops and track on /staff/tourism: its stops are published places in order (chosen
// from the public items, so only what the API accepts is offered; added, moved, removed, saved
// with If-Match), and its line can come from a GPX/KML/KMZ file (PUT …/track with If-Match and the
// stops), after which the page shows the length the server measured and, when the file had
// heights, the elevation profile as a small chart and a link to the route's page.

import { call } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { LANG } from "/static/common/i18n.js";

const SVG = "http://www.w3.org/2000/svg";
let routeId = null;
let stops = []; // place ids in order
let names = new Map(); // published place id → name
let t = (key) => key;
let errorText = (err) => String(err);
let afterChange = () => {};

function state(text, error = false) { say($("#stops-state"), text, { error }); }

function nameOf(p) { return (LANG === "en" ? (p.name_en || p.name_vi) : (p.name_vi || p.name_en)) || "—"; }

const label = (id) => names.get(id) ?? t("stop.unknown", { id });

function stopRow(id, i) {
  const tool = (action, text, onclick, disabled = false) => {
    const b = el("button", { type: "button", "data-stop-action": action,
      "aria-label": t(`stop.${action}Label`, { name: label(id) }), onclick }, text);
    b.disabled = disabled;
    return b;
  };
  return el("li", { "data-place-id": String(id) }, el("span", { class: "stop-name" }, label(id)),
    el("div", { class: "photo-tools" },
      tool("up", t("photo.up"), () => moveStop(i, -1), i === 0),
      tool("down", t("photo.down"), () => moveStop(i, 1), i === stops.length - 1),
      tool("remove", t("stop.remove"), () => removeStop(i))));
}

function drawStops(focus = null) {
  $("#stop-list").replaceChildren(...stops.map(stopRow));
  $("#stops-empty").hidden = stops.length > 0;
  const choice = $("#stop-choice");
  const free = [...names].filter(([id]) => !stops.includes(id));
  choice.replaceChildren(...free.map(([id, name]) => el("option", { value: String(id) }, name)));
  $("#stop-add").disabled = free.length === 0;
  if (focus) {
    const [id, action] = focus;
    const b = $(`#stop-list li[data-place-id="${id}"] button[data-stop-action="${action}"]`);
    (b && !b.disabled ? b : $(`#stop-list li[data-place-id="${id}"] button:not([disabled])`))?.focus();
  }
}

function moveStop(i, by) {
  const j = i + by;
  if (j < 0 || j >= stops.length) return;
  [stops[i], stops[j]] = [stops[j], stops[i]];
  drawStops([stops[j], by < 0 ? "up" : "down"]);
  state(t("stop.unsaved"));
}

function removeStop(i) {
  stops.splice(i, 1);
  drawStops();
  $("#stop-choice").focus();
  state(t("stop.unsaved"));
}

function addStop() {
  const id = Number($("#stop-choice").value);
  if (!id || stops.includes(id)) return;
  stops.push(id);
  drawStops();
  $("#stop-choice").focus();
  state(t("stop.unsaved"));
}

async function etag() {
  return (await call("GET", `/staff/api/tourism/tourism_routes/${routeId}`)).etag;
}

async function saveStops() {
  try {
    await call("PATCH", `/collections/tourism_routes/items/${routeId}`,
      { json: { type: "Feature", properties: { place_ids: stops } }, headers: { "If-Match": await etag() } });
    state(t("stop.saved"));
    afterChange();
  } catch (err) {
    state(errorText(err), true);
  }
}

function profileChart(profile) {
  const d = profile.distance_m, h = profile.elevation_m;
  const width = 320, height = 90, top = Math.max(...h), bottom = Math.min(...h), far = d[d.length - 1] || 1;
  const span = Math.max(top - bottom, 1);
  const points = d.map((x, i) => `${(x / far * width).toFixed(1)},${(height - 4 - (h[i] - bottom) / span * (height - 8)).toFixed(1)}`);
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "profile-preview");
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("track.profile", { low: Math.round(profile.lowest_m), high: Math.round(profile.highest_m),
    climb: Math.round(profile.climb_m) }));
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("points", points.join(" "));
  svg.append(line);
  return svg;
}

function showTrack(done) {
  const out = [el("p", { class: "track-length" }, t("track.length", {
    km: done.length_km.toLocaleString(LANG, { maximumFractionDigits: 2 }), points: done.points_read }))];
  for (const note of done.notes || []) out.push(el("p", { class: "note" }, note));
  if (done.pending) out.push(el("p", { class: "pending" }, t("pending")));
  if (done.profile) {
    out.push(el("p", { class: "profile-words" }, t("track.profile", { low: Math.round(done.profile.lowest_m),
      high: Math.round(done.profile.highest_m), climb: Math.round(done.profile.climb_m) })));
    out.push(profileChart(done.profile));
  } else {
    out.push(el("p", {}, t("track.noHeights")));
  }
  out.push(el("p", {}, el("a", { href: `/tourism/routes/${routeId}?lang=${LANG}`, class: "route-page" }, t("track.page"))));
  $("#track-result").replaceChildren(...out);
}

async function importTrack(event) {
  event.preventDefault();
  const formNode = event.target;
  const form = new FormData(formNode);
  const file = form.get("file");
  if (!file || !file.size) { say($("#track-result"), t("track.noFile"), { error: true }); return; }
  if (stops.length) form.set("stops", stops.join(","));
  const submit = formNode.querySelector("button[type=submit]");
  submit.disabled = true;
  say($("#track-result"), t("track.reading"));
  try {
    const { body } = await call("PUT", `/collections/tourism_routes/items/${routeId}/track`,
      { form, headers: { "If-Match": await etag() } });
    formNode.reset();
    stops = body.place_ids || stops;
    drawStops();
    state(t("stop.saved"));
    showTrack(body);
    afterChange();
  } catch (err) {
    say($("#track-result"), errorText(err), { error: true });
  } finally {
    submit.disabled = false;
  }
}

// Open on one route: its stops (from the staff view) and the published places to choose from.
export async function manageRoute(id, words, errors, changed) {
  routeId = id;
  t = words;
  errorText = errors;
  afterChange = changed;
  stops = [];
  $("#track-form").reset();
  $("#track-result").replaceChildren();
  state("");
  try {
    const [{ body: route }, { body: places }] = await Promise.all([
      call("GET", `/staff/api/tourism/tourism_routes/${id}`),
      call("GET", "/collections/tourism_places/items?limit=2000")]);
    names = new Map(places.features.map((f) => [Number(f.id), nameOf(f.properties)])
      .sort((a, b) => a[1].localeCompare(b[1], LANG)));
    stops = (route.properties.place_ids || []).map(Number);
  } catch (err) {
    state(errorText(err), true);
  }
  drawStops();
}

export function routeTools() {
  $("#stop-add").addEventListener("click", addStop);
  $("#stops-save").addEventListener("click", saveStops);
  $("#track-form").addEventListener("submit", importTrack);
}
