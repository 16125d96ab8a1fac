// What a feature's information says: its name as the heading, its layer above it, then its public
// attributes in words (coded values through the server's vocabulary, communes and villages by
// name, numbers, areas and dates by /static/common/format.js) and a link to its own page.

import { areaHa, day, number } from "/static/common/format.js";
import { lang, pick, t } from "./i18n.js";

// Commune code → {name, point} and village id → {name, point}, from the label points the map
// already draws (the same URLs as the style's GeoJSON sources: answered from the HTTP cache).
const places = { communes: new Map(), villages: new Map() };
// Shown as the heading (or not at all), never as rows.
const HEADING_ONLY = new Set(["name_vi", "name_en", "full_name_vi", "name"]);
const HIDDEN = { communes: ["code", "province_code"], ntm_results: ["commune_code", "criteria_total"] };

export async function loadPlaces(sources) {  // the style document's sources
  await Promise.all(Object.keys(places).map(async (layer) => {
    const source = sources[`labels-${layer}`];
    if (!source || typeof source.data !== "string") return;
    try {
      const body = await (await fetch(source.data)).json();
      for (const f of body.features) {
        const p = f.properties;
        const name = layer === "communes" ? (lang() === "en" ? p.name_en || p.name_vi : p.name_vi) : p.name;
        places[layer].set(layer === "communes" ? p.code : f.id, { name, point: f.geometry.coordinates });
      }
    } catch (err) { console.error(`labels of ${layer}:`, err); }
  }));
}

export function placePoint(feature) {
  const p = feature.properties;
  const hit = p.commune_code ? places.communes.get(p.commune_code) : null;
  return hit ? hit.point : null;
}

export function collectionOf(feature) { return (feature.layer.metadata || {})["ntm:collection"]; }

function isGrid(feature) { return (feature.sourceLayer || "").endsWith("_grid"); }

export function heading(feature) {
  const p = feature.properties;
  if (isGrid(feature)) return t("popup.cell");
  if (p.name_vi !== undefined || p.name_en !== undefined) {
    return lang() === "en" ? p.name_en || p.name_vi : p.full_name_vi || p.name_vi || p.name_en;
  }
  return p.name || p.address_code || p.code || "";
}

function words(config, collection, name, raw) {
  const labels = (config.values[collection] || {})[name] || config.values["*"][name];
  return labels && labels[raw] ? pick(labels[raw]) : null;
}

function valueText(config, collection, prop, raw) {
  const L = lang();
  if (raw === true || raw === "true") return t("common.yes");
  if (raw === false || raw === "false") return t("common.no");
  if (prop.name === "commune_code") return (places.communes.get(raw) || { name: raw }).name;
  if (prop.name === "village_id") return (places.villages.get(raw) || { name: raw }).name;
  const known = typeof raw === "string" ? words(config, collection, prop.name, raw) : null;
  if (known) return known;
  if (prop.type === "array") {
    let items = raw;
    if (typeof raw === "string") { try { items = JSON.parse(raw); } catch { items = [raw]; } }
    return [].concat(items).map((v) => words(config, collection, prop.name, v) || v).join(", ");
  }
  if (prop.type === "date") return day(raw, L);
  if (prop.name === "area_ha") return areaHa(raw, L);
  if (prop.name.endsWith("year")) return String(raw);
  if (prop.type === "integer" || prop.type === "number") return number(raw, L, prop.type === "integer" ? 0 : 2);
  return String(raw);
}

function rowTitle(prop) {
  if (prop.name === "commune_code") return t("popup.commune");
  if (prop.name === "village_id") return t("popup.village");
  return pick(prop.title);
}

// Below the web map's detail zoom its tiles carry only what drawing and headings need
// (tiles/summary.py): the rows then come from the feature's item, asked for here (the HTTP
// cache keeps it), or from the tile if the item does not answer in time.
async function itemProperties(config, collection, feature) {
  try {
    const r = await fetch(`${config.base}/collections/${collection}/items/${encodeURIComponent(feature.id)}?f=json`,
      { headers: { Accept: "application/geo+json" }, signal: AbortSignal.timeout(8000) });
    if (r.ok) return { ...feature.properties, ...(await r.json()).properties };
  } catch (err) { console.error(`${collection} ${feature.id}:`, err); }
  return feature.properties;
}

// `summary`: the feature comes from a tile without its details (info.js decides by the zoom).
export async function popupContent(config, feature, summary = false) {
  const collection = collectionOf(feature);
  const props = summary && feature.id !== undefined && !isGrid(feature)
    ? await itemProperties(config, collection, feature) : feature.properties;
  const doc = config.collections[collection];
  const meta = feature.layer.metadata || {};
  const root = document.createElement("div");
  root.className = "popup";
  const kicker = document.createElement("p");
  kicker.className = "popup-layer";
  kicker.textContent = pick(doc.title);
  const h = document.createElement("h3");
  h.textContent = heading(feature);
  root.append(kicker, h);
  if (meta["ntm:note"]) {
    const note = document.createElement("p");
    note.className = "popup-note";
    note.textContent = pick(meta["ntm:note"]);
    root.append(note);
  }
  const table = document.createElement("table");
  if (isGrid(feature)) {
    const tr = table.insertRow();
    tr.insertCell().textContent = t("popup.count");
    tr.insertCell().textContent = number(props.count, lang());
  } else {
    const hidden = new Set(HIDDEN[collection] || []);
    for (const prop of doc.properties) {
      const raw = props[prop.name];
      if (raw === undefined || raw === null || raw === "" || HEADING_ONLY.has(prop.name) || hidden.has(prop.name)) continue;
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = rowTitle(prop);
      tr.append(th);
      const total = props.criteria_total;
      tr.insertCell().textContent = prop.name === "criteria_met" && total
        ? t("popup.criteria", { met: raw, total }) : valueText(config, collection, prop, raw);
    }
  }
  // Only the rows scroll when there are many: the heading and the link stay in sight.
  const rows = document.createElement("div");
  rows.className = "popup-rows";
  if (table.rows.length) { rows.append(table); root.append(rows); }
  if (feature.id !== undefined && RASTER_STATS.has(collection)) root.append(rasterFigures(config, collection, feature.id));
  if (feature.id !== undefined && !isGrid(feature)) {
    const a = document.createElement("a");
    a.href = `${config.base}/collections/${collection}/items/${feature.id}?f=html&lang=${lang()}`;
    a.textContent = t("popup.details");
    a.className = "popup-link";
    if (config.view.mode === "embed") a.target = "_blank";
    root.append(a);
  }
  return root;
}

// What the raster layers say about a commune or growing area ("62 % rice paddy", "mean slope
// 4.1°"): fetched when the popup opens, in words the server takes from its catalogue.
const RASTER_STATS = new Set(["communes", "growing_areas"]);

function rasterFigures(config, collection, id) {
  const box = document.createElement("div");
  box.className = "popup-rasters";
  box.setAttribute("aria-live", "polite");
  fetch(`${config.base}/collections/${collection}/items/${id}/rasters?lang=${lang()}`)
    .then((r) => (r.ok ? r.json() : null))
    .then((body) => {
      if (!body) return;
      const lines = body.rasters.map((r) => r.text).concat(body.pending_text ? [body.pending_text] : []);
      if (!lines.length) return;
      const h = document.createElement("p");
      h.className = "popup-rasters-heading";
      h.textContent = body.heading;
      const ul = document.createElement("ul");
      for (const line of lines) ul.appendChild(document.createElement("li")).textContent = line;
      box.append(h, ul);
    })
    .catch((err) => console.error("raster statistics:", err));
  return box;
}
