// The layer switcher: themes → toggles (checkboxes) → legends. A toggle shows or hides its
// MapLibre layers; toggles sharing an `exclusive` name (the two NTM views) show one at a time.

import { pick } from "./i18n.js";

const listeners = [];
let state = {};  // toggle id → visible

export function visibleToggles() { return Object.keys(state).filter((id) => state[id]); }

export function onToggle(fn) { listeners.push(fn); }

function allToggles(config) { return config.groups.flatMap((g) => g.toggles); }

export function initialState(config, wanted) {
  // `wanted`: toggle ids from the permalink, else each toggle's default.
  state = {};
  for (const t of allToggles(config)) state[t.id] = wanted ? wanted.includes(t.id) : t.visible;
  return state;
}

function applyToMap(map, config) {
  for (const t of allToggles(config)) {
    for (const id of t.layers) {
      if (map.getLayer(id)) map.setLayoutProperty(id, "visibility", state[t.id] ? "visible" : "none");
    }
  }
}

export function setToggle(map, config, id, on) {
  const toggle = allToggles(config).find((t) => t.id === id);
  if (!toggle) return;
  state[id] = on;
  if (on && toggle.exclusive) {
    for (const other of allToggles(config)) {
      if (other.id !== id && other.exclusive === toggle.exclusive) state[other.id] = false;
    }
  }
  applyToMap(map, config);
  document.querySelectorAll("#layers input[data-toggle]").forEach((box) => { box.checked = !!state[box.dataset.toggle]; });
  listeners.forEach((fn) => fn(visibleToggles()));
}

function swatch(item, iconBase) {
  const el = document.createElement("span");
  el.className = `swatch swatch-${item.shape}`;
  if (item.icon) {
    const img = document.createElement("img");
    img.src = `${iconBase}/${item.icon}.svg`;
    img.alt = "";
    el.append(img);
  } else {
    el.style.setProperty("--c", item.color);
  }
  return el;
}

function legendList(toggle, iconBase) {
  const ul = document.createElement("ul");
  ul.className = "legend";
  for (const item of toggle.legend) {
    const li = document.createElement("li");
    const text = document.createElement("span");
    text.textContent = pick(item.label);
    li.append(swatch(item, iconBase), text);
    ul.append(li);
  }
  if (toggle.note) {
    const li = document.createElement("li");
    li.className = "legend-note";
    li.textContent = pick(toggle.note);
    ul.append(li);
  }
  return ul;
}

function render(container, map, config, groups) {
  container.replaceChildren();
  for (const group of groups) {
    const fs = document.createElement("fieldset");
    fs.className = "layer-group";
    fs.dataset.group = group.id;
    const title = document.createElement("legend");
    title.textContent = pick(group.title);
    fs.append(title);
    for (const toggle of group.toggles) {
      const row = document.createElement("div");
      row.className = "toggle";
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.dataset.toggle = toggle.id;
      box.checked = !!state[toggle.id];
      box.addEventListener("change", () => setToggle(map, config, toggle.id, box.checked));
      const name = document.createElement("span");
      name.textContent = pick(toggle.title);
      label.append(box, name);
      row.append(label, legendList(toggle, "/static/icons"));
      fs.append(row);
    }
    container.append(fs);
  }
}

export function initLayers(container, map, config, groups) {
  applyToMap(map, config);
  render(container, map, config, groups);
}
