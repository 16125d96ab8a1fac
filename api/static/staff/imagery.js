// The staff map's basemap (issue 13): imagery to trace real field boundaries on, or the plain map.
// Imagery is every imagery raster the style offers (`raster-<name>` layers of kind imagery, hidden
// by default): coarse ones under sharp ones, so the province-wide overview fills what the sharp
// mosaic of a few communes does not cover. Beside the switch: where the imagery drawn at the
// view's centre comes from, its date and its pixel size, so staff know what they trace on.
// A deployment's own basemap (NTM_BASEMAP_STYLE_URL) replaces ntm-map's plain one, as on /map.

import { day, number } from "/static/common/format.js";
import { lang, t } from "./i18n.js";

const KEY = "ntm.staff.basemap";
const PREFIX = "raster-";

// The style to start the map with: ours, or ours on the deployment's basemap (our offline
// basemap layers, marked ntm:basemap, dropped; our themes and rasters kept on top).
export async function staffStyle(config) {
  if (!config.basemapStyleUrl) return config.styleUrl;
  const [base, ours] = await Promise.all([config.basemapStyleUrl, config.styleUrl]
    .map((url) => fetch(url, { credentials: "same-origin" }).then((r) => r.json())));
  base.sources = { ...base.sources, ...ours.sources };
  base.layers = [...base.layers, ...ours.layers.filter((l) => !(l.metadata || {})["ntm:basemap"])];
  return base;
}

function imageryLayers(map) {
  const style = map.getStyle();
  return style.layers
    .filter((l) => l.type === "raster" && l.id.startsWith(PREFIX) && (l.metadata || {})["ntm:kind"] === "imagery")
    .map((l) => {
      const meta = l.metadata || {};
      const source = style.sources[l.source] || {};
      return { id: l.id, bounds: source.bounds || null, minzoom: source.minzoom ?? 0,
        legendUrl: meta["ntm:legend"] || `/collections/${l.id.slice(PREFIX.length)}/legend` };
    });
}

// Each image's legend document says its source, date and pixel size (tiles/raster/documents.py).
async function describe(image) {
  try {
    const r = await fetch(`${image.legendUrl}?lang=${lang()}`, { credentials: "same-origin" });
    if (r.ok) Object.assign(image, { doc: await r.json() });
  } catch (err) { console.error(`imagery ${image.id}:`, err); }
  image.resolution = (image.doc || {}).resolution_m || null;
  return image;
}

// "Ảnh: tổng hợp (demo), 30/06/2026, 2 m/điểm ảnh".
export function credit(image) {
  const doc = image.doc || {};
  const r = doc.resolution_m;
  const parts = [doc.synthetic ? t("imagery.synthetic") : doc.source, day(doc.acquired, lang()),
    r ? t("imagery.resolution", { m: number(r, lang(), r < 10 ? 1 : 0) }) : null];
  return t("imagery.credit", { what: parts.filter(Boolean).join(", ") });
}

// The sharpest image drawn at the view's centre (its footprint holds the centre, its zoom range
// has begun), else the coarsest.
function shownImage(map, images) {
  const c = map.getCenter();
  const z = map.getZoom();
  const here = images.filter((i) => z >= i.minzoom && (!i.bounds
    || (c.lng >= i.bounds[0] && c.lng <= i.bounds[2] && c.lat >= i.bounds[1] && c.lat <= i.bounds[3])));
  return here.length ? here[here.length - 1] : images[0];
}

function element(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

function remembered() {
  try { return localStorage.getItem(KEY); } catch { return null; }
}

function remember(value) {
  try { localStorage.setItem(KEY, value); } catch { /* private browsing: not kept */ }
}

// Adds the switch to the map (once its style is loaded). Resolves to {set(kind), kind()}, or null
// when the style has no imagery.
export async function initImagery(map) {
  const found = imageryLayers(map);
  if (!found.length) return null;
  const images = (await Promise.all(found.map(describe)))
    .sort((a, b) => (b.resolution || 0) - (a.resolution || 0));  // coarse first: drawn under
  for (let i = images.length - 2; i >= 0; i--) map.moveLayer(images[i].id, images[i + 1].id);
  const box = element("div", { class: "maplibregl-ctrl maplibregl-ctrl-group basemap-switch", id: "basemap-switch" });
  const group = element("fieldset", {}, element("legend", {}, t("imagery.basemap")));
  const radios = {};
  for (const kind of ["imagery", "plain"]) {
    const input = element("input", { type: "radio", name: "basemap", value: kind });
    radios[kind] = input;
    group.append(element("label", {}, input, ` ${t(`imagery.${kind}`)}`));
  }
  const line = element("p", { class: "imagery-credit", id: "imagery-credit" });
  box.append(group, line);
  let current = "plain";
  const showCredit = () => {
    line.hidden = current !== "imagery";
    if (current === "imagery") line.textContent = credit(shownImage(map, images));
  };
  const set = (kind) => {
    current = kind === "imagery" ? "imagery" : "plain";
    for (const image of images) map.setLayoutProperty(image.id, "visibility", current === "imagery" ? "visible" : "none");
    radios[current].checked = true;
    box.dataset.basemap = current;
    showCredit();
  };
  for (const input of Object.values(radios)) {
    input.addEventListener("change", () => { if (input.checked) { set(input.value); remember(input.value); } });
  }
  map.on("moveend", showCredit);
  map.addControl({ onAdd: () => box, onRemove: () => box.remove() }, "top-right");
  set(remembered() || "plain");
  return { set, kind: () => current };
}
