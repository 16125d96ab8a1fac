// The selected point's panel (its code, village, state; the personal-fields form, filled from the
// server only when asked, which the server records) and the keyboard-usable list of the commune's
// points, searchable by code.

import { LANG, t } from "/static/common/i18n.js";
import { day } from "/static/common/format.js";

const P = "addresses_field.page.";
const $ = (sel) => document.querySelector(sel);
const FIELDS = ["head_name", "phone", "members", "national_id", "poverty_status"];
let request = null;
let loaded = {};
let shownId = null;

export function init(requester) { request = requester; }

function codeOf(f) { return f.properties.address_code || t(`${P}codeOnSync`); }

export function list(features, { select }) {
  const words = $("#find").value.trim().toUpperCase().replace(/[^0-9A-Z]/g, "");
  const shown = features.filter((f) => !words || (f.properties.address_code || "").replace(/-/g, "").includes(words))
    .sort((a, b) => Number(b.properties.pending) - Number(a.properties.pending)
      || String(a.properties.address_code).localeCompare(String(b.properties.address_code)));
  const verified = features.filter((f) => f.properties.verified).length;
  $("#count").textContent = t(`${P}count`, { n: features.length, verified });
  $("#list").replaceChildren(...shown.slice(0, 50).map((f) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "pick";
    b.dataset.id = String(f.id);
    b.textContent = `${codeOf(f)} · ${t(f.properties.pending ? `${P}pending` : f.properties.verified ? `${P}verified` : `${P}unverified`)}`;
    b.addEventListener("click", () => select(f.id));
    li.append(b);
    return li;
  }));
}

export function selected(f, words) {
  $("#selected").hidden = !f;
  if (!f) { shownId = null; return; }
  const p = f.properties;
  $("#sel-code").textContent = codeOf(f);
  $("#sel-code").dataset.code = p.address_code || "";
  const parts = [p.plus_code, p.village_name, t(p.pending ? `${P}pending` : p.verified ? `${P}verified` : `${P}unverified`)];
  $("#sel-meta").textContent = parts.filter(Boolean).join(" · ");
  if (shownId !== String(f.id)) {
    $("#retire-confirm").hidden = true;
    $("#history-list").hidden = true;
    shownId = String(f.id);
  }
}

// The personal fields, read from the server (recorded there as a read) when online.
export async function loadPrivate(id) {
  const form = $("#private-form");
  form.reset();
  loaded = {};
  if (id == null) { $("#private-note").textContent = t(`${P}privateLater`); return; }
  try {
    const r = await request("GET", `/staff/api/households/${id}?private=true`);
    if (!r.ok) return;
    loaded = r.body.private || {};
    for (const k of FIELDS) form.elements[k].value = loaded[k] ?? "";
    $("#private-note").textContent = t(`${P}privateHint`);
  } catch {
    $("#private-note").textContent = t(`${P}privateLater`);
  }
}

export function privateChanges() {
  const form = $("#private-form");
  const out = {};
  for (const k of FIELDS) {
    const raw = form.elements[k].value.trim();
    const value = k === "members" ? (raw ? Number(raw) : null) : raw;
    const before = loaded[k] ?? (k === "members" ? null : "");
    if (value !== before && !(value === "" && before === null)) out[k] = value === "" ? null : value;
  }
  for (const [k, v] of Object.entries(out)) loaded[k] = v;
  return out;
}

export async function history(id, words) {
  const box = $("#history-list");
  if (id == null) return;
  const r = await request("GET", `/staff/api/households/${id}/history`).catch(() => null);
  if (!r || !r.ok) return;
  box.replaceChildren(...r.body.entries.map((e) => {
    const li = document.createElement("li");
    const what = e.operation === "INSERT" ? words["action.create"] : e.changed.join(", ");
    li.textContent = `${day(e.changed_at, LANG)} · ${e.changed_by || ""} · ${what}`;
    return li;
  }));
  box.hidden = false;
}
