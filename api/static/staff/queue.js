// Which areas the list shows and in what order: status (or the queue), commune, a search over
// name, code, owner and address, and a sort. The list is the user's whole scope (one request);
// filtering happens here, instantly, as the inspector types.

import { $, el } from "./dom.js";
import { t } from "./i18n.js";

const QUEUE = ["submitted", "inspected"];
const STATUS_ORDER = ["submitted", "inspected", "draft", "granted", "suspended", "expired", "revoked"];

// Lower case without Vietnamese marks, so "dien chau" finds "Diễn Châu".
export function folded(text) {
  return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
}

const SORTS = {
  newest: (a, b) => String(b.properties.updated_at || "").localeCompare(String(a.properties.updated_at || "")) || b.id - a.id,
  oldest: (a, b) => String(a.properties.updated_at || "").localeCompare(String(b.properties.updated_at || "")) || a.id - b.id,
  name: (a, b) => String(a.properties.name || "").localeCompare(String(b.properties.name || ""), "vi") || a.id - b.id,
  area: (a, b) => (Number(b.properties.area_ha) || 0) - (Number(a.properties.area_ha) || 0) || a.id - b.id,
  status: (a, b) => STATUS_ORDER.indexOf(a.properties.status) - STATUS_ORDER.indexOf(b.properties.status) || SORTS.oldest(a, b),
};

export function filtered(areas, communeName) {
  const status = $("#status-filter").value;
  const commune = $("#commune-filter").value;
  const words = folded($("#area-search").value).split(/\s+/).filter(Boolean);
  const shown = areas.filter((f) => {
    const p = f.properties;
    if (status && (status === "queue" ? !QUEUE.includes(p.status) : p.status !== status)) return false;
    if (commune && p.commune_code !== commune) return false;
    if (!words.length) return true;
    const text = folded([p.name, p.code, p.owner_name, p.address, p.variety, communeName(p.commune_code)].join(" "));
    return words.every((w) => text.includes(w));
  });
  return shown.sort(SORTS[$("#area-sort").value] || SORTS.newest);
}

export function fillCommuneFilter(communes, nameOf) {
  const select = $("#commune-filter");
  const keep = select.value;
  select.replaceChildren(select.options[0], ...communes.map((c) => el("option", { value: c.code }, nameOf(c))));
  select.value = keep;
}

export function countLine(shown, total) {
  $("#areas-count").textContent = total ? t("page.shown", { n: shown, total }) : "";
  $("#areas-empty").hidden = total > 0;
  $("#areas-nomatch").hidden = !(total > 0 && shown === 0);
}

export function watchFilters(render) {
  for (const id of ["#status-filter", "#commune-filter", "#area-sort"]) $(id).addEventListener("change", render);
  $("#area-search").addEventListener("input", render);
}
