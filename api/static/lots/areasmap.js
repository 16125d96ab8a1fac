// A small map of the cooperative's growing areas for the register form: each area in its status
// colour (the staff map's), the chosen ones outlined thick, with their codes. It only shows: the
// areas are chosen in the list beside it (keyboard and screen readers use the list), though a
// click on an area on the map ticks it too.

import { STATUS_COLOURS } from "/static/staff/map.js";

const EMPTY = { type: "FeatureCollection", features: [] };
// The public map's themes would hide ours; the cooperative's own areas are drawn on top instead.
const HIDDEN_GROUPS = ["ntm", "tourism", "growing_areas", "addresses", "agriculture"];

function colours() {
  const expr = ["match", ["get", "status"]];
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) expr.push(status, colour);
  expr.push("#000");
  return expr;
}

function extend(bounds, coords) {
  if (typeof coords[0] === "number") bounds.extend(coords);
  else coords.forEach((c) => extend(bounds, c));
}

export function createAreasMap(container, styleUrl, onPick) {
  const map = new maplibregl.Map({ container, style: styleUrl, center: [105.0, 19.2], zoom: 8,
    attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false, keyboard: false });
  map.getCanvas().setAttribute("tabindex", "-1");  // the list is the keyboard's way to choose
  let data = EMPTY;
  let chosen = [];
  const ready = new Promise((resolve) => map.on("load", () => {
    for (const layer of map.getStyle().layers) {
      const group = (layer.metadata || {})["ntm:group"];
      if (HIDDEN_GROUPS.includes(group)) map.setLayoutProperty(layer.id, "visibility", "none");
    }
    // The credit starts folded (its ⓘ opens it): open, it covers most of a phone's small map.
    container.querySelector(".maplibregl-ctrl-attrib")?.classList.remove("maplibregl-compact-show");
    map.addSource("coop-areas", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "coop-areas-fill", type: "fill", source: "coop-areas",
      paint: { "fill-color": colours(), "fill-opacity": 0.35 } });
    map.addLayer({ id: "coop-areas-line", type: "line", source: "coop-areas",
      paint: { "line-color": colours(), "line-width": ["case", ["boolean", ["get", "chosen"], false], 4, 1.5] } });
    map.addLayer({ id: "coop-areas-code", type: "symbol", source: "coop-areas",
      layout: { "text-field": ["get", "code"], "text-size": 11, "text-font": map.getStyle().layers
        .map((l) => (l.layout || {})["text-font"]).find(Array.isArray) || ["Noto Sans Regular"] },
      paint: { "text-color": "#1d2a1f", "text-halo-color": "#fff", "text-halo-width": 1.5 } });
    map.on("click", "coop-areas-fill", (e) => { const f = e.features && e.features[0]; if (f) onPick(f.properties.id); });
    map.on("mouseenter", "coop-areas-fill", () => { map.getCanvas().style.cursor = "pointer"; });
    map.on("mouseleave", "coop-areas-fill", () => { map.getCanvas().style.cursor = ""; });
    resolve();
  }));

  function draw() {
    const features = data.features.map((f) => ({ ...f, properties: { ...f.properties, id: f.id, chosen: chosen.includes(f.id) } }));
    map.getSource("coop-areas").setData({ type: "FeatureCollection", features });
  }

  return {
    map, ready,
    async show(collection) {
      data = collection || EMPTY;
      await ready;
      draw();
      container.dataset.areas = data.features.map((f) => f.id).join(",");  // what is drawn, for tests
      const bounds = new maplibregl.LngLatBounds();
      data.features.forEach((f) => f.geometry && extend(bounds, f.geometry.coordinates));
      if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 48, maxZoom: 15, duration: 0 });
    },
    async choose(ids) {
      chosen = ids;
      await ready;
      draw();
    },
    resize() { map.resize(); },
  };
}
