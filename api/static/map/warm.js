// Over a slow phone connection MapLibre (the page's largest file) arrives last, and only then did
// the map ask for its sprite, its first tiles and the commune names: one more round trip and
// ~100 kB after it. This module runs from the page head (an async module: while the parser waits
// for MapLibre) and asks for those now, so they travel alongside MapLibre; the map's own requests
// for the same URLs are then answered by the HTTP cache (tiles, sprite and labels are cacheable).
// The first view is framed exactly as main.js frames it, so the tiles asked for are the ones shown.
// The style is read here once and handed to main.js (styleDoc): a preloaded response is used once.
// It imports nothing and is asked for first, ahead of the other modules (six connections per host).

const TILE = 512;  // MapLibre's tile size (vector tiles and the world size alike)
const PADDING = 20;  // main.js: fitBoundsOptions
const MAX_FIT_ZOOM = 14;
const MAX_TILES = 12;  // a huge screen: the rest is left to MapLibre
const styles = new Map();

// permalink.js's readHash, the view only: no import, so this module is one request.
function hashView() {
  const view = (new URLSearchParams(location.hash.slice(1)).get("map") || "").split("/").map(Number);
  return view.length === 3 && view.every(Number.isFinite) ? { zoom: view[0], center: [view[2], view[1]] } : {};
}

export function styleDoc(url) {
  const key = new URL(url, location.href).href;
  if (!styles.has(key)) styles.set(key, fetch(key, { credentials: "same-origin" }).then((r) => r.json()));
  return styles.get(key);
}

const mercX = (lng) => (lng + 180) / 360;
function mercY(lat) {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
}

// The map's container once the page's styles are applied (it is beside the panel on a desktop).
async function mapSize() {
  for (let i = 0; i < 100; i += 1) {
    const el = document.getElementById("map");
    const css = [...document.querySelectorAll('link[rel="stylesheet"]')];
    if (el && css.every((l) => l.sheet)) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.height > 0) return [box.width, box.height];
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  return null;
}

// The first view in Web Mercator units (0..1), as MapLibre's fitBounds or the permalink sets it.
function firstView(frame, hash, [w, h]) {
  let cx; let cy; let zoom;
  if (frame) {
    const [x0, x1, y0, y1] = [mercX(frame[0]), mercX(frame[2]), mercY(frame[3]), mercY(frame[1])];
    zoom = Math.min(MAX_FIT_ZOOM, Math.log2(Math.min((w - 2 * PADDING) / ((x1 - x0) * TILE),
      (h - 2 * PADDING) / ((y1 - y0) * TILE))));
    [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  } else {
    [cx, cy, zoom] = [mercX(hash.center[0]), mercY(hash.center[1]), hash.zoom];
  }
  const half = [w / 2 / (TILE * 2 ** zoom), h / 2 / (TILE * 2 ** zoom)];
  return { zoom, x0: cx - half[0], x1: cx + half[0], y0: cy - half[1], y1: cy + half[1] };
}

// The source's tiles MapLibre asks for in that view: at floor(zoom), inside the source's bounds.
function tileUrls(source, v) {
  const z = Math.max(source.minzoom || 0, Math.min(source.maxzoom ?? 22, Math.floor(v.zoom)));
  const n = 2 ** z;
  const b = source.bounds || [-180, -85.0511, 180, 85.0511];
  const [x0, x1] = [Math.max(v.x0, mercX(b[0])), Math.min(v.x1, mercX(b[2]))];
  const [y0, y1] = [Math.max(v.y0, mercY(b[3])), Math.min(v.y1, mercY(b[1]))];
  const urls = [];
  for (let x = Math.floor(x0 * n); x < x1 * n; x += 1) {
    for (let y = Math.floor(y0 * n); y < y1 * n; y += 1) {
      urls.push(source.tiles[0].replace("{z}", z).replace("{x}", x).replace("{y}", y));
    }
  }
  return urls.length <= MAX_TILES ? urls : [];
}

async function warm() {
  const link = document.getElementById("style-preload");
  const holder = document.getElementById("map-config");
  if (!link || !holder) return;
  const config = JSON.parse(holder.textContent);
  if (config.basemapStyleUrl) return;  // another style decides what is loaded
  const view = config.view || {};
  const narrow = view.mode === "tourism" || view.mode === "embed";
  const hash = hashView();
  const [style, size] = await Promise.all([styleDoc(link.href), mapSize()]);
  const frame = view.extent || (hash.center && !narrow ? null : (style.metadata || {})["ntm:bounds"]);
  const source = style.sources.ntm;
  const urls = [];
  if (size && source && source.tiles && (frame || hash.center)) urls.push(...tileUrls(source, firstView(frame, hash, size)));
  if (style.sprite && typeof style.sprite === "string") {
    const ratio = window.devicePixelRatio > 1 ? "@2x" : "";
    urls.push(`${style.sprite}${ratio}.json`, `${style.sprite}${ratio}.png`);
  }
  const names = style.sources["labels-communes"];
  if (names && typeof names.data === "string") urls.push(names.data);
  await Promise.all(urls.map((url) => fetch(url, { credentials: "same-origin" }).then((r) => r.arrayBuffer())));
}

warm().catch((err) => console.warn("map warm-up:", err));
