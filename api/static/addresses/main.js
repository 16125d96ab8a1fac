// /staff/addresses: place, move, verify, split, merge and retire household points in the field,
// on a phone, with or without a connection. Every edit goes through the queue (store.js,
// sync.js): applied on the map at once, sent when the server can be reached.

import { LANG, t } from "/static/common/i18n.js";
import { number } from "/static/common/format.js";
import * as conflicts from "./conflicts.js";
import { createMap } from "./map.js";
import * as panel from "./panel.js";
import * as store from "./store.js";
import * as sync from "./sync.js";
import { absorb, displayed } from "./view.js";

const P = "addresses_field.page.";
const config = JSON.parse(document.getElementById("addresses-config").textContent);
const words = config.words;
const $ = (sel) => document.querySelector(sel);
const ui = { map: null, commune: null, communes: [], fix: null, selected: null, tap: null };

function say(text, error = false) {
  $("#message").textContent = text;
  $("#message").className = error ? "error" : "";
}

function show(view) {
  $("#login-view").hidden = view !== "login";
  $("#work-view").hidden = view !== "work";
}

function status() {
  const s = store.get();
  const online = navigator.onLine;
  const parts = [t(online ? `${P}online` : `${P}offline`)];
  parts.push(s.queue.length ? t(`${P}waiting`, { n: s.queue.length }) : t(`${P}allSent`));
  $("#sync").textContent = parts.join(" · ");
  $("#sync").dataset.pending = String(s.queue.length);
  $("#sync").dataset.online = String(online);
}

export function render() {
  const features = ui.commune ? displayed(ui.commune) : [];
  if (ui.map) ui.map.show(features, ui.selected);
  status();
  conflicts.render({ words, showMarks: (m) => ui.map && ui.map.showMarks(m),
    onKeepMine: (i) => { conflicts.keepMine(i); say(""); render(); sync.flush(); },
    onKeepTheirs: (i) => { const c = conflicts.keepTheirs(i); if (c.theirs) absorb(ui.commune, c.theirs); say(""); render(); },
    onDismiss: (i) => { conflicts.dismiss(i); render(); } });
  panel.list(features, { words, select });
  panel.selected(features.find((f) => String(f.id) === String(ui.selected)) || null, words);
  document.body.dataset.ready = "true";
}

function select(id) {
  ui.selected = id;
  render();
  const f = displayed(ui.commune).find((x) => String(x.id) === String(id));
  if (f && ui.map) ui.map.map.easeTo({ center: f.geometry.coordinates, zoom: Math.max(ui.map.map.getZoom(), 17), duration: 0 });
  panel.loadPrivate(store.serverId(id));
  $("#sel-code").focus();
}

// An edit: queued (so it survives a reload), shown at once, sent when possible.
function edit(kind, target, body, { local = null } = {}) {
  const s = store.get();
  const f = target == null ? null : displayed(ui.commune).find((x) => String(x.id) === String(target));
  const sid = store.serverId(target);
  store.enqueue({ key: store.uuid(), kind, target, body, local, commune: ui.commune,
    code: f ? f.properties.address_code : null,
    ifMatch: sid != null ? (s.etags[sid] || (f && f.properties.etag) || null) : null,
    before: f ? { coordinates: f.geometry.coordinates, verified: f.properties.verified } : null });
  render();
  sync.flush();
}

function place(point) {
  const local = `local:${store.uuid()}`;
  edit("create", null, { point }, { local });
  ui.selected = local;
  panel.loadPrivate(null);
  say(t(`${P}placed`));
  render();
}

const fixPoint = () => ({ lon: ui.fix.lon, lat: ui.fix.lat, accuracy_m: ui.fix.accuracy, source: "gps" });

