// The staff page's words: the one catalogue (api/i18n/messages/staff.json, embedded in the page by
// the server in the page's language, read by /static/common/i18n.js) under "staff.", plus the words
// of coded values (status.*, action.*, cert.*) from geo/vocabulary.py in the page config
// (addWords(config.words)). Modules keep calling t("draw.done", {ha}) as before.

import { LANG, has, t as catalogue } from "/static/common/i18n.js";

const CODED = {};

// The page shows one language, the server's; kept so callers need not change.
export function setLang() {}

export function addWords(words) { Object.assign(CODED, (words || {})[LANG] || {}); }

export function lang() { return LANG; }

export function known(key) { return key in CODED || has(`staff.${key}`); }

export function t(key, values = {}) {
  if (key in CODED) return CODED[key].replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  return catalogue(`staff.${key}`, values);
}

export function pick(pair) { return pair ? (pair[LANG] ?? pair.en ?? pair.vi) : ""; }
