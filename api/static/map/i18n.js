// Words of the map's own interface in Vietnamese and English; layer and property names come
// from the server (config), already in both languages.

const TEXT = {
  vi: {
    "title": "Bản đồ số nông thôn mới",
    "nav.map": "Bản đồ", "nav.tourism": "Du lịch", "nav.opendata": "Dữ liệu mở", "nav.staff": "Cán bộ",
    "panel.layers": "Lớp bản đồ", "panel.legend": "Chú giải",
    "search.label": "Tìm kiếm", "search.placeholder": "Tìm xã, thôn, mã địa chỉ, mã vùng trồng…",
    "search.none": "Không tìm thấy kết quả.", "search.error": "Không tìm được: ",
    "search.kind.commune": "Xã/phường", "search.kind.village": "Thôn", "search.kind.address": "Mã địa chỉ",
    "search.kind.growing_area": "Vùng trồng", "search.kind.tourism_place": "Du lịch", "search.kind.province": "Tỉnh",
    "map.label": "Bản đồ", "popup.details": "Xem trang chi tiết", "popup.count": "Số hộ trong ô",
    "yes": "Có", "no": "Không",
    "ctrl.zoomin": "Phóng to", "ctrl.zoomout": "Thu nhỏ", "ctrl.locate": "Vị trí của tôi", "ctrl.close": "Đóng",
  },
  en: {
    "title": "New Rural Development web map",
    "nav.map": "Map", "nav.tourism": "Tourism", "nav.opendata": "Open data", "nav.staff": "Staff",
    "panel.layers": "Map layers", "panel.legend": "Legend",
    "search.label": "Search", "search.placeholder": "Find a commune, village, address code, growing-area code…",
    "search.none": "Nothing found.", "search.error": "Search failed: ",
    "search.kind.commune": "Commune", "search.kind.village": "Village", "search.kind.address": "Address code",
    "search.kind.growing_area": "Growing area", "search.kind.tourism_place": "Tourism", "search.kind.province": "Province",
    "map.label": "Map", "popup.details": "Open the detail page", "popup.count": "Households in this cell",
    "yes": "Yes", "no": "No",
    "ctrl.zoomin": "Zoom in", "ctrl.zoomout": "Zoom out", "ctrl.locate": "Find my location", "ctrl.close": "Close",
  },
};

// MapLibre's own buttons, named in the current language.
const CONTROLS = { ".maplibregl-ctrl-zoom-in": "ctrl.zoomin", ".maplibregl-ctrl-zoom-out": "ctrl.zoomout",
  ".maplibregl-ctrl-geolocate": "ctrl.locate", ".maplibregl-popup-close-button": "ctrl.close" };

export function localizeControls(root = document) {
  for (const [selector, key] of Object.entries(CONTROLS)) {
    root.querySelectorAll(selector).forEach((el) => { el.title = t(key); el.setAttribute("aria-label", t(key)); });
  }
}

let current = "vi";
const listeners = [];

export function lang() { return current; }

export function t(key) { return (TEXT[current] && TEXT[current][key]) || TEXT.en[key] || key; }

// A {vi, en} pair from the server, in the current language.
export function pick(pair) { return pair ? (pair[current] ?? pair.en ?? pair.vi) : ""; }

export function onLangChange(fn) { listeners.push(fn); }

export function applyTexts(root = document) {
  root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  root.querySelectorAll("[data-i18n-aria]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.i18nAria)); });
  root.querySelectorAll("a[data-keep-lang]").forEach((el) => {
    const url = new URL(el.getAttribute("href"), location.href);
    url.searchParams.set("lang", current);
    el.href = url.pathname + url.search;
  });
  root.querySelectorAll("[data-set-lang]").forEach((el) => {
    el.setAttribute("aria-pressed", String(el.dataset.setLang === current));
  });
  localizeControls(root);
}

export function setLang(value) {
  current = value === "en" ? "en" : "vi";
  document.documentElement.lang = current;
  applyTexts();
  listeners.forEach((fn) => fn(current));
}

export function wireLangButtons() {
  document.querySelectorAll("[data-set-lang]").forEach((el) => {
    el.addEventListener("click", () => setLang(el.dataset.setLang));
  });
}
