// The tourism page under /staff (/staff/tourism, issue 14): sign in with the staff session, then
// my places, routes and events with their lifecycle buttons, a new place placed on the map, and
// for tourism staff the moderation queue. A place's or route's manager (edit.js, photos.js,
// track.js) edits its details, its photos and a route's stops and track. It talks only to the
// JSON API (api/routes/tourism_writes.py, tourism_photos.py, tourism_route_files.py).

import { call, setCsrf, whenLoggedOut } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { LANG, has, t as catalogue } from "/static/common/i18n.js";
import { routeMap, saveEvent, saveRoute, setPlaces } from "./forms.js";
import { editListing, editTools } from "./edit.js";
import { managePhotos, photoManager } from "./photos.js";
import { manageRoute, routeTools } from "./track.js";

const config = JSON.parse(document.getElementById("tourism-config").textContent);
const WORDS = (config.words || {})[LANG] || {};
const COLLECTIONS = ["tourism_places", "tourism_routes", "tourism_events"];
const WRITERS = ["tourism_promoter", "tourism_staff", "admin"];
const MODERATORS = ["tourism_staff", "admin"];
let me = null;
let map = null;
let marker = null;

const t = (key, values = {}) => catalogue(`tourism_staff.${key}`, values);
const word = (prefix, code) => WORDS[`${prefix}.${code}`] ?? String(code ?? "");

function show(view) {
  for (const [id, name] of [["#login-view", "login"], ["#work-view", "work"], ["#other-role", "other"]]) $(id).hidden = view !== name;
  $("#logout").hidden = $("#who").hidden = view === "login";
}

function notify(text, error = false) { say($("#notice"), text, { error }); }

function errorText(err) {
  const key = `err.${err.status}`;
  if (has(`tourism_staff.${key}`) && ![400, 422].includes(err.status)) return t(key);
  return t("error") + err.message;
}

function nameOf(p) {
  return (LANG === "vi" ? (p.name_vi || p.name_en) : (p.name_en || p.name_vi)) || "—";
}

async function step(collection, id, action) {
  try {
    const { etag } = await call("GET", `/staff/api/tourism/${collection}/${id}`);
    await call("POST", `/collections/${collection}/items/${id}/actions/${action}`, { headers: { "If-Match": etag } });
    notify(t("done", { action: word("action", action) }));
  } catch (err) {
    notify(errorText(err), true);
  }
  await loadLists();
}

function card(collection, feature) {
  const p = feature.properties;
  const buttons = (p.actions || []).map((a) => el("button", { type: "button", "data-action": a, onclick: () => step(collection, feature.id, a) },
    word("action", a)));
  const item = el("li", { "data-id": String(feature.id), "data-collection": collection },
    el("strong", {}, nameOf(p)), el("span", { class: "status" }, word("status", p.status)));
  if (p.pending) item.append(el("p", { class: "pending" }, t("pending")));
  if (p.status_note) item.append(el("p", { class: "note" }, t("note", { note: p.status_note })));
  if (collection !== "tourism_events" && (p.owner === me.name || MODERATORS.includes(me.role))) {
    buttons.push(el("button", { type: "button", "data-manage": "true", onclick: () => manage(collection, feature) },
      t(collection === "tourism_routes" ? "manageRoute" : "managePlace")));
  }
  item.append(el("div", {}, ...buttons));
  return item;
}

// The manager of one place or route: its photos and, for a route, its stops and track.
async function manage(collection, feature) {
  $("#manage").hidden = false;
  $("#manage").dataset.ready = "false";
  $("#manage").dataset.collection = collection;
  $("#manage").dataset.id = String(feature.id);
  $("#manage-title").textContent = t("manageTitle", { name: nameOf(feature.properties) });
  $("#route-box").hidden = collection !== "tourism_routes";
  $("#manage").scrollIntoView();
  $("#manage-title").focus();
  const jobs = [editListing(collection, feature.id, t, errorText, loadLists), managePhotos(collection, feature.id, t, errorText)];
  if (collection === "tourism_routes") jobs.push(manageRoute(feature.id, t, errorText, loadLists));
  await Promise.all(jobs);
  $("#manage").dataset.ready = "true";
}

