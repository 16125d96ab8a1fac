// The staff map: ntm-map's own style, my areas coloured by status, the polygon being drawn
// (@mapbox/mapbox-gl-draw, adapted to MapLibre's class names) and, in red, where a validation
// rule failed (the `where` geometries of a 422 answer).

export const STATUS_COLOURS = {
  draft: "#9e9e9e", submitted: "#f9a825", inspected: "#ef6c00", granted: "#2e7d32",
  suspended: "#6a1b9a", revoked: "#b71c1c", expired: "#5d4037",
};
const HIDDEN_GROUPS = ["ntm", "tourism"];
const EMPTY = { type: "FeatureCollection", features: [] };
const DRAW_BLUE = "#1565c0";
// Plain styles (the plugin's own use Mapbox-only expression forms that MapLibre rejects).
const DRAW_STYLES = [
  { id: "gl-draw-polygon-fill", type: "fill", filter: ["all", ["==", "$type", "Polygon"]],
    paint: { "fill-color": DRAW_BLUE, "fill-opacity": 0.2 } },
  { id: "gl-draw-lines", type: "line", filter: ["any", ["==", "$type", "LineString"], ["==", "$type", "Polygon"]],
    layout: { "line-cap": "round", "line-join": "round" }, paint: { "line-color": DRAW_BLUE, "line-width": 2 } },
  { id: "gl-draw-vertex-halo", type: "circle", filter: ["all", ["==", "$type", "Point"], ["==", "meta", "vertex"]],
    paint: { "circle-radius": 7, "circle-color": "#fff" } },
  { id: "gl-draw-vertex", type: "circle", filter: ["all", ["==", "$type", "Point"], ["==", "meta", "vertex"]],
    paint: { "circle-radius": 5, "circle-color": DRAW_BLUE } },
  { id: "gl-draw-midpoint", type: "circle", filter: ["all", ["==", "$type", "Point"], ["==", "meta", "midpoint"]],
    paint: { "circle-radius": 3, "circle-color": DRAW_BLUE } },
];

function adaptDrawToMapLibre(Draw) {
  const c = Draw.constants.classes;
  c.CANVAS = "maplibregl-canvas";
  c.CONTROL_BASE = "maplibregl-ctrl";
  c.CONTROL_PREFIX = "maplibregl-ctrl-";
  c.CONTROL_GROUP = "maplibregl-ctrl-group";
  c.ATTRIBUTION = "maplibregl-ctrl-attrib";
}

function statusColour() {
  const expr = ["match", ["get", "status"]];
  for (const [status, colour] of Object.entries(STATUS_COLOURS)) expr.push(status, colour);
  expr.push("#000");
  return expr;
}

// Area of a lon/lat polygon on the sphere, in hectares (for the "drawn: N ha" hint only; the
// server computes the real figure on the ellipsoid).
export function hectares(geometry) {
  const R = 6378137, rad = Math.PI / 180;
  const ring = (coords) => {
    let sum = 0;
    for (let i = 0; i < coords.length - 1; i++) {
      const [x1, y1] = coords[i], [x2, y2] = coords[i + 1];
      sum += (x2 - x1) * rad * (2 + Math.sin(y1 * rad) + Math.sin(y2 * rad));
    }
    return Math.abs(sum * R * R / 2);
  };
  const polys = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  let m2 = 0;
  for (const p of polys) m2 += ring(p[0]) - p.slice(1).reduce((a, h) => a + ring(h), 0);
  return m2 / 10000;
}

function extend(bounds, coords) {
  if (typeof coords[0] === "number") bounds.extend(coords);
  else coords.forEach((c) => extend(bounds, c));
}

export function fitTo(map, geometries, maxZoom = 16) {
  const bounds = new maplibregl.LngLatBounds();
  geometries.filter(Boolean).forEach((g) => extend(bounds, g.coordinates));
  if (!bounds.isEmpty()) map.fitBounds(bounds, { padding: 60, maxZoom, duration: 0 });
}

