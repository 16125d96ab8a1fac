// Starts the web map: reads the page's config, the permalink and the style, then wires the
// switcher, feature information (click, or the keyboard list), search and permalink. Modes:
// "full" (/map), "tourism" (the tourism page's map) and "embed" (/embed, for an iframe).
// The page is in one language (the server's ?lang=); the language buttons reload it.

import { lang, mapLocale, pick, switchLang, t, wireLangButtons } from "./i18n.js";
import { loadIcons, provideIcons } from "./icons.js";
import { initClicks, initInView } from "./features.js";
import { initInfo } from "./info.js";
import { initLayers, initialState, onToggle, setToggle, visibleToggles } from "./layers.js";
import { watchLocate } from "./notice.js";
import { readHash, writeHash } from "./permalink.js";
import { loadPlaces } from "./popup.js";
import { addRasterGroup, initRasters } from "./raster.js";
import { initSearch } from "./search.js";
// By its URL: the same module instance as the page head's warm.js (and kept out of the bundle).
import { styleDoc as readStyle } from "/static/map/warm.js";

const config = JSON.parse(document.getElementById("map-config").textContent);
const view = config.view || {};
const narrow = view.mode === "tourism" || view.mode === "embed";
const TOURISM_GROUPS = ["tourism"];

function shownGroups() {
  return narrow ? config.groups.filter((g) => TOURISM_GROUPS.includes(g.id)) : config.groups;
}

function placeFilter() {
  const parts = [];
  if (view.kind) parts.push(["==", ["get", "kind"], view.kind]);
  if (view.commune) parts.push(["==", ["get", "commune_code"], view.commune]);
  if (view.places) parts.push(["in", ["id"], ["literal", view.places]]);  // one route's stops, one event's place
  return parts.length ? ["all", ...parts] : null;
}

// The embed of one route or one event (issue 14) shows that feature only: filtered by its id.
const FOCUS = { tourism_routes: view.route, tourism_events: view.event };
function focusFilter(collection) {
  if (view.route == null && view.event == null) return null;
  if (!(collection in FOCUS)) return null;
  return FOCUS[collection] == null ? ["==", ["id"], -1] : ["==", ["id"], FOCUS[collection]];
}

// Narrow modes show tourism only, filtered by kind/commune; labels in the page's language.
function prepareStyle(style, hash) {
  const filter = placeFilter();
  for (const layer of style.layers) {
    const meta = layer.metadata || {};
    if (filter && meta["ntm:collection"] === "tourism_places") layer.filter = filter;
    const focus = focusFilter(meta["ntm:collection"]);
    if (focus) layer.filter = focus;
    if (meta["ntm:text"]) layer.layout["text-field"] = meta["ntm:text"][lang()];
  }
  if (hash.center && !narrow) { style.center = hash.center; style.zoom = hash.zoom; }
  return style;
}

// Village names show from z13 and their points are a large file (55 kB): over a slow connection
// they would delay the first view, which never shows them. Their source starts empty and gets its
// URL once the first view is drawn (popup.js reads the same URL for village names).
const LATER_SOURCES = ["labels-villages"];

function deferSources(style) {
  const later = {};
  for (const id of LATER_SOURCES) {
    const source = style.sources[id];
    if (!source || typeof source.data !== "string") continue;
    later[id] = source.data;
    style.sources[id] = { ...source, data: { type: "FeatureCollection", features: [] } };
  }
  return later;
}

async function externalBasemap(ours) {
  // A deployment's own basemap under ntm-map's themes; our offline basemap layers are dropped.
  const base = await (await fetch(config.basemapStyleUrl)).json();
  base.sources = { ...base.sources, ...ours.sources };
  base.layers = [...base.layers, ...ours.layers.filter((l) => !(l.metadata || {})["ntm:basemap"])];
  base.center = ours.center; base.zoom = ours.zoom;
  base.metadata = { ...(base.metadata || {}), ...ours.metadata };  // e.g. the tiles' detail zoom (info.js)
  return base;
}

function wirePanel() {
  const panel = document.getElementById("panel");
  const button = document.getElementById("panel-toggle");
  if (window.matchMedia("(max-width: 640px)").matches) panel.classList.add("collapsed");
  const sync = () => button.setAttribute("aria-expanded", String(!panel.classList.contains("collapsed")));
  button.addEventListener("click", () => { panel.classList.toggle("collapsed"); sync(); });
  sync();
}

