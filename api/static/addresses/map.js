// The field map: ntm-map's own style (with the staff map's imagery switch, api/static/staff/
// imagery.js), the commune's household points coloured verified / not yet / waiting to be sent,
// the selected one ringed, and the phone's GPS fix with its accuracy circle.

import { initImagery, staffStyle } from "/static/staff/imagery.js";

const EMPTY = { type: "FeatureCollection", features: [] };
export const COLOURS = { verified: "#2e7d32", unverified: "#ef6c00", pending: "#1565c0", theirs: "#6a1b9a" };
const HIDDEN_GROUPS = ["ntm", "tourism", "agriculture"];

// A circle of `metres` around a point, as a polygon (for the accuracy of a fix).
function circle(lon, lat, metres, steps = 48) {
  const dLat = metres / 110574, dLon = metres / (111320 * Math.cos(lat * Math.PI / 180));
  const ring = [];
  for (let i = 0; i <= steps; i++) {
    const a = (i / steps) * 2 * Math.PI;
    ring.push([lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)]);
  }
  return { type: "Polygon", coordinates: [ring] };
}

export async function createMap(container, config) {
  const style = await staffStyle(config);
  const map = new maplibregl.Map({ container, style, center: [105.5, 19.0], zoom: 9,
    attributionControl: { compact: true }, keyboard: true });
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  // Tiles that cannot load without a connection are expected in the field: not errors to report.
  map.on("error", (e) => {
    if (!navigator.onLine || (e.tile && e.sourceId)) return;
    console.error("map:", e.error || e);
  });
  await new Promise((resolve) => map.on("load", resolve));
  for (const layer of map.getStyle().layers) {
    const meta = layer.metadata || {};
    // Our own points replace the public household layer; other themes are noise here.
    if (HIDDEN_GROUPS.includes(meta["ntm:group"]) || layer.id.includes("households")) {
      map.setLayoutProperty(layer.id, "visibility", "none");
    }
  }
  for (const name of ["hh", "fix", "marks"]) map.addSource(name, { type: "geojson", data: EMPTY });
  map.addLayer({ id: "fix-area", type: "fill", source: "fix", filter: ["==", ["geometry-type"], "Polygon"],
    paint: { "fill-color": "#1e88e5", "fill-opacity": 0.15 } });
  map.addLayer({ id: "fix-dot", type: "circle", source: "fix", filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-color": "#1e88e5", "circle-radius": 6, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
  map.addLayer({ id: "hh-selected", type: "circle", source: "hh", filter: ["==", ["get", "selected"], true],
    paint: { "circle-radius": 13, "circle-color": "rgba(0,0,0,0)", "circle-stroke-color": "#000", "circle-stroke-width": 3 } });
  map.addLayer({ id: "hh", type: "circle", source: "hh", paint: {
    "circle-radius": ["interpolate", ["linear"], ["zoom"], 12, 3, 17, 8],
    "circle-color": ["case", ["get", "pending"], COLOURS.pending, ["get", "verified"], COLOURS.verified, COLOURS.unverified],
    "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 } });
  map.addLayer({ id: "marks", type: "circle", source: "marks", paint: {
    "circle-radius": 9, "circle-color": ["get", "colour"], "circle-opacity": 0.8,
    "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
  const imagery = await initImagery(map).catch((err) => { console.error("imagery:", err); return null; });
  return {
    map, imagery,
    show(features, selected) {
      const data = features.map((f) => ({ ...f, id: undefined,
        properties: { ...f.properties, key: String(f.id), selected: String(f.id) === String(selected) } }));
      map.getSource("hh").setData({ type: "FeatureCollection", features: data });
    },
    showFix(fix) {
      const features = fix ? [{ type: "Feature", geometry: circle(fix.lon, fix.lat, fix.accuracy), properties: {} },
        { type: "Feature", geometry: { type: "Point", coordinates: [fix.lon, fix.lat] }, properties: {} }] : [];
      map.getSource("fix").setData({ type: "FeatureCollection", features });
    },
    // Two versions of a point in conflict: the user's and the other editor's.
    showMarks(marks) {
      map.getSource("marks").setData({ type: "FeatureCollection", features: marks.map(([coords, colour]) => ({
        type: "Feature", geometry: { type: "Point", coordinates: coords }, properties: { colour } })) });
    },
    fit(bbox) { map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { padding: 20, duration: 0 }); },
  };
}
