// Numbers, areas and dates as people read them: the same rules as geo/formatting.py
// (vi: 1.234,5 and 03/12/2026; en: 1,234.5 and 3 Dec 2026).

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

// One formatter per language and precision: making an Intl.NumberFormat costs ~0.1 ms, and the
// map's legends and lists format hundreds of numbers at once.
const formatters = new Map();

export function number(value, lang, digits = 0) {
  if (value === null || value === undefined || value === "" || Number.isNaN(Number(value))) return "";
  const key = `${lang === "vi" ? "vi" : "en"}:${digits}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat(lang === "vi" ? "vi-VN" : "en-GB",
      { maximumFractionDigits: digits, minimumFractionDigits: 0, useGrouping: true }));
  }
  return formatters.get(key).format(Number(value));
}

export function areaHa(value, lang) {
  if (value === null || value === undefined || value === "") return "";
  const v = Number(value);
  const digits = Math.abs(v) < 10 ? 2 : Math.abs(v) < 100 ? 1 : 0;
  return `${number(v, lang, digits)} ha`;
}

export function lengthKm(value, lang) {
  if (value === null || value === undefined || value === "") return "";
  return `${number(value, lang, 1)} km`;
}

export function day(value, lang) {
  if (!value) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(value));
  if (!m) return String(value);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return lang === "vi" ? `${m[3]}/${m[2]}/${y}` : `${d} ${MONTHS_EN[mo - 1]} ${y}`;
}
