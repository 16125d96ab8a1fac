// The map's words: a thin layer over /static/common/i18n.js, whose texts the page embeds from
// api/i18n/messages/map.json (and common.json). A page shows one language: switching reloads the
// page in the other one (view and layers kept in the hash), so nothing is left in the old one.

import { LANG, has, t as text } from "/static/common/i18n.js";

export function lang() { return LANG; }

// "search.none" is "map.search.none"; a key with its own area ("common.yes") is used as is.
export function t(key, values) { return text(has(`map.${key}`) ? `map.${key}` : key, values); }

// A {vi, en} pair from the server, in the page's language.
export function pick(pair) { return pair ? (pair[LANG] ?? pair.en ?? pair.vi) : ""; }

// MapLibre's own words (buttons, the scroll-zoom hint of the embed, the attribution toggle).
export function mapLocale() {
  const out = {};
  for (const key of ["AttributionControl.ToggleAttribution", "AttributionControl.MapFeedback",
    "CooperativeGesturesHandler.WindowsHelpText", "CooperativeGesturesHandler.MacHelpText",
    "CooperativeGesturesHandler.MobileHelpText", "GeolocateControl.FindMyLocation",
    "GeolocateControl.LocationNotAvailable", "Map.Title", "Marker.Title", "NavigationControl.ResetBearing",
    "NavigationControl.ZoomIn", "NavigationControl.ZoomOut", "Popup.Close", "ScaleControl.Kilometers",
    "ScaleControl.Meters"]) out[key] = text(`map.ml.${key}`);
  return out;
}

// The page again in `value`, at the same view: ?lang= for the server, the hash for the view.
export function switchLang(value) {
  if (value === LANG) return;
  const url = new URL(location.href);
  url.searchParams.set("lang", value);
  const hash = new URLSearchParams(url.hash.slice(1));
  if (hash.has("map")) { hash.set("lang", value); url.hash = decodeURIComponent(hash.toString()); }
  location.assign(url.toString());
}

export function wireLangButtons() {
  document.querySelectorAll("[data-set-lang]").forEach((el) => {
    el.setAttribute("aria-pressed", String(el.dataset.setLang === LANG));
    el.addEventListener("click", () => switchLang(el.dataset.setLang));
  });
}