function closeManager() {
  const { collection, id } = $("#manage").dataset;
  $("#manage").hidden = true;
  $("#manage").dataset.ready = "false";
  $(`#mine li[data-collection="${collection}"][data-id="${id}"] button[data-manage]`)?.focus();
}

async function fill(list, empty, query) {
  const items = [];
  for (const c of COLLECTIONS) {
    const { body } = await call("GET", `/staff/api/tourism/${c}?${query}`);
    for (const f of body.features) items.push(card(c, f));
    if (list === "#mine" && c === "tourism_places") setPlaces(body.features, nameOf);
  }
  $(list).replaceChildren(...items);
  $(empty).hidden = items.length > 0;
}

async function loadLists() {
  try {
    const moderator = MODERATORS.includes(me.role);
    await fill("#mine", "#mine-empty", moderator ? "limit=200" : "mine=true");
    $("#queue-box").hidden = !moderator;
    if (moderator) await fill("#queue", "#queue-empty", "queue=true");
    document.body.dataset.ready = "true";
  } catch (err) {
    notify(errorText(err), true);
  }
}

function place(lngLat) {
  $("#place-form [name=lon]").value = lngLat.lng.toFixed(6);
  $("#place-form [name=lat]").value = lngLat.lat.toFixed(6);
  if (!marker) marker = new maplibregl.Marker().setLngLat(lngLat).addTo(map);
  else marker.setLngLat(lngLat);
}

function showMap() {
  if (map || typeof maplibregl === "undefined") return;
  routeMap(config.styleUrl, (n) => { $("#route-state").textContent = n ? t("routeDrawn", { n }) : ""; });
  map = new maplibregl.Map({ container: "map", style: config.styleUrl, center: [105.0, 19.2], zoom: 8,
    attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false });
  map.on("click", (e) => place(e.lngLat));
  window.tourismMap = map;
}

async function save(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const props = { kind: form.get("kind") };
  for (const k of ["name_vi", "name_en", "description_vi", "phone", "zalo", "website"]) {
    const v = String(form.get(k) || "").trim();
    if (v) props[k] = v;
  }
  for (const k of ["wifi", "parking", "accessible"]) props[k] = form.get(k) === "on";
  const coordinates = [Number(form.get("lon")), Number(form.get("lat"))];
  try {
    await call("POST", "/collections/tourism_places/items", { json: { type: "Feature", properties: props,
      geometry: { type: "Point", coordinates } } });
    event.target.reset();
    notify(t("saved"));
  } catch (err) {
    notify(errorText(err), true);
  }
  await loadLists();
}

function saving(saveFn) {
  return async (event) => {
    event.preventDefault();
    try {
      await saveFn(event.target);
      notify(t("saved"));
    } catch (err) {
      notify(errorText(err), true);
    }
    await loadLists();
  };
}

async function enter(body) {
  me = body;
  setCsrf(me.csrf_token || null);
  $("#who").textContent = `${me.name} · ${word("role", me.role)}`;
  if (!WRITERS.includes(me.role)) {
    show("other");
    document.body.dataset.ready = "true";
    return;
  }
  show("work");
  showMap();
  await loadLists();
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
    $("#login-error").textContent = err.status === 401 ? t("loginFailed") : errorText(err);
  }
}

async function logout() {
  await call("POST", "/auth/logout");
  setCsrf(null);
  me = null;
  $("#manage").hidden = true;
  show("login");
}

$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", logout);
$("#place-form").addEventListener("submit", save);
$("#route-form").addEventListener("submit", saving(saveRoute));
$("#event-form").addEventListener("submit", saving(saveEvent));
$("#manage-close").addEventListener("click", closeManager);
editTools();
photoManager();
routeTools();
whenLoggedOut(() => show("login"));
if (config.me) enter(config.me);
else { show("login"); document.body.dataset.ready = "true"; }
