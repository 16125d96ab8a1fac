// Reaching features' information: a click (or tap) on the map, or, by keyboard, the "features
// in this view" list in the panel: one button per feature drawn now, Enter opens its information.

import { closeInfo, isOpen, showInfo } from "./info.js";
import { collectionOf, heading, placePoint } from "./popup.js";
import { lang, pick, t } from "./i18n.js";
import { rastersOn } from "./raster.js";

const LIST_MAX = 40;

export function interactiveLayers(map) {
  return map.getStyle().layers
    .filter((l) => l.metadata && l.metadata["ntm:collection"] && !l.id.endsWith("-label"))
    .filter((l) => map.getLayoutProperty(l.id, "visibility") !== "none")
    .map((l) => l.id);
}

// What a click means when several layers are under it: a point or a route, then the area clicked
// into, and a boundary line (communes, villages, area outlines) only when nothing else is there.
const OUTLINE = /-(line)$/;
function rank(f) {
  const type = f.layer.type;
  if (type === "symbol" || type === "circle" || f.layer.id === "tourism_routes-line") return 0;
  if (type === "fill") return 1;
  return OUTLINE.test(f.layer.id) ? 2 : 1;
}

export function initClicks(map, config) {
  map.on("click", (e) => {
    const pad = 4;
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    const hits = map.queryRenderedFeatures(box, { layers: interactiveLayers(map) });
    if (!hits.length) {
      if (rastersOn(map, config)) showInfo(map, config, null, e.lngLat);
      else if (isOpen()) closeInfo();
      return;
    }
    const best = hits.map((f, i) => [rank(f), i, f]).sort((a, b) => a[0] - b[0] || a[1] - b[1])[0][2];
    showInfo(map, config, best, e.lngLat);
  });
  // By keyboard (the map focused, arrows having moved it): Enter reads the rasters on at its centre.
  map.getCanvas().addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || !rastersOn(map, config)) return;
    e.preventDefault();
    showInfo(map, config, null, map.getCenter(), map.getCanvas());
  });
  map.on("mousemove", (e) => {
    const hits = map.queryRenderedFeatures(e.point, { layers: interactiveLayers(map) });
    map.getCanvas().style.cursor = hits.length ? "pointer" : "";
  });
}

function extent(coords, box) {
  if (typeof coords[0] === "number") {
    box[0] = Math.min(box[0], coords[0]); box[1] = Math.min(box[1], coords[1]);
    box[2] = Math.max(box[2], coords[0]); box[3] = Math.max(box[3], coords[1]);
  } else coords.forEach((c) => extent(c, box));
  return box;
}

// A point of the feature inside the view for the popup's tip: the point itself, a commune's label
// point when it is in view, else the middle of the part of the feature's box that is in view.
function anchor(map, feature) {
  const g = feature.geometry;
  if (g.type === "Point") return g.coordinates;
  const view = map.getBounds();
  const label = placePoint(feature);
  if (label && feature.properties.name_vi !== undefined && view.contains(label)) return label;
  const [w, s, e, n] = extent(g.coordinates, [Infinity, Infinity, -Infinity, -Infinity]);
  const W = Math.max(w, view.getWest()); const E = Math.min(e, view.getEast());
  const S = Math.max(s, view.getSouth()); const N = Math.min(n, view.getNorth());
  return [(W + E) / 2, (S + N) / 2];
}

function inView(map) {
  const seen = new Map();
  for (const f of map.queryRenderedFeatures({ layers: interactiveLayers(map) })) {
    if (f.id === undefined || (f.sourceLayer || "").endsWith("_grid")) continue;
    const key = `${collectionOf(f)}:${f.id}`;
    if (!seen.has(key)) seen.set(key, f);
  }
  // A commune drawn both as an NTM result and as a boundary is listed once, as its NTM result.
  const assessed = new Set([...seen.values()].filter((f) => collectionOf(f) === "ntm_results")
    .map((f) => f.properties.commune_code));
  for (const [key, f] of seen) if (collectionOf(f) === "communes" && assessed.has(f.properties.code)) seen.delete(key);
  const collator = new Intl.Collator(lang() === "vi" ? "vi" : "en");
  return [...seen.entries()].map(([key, f]) => ({ key, f, name: heading(f) }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

export function initInView(map, config) {
  const details = document.getElementById("in-view");
  if (!details) return;
  const list = document.getElementById("in-view-list");
  let pending = false;

  function render() {
    pending = false;
    if (!details.open) return;
    const items = inView(map);
    list.replaceChildren();
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "in-view-empty";
      li.textContent = t("inview.none");
      list.append(li);
    }
    for (const { key, f, name } of items.slice(0, LIST_MAX)) {
      const li = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.key = key;
      const kind = document.createElement("small");
      kind.textContent = pick(config.collections[collectionOf(f)].title);
      button.append(document.createTextNode(`${name} `), kind);
      button.addEventListener("click", () => showInfo(map, config, f, anchor(map, f), button));
      li.append(button);
      list.append(li);
    }
    if (items.length > LIST_MAX) {
      const li = document.createElement("li");
      li.className = "in-view-more";
      li.textContent = t("inview.more", { count: items.length - LIST_MAX });
      list.append(li);
    }
  }
  // Not rebuilt while a feature's information is open: its button keeps focus to return to.
  const later = () => { if (!pending && details.open && !isOpen()) { pending = true; map.once("idle", render); map.triggerRepaint(); } };
  details.addEventListener("toggle", later);
  map.on("moveend", later);
  return later;
}
