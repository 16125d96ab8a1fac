// What the map's tool buttons (share.js, print.js) share: a button in #map-tools, mounted once the
// map exists, that opens a <dialog> (Escape closes it, focus returns to the button). main.js
// imports share.js, then print.js, once the map's first view is drawn (full mode only).

import { t } from "/static/common/i18n.js";

const css = document.createElement("link");
css.rel = "stylesheet";
css.href = "/static/map/tools.css";
document.head.append(css);

// main.js builds the map after fetching its style: wait for it rather than order the scripts.
const mapReady = new Promise((resolve) => {
  const look = () => (window.ntmMap ? resolve(window.ntmMap) : setTimeout(look, 50));
  look();
});

// Calls mount(place, map) once the map exists, if the page has a #map-tools place; tools mount in
// the order their modules ask.
export function mountTool(mount) {
  const place = document.getElementById("map-tools");
  if (!place) return;
  mapReady.then((map) => mount(place, map)).catch((err) => console.error("map tools:", err));
}

// 24×24 outline icons (no icon font: a missing glyph would show as a box).
const ICONS = {
  share: "M15 5a3 3 0 1 0 6 0a3 3 0 1 0-6 0M3 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0M15 19a3 3 0 1 0 6 0a3 3 0 1 0-6 0M8.6 13.5l6.8 4M15.4 6.5l-6.8 4",
  print: "M6 9V2h12v7M6 18H4a2 2 0 0 1-2-2v-5a2 2 0 0 1 2-2h16a2 2 0 0 1 2 2v5a2 2 0 0 1-2 2h-2M6 14h12v8H6z",
};

function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name]);
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}

export function toolButton(key, iconName) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "map-tool";
  button.title = t(`${key}.title`);
  button.setAttribute("aria-haspopup", "dialog");
  const mark = icon(iconName);
  const word = document.createElement("span");
  word.className = "map-tool-word";
  word.textContent = t(key);
  button.append(mark, word);
  return button;
}

// A modal dialog with a heading and a close button; `body` fills it each time it opens.
export function toolDialog(id, titleKey, body, opener) {
  const dialog = document.createElement("dialog");
  dialog.id = id;
  dialog.className = "tool-dialog";
  dialog.setAttribute("aria-labelledby", `${id}-title`);
  const head = document.createElement("div");
  head.className = "tool-dialog-head";
  const h = document.createElement("h2");
  h.id = `${id}-title`;
  h.textContent = t(titleKey);
  const close = document.createElement("button");
  close.type = "button";
  close.className = "tool-close";
  close.textContent = "×";
  close.title = t("share.close");
  close.setAttribute("aria-label", t("share.close"));
  close.addEventListener("click", () => dialog.close());
  head.append(h, close);
  const content = document.createElement("div");
  content.className = "tool-dialog-body";
  dialog.append(head, content);
  dialog.addEventListener("close", () => opener.focus());
  dialog.addEventListener("click", (e) => { if (e.target === dialog) dialog.close(); });  // outside the box
  document.body.append(dialog);
  opener.addEventListener("click", () => {
    body(content);
    dialog.showModal();
  });
  return dialog;
}
