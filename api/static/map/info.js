// Where a feature's information opens, always inside the viewport: on a wide screen a MapLibre
// popup no taller than half the map and no wider than half of it (so the side MapLibre picks
// always has room), nudged back in if it still sticks out; on a phone (≤ 640 px) a bottom sheet.
// Opened from the keyboard, focus goes into it; Escape or the close button closes it and focus
// returns to what opened it.

import { popupContent } from "./popup.js";
import { t } from "./i18n.js";
import { rasterValues } from "./raster.js";

const PHONE = window.matchMedia("(max-width: 640px)");
let popup = null;
let sheet = null;
let opener = null;

function mapBox(map) { return map.getContainer().getBoundingClientRect(); }

function sizeLimits(map) {
  const box = mapBox(map);
  map.getContainer().style.setProperty("--info-max-h", `${Math.max(120, Math.floor(box.height / 2 - 40))}px`);
  return `${Math.max(180, Math.min(320, Math.floor(box.width / 2 - 16)))}px`;
}

function keepInside(map, el) {
  const box = mapBox(map);
  const r = el.getBoundingClientRect();
  const m = 6;
  const dx = r.left < box.left + m ? r.left - box.left - m : r.right > box.right - m ? r.right - box.right + m : 0;
  const dy = r.top < box.top + m ? r.top - box.top - m : r.bottom > box.bottom - m ? r.bottom - box.bottom + m : 0;
  if (dx || dy) map.panBy([dx, dy], { duration: 0 });
}

function restoreFocus() {
  const back = opener;
  opener = null;
  if (!back) return;
  if (back.isConnected) { back.focus(); return; }
  const again = back.dataset.key && document.querySelector(`[data-key="${CSS.escape(back.dataset.key)}"]`);
  (again || document.getElementById("in-view")?.querySelector("summary") || document.getElementById("map"))?.focus();
}

export function isOpen() { return !!(popup && popup.isOpen()) || !!(sheet && !sheet.hidden); }

export function closeInfo() {
  if (popup) { const p = popup; popup = null; p.remove(); }
  if (sheet && !sheet.hidden) { sheet.hidden = true; sheet.replaceChildren(); }
  restoreFocus();
}

function openSheet(map, content, byKeyboard) {
  if (!sheet) {
    sheet = document.createElement("section");
    sheet.className = "info-sheet";
    sheet.setAttribute("role", "dialog");
    sheet.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); closeInfo(); } });
    map.getContainer().parentElement.append(sheet);
  }
  const close = document.createElement("button");
  close.type = "button";
  close.className = "info-close";
  close.setAttribute("aria-label", t("popup.close"));
  close.textContent = "×";
  close.addEventListener("click", closeInfo);
  sheet.setAttribute("aria-label", content.querySelector("h3")?.textContent || "");
  sheet.replaceChildren(close, content);
  sheet.hidden = false;
  sheet.scrollTop = 0;
  if (byKeyboard) close.focus();
}

function openPopup(map, content, lngLat, byKeyboard) {
  if (popup) { const p = popup; popup = null; p.remove(); }
  const mine = new maplibregl.Popup({ maxWidth: sizeLimits(map), closeButton: true, focusAfterOpen: byKeyboard,
    className: "info-popup" });
  mine.setLngLat(lngLat).setDOMContent(content).addTo(map);
  popup = mine;
  const el = mine.getElement();
  el.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); closeInfo(); } });
  mine.on("close", () => { if (popup === mine) { popup = null; restoreFocus(); } });
  keepInside(map, el);
}

// Below this zoom the web map's tiles hold a feature's summary only (tiles/summary.py); one zoom
// of slack: MapLibre may still show the parent tile's features while a tile loads.
function summaryAt(map, feature) {
  const detail = (map.getStyle().metadata || {})["ntm:detail-zoom"];
  return Number.isFinite(detail) && ["ntm", "ntm-more"].includes(feature.source) && Math.floor(map.getZoom()) <= detail;
}

// A clicked spot with no feature under it but a raster on: the rasters' values there.
function pointContent() {
  const root = document.createElement("div");
  root.className = "popup";
  const h = document.createElement("h3");
  h.textContent = t("raster.here");
  root.append(h);
  return root;
}

// `from`: the element that opened it by keyboard (focus returns there), or null for a click.
// `feature` null: a spot (only its raster values: a click, or Enter on the map for its centre).
// A feature clicked (not opened from the keyboard's list, whose anchor is no place the user
// chose) also reads the values of the rasters on under it.
export async function showInfo(map, config, feature, lngLat, from = null) {
  opener = from;
  const content = feature ? await popupContent(config, feature, summaryAt(map, feature)) : pointContent();
  const values = feature && from ? null : rasterValues(map, config, lngLat);
  const link = content.querySelector(".popup-link");
  if (values && link) link.before(values);
  else if (values) content.append(values);
  if (PHONE.matches) {
    if (popup) { const p = popup; popup = null; p.remove(); }
    openSheet(map, content, !!from);
  } else {
    if (sheet) sheet.hidden = true;
    openPopup(map, content, lngLat, !!from);
  }
}

export function initInfo(map) {
  document.addEventListener("keydown", (e) => { if (e.key === "Escape" && isOpen()) closeInfo(); });
  map.on("resize", () => { if (popup) sizeLimits(map); });
}