export function createMap(container, styleUrl, onDrawn, titles = {}) {
  const map = new maplibregl.Map({ container, style: styleUrl, center: [105.0, 19.2], zoom: 8, attributionControl: { compact: true } });
  map.addControl(new maplibregl.NavigationControl(), "top-right");
  adaptDrawToMapLibre(MapboxDraw);
  const draw = new MapboxDraw({ displayControlsDefault: false, controls: { polygon: true, trash: true }, styles: DRAW_STYLES });
  map.addControl(draw, "top-left");
  // The drawing buttons' tooltips and names in the page's language (the plugin's are English).
  for (const [cls, title] of [["polygon", titles.polygon], ["trash", titles.trash]]) {
    const button = container.querySelector(`.mapbox-gl-draw_${cls}`);
    if (button && title) { button.title = title; button.setAttribute("aria-label", title); }
  }
  const drawn = (e) => {
    const all = draw.getAll().features.filter((f) => ["Polygon", "MultiPolygon"].includes(f.geometry.type));
    onDrawn(all.length ? all[all.length - 1].geometry : null, e ? e.type : null);
  };
  map.on("draw.create", (e) => {
    // One boundary at a time: a new drawing replaces the previous one.
    const keep = new Set(e.features.map((f) => f.id));
    draw.getAll().features.forEach((f) => { if (!keep.has(f.id)) draw.delete(f.id); });
    drawn(e);
  });
  map.on("draw.update", drawn);
  map.on("draw.delete", drawn);
  const ready = new Promise((resolve) => map.on("load", () => {
    // The public map's NTM results and tourism are noise here; other growing areas stay as context.
    for (const layer of map.getStyle().layers) {
      const group = (layer.metadata || {})["ntm:group"];
      if (HIDDEN_GROUPS.includes(group)) map.setLayoutProperty(layer.id, "visibility", "none");
    }
    map.addSource("staff-areas", { type: "geojson", data: EMPTY });
    map.addSource("staff-problem", { type: "geojson", data: EMPTY });
    map.addSource("staff-past", { type: "geojson", data: EMPTY });
    map.addLayer({ id: "staff-areas-fill", type: "fill", source: "staff-areas",
      paint: { "fill-color": statusColour(), "fill-opacity": 0.35 } });
    map.addLayer({ id: "staff-areas-line", type: "line", source: "staff-areas",
      paint: { "line-color": statusColour(), "line-width": 2 } });
    map.addLayer({ id: "staff-past-line", type: "line", source: "staff-past",
      paint: { "line-color": "#1565c0", "line-width": 3, "line-dasharray": [2, 1] } });
    map.addLayer({ id: "staff-problem-fill", type: "fill", source: "staff-problem",
      filter: ["==", ["geometry-type"], "Polygon"], paint: { "fill-color": "#d50000", "fill-opacity": 0.45 } });
    map.addLayer({ id: "staff-problem-line", type: "line", source: "staff-problem",
      paint: { "line-color": "#d50000", "line-width": 3 } });
    map.addLayer({ id: "staff-problem-point", type: "circle", source: "staff-problem",
      filter: ["==", ["geometry-type"], "Point"], paint: { "circle-color": "#d50000", "circle-radius": 6 } });
    resolve();
  }));
  return {
    map, draw, ready,
    showAreas(collection) { map.getSource("staff-areas").setData(collection); },
    showProblems(geometries) {
      const features = geometries.filter(Boolean).map((g) => ({ type: "Feature", geometry: g, properties: {} }));
      map.getSource("staff-problem").setData({ type: "FeatureCollection", features });
      if (features.length) fitTo(map, geometries);
      return features.length;
    },
    // The boundary an area had on a past day (the history panel's "as of"), dashed; null clears it.
    showPast(geometry) {
      const ok = geometry && typeof geometry === "object" && geometry.coordinates;
      map.getSource("staff-past").setData(ok ? { type: "Feature", geometry, properties: {} } : EMPTY);
      if (ok) fitTo(map, [geometry]);
      return Boolean(ok);
    },
    clearDrawing() { draw.deleteAll(); onDrawn(null, null); },
    // A boundary typed as coordinates (keyboard drawing): shown as if drawn, and reshaped the same way.
    useShape(geometry) {
      draw.deleteAll();
      const [id] = draw.add({ type: "Feature", properties: {}, geometry });
      draw.changeMode("simple_select", { featureIds: [id] });
      fitTo(map, [geometry]);
      const e = { type: "draw.create" };
      onDrawn(geometry, e.type);
    },
    // An existing boundary, ready to reshape: its corners drag (direct_select). A one-part
    // MultiPolygon (how the database stores every area) is edited as the Polygon it is.
    editBoundary(geometry) {
      draw.deleteAll();
      const single = geometry.type === "MultiPolygon" && geometry.coordinates.length === 1
        ? { type: "Polygon", coordinates: geometry.coordinates[0] } : geometry;
      const [id] = draw.add({ type: "Feature", properties: {}, geometry: single });
      draw.changeMode("direct_select", { featureId: id });
      fitTo(map, [single]);
      return single;
    },
  };
}
