// Tourism icons are small SVG files served by ntm-map (no sprite sheet, no icon font, no CDN);
// they are loaded before the map asks for them, and added when a layer first needs one.

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
  const add = (name) => {
    if (icons[name] && !map.hasImage(name)) map.addImage(name, icons[name], { pixelRatio: 1 });
  };
  Object.keys(icons).forEach(add);
  map.on("styleimagemissing", (e) => add(e.id));
}
