// The cooperative's lots, newest first (GET /staff/api/harvest-lots, paged by `next`), each a
// card that opens the lot: code, product, harvest date, quantity, status and its label scans
// (GET …/{id}/scans, asked a few at a time after the list shows).

import { call } from "/static/staff/api.js";
import { $, el } from "/static/staff/dom.js";
import { day, number } from "/static/common/format.js";
import { lang, t, word } from "./i18n.js";

const PAGE = 50;
const SCAN_REQUESTS = 4;  // at once: the list shows first, the counts follow
let ctx = null;
let next = null;
let shown = [];

export function initLotList(context) {
  ctx = context;
  const filter = $("#lot-status-filter");
  for (const s of ctx.config.lotStatuses) filter.append(el("option", { value: s }, word("lotStatus", s)));
  filter.addEventListener("change", () => loadLots());
  $("#lots-more").addEventListener("click", () => loadLots({ more: true }));
}

// "1.200,5" and "kg" as two nodes: a number and a unit's word, each what it is (one language).
export function quantityNodes(value, unit) {
  if (value == null) return [];
  return [el("span", { class: "num" }, number(value, lang(), 3)), " ", el("span", { class: "unit" }, word("unit", unit))];
}

export function quantityText(lot) {
  return el("span", { class: "quantity" }, ...quantityNodes(lot.quantity, lot.unit));
}

export async function loadLots({ more = false } = {}) {
  const status = $("#lot-status-filter").value;
  const url = more && next ? new URL(next).pathname + new URL(next).search
    : `/staff/api/harvest-lots?limit=${PAGE}${status ? `&status=${status}` : ""}`;
  const { body } = await call("GET", url);
  next = body.next;
  const cards = body.lots.map(card);
  if (more) $("#lot-list").append(...cards);
  else $("#lot-list").replaceChildren(...cards);
  shown = more ? shown.concat(body.lots) : body.lots;
  $("#lots-empty").hidden = shown.length > 0;
  $("#lots-more").hidden = !next;
  $("#lots-count").textContent = shown.length ? t("list.count", { n: number(shown.length, lang()) }) : "";
  scanCounts(body.lots);
}

function card(lot) {
  const scans = el("span", { class: "scans-n", dataset: { scans: "" } }, "");
  const open = el("button", { type: "button", class: "card", dataset: { lot: String(lot.id) },
    title: t("list.open", { lot: lot.lot_code }), onclick: () => ctx.openLot(lot.id) },
  el("span", { class: "card-top" }, el("strong", { class: "code" }, lot.lot_code),
    el("span", { class: `badge ${lot.status}` }, word("lotStatus", lot.status))),
  el("span", { class: "card-product" }, lot.product_name),
  el("span", { class: "card-meta" },
    el("span", {}, t("list.harvested", { day: day(lot.harvest_date, lang()) })),
    el("span", {}, quantityText(lot)), scans));
  return el("li", { dataset: { id: String(lot.id), status: lot.status } }, open);
}

async function scanCounts(lots) {
  const queue = [...lots];
  const worker = async () => {
    while (queue.length) {
      const lot = queue.shift();
      try {
        const { body } = await call("GET", `/collections/harvest_lots/items/${lot.id}/scans`);
        const node = document.querySelector(`#lot-list li[data-id="${lot.id}"] .scans-n`);
        if (node) {
          node.textContent = t("list.scans", { n: number(body.total, lang()) });
          node.dataset.scans = String(body.total);
        }
      } catch { /* a count that fails to come leaves the card without it */ }
    }
  };
  await Promise.all(Array.from({ length: SCAN_REQUESTS }, worker));
}