// The year(s) of the NTM results drawn, under the NTM group's title.
function showNtmYears(map) {
  const group = document.querySelector('#layers fieldset[data-group="ntm"]');
  if (!group) return;
  const years = [...new Set(map.querySourceFeatures("ntm", { sourceLayer: "ntm_results" })
    .map((f) => f.properties.year).filter(Boolean))].sort();
  if (!years.length) return;
  const p = group.querySelector(".layer-year") || document.createElement("p");
  p.className = "layer-year";
  p.textContent = years.length === 1 ? t("ntm.year", { year: years[0] }) : t("ntm.years", { years: years.join(", ") });
  group.querySelector("legend").after(p);
}

async function start() {
  const hash = readHash();
  if (!narrow && hash.lang && hash.lang !== lang()) { switchLang(hash.lang); return; }
  wireLangButtons();
  wirePanel();
  const wanted = narrow ? ["tourism_places", "tourism_routes", "communes"] : hash.layers;
  initialState(config, wanted);
  // The style was preloaded by the page head (same URL, same credentials). The SVG icons are
  // needed only under an external basemap (icons.js): not waited for otherwise.
  const [icons, styleDoc] = await Promise.all([
    config.basemapStyleUrl ? loadIcons(config) : {},
    readStyle(`${config.styleUrl}?lang=${lang()}`),  // read once by warm.js, from the page head's preload
  ]);
  // The raster layers the style offers join the switcher (and the permalink's state).
  if (!narrow && addRasterGroup(config, styleDoc, config.base).length) initialState(config, wanted);
  const sources = { ...styleDoc.sources };  // with every URL, for popup.js
  const later = deferSources(styleDoc);
  let style = prepareStyle(styleDoc, hash);
  if (config.basemapStyleUrl) style = await externalBasemap(style);
  // Framed from the start (not fitted after `load`), so the first tiles asked for are the ones shown.
  const frame = view.extent || (hash.center && !narrow ? null : (styleDoc.metadata || {})["ntm:bounds"]);
  const map = new maplibregl.Map({
    container: "map", style, hash: false, attributionControl: { compact: true },
    maxZoom: 19, cooperativeGestures: view.mode === "embed", locale: mapLocale(),
    fadeDuration: 0,  // labels and icons appear as placed: the first view is complete 0.3 s sooner
    ...(frame ? { bounds: [[frame[0], frame[1]], [frame[2], frame[3]]], fitBoundsOptions: { padding: 20, maxZoom: 14 } } : {}),
  });
  window.ntmMap = map;  // for the browser tests and the curious
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-right");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-right");
  if (!narrow) {
    const locate = new maplibregl.GeolocateControl({});
    watchLocate(locate);
    map.addControl(locate, "top-right");
  }
  provideIcons(map, icons);
  map.on("error", (e) => console.error("map:", e.error ? e.error.message : e));

  map.on("load", () => {
    initLayers(document.getElementById("layers"), map, config, shownGroups());
    if (!narrow) initRasters(map, config);
    initInfo(map);
    initClicks(map, config);
    const refreshList = initInView(map, config);
    initSearch(document.getElementById("search"), map, config, (collection) => {
      const toggle = config.groups.flatMap((g) => g.toggles).find((tg) => tg.collection === collection);
      if (toggle && !visibleToggles().includes(toggle.id)) setToggle(map, config, toggle.id, true);
    });
    const save = () => { if (!narrow) writeHash(map, visibleToggles(), lang()); };
    map.on("moveend", save);
    onToggle(save);
    if (refreshList) onToggle(refreshList);
    save();
    map.once("idle", () => {
      showNtmYears(map);
      document.body.dataset.mapState = "idle";
      performance.mark("ntm:first-view");  // the browser tests order the later downloads by it
      for (const [id, url] of Object.entries(later)) if (map.getSource(id)) map.getSource(id).setData(url);
      loadPlaces(sources);  // popups' place names: after the first view, which needs neither file
      // Share and print (they mount themselves on #map-tools): loaded once the first view is
      // drawn, so a slow connection spends its first seconds on the map.
      if (view.mode === "full") import("./share.js").then(() => import("./print.js"));  // buttons in this order
    });
  });
}

start().catch((err) => {
  console.error("the map could not start:", err);
  document.body.dataset.mapState = "failed";
});

export { config, pick };
