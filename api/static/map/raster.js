// Raster layers in the layer switcher (issue 13): imagery, land cover, elevation, slope,
// suitability. The style (tiles/map_style.py) carries one hidden raster source and layer per
// public raster, id `raster-<name>`, whose metadata names the raster, its kind and its title;
// they join the switcher as toggles of their own group (so the permalink keeps them), each with
// a legend read from /collections/<name>/legend when first shown and an opacity slider.
// A click with a raster on asks /collections/<name>/position for the value under it.

import { day, number } from "/static/common/format.js";
import { lang, pick, t } from "./i18n.js";
import { onToggle, visibleToggles } from "./layers.js";

const PREFIX = "raster-";
const GROUP = "rasters";

function isRaster(layer) { return layer.type === "raster" && layer.id.startsWith(PREFIX); }

function nameOf(layer) { return (layer.metadata || {})["ntm:raster"] || layer.id.slice(PREFIX.length); }

// The style document's raster layers as the switcher's toggles: added to `config.groups` before
// the switcher's state is read, so a permalink naming `raster-landcover` turns it on.
export function addRasterGroup(config, style, base = "") {
  const toggles = style.layers.filter(isRaster).map((layer) => {
    const meta = layer.metadata || {};
    const name = nameOf(layer);
    return {
      id: layer.id, collection: null, visible: false, exclusive: null, layers: [layer.id], legend: [], note: null,
      title: meta["ntm:title"] || { vi: name, en: name },
      raster: { name, kind: meta["ntm:kind"] || "continuous",
        legendUrl: meta["ntm:legend"] || `${base}/collections/${name}/legend`,
        positionUrl: meta["ntm:position"] || `${base}/collections/${name}/position` },
    };
  });
  config.groups = config.groups.filter((g) => g.id !== GROUP);
  if (toggles.length) config.groups.push({ id: GROUP, title: { vi: t("raster.group"), en: t("raster.group") }, toggles });
  return toggles;
}

function rasterToggles(config) {
  const group = config.groups.find((g) => g.id === GROUP);
  return group ? group.toggles : [];
}

// "Ảnh: tổng hợp (demo), 30/06/2026, 2 m/điểm ảnh": where an image comes from, when and how
// sharp, from its legend document (source, acquired, resolution_m, synthetic).
export function imageryCredit(doc) {
  const r = doc.resolution_m;
  const parts = [doc.synthetic ? t("raster.synthetic") : doc.source, day(doc.acquired, lang()),
    r ? t("raster.resolution", { m: number(r, lang(), r < 10 ? 1 : 0) }) : null];
  return t("raster.imagery", { what: parts.filter(Boolean).join(", ") });
}

