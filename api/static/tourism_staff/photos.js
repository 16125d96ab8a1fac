// The photo manager of /staff/tourism: a place's or route's photos as thumbnails (the API's own
// URLs), a new one uploaded with its alt text, moved up or down, made the cover, removed. Every
// change goes to the photo endpoints of api/routes/tourism_photos.py and the list is drawn again
// from their answer, so the page shows what the server holds. Buttons are buttons: a keyboard
// moves a photo and keeps its focus on the same button of the same photo.

import { call } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { LANG } from "/static/common/i18n.js";

let base = null; // "/collections/{collection}/items/{id}/photos" of the listing being managed
let shown = [];
let t = (key) => key;
let errorText = (err) => String(err);

function state(text, error = false) { say($("#photo-state"), text, { error }); }

function altOf(p) { return (LANG === "en" ? (p.alt_en || p.alt_vi) : (p.alt_vi || p.alt_en)) || ""; }

function button(photo, action, label, onclick, disabled = false) {
  const b = el("button", { type: "button", "data-photo-action": action, "aria-label": t(`photo.${action}Label`, { alt: altOf(photo) }), onclick },
    label);
  b.disabled = disabled;
  return b;
}

function row(photo, i) {
  const alt = altOf(photo);
  const img = el("img", { src: photo.urls.thumb, alt, width: "120", height: String(Math.round(120 * photo.height / Math.max(photo.width, 1))),
    loading: "lazy", "data-sha256": photo.sha256 });
  const facts = el("div", { class: "photo-facts" }, el("span", { class: "alt" }, alt));
  if (photo.cover) facts.append(el("strong", { class: "cover" }, t("photo.isCover")));
  if (!photo.reviewed) facts.append(el("span", { class: "pending" }, t("photo.waits")));
  const tools = el("div", { class: "photo-tools" },
    button(photo, "up", t("photo.up"), () => move(photo.id, -1), i === 0),
    button(photo, "down", t("photo.down"), () => move(photo.id, 1), i === shown.length - 1),
    button(photo, "cover", t("photo.cover"), () => change(photo.id, "cover"), photo.cover),
    button(photo, "delete", t("photo.delete"), () => change(photo.id, "delete")));
  return el("li", { "data-photo-id": String(photo.id) }, img, facts, tools);
}

// Draw the list; `focus` = [photo id, action] puts the keyboard back where it was.
function draw(photos, focus = null) {
  shown = photos;
  $("#photo-list").replaceChildren(...photos.map(row));
  $("#photo-empty").hidden = photos.length > 0;
  if (focus) {
    const [id, action] = focus;
    const target = $(`#photo-list li[data-photo-id="${id}"] button[data-photo-action="${action}"]`);
    const fallback = $(`#photo-list li[data-photo-id="${id}"] button:not([disabled])`);
    (target && !target.disabled ? target : fallback)?.focus();
  }
}

async function move(id, by) {
  const ids = shown.map((p) => p.id);
  const at = ids.indexOf(id);
  const to = at + by;
  if (at < 0 || to < 0 || to >= ids.length) return;
  [ids[at], ids[to]] = [ids[to], ids[at]];
  try {
    const { body } = await call("PUT", `${base}/order`, { json: { order: ids } });
    draw(body.photos, [id, by < 0 ? "up" : "down"]);
    state(t("photo.moved"));
  } catch (err) {
    state(errorText(err), true);
  }
}

async function change(id, what) {
  try {
    const { body } = what === "delete"
      ? await call("DELETE", `${base}/${id}`)
      : await call("PATCH", `${base}/${id}`, { json: { cover: true } });
    draw(body.photos, what === "delete" ? null : [id, "up"]);
    state(t(what === "delete" ? "photo.deleted" : "photo.covered"));
    if (what === "delete") $("#photo-form [name=file]").focus();
  } catch (err) {
    state(errorText(err), true);
  }
}

async function upload(event) {
  event.preventDefault();
  const formNode = event.target;
  const form = new FormData(formNode);
  const file = form.get("file");
  if (!file || !file.size) { state(t("photo.noFile"), true); return; }
  if (!String(form.get("alt_vi") || "").trim()) { state(t("photo.noAlt"), true); return; }
  if (!String(form.get("alt_en") || "").trim()) form.delete("alt_en");
  const submit = formNode.querySelector("button[type=submit]");
  submit.disabled = true;
  state(t("photo.uploading"));
  try {
    const { body } = await call("POST", base, { form });
    formNode.reset();
    draw(body.photos);
    state(t("photo.added"));
  } catch (err) {
    state(errorText(err), true);
  } finally {
    submit.disabled = false;
  }
}

// Open the manager on one listing: its photos as the API lists them to its editors.
export async function managePhotos(collection, id, words, errors) {
  t = words;
  errorText = errors;
  base = `/collections/${collection}/items/${id}/photos`;
  $("#photo-form").reset();
  state("");
  draw([]);
  try {
    const { body } = await call("GET", base);
    draw(body.photos);
  } catch (err) {
    state(errorText(err), true);
  }
}

export function photoManager() {
  $("#photo-form").addEventListener("submit", upload);
}
