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

function when(iso) {
  const d = new Date(iso);
  const hh = String(d.getHours()).padStart(2, "0"), mm = String(d.getMinutes()).padStart(2, "0");
  const local = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  return el("span", { class: "time" }, el("span", {}, day(local, lang())), " ", el("span", {}, `${hh}:${mm}`));
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
