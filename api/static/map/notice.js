// A short message over the map (role="alert"), e.g. why "my location" gave nothing. It stays
// until closed or replaced, so nobody misses it.

import { t } from "./i18n.js";

export function showNotice(text) {
  const box = document.getElementById("map-notice");
  if (!box) return;
  const p = document.createElement("p");
  p.textContent = text;
  const close = document.createElement("button");
  close.type = "button";
  close.className = "notice-close";
  close.setAttribute("aria-label", t("notice.close"));
  close.textContent = "×";
  close.addEventListener("click", () => { box.hidden = true; box.replaceChildren(); });
  box.replaceChildren(p, close);
  box.hidden = false;
}

// GeolocateControl's failures in words: refused (code 1), unavailable or timed out, outside the map.
export function watchLocate(control) {
  control.on("error", (e) => showNotice(e && e.code === 1 ? t("locate.denied") : t("locate.failed")));
  control.on("outofmaxbounds", () => showNotice(t("locate.outside")));
}
