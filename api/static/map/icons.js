// The map's icons come from the style's sprite (/styles/map/sprite, drawn from the SVG icons by
// the server), so any MapLibre client using the style has them. The SVGs (the legend shows the
// same files) are still loaded here for one case: an external basemap (NTM_BASEMAP_STYLE_URL)
// brings its own sprite and ours is not in the merged style; MapLibre then asks for each missing
// image and gets it added from these. Adding them before the sprite loads would clash with it.

const SIZE = 28;

function load(url) {
  return new Promise((resolve, reject) => {
    const img = new Image(SIZE, SIZE);
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`icon ${url} did not load`));
    img.src = url;
  });
}

export async function loadIcons(config) {
  const names = new Set();
  for (const g of config.groups) for (const tg of g.toggles) for (const item of tg.legend) if (item.icon) names.add(item.icon);
  const entries = await Promise.all([...names].map(async (n) => [n, await load(`/static/icons/${n}.svg`)]));
  return Object.fromEntries(entries);
}

export function provideIcons(map, icons) {
  map.on("styleimagemissing", (e) => {
    if (icons[e.id] && !map.hasImage(e.id)) map.addImage(e.id, icons[e.id], { pixelRatio: 1 });
  });
}
