// The cooperative page's words: the one catalogue under "lots_page." (embedded by the server in
// the page's language, read by /static/common/i18n.js), plus the words of coded values (units,
// certifications, lot and area statuses, crops) from geo.vocabulary in the page config.

import { LANG, has, t as catalogue } from "/static/common/i18n.js";

const CODED = {};

export function addWords(words) { Object.assign(CODED, (words || {})[LANG] || {}); }

export function lang() { return LANG; }

export function known(key) { return key in CODED || has(`lots_page.${key}`); }

export function t(key, values = {}) {
  if (key in CODED) return CODED[key];
  return catalogue(`lots_page.${key}`, values);
}

// A coded value in words ("unit.kg" → "kg", "areaStatus.granted" → its words in geo.vocabulary); the code itself
// only when the vocabulary does not know it (then it is data).
export function word(prefix, code) {
  const key = `${prefix}.${code}`;
  return key in CODED ? CODED[key] : String(code ?? "");
}

export function pick(pair) { return pair ? (pair[LANG] ?? pair.en ?? pair.vi) : ""; }
