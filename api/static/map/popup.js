// Click → a popup with the feature's public attributes (titles and coded values in the current
// language) and a link to its shareable page, the OGC API item page in HTML.

import { lang, pick, t } from "./i18n.js";

function interactiveLayers(map) {
  return map.getStyle().layers
    .filter((l) => l.metadata && l.metadata["ntm:collection"] && !l.id.endsWith("-label"))
    .filter((l) => map.getLayoutProperty(l.id, "visibility") !== "none")
    .map((l) => l.id);
}

function valueText(config, collection, prop, raw) {
  if (raw === null || raw === undefined || raw === "") return "—";
  if (raw === true || raw === "true") return t("yes");
  if (raw === false || raw === "false") return t("no");
  const labels = (config.values[collection] || {})[prop.name] || config.values["*"][prop.name];
  if (labels && labels[raw]) return pick(labels[raw]);
  if (prop.type === "array" && typeof raw === "string" && raw.startsWith("[")) {
    try { return JSON.parse(raw).join(", "); } catch { return raw; }
  }
  if (typeof raw === "number" && !Number.isInteger(raw)) return raw.toLocaleString(lang() === "vi" ? "vi-VN" : "en-GB", { maximumFractionDigits: 2 });
  return String(raw);
}

export function popupContent(config, feature) {
  const collection = feature.layer.metadata["ntm:collection"];
  const doc = config.collections[collection];
  const root = document.createElement("div");
  root.className = "popup";
  const h = document.createElement("h3");
  h.textContent = pick(doc.title);
  root.append(h);
  const table = document.createElement("table");
  if (feature.sourceLayer.endsWith("_grid")) {
    const tr = table.insertRow();
    tr.insertCell().textContent = t("popup.count");
    tr.insertCell().textContent = String(feature.properties.count);
  } else {
    for (const prop of doc.properties) {
      const raw = feature.properties[prop.name];
      if (raw === undefined || raw === null || raw === "") continue;
      const tr = table.insertRow();
      const th = document.createElement("th");
      th.textContent = pick(prop.title);
      th.title = prop.name;
      tr.append(th);
      tr.insertCell().textContent = valueText(config, collection, prop, raw);
    }
  }
  root.append(table);
  if (feature.id !== undefined && !feature.sourceLayer.endsWith("_grid")) {
    const a = document.createElement("a");
    a.href = `${config.base}/collections/${collection}/items/${feature.id}?f=html&lang=${lang()}`;
    a.textContent = t("popup.details");
    a.className = "popup-link";
    if (config.view.mode === "embed") a.target = "_blank";
    root.append(a);
  }
  return root;
}

export function initPopups(map, config) {
  const popup = new maplibregl.Popup({ maxWidth: "320px", closeButton: true });
  map.on("click", (e) => {
    const pad = 4;
    const box = [[e.point.x - pad, e.point.y - pad], [e.point.x + pad, e.point.y + pad]];
    const hits = map.queryRenderedFeatures(box, { layers: interactiveLayers(map) });
    if (!hits.length) { popup.remove(); return; }
    popup.setLngLat(e.lngLat).setDOMContent(popupContent(config, hits[0])).addTo(map);
  });
  map.on("mousemove", (e) => {
    const hits = map.queryRenderedFeatures(e.point, { layers: interactiveLayers(map) });
    map.getCanvas().style.cursor = hits.length ? "pointer" : "";
  });
  return popup;
}
