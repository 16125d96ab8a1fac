// The search box: /search finds communes, villages, places, growing areas and address codes
// (with or without diacritics); choosing a result flies the map there and shows its layer.

import { lang, t } from "./i18n.js";

let marker = null;

function flyTo(map, feature) {
  if (marker) marker.remove();
  if (feature.bbox && feature.geometry.type !== "Point") {
    const [w, s, e, n] = feature.bbox;
    map.fitBounds([[w, s], [e, n]], { padding: 40, maxZoom: 16, duration: 800 });
  } else {
    const [lon, lat] = feature.geometry.coordinates;
    map.flyTo({ center: [lon, lat], zoom: Math.max(map.getZoom(), 16), duration: 800 });
    marker = new maplibregl.Marker({ color: "#c62828" }).setLngLat([lon, lat]).addTo(map);
  }
}

export function initSearch(form, map, config, showCollection) {
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector("ul");
  const status = form.querySelector("[role=status]");
  let results = [];
  let timer = null;
  let seq = 0;

  function choose(feature) {
    list.hidden = true;
    input.value = feature.properties.label;
    showCollection(feature.properties.collection);
    flyTo(map, feature);
  }

  function show(features) {
    results = features;
    list.replaceChildren();
    status.textContent = features.length ? "" : t("search.none");
    for (const f of features) {
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.tabIndex = 0;
      const kind = document.createElement("small");
      kind.textContent = t(`search.kind.${f.properties.kind}`);
      li.append(document.createTextNode(f.properties.label + " "), kind);
      li.addEventListener("click", () => choose(f));
      li.addEventListener("keydown", (e) => {
        if (e.key === "Enter") { e.preventDefault(); choose(f); }
        if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.focus(); }
        if (e.key === "ArrowUp") { e.preventDefault(); (li.previousElementSibling || input).focus(); }
        if (e.key === "Escape") { list.hidden = true; input.focus(); }
      });
      list.append(li);
    }
    list.hidden = !features.length;
  }

  async function run() {
    const q = input.value.trim();
    if (q.length < 2) { show([]); status.textContent = ""; return; }
    const mine = ++seq;
    const url = `${config.searchUrl}?q=${encodeURIComponent(q)}&lang=${lang()}&limit=8`;
    try {
      const res = await fetch(url, { headers: { Accept: "application/geo+json" } });
      const body = await res.json();
      if (mine !== seq) return;
      if (!res.ok) { show([]); status.textContent = t("search.error") + body.description; return; }
      show(body.features);
    } catch (err) {
      if (mine === seq) { show([]); status.textContent = t("search.error") + err.message; }
    }
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 250); });
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