function locate() {
  if (!navigator.geolocation) { say(t(`${P}noGps`), true); return; }
  $("#fix").textContent = t(`${P}locating`);
  navigator.geolocation.getCurrentPosition((pos) => {
    ui.fix = { lon: pos.coords.longitude, lat: pos.coords.latitude, accuracy: pos.coords.accuracy };
    const good = ui.fix.accuracy <= config.maxAccuracyM;
    $("#fix").textContent = t(good ? `${P}fix` : `${P}fixPoor`, { m: number(ui.fix.accuracy, LANG, 0), max: config.maxAccuracyM });
    $("#fix").className = good ? "" : "error";
    $("#place-fix").disabled = !good;
    $("#move-fix").disabled = !good;
    ui.map.showFix(ui.fix);
    ui.map.map.easeTo({ center: [ui.fix.lon, ui.fix.lat], zoom: Math.max(ui.map.map.getZoom(), 17), duration: 0 });
  }, (err) => {
    $("#fix").textContent = t(`${P}gpsError`, { reason: err.message || String(err.code) });
    $("#fix").className = "error";
  }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
}

function tapMode(kind) {
  ui.tap = ui.tap === kind ? null : kind;
  $("#tap-mode").setAttribute("aria-pressed", String(ui.tap === "place"));
  $("#move-tap").setAttribute("aria-pressed", String(ui.tap === "move"));
  ui.map.map.getCanvas().style.cursor = ui.tap ? "crosshair" : "";
  if (ui.tap) {
    say(t(ui.tap === "place" ? `${P}tapHint` : `${P}moveHint`));
    $("#map-wrap").scrollIntoView({ block: "nearest" });  // on a phone the buttons are below the map
  }
}

function onMapClick(e) {
  const point = { lon: e.lngLat.lng, lat: e.lngLat.lat, source: "map" };
  if (ui.tap === "place") { tapMode("place"); place(point); return; }
  if (ui.tap === "move" && ui.selected != null) { tapMode("move"); edit("edit", ui.selected, { point }); say(t(`${P}moved`)); return; }
  const hit = ui.map.map.queryRenderedFeatures(e.point, { layers: ["hh"] });
  if (hit.length) select(hit[0].properties.key);
}

async function loadCommune(code) {
  ui.commune = code;
  store.get().commune = code;
  store.save();
  const area = ui.communes.find((c) => c.code === code);
  if (area && ui.map) ui.map.fit(area.bbox);
  try {
    const r = await sync.request("GET", `/staff/api/households?commune=${encodeURIComponent(code)}&limit=10000`);
    if (r.ok) store.rememberList(code, r.body.features);
    else say(r.body.description || "", true);
  } catch (err) {
    if (!(err instanceof sync.Offline)) throw err;
    say(t(`${P}cached`));
  }
  render();
}

async function enter(me) {
  sync.setCsrf(me.csrf_token || null);
  $("#who").textContent = `${me.name} · ${words[`role.${me.role}`] || me.role}`;
  $("#who").hidden = $("#logout").hidden = false;
  show("work");
  ui.map = ui.map || await createMap($("#map"), config);
  window.addressMap = ui.map.map;
  ui.map.map.on("click", onMapClick);
  let communes = [];
  try {
    const r = await sync.request("GET", "/staff/api/address-communes");
    communes = r.ok ? r.body.communes : [];
    localStorage.setItem("ntm.addresses.communes", JSON.stringify(communes));
  } catch {
    communes = JSON.parse(localStorage.getItem("ntm.addresses.communes") || "[]");
  }
  ui.communes = communes;
  const name = (c) => (LANG === "en" ? c.name_en || c.name_vi : c.name_vi) + ` (${c.code})`;
  $("#commune").replaceChildren(...communes.map((c) => new Option(name(c), c.code)));
  const start = communes.find((c) => c.code === store.get().commune) || communes[0];
  if (start) { $("#commune").value = start.code; await loadCommune(start.code); }
  sync.flush();
}

async function login(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  $("#login-error").textContent = "";
  const r = await sync.request("POST", "/auth/login", { json: { username: form.get("username"), password: form.get("password") } })
    .catch(() => ({ ok: false, status: 0, body: {} }));
  if (r.ok) await enter(r.body);
  else $("#login-error").textContent = r.status === 401 ? t(`${P}loginFailed`) : (r.body.description || t(`${P}offline`));
}

function wire() {
  $("#login-form").addEventListener("submit", login);
  $("#logout").addEventListener("click", async () => {
    await sync.request("POST", "/auth/logout").catch(() => null);
    location.reload();
  });
  $("#commune").addEventListener("change", (e) => loadCommune(e.target.value));
  $("#locate").addEventListener("click", locate);
  $("#place-fix").addEventListener("click", () => ui.fix && place(fixPoint()));
  $("#tap-mode").addEventListener("click", () => tapMode("place"));
  $("#place-centre").addEventListener("click", () => {
    const c = ui.map.map.getCenter();
    place({ lon: c.lng, lat: c.lat, source: "map" });
  });
  $("#verify").addEventListener("click", () => { edit("edit", ui.selected, { verified: true }); say(t(`${P}verifiedNow`)); });
  $("#move-fix").addEventListener("click", () => { if (ui.fix) { edit("edit", ui.selected, { point: fixPoint() }); say(t(`${P}moved`)); } });
  $("#move-tap").addEventListener("click", () => tapMode("move"));
  $("#split").addEventListener("click", () => {
    const local = `local:${store.uuid()}`;
    edit("split", ui.selected, {}, { local });
    ui.selected = local;
    panel.loadPrivate(null);
    say(t(`${P}splitDone`));
    render();
  });
  $("#retire").addEventListener("click", () => { $("#retire-confirm").hidden = false; $("#retire-confirm").focus(); });
  $("#retire-confirm").addEventListener("click", () => {
    edit("retire", ui.selected, {});
    ui.selected = null;
    say(t(`${P}retired`));
    render();
  });
  $("#merge-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const into = new FormData(e.target).get("into").trim();
    if (!into) return;
    edit("merge", ui.selected, { into });
    ui.selected = null;
    e.target.reset();
    say(t(`${P}merged`, { code: into }));
    render();
  });
  $("#private-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const changes = panel.privateChanges();
    if (Object.keys(changes).length) edit("edit", ui.selected, { private: changes });
    say(t(`${P}savedPrivate`));
  });
  $("#history").addEventListener("click", () => panel.history(store.serverId(ui.selected), words));
  $("#close").addEventListener("click", () => { ui.selected = null; render(); });
  $("#find").addEventListener("input", () => render());
  $("select[name=poverty_status]").replaceChildren(new Option("", ""),
    ...Object.keys(words).filter((k) => k.startsWith("poverty.")).map((k) => new Option(words[k], k.slice(8))));
  sync.onChange((event) => {
    if (event.kind === "applied") absorb(ui.commune, event.feature);
    if (event.kind === "applied" && event.op.local && String(ui.selected) === event.op.local) ui.selected = event.feature.id;
    if (event.kind === "logged-out") say(t(`${P}loggedOut`), true);
    if (event.kind === "refused") say(t(event.status === 412 ? `${P}conflictNew` : `${P}refusedNew`), true);
    render();
  });
  window.addEventListener("online", status);
  window.addEventListener("offline", status);
  sync.start();
}

wire();
panel.init(sync.request);
if (config.me) enter(config.me); else { show("login"); document.body.dataset.ready = "true"; }
