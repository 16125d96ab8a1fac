// A lot's history (GET …/history): each entry its day and time, its action in words, who, and
// what changed, each field by its label and its values as people write them.

import { el } from "/static/staff/dom.js";
import { day } from "/static/common/format.js";
import { lang, t, word } from "./i18n.js";
import { areaName } from "./lotform.js";
import { quantityNodes } from "./lotlist.js";

// Fields a history shows, with how their values are written; others (ids, system columns) are not shown.
const FIELDS = {
  quantity: (v, row) => (v == null ? t("history.hidden") : el("span", {}, ...quantityNodes(v, row.unit))),
  unit: (v) => word("unit", v),
  harvest_date: (v) => day(v, lang()),
  certification: (v) => word("cert", v),
  certification_valid_from: (v) => day(v, lang()),
  certification_valid_to: (v) => day(v, lang()),
  confidential_quantity: (v) => (v ? t("history.yes") : t("history.no")),
  status: (v) => word("lotStatus", v),
  recall_reason: (v) => v || "",
};

// A moment as its day and time in Vietnam (where the lots and their dates are), whatever the
// browser's own time zone: "2026-12-06" and "01:10".
const VIETNAM = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: "2-digit",
  day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

export function vietnamTime(iso) {
  if (!iso) return { day: "", time: "" };
  const parts = Object.fromEntries(VIETNAM.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

function when(iso) {
  const { day: local, time } = vietnamTime(iso);
  return el("span", { class: "time" }, el("span", {}, day(local, lang())), " ", el("span", {}, time));
}

function changeRows(entry) {
  const rows = [];
  const before = entry.before || {}, after = entry.after || {};
  // The quantity once, whichever side kept it: the public column, or (its cooperative reading)
  // the private one of a confidential lot; a change seen on both sides is one row.
  const priv = entry.private_quantity || {};
  const quantity = (side, row) => row.quantity ?? priv[side] ?? null;
  if (entry.action !== "create") {
    for (const field of entry.changed || []) {
      if (!(field in FIELDS) || field === "quantity") continue;
      rows.push(el("tr", {}, el("th", { scope: "row" }, t(`history.field.${field}`)),
        el("td", { class: "before" }, FIELDS[field](before[field], before)),
        el("td", { class: "after" }, FIELDS[field](after[field], after))));
    }
    const q0 = quantity("before", before), q1 = quantity("after", after);
    if ((entry.changed || []).includes("quantity") || (entry.private_quantity && q0 !== q1)) {
      const unit = { unit: after.unit || before.unit };
      rows.unshift(el("tr", {}, el("th", { scope: "row" }, t("history.field.quantity")),
        el("td", { class: "before" }, FIELDS.quantity(q0, unit)), el("td", { class: "after" }, FIELDS.quantity(q1, unit))));
    }
  }
  if ((entry.areas_added || []).length && entry.action !== "create") {
    rows.push(el("tr", {}, el("th", { scope: "row" }, t("history.areasAdded")), el("td", { colspan: "2" },
      entry.areas_added.map(areaName).join(", "))));
  }
  if ((entry.areas_removed || []).length) {
    rows.push(el("tr", {}, el("th", { scope: "row" }, t("history.areasRemoved")), el("td", { colspan: "2" },
      entry.areas_removed.map(areaName).join(", "))));
  }
  return rows;
}

export function renderHistory(list, entries) {
  const items = [...entries].reverse().map((e) => {
    const rows = changeRows(e);
    const head = el("p", { class: "when" }, el("strong", {}, word("lotAction", e.action)), " · ", when(e.changed_at),
      e.changed_by ? ` · ${e.changed_by}` : "");
    return el("li", { dataset: { action: e.action } }, head,
      ...(rows.length ? [el("table", { class: "changes" }, el("tbody", {}, ...rows))] : []));
  });
  list.replaceChildren(...items);
}
