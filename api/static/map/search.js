// The search box: /search finds communes, villages, places, OCOP products, cooperatives, growing
// areas, address codes and Plus Codes (with or without diacritics, a village with its commune).
// Each result says where it is (commune, province), so equal names are told apart. Choosing one
// flies the map there, outlines it on the map, shows its layer and, on a phone, closes the panel.
// Texts come from api/i18n/messages/search.json in the page's language (a language switch
// reloads the page, so no text is left in the old one).

import { LANG, t } from "/static/common/i18n.js";

const HIGHLIGHT = "search-highlight";
const PHONE = "(max-width: 640px)";

function highlight(map, feature) {
  const data = { type: "FeatureCollection", features: feature ? [{ type: "Feature", geometry: feature.geometry, properties: {} }] : [] };
  const source = map.getSource(HIGHLIGHT);
  if (source) { source.setData(data); return; }
  map.addSource(HIGHLIGHT, { type: "geojson", data });
  const polygons = ["==", ["geometry-type"], "Polygon"];
  map.addLayer({ id: `${HIGHLIGHT}-fill`, type: "fill", source: HIGHLIGHT, filter: polygons,
    paint: { "fill-color": "#c62828", "fill-opacity": 0.12 } });
  map.addLayer({ id: `${HIGHLIGHT}-casing`, type: "line", source: HIGHLIGHT, filter: polygons,
    paint: { "line-color": "#ffffff", "line-width": 6, "line-opacity": 0.9 } });
  map.addLayer({ id: `${HIGHLIGHT}-line`, type: "line", source: HIGHLIGHT, filter: polygons,
    paint: { "line-color": "#c62828", "line-width": 3 } });
  map.addLayer({ id: `${HIGHLIGHT}-point`, type: "circle", source: HIGHLIGHT, filter: ["==", ["geometry-type"], "Point"],
    paint: { "circle-radius": 10, "circle-color": "rgba(198,40,40,0.25)", "circle-stroke-color": "#c62828", "circle-stroke-width": 3 } });
}

function flyTo(map, feature) {
  highlight(map, feature);
  if (feature.bbox && feature.geometry.type !== "Point") {
    const [w, s, e, n] = feature.bbox;
    map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 16, duration: 800 });
  } else {
    map.flyTo({ center: feature.geometry.coordinates, zoom: Math.max(map.getZoom(), 16), duration: 800 });
  }
}

// On a phone the panel covers the map: close it once a result is chosen (through its own button,
// so the button's state stays right).
function closePanelOnPhone() {
  if (!window.matchMedia(PHONE).matches) return;
  const button = document.querySelector('[aria-controls="panel-body"][aria-expanded="true"]');
  if (button) button.click();
}

export function initSearch(form, map, config, showCollection) {
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector("ul");
  const status = form.querySelector("[role=status]");
  list.setAttribute("aria-label", t("search.results"));
  let results = [];
  let timer = null;
  let seq = 0;

  const say = (key, values) => { status.textContent = key ? t(key, values) : ""; };

  function choose(feature) {
    list.hidden = true;
    input.value = feature.properties.label;
    if (feature.properties.collection) showCollection(feature.properties.collection);
    flyTo(map, feature);
    say("search.shown", { label: feature.properties.label });
    form.dataset.chosen = feature.id;  // for the browser tests
    closePanelOnPhone();
  }

  function option(f) {
    const li = document.createElement("li");
    li.setAttribute("role", "option");
    li.tabIndex = 0;
    const name = document.createElement("span");
    name.className = "search-name";
    const p = f.properties;
    const where = p.context ? `, ${p.context}` : "";
    name.textContent = where && p.label.endsWith(where) ? p.label.slice(0, -where.length) : p.label;
    const kind = document.createElement("small");
    kind.textContent = t(`search.kind.${p.kind}`);
    kind.style.whiteSpace = "nowrap";
    li.append(name, " ", kind);
    if (p.context) {
      const place = document.createElement("small");
      place.className = "search-context";
      place.style.display = "block";
      place.style.marginLeft = "0";
      place.textContent = p.context;
      li.append(place);
    }
    li.addEventListener("click", () => choose(f));
    li.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); choose(f); }
      if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (li.previousElementSibling || input).focus(); }
      if (e.key === "Escape") { list.hidden = true; input.focus(); }
    });
    return li;
  }

  function show(features) {
    results = features;
    list.replaceChildren(...features.map(option));
    list.hidden = !features.length;
    say(features.length ? "search.count" : "search.none", { n: features.length });
  }

  async function run() {
    const q = input.value.trim();
    if (q.length < 2) { results = []; list.replaceChildren(); list.hidden = true; say(null); return; }
    const mine = ++seq;
    const url = `${config.searchUrl}?q=${encodeURIComponent(q)}&lang=${LANG}&limit=8`;
    try {
      const res = await fetch(url, { headers: { Accept: "application/geo+json" } });
      const body = await res.json();
      if (mine !== seq) return;
      if (!res.ok) { show([]); say("search.error", { reason: body.description }); return; }
      show(body.features);
    } catch (err) {
      if (mine === seq) { show([]); say("search.error", { reason: err.message }); }
    }
  }

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
    if (!input.value.trim()) highlight(map, null);
  });
  input.addEventListener("keydown", (e) => {  // arrow keys walk the results, Escape closes them
    if (e.key === "ArrowDown" && !list.hidden && list.firstElementChild) { e.preventDefault(); list.firstElementChild.focus(); }
    if (e.key === "Escape") list.hidden = true;
  });
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    clearTimeout(timer);
    await run();
    if (results.length) choose(results[0]);
  });
}
