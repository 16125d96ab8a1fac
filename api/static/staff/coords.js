// Drawing without a mouse: the boundary's corners typed as "latitude, longitude" lines (or
// collected one by one from the map's centre, which the arrow keys move), turned into the same
// polygon a mouse would draw.

import { $ } from "./dom.js";
import { t } from "./i18n.js";

const NUMBER = /-?\d+(?:[.,]\d+)?/g;

// [[lon, lat], …] from the text, or {error}. Vietnam's longitudes (102–110) are never latitudes,
// so a line written longitude first is read the right way round.
export function parseCorners(text) {
  const corners = [];
  const lines = text.split(/\n/).map((l) => l.trim());
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]) continue;
    // "19,05 105,45" (decimal commas) or "19.05, 105.45": two numbers per line.
    const spaced = lines[i].includes(".") ? lines[i] : lines[i].replace(/(\d),(\d)/g, "$1.$2");
    const nums = (spaced.match(NUMBER) || []).map((n) => Number(n.replace(",", ".")));
    if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) return { error: t("coords.bad", { n: i + 1 }) };
    let [lat, lon] = nums;
    if (Math.abs(lat) > 90 && Math.abs(lon) <= 90) [lat, lon] = [lon, lat];
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return { error: t("coords.bad", { n: i + 1 }) };
    corners.push([lon, lat]);
  }
  const distinct = new Set(corners.map((c) => c.join(" ")));
  if (distinct.size < 3) return { error: t("coords.few") };
  return { corners };
}

export function polygonOf(corners) {
  const ring = corners.slice();
  const [first, last] = [ring[0], ring[ring.length - 1]];
  if (first[0] !== last[0] || first[1] !== last[1]) ring.push(first);
  return { type: "Polygon", coordinates: [ring] };
}

export function initCoords(staffMap) {
  const form = $("#coords-form");
  const area = form.elements.corners;
  $("#coords-centre").addEventListener("click", () => {
    const c = staffMap.map.getCenter();
    area.value = `${area.value.replace(/\s*$/, "")}${area.value.trim() ? "\n" : ""}${c.lat.toFixed(6)}, ${c.lng.toFixed(6)}`;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const { corners, error } = parseCorners(area.value);
    $("#coords-error").textContent = error || "";
    if (error) { area.focus(); return; }
    staffMap.useShape(polygonOf(corners));
    $("#draw-state").textContent += " " + t("coords.done", { n: corners.length });
  });
}