// Stops as [value, colour] pairs or {value, colour} objects, sorted by value.
function stopsOf(doc) {
  return (doc.stops || []).map((s) => (Array.isArray(s) ? s : [s.value, colourOf(s)])).sort((a, b) => a[0] - b[0]);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function colourOf(item) { return item.colour || item.color; }

function labelOf(item) { return item.label ?? pick({ vi: item.label_vi, en: item.label_en }); }

function valueText(value, units) {
  const digits = Math.abs(value) >= 100 ? 0 : 1;
  return units ? `${number(value, lang(), digits)} ${units}` : number(value, lang(), digits);
}

function categories(doc) {
  const ul = el("ul", "legend raster-classes");
  for (const item of doc.classes) {
    const li = el("li");
    const swatch = el("span", "swatch");
    swatch.style.setProperty("--c", colourOf(item));
    li.append(swatch, el("span", null, labelOf(item)));
    ul.append(li);
  }
  return ul;
}

// A gradient bar from the stops (positioned over the data's range) with its two ends in words.
function ramp(doc, units) {
  const stops = stopsOf(doc);
  const lo = doc.value_min ?? doc.min ?? stops[0][0];
  const hi = doc.value_max ?? doc.max ?? stops[stops.length - 1][0];
  const span = hi - lo || 1;
  const at = (v) => Math.max(0, Math.min(100, ((v - lo) / span) * 100)).toFixed(1);
  const box = el("div", "raster-ramp");
  const bar = el("div", "raster-ramp-bar");
  bar.style.backgroundImage = `linear-gradient(to right, ${stops.map(([v, c]) => `${c} ${at(v)}%`).join(", ")})`;
  bar.setAttribute("role", "img");
  bar.setAttribute("aria-label", t("raster.range", { min: valueText(lo, units), max: valueText(hi, units) }));
  const ends = el("div", "raster-ramp-ends");
  ends.setAttribute("aria-hidden", "true");
  ends.append(el("span", null, valueText(lo, units)), el("span", null, valueText(hi, units)));
  box.append(bar, ends);
  return box;
}

async function fillLegend(box, toggle) {
  const r = toggle.raster;
  try {
    const response = await fetch(`${r.legendUrl}?lang=${lang()}`);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const doc = await response.json();
    const units = doc.units || "";
    const parts = [];
    if (Array.isArray(doc.classes) && doc.classes.length) {
      parts.push(categories(doc));
      // The printed map's legend (print.js) draws a toggle's `legend` items: the classes, in words.
      toggle.legend = doc.classes.map((c) => ({ shape: "fill", color: colourOf(c), label: { vi: labelOf(c), en: labelOf(c) } }));
    }
    else if (Array.isArray(doc.stops) && doc.stops.length) parts.push(ramp(doc, units));
    if (r.kind === "imagery") parts.push(el("p", "raster-credit", imageryCredit(doc)));
    else if (doc.synthetic || doc.source || doc.acquired) {
      parts.push(el("p", "raster-credit", t("raster.data", {
        what: [doc.synthetic ? t("raster.synthetic") : doc.source, day(doc.acquired, lang())].filter(Boolean).join(", ") })));
    }
    box.replaceChildren(...parts);
    box.dataset.ready = "true";
  } catch (err) {
    console.error(`legend of ${r.name}:`, err);
    box.replaceChildren(el("p", "legend-note", t("raster.noLegend")));
  }
}

function opacitySlider(map, toggle) {
  const wrap = el("div", "raster-opacity");
  const id = `opacity-${toggle.raster.name}`;
  const label = el("label", null, t("raster.opacity"));
  label.htmlFor = id;
  const input = el("input");
  Object.assign(input, { type: "range", id, min: "0", max: "100", step: "10" });
  input.dataset.opacity = toggle.id;
  const current = map.getPaintProperty(toggle.id, "raster-opacity");
  input.value = String(Math.round((typeof current === "number" ? current : 1) * 100));
  const out = el("output", null);
  out.htmlFor = id;
  const show = () => {
    const text = `${number(input.value, lang())} %`;
    out.textContent = text;
    input.setAttribute("aria-valuetext", text);
  };
  input.addEventListener("input", () => {
    map.setPaintProperty(toggle.id, "raster-opacity", Number(input.value) / 100);
    show();
  });
  show();
  wrap.append(label, input, out);
  return wrap;
}

// Each raster row of the switcher gains its legend (read once, when first turned on) and slider.
export function initRasters(map, config) {
  const toggles = rasterToggles(config);
  const filled = new Set();
  for (const toggle of toggles) {
    const box = document.querySelector(`#layers input[data-toggle="${CSS.escape(toggle.id)}"]`);
    const row = box && box.closest(".toggle");
    if (!row) continue;
    row.classList.add("raster-toggle");
    row.dataset.raster = toggle.raster.name;
    const extra = el("div", "raster-extra");
    const legend = el("div", "raster-legend");
    extra.append(legend, opacitySlider(map, toggle));
    row.querySelector(".legend")?.remove();  // the generic (empty) legend list
    row.append(extra);
    const sync = (visible) => {
      if (visible.includes(toggle.id) && !filled.has(toggle.id)) { filled.add(toggle.id); fillLegend(legend, toggle); }
    };
    sync(visibleToggles());
    onToggle(sync);
  }
}

// The rasters a click reads values from: on, and not imagery (a colour is not a value).
function valueRasters(map, config) {
  const on = new Set(visibleToggles());
  return rasterToggles(config).filter((tg) => on.has(tg.id) && tg.raster.kind !== "imagery" && map.getLayer(tg.id));
}

export function rastersOn(map, config) { return valueRasters(map, config).length > 0; }

async function positionText(config, toggle, lngLat) {
  const url = `${toggle.raster.positionUrl}?lon=${lngLat.lng.toFixed(6)}&lat=${lngLat.lat.toFixed(6)}&lang=${lang()}`;
  const response = await fetch(url);
  if (response.status === 404) return t("raster.outside");
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = await response.json();
  if (body.value === null || body.value === undefined) return t("raster.nodata");
  if (body.label) return body.label;
  return valueText(body.value, body.units || "");
}

// A table of the values under `lngLat` of each raster on (filled as the answers come), or null.
export function rasterValues(map, config, lngLat) {
  const toggles = valueRasters(map, config);
  if (!toggles.length) return null;
  const table = el("table", "popup-raster");
  for (const toggle of toggles) {
    const tr = table.insertRow();
    tr.dataset.raster = toggle.raster.name;
    const th = el("th", null, pick(toggle.title));
    th.scope = "row";
    const td = el("td", null, "…");
    tr.append(th, td);
    positionText(config, toggle, lngLat)
      .then((text) => { td.textContent = text; })
      .catch((err) => { console.error(`value of ${toggle.raster.name}:`, err); td.textContent = t("raster.noValue"); })
      .finally(() => { tr.dataset.ready = "true"; });
  }
  return table;
}
