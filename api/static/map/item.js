// A feature's page: a small map of the feature over the offline basemap, and a link that opens
// the web map at the same place with the feature's layer switched on.

const geometry = JSON.parse(document.getElementById("item-geometry").textContent);
const holder = document.getElementById("item-map");

function extent(coords, box = [Infinity, Infinity, -Infinity, -Infinity]) {
  if (typeof coords[0] === "number") {
    box[0] = Math.min(box[0], coords[0]); box[1] = Math.min(box[1], coords[1]);
    box[2] = Math.max(box[2], coords[0]); box[3] = Math.max(box[3], coords[1]);
  } else coords.forEach((c) => extent(c, box));
  return box;
}

async function start() {
  const style = await (await fetch(holder.dataset.style)).json();
  // Show the feature's own layer (its first view) and the boundaries; hide the other themes.
  const link = document.getElementById("item-open-map");
  const own = style.layers.map((l) => l.metadata || {}).find((m) => m["ntm:collection"] === link.dataset.collection);
  const shown = ["communes", "villages", ...(own ? [own["ntm:toggle"]] : [])];
  for (const layer of style.layers) {
    const toggle = (layer.metadata || {})["ntm:toggle"];
    if (toggle) layer.layout = { ...layer.layout, visibility: shown.includes(toggle) ? "visible" : "none" };
    const texts = (layer.metadata || {})["ntm:text"];
    if (texts) layer.layout["text-field"] = texts[document.documentElement.lang] || layer.layout["text-field"];
  }
  style.sources.item = { type: "geojson", data: { type: "Feature", geometry, properties: {} } };
  const kind = geometry.type.replace("Multi", "");
  if (kind === "Polygon") {
    style.layers.push({ id: "item-fill", type: "fill", source: "item", paint: { "fill-color": "#c62828", "fill-opacity": 0.25 } });
    style.layers.push({ id: "item-line", type: "line", source: "item", paint: { "line-color": "#c62828", "line-width": 2.5 } });
  } else if (kind === "LineString") {
    style.layers.push({ id: "item-line", type: "line", source: "item", paint: { "line-color": "#c62828", "line-width": 4 } });
  } else {
    style.layers.push({ id: "item-point", type: "circle", source: "item",
      paint: { "circle-color": "#c62828", "circle-radius": 8, "circle-stroke-color": "#fff", "circle-stroke-width": 2 } });
  }
  const [w, s, e, n] = extent(geometry.coordinates);
  const map = new maplibregl.Map({ container: holder, style, bounds: [[w, s], [e, n]],
    fitBoundsOptions: { padding: 40, maxZoom: kind === "Point" ? 13 : 16 }, attributionControl: { compact: true } });  // a point among its commune and villages, not on bare land
  window.ntmMap = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.on("error", (ev) => console.error("map:", ev.error ? ev.error.message : ev));
  map.once("idle", () => {
    const c = map.getCenter();
    link.href = `${link.dataset.base}#map=${map.getZoom().toFixed(2)}/${c.lat.toFixed(5)}/${c.lng.toFixed(5)}` +
      `&layers=${shown.join(",")}&lang=${document.documentElement.lang}`;
    document.body.dataset.mapState = "idle";
  });
}

start().catch((err) => { console.error("the map could not start:", err); document.body.dataset.mapState = "failed"; });
