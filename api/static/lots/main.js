// The cooperative's page (/staff/lots): sign in with the staff session, then its lots (list, one
// lot: correct, recall, labels, trace URL, scans, history), a new lot, and its profile and OCOP
// products. Each concern has its own module; all of them talk only to the JSON API.

import { call, setCsrf, whenLoggedOut } from "/static/staff/api.js";
import { $, say } from "/static/staff/dom.js";
import { addWords, pick, t } from "./i18n.js";
import { statusText } from "./errors.js";
import { endEdit, initLotForm, isEditing, loadAreas, setProducts, showMap, startEdit } from "./lotform.js";
import { initLotList, loadLots } from "./lotlist.js";
import { initLotView, openLot } from "./lotview.js";
import { initProfile, loadProducts, loadProfile } from "./profile.js";

const config = JSON.parse(document.getElementById("lots-config").textContent);
addWords(config.words);
const TABS = ["lots", "new", "profile", "lot"];

function show(view) {
  for (const [id, name] of [["#login-view", "login"], ["#work-view", "work"], ["#other-role", "other"]]) $(id).hidden = view !== name;
  $("#logout").hidden = $("#who").hidden = view === "login";
}

function notify(text, error = false) {
  say($("#notice"), text, { error });
}

// --- tabs -----------------------------------------------------------------------------------
// The lot view is reached from the list: its tab (the list's) stays selected.
function selectTab(name, { keepEdit = false, keepNotice = false } = {}) {
  if (!keepEdit && isEditing()) endEdit();
  if (!keepNotice) notify("");
  const tab = name === "lot" ? "lots" : name;
  for (const b of document.querySelectorAll("[data-tab]")) b.setAttribute("aria-selected", String(b.dataset.tab === tab));
  for (const n of TABS) $(`#tab-${n}`).hidden = n !== name;
  document.body.dataset.view = name;
  if (name === "new") showMap();
}

async function openLotView(id, { keepNotice = false } = {}) {
  delete document.body.dataset.lotShown;  // set again once the lot is drawn whole (tests wait for it)
  selectTab("lot", { keepNotice });
  try {
    await openLot(id);
  } catch (err) {
    notify(statusText(err), true);
    return;
  }
  $("#lot-title").setAttribute("tabindex", "-1");
  $("#lot-title").focus();
  document.body.dataset.lotShown = String(id);
  loadLots();  // the list behind shows the change too
}

// --- signing in -----------------------------------------------------------------------------
async function login(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  $("#login-error").textContent = "";
  try {
    const { body } = await call("POST", "/auth/login", { json: { username: form.get("username"), password: form.get("password") } });
    event.target.reset();
    await enter(body);
  } catch (err) {
    $("#login-error").textContent = err.status === 401 ? t("loginFailed") : statusText(err);
  }
}

async function logout() {
  await call("POST", "/auth/logout");
  setCsrf(null);
  show("login");
}

let started = false;

async function enter(me) {
  setCsrf(me.csrf_token || null);
  $("#who").textContent = `${me.name} · ${pick(config.roles[me.role])}`;
  if (me.role !== "cooperative" || !me.cooperative_id) {
    show("other");
    return;
  }
  show("work");
  selectTab("lots");
  if (!started) {
    started = true;
    const context = { config, coopId: me.cooperative_id, notify, selectTab, openLot: openLotView, startEdit,
      setName: (name) => { $("#heading").textContent = t("headingOf", { name }); },
      productsChanged: reloadProducts, reloadProducts };
    initLotForm(context);
    initLotList(context);
    initLotView(context);
    initProfile(context);
  }
  try {
    await Promise.all([loadProfile(), reloadProducts(), loadAreas()]);
    await loadLots();
  } catch (err) {
    notify(statusText(err), true);
  }
  document.body.dataset.ready = "true";
}

async function reloadProducts() {
  setProducts(await loadProducts());
}

whenLoggedOut(() => { setCsrf(null); show("login"); });
$("#login-form").addEventListener("submit", login);
$("#logout").addEventListener("click", logout);
$("#lot-back").addEventListener("click", () => { selectTab("lots"); $("#tab-btn-lots").focus(); });
for (const b of document.querySelectorAll("[data-tab]")) b.addEventListener("click", () => selectTab(b.dataset.tab));
if (config.me) enter(config.me);
else show("login");
