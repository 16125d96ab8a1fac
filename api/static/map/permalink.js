// The URL hash keeps the view shareable: #map=zoom/lat/lon&layers=a,b&lang=en.

export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const out = {};
  const view = (params.get("map") || "").split("/").map(Number);
  if (view.length === 3 && view.every(Number.isFinite)) {
    out.zoom = view[0];
    out.center = [view[2], view[1]];
  }
  if (params.has("layers")) out.layers = params.get("layers").split(",").filter(Boolean);
  if (params.has("lang")) out.lang = params.get("lang");
  return out;
}

export function writeHash(map, layers, lang) {
  const c = map.getCenter();
  const z = map.getZoom();
  const digits = Math.max(2, Math.ceil(Math.log10(2 ** z)) + 1);
  const parts = [`map=${z.toFixed(2)}/${c.lat.toFixed(digits)}/${c.lng.toFixed(digits)}`,
    `layers=${layers.join(",")}`, `lang=${lang}`];
  history.replaceState(null, "", `${location.pathname}${location.search}#${parts.join("&")}`);
}
