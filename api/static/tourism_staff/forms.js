// The route and event forms of /staff/tourism: a route drawn on its own map with mapbox-gl-draw
// (its line tool; adapted to MapLibre's class names as the staff map does), an event at one of the
// user's places with its dates. Each saves a draft through the JSON API and calls back.

import { call } from "/static/staff/api.js";
import { $ } from "/static/staff/dom.js";

const BLUE = "#1565c0";
// Plain styles (the plugin's own use Mapbox-only expression forms that MapLibre rejects).
const DRAW_STYLES = [
  { id: "gl-draw-lines", type: "line", filter: ["==", "$type", "LineString"],
    layout: { "line-cap": "round", "line-join": "round" }, paint: { "line-color": BLUE, "line-width": 3 } },
  { id: "gl-draw-vertex", type: "circle", filter: ["all", ["==", "$type", "Point"], ["==", "meta", "vertex"]],
    paint: { "circle-radius": 5, "circle-color": BLUE } },
];

function adaptDrawToMapLibre(Draw) {
  const c = Draw.constants.classes;
  c.CANVAS = "maplibregl-canvas";
  c.CONTROL_BASE = "maplibregl-ctrl";
  c.CONTROL_PREFIX = "maplibregl-ctrl-";
  c.CONTROL_GROUP = "maplibregl-ctrl-group";
  c.ATTRIBUTION = "maplibregl-ctrl-attrib";
}

let draw = null;

export function routeMap(styleUrl, onChange) {
  if (typeof maplibregl === "undefined" || typeof MapboxDraw === "undefined") return null;
  const map = new maplibregl.Map({ container: "route-map", style: styleUrl, center: [105.0, 19.2], zoom: 8,
    attributionControl: { compact: true }, dragRotate: false, pitchWithRotate: false });
  adaptDrawToMapLibre(MapboxDraw);
  draw = new MapboxDraw({ displayControlsDefault: false, controls: { line_string: true, trash: true }, styles: DRAW_STYLES });
  map.addControl(draw, "top-left");
  for (const event of ["draw.create", "draw.update", "draw.delete"]) map.on(event, () => onChange(lines().length));
  window.tourismRouteMap = map;
  return map;
}

function lines() {
  return draw ? draw.getAll().features.filter((f) => f.geometry.type === "LineString").map((f) => f.geometry.coordinates) : [];
}

function text(form, names) {
  const out = {};
  for (const k of names) {
    const v = String(form.get(k) || "").trim();
    if (v) out[k] = v;
  }
  return out;
}

export async function saveRoute(formNode) {
  const form = new FormData(formNode);
  const props = text(form, ["name_vi", "name_en", "description_vi"]);
  if (form.get("duration_days")) props.duration_days = Number(form.get("duration_days"));
  await call("POST", "/collections/tourism_routes/items", { json: { type: "Feature", properties: props,
    geometry: { type: "MultiLineString", coordinates: lines() } } });
  formNode.reset();
  draw.deleteAll();
}

export async function saveEvent(formNode) {
  const form = new FormData(formNode);
  const props = { kind: form.get("kind"), ...text(form, ["name_vi", "name_en", "starts_on", "ends_on"]) };
  props.place_id = Number(form.get("place_id"));
  await call("POST", "/collections/tourism_events/items", { json: { type: "Feature", properties: props } });
  formNode.reset();
}

// The user's places an event can be held at (the same list the page shows).
export function setPlaces(places, nameOf) {
  const select = $("#event-form [name=place_id]");
  select.replaceChildren(...places.map((f) => {
    const o = document.createElement("option");
    o.value = String(f.id);
    o.textContent = nameOf(f.properties);
    return o;
  }));
}
