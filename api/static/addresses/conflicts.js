// Edits the server refused, never dropped silently: a conflict (412, someone else changed the
// point since this phone read it) shows both versions, on the map and in words, and the user
// keeps theirs or sends hers again over the other; any other refusal shows its reason until the
// user dismisses it.

import { t } from "/static/common/i18n.js";
import * as store from "./store.js";

const P = "addresses_field.page.";

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function describe(words, state) {
  if (!state) return t(`${P}conflict.gone`);
  const [lon, lat] = state.coordinates;
  return t(`${P}conflict.state`, { lon: lon.toFixed(6), lat: lat.toFixed(6),
    verified: state.verified ? t(`${P}verified`) : t(`${P}unverified`) });
}

function mine(c) {
  const before = c.op.before || {};
  const point = c.op.body && c.op.body.point;
  return { coordinates: point ? [point.lon, point.lat] : before.coordinates,
    verified: c.op.body && c.op.body.verified !== undefined ? c.op.body.verified : (point ? false : before.verified) };
}

function theirs(c) {
  const f = c.theirs;
  return f && f.geometry ? { coordinates: f.geometry.coordinates, verified: f.properties.verified } : null;
}

export function render({ words, onKeepMine, onKeepTheirs, onDismiss, showMarks }) {
  const s = store.get();
  const list = document.getElementById("conflict-list");
  list.replaceChildren(...s.conflicts.map((c, i) => {
    const code = (c.theirs && c.theirs.properties && c.theirs.properties.address_code) || c.op.code || "";
    return el("li", { class: "conflict", "data-code": code },
      el("p", {}, t(`${P}conflict.what`, { code, action: words[`action.${c.op.kind}`] || c.op.kind })),
      el("p", { class: "mine" }, el("strong", {}, t(`${P}conflict.mine`)), " ", describe(words, mine(c))),
      el("p", { class: "theirs" }, el("strong", {}, t(`${P}conflict.theirs`)), " ", describe(words, theirs(c))),
      el("div", { class: "buttons" },
        el("button", { type: "button", class: "keep-mine", onclick: () => onKeepMine(i) }, t(`${P}conflict.keepMine`)),
        el("button", { type: "button", class: "keep-theirs", onclick: () => onKeepTheirs(i) }, t(`${P}conflict.keepTheirs`))));
  }));
  document.getElementById("conflicts").hidden = !s.conflicts.length;
  const marks = [];
  for (const c of s.conflicts) {
    const a = mine(c), b = theirs(c);
    if (a && a.coordinates) marks.push([a.coordinates, "#1565c0"]);
    if (b) marks.push([b.coordinates, "#6a1b9a"]);
  }
  showMarks(marks);
  const failed = document.getElementById("failed-list");
  failed.replaceChildren(...s.failed.map((f, i) => el("li", {},
    el("p", {}, t(`${P}failed.what`, { action: words[`action.${f.op.kind}`] || f.op.kind, code: f.op.code || "" }),
      " ", f.message || t(`${P}failed.orphan`)),
    el("button", { type: "button", onclick: () => onDismiss(i) }, t(`${P}failed.dismiss`)))));
  document.getElementById("failed").hidden = !s.failed.length;
}

// The user keeps her version: sent again, now over the other editor's (its ETag), first in line.
export function keepMine(i) {
  const s = store.get();
  const [c] = s.conflicts.splice(i, 1);
  s.queue.unshift({ ...c.op, key: store.uuid(), ifMatch: c.theirsEtag || "*", chained: false });
  store.save();
  return c;
}

export function keepTheirs(i) {
  const s = store.get();
  const [c] = s.conflicts.splice(i, 1);
  store.save();
  return c;
}

export function dismiss(i) {
  const s = store.get();
  s.failed.splice(i, 1);
  store.save();
}
