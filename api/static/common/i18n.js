// The page's texts from the one catalogue (api/i18n/messages/*.json), embedded by the server as
// <script type="application/json" id="i18n">; t("key", {name: value}) fills {name} placeholders.
// An unknown key shows itself in brackets, so a missing text is visible in tests, never blank.

const node = document.getElementById("i18n");
const TEXTS = node ? JSON.parse(node.textContent) : {};
export const LANG = node?.dataset.lang === "en" ? "en" : "vi";

export function t(key, values = {}) {
  const s = TEXTS[key];
  if (s === undefined) return `[${key}]`;
  return s.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

export function has(key) {
  return key in TEXTS;
}
