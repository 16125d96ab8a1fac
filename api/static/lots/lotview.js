// One lot: its facts and source areas (status at harvest and today), the public trace URL to
// copy or open, label sheets to print (the labels API's sheets; a link to the PDF), scans per
// day, its history, and the recall (a reason and a confirmation; If-Match like every change).

import { ApiError, call } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { day, number } from "/static/common/format.js";
import { clearErrors, placeErrors, statusText } from "./errors.js";
import { lang, t, word } from "./i18n.js";
import { quantityText } from "./lotlist.js";
import { areaName, productOf } from "./lotform.js";
import { renderHistory, vietnamTime } from "./history.js";

let ctx = null;
let current = null;  // {lot, etag}

export function initLotView(context) {
  ctx = context;
  $("#labels-sheet").replaceChildren(...ctx.config.sheets.map((s) => el("option", { value: s.name }, sheetText(s))));
  $("#labels-sheet").value = ctx.config.defaultSheet;
  $("#labels-form").addEventListener("input", labelsLink);
  $("#labels-form").addEventListener("change", labelsLink);
  $("#labels-form").addEventListener("submit", (e) => e.preventDefault());
  $("#trace-copy").addEventListener("click", copyTrace);
  $("#lot-recall-open").addEventListener("click", () => openRecall(true));
  $("#recall-cancel").addEventListener("click", () => openRecall(false));
  $("#recall-form").addEventListener("submit", recall);
  $("#lot-correct").addEventListener("click", () => ctx.startEdit(current.lot.id));
}

function sheetText(s) {
  return t("labels.sheetText", { n: s.perPage, columns: s.columns, rows: s.rows,
    w: number(s.width, lang(), 1), h: number(s.height, lang(), 1) });
}

// The URL its QR code holds (layers.printing.labels.lot_url): the GS1 Digital Link when the
// product has a GTIN, else the short URL. The lot is percent-encoded as geo.gs1.encode does.
export function traceUrl(lot) {
  const product = productOf(lot.product_id);
  const gtin = product && product.properties.gtin;
  const encoded = encodeURIComponent(lot.lot_code).replace(/[!'()*~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  return gtin ? `${location.origin}/01/${gtin}/10/${encoded}` : `${location.origin}/l/${lot.id}`;
}

export async function openLot(id) {
  const { body: lot, etag } = await call("GET", `/staff/api/harvest-lots/${id}`);
  current = { lot, etag };
  const recalled = lot.status === "recalled";
  $("#lot-title").textContent = t("lot.title", { lot: lot.lot_code });
  say($("#lot-message"), "");
  $("#lot-recalled").hidden = !recalled;
  $("#lot-recalled").textContent = recalled ? t("lot.recalledBanner", { day: day(vietnamTime(lot.recalled_at).day, lang()),
    reason: lot.recall_reason || "" }) : "";
  facts(lot);
  $("#lot-areas").replaceChildren(...(lot.areas || []).map(areaLine));
  $("#lot-actions").hidden = recalled;
  openRecall(false);
  const url = traceUrl(lot);
  $("#trace-url").value = url;
  $("#trace-open").href = url;
  say($("#trace-copied"), "");
  $("#labels-form").hidden = recalled;
  $("#labels-recalled").hidden = !recalled;
  labelsLink();
  await Promise.all([scans(id), history(id)]);
}

function fact(term, ...value) {
  return [el("dt", {}, term), el("dd", {}, ...value)];
}

function facts(lot) {
  const product = productOf(lot.product_id);
  const cert = lot.certification && lot.certification !== "none"
    ? t("lot.certValid", { cert: word("cert", lot.certification), from: day(lot.certification_valid_from, lang()),
      to: day(lot.certification_valid_to, lang()) }) : word("cert", "none");
  const quantity = el("span", {}, quantityText(lot), lot.confidential_quantity ? ` (${t("lot.confidential")})` : "");
  $("#lot-facts").replaceChildren(
    ...fact(t("f.product"), product ? product.properties.name : `#${lot.product_id}`),
    ...fact(t("f.lotCode"), el("span", { class: "code" }, lot.lot_code)),
    ...fact(t("f.quantity"), quantity),
    ...fact(t("f.harvest"), day(lot.harvest_date, lang())),
    ...fact(t("f.cert"), cert),
    ...fact(t("lot.status"), el("span", { class: `badge ${lot.status}` }, word("lotStatus", lot.status))),
    ...fact(t("lot.registered"), t("lot.by", { day: day(vietnamTime(lot.created_at).day, lang()), who: lot.created_by || "" })),
  );
}

function areaLine(a) {
  const then = word("areaStatus", a.status_at_harvest || "none");
  const now = word("areaStatus", a.status_now);
  const warn = a.status_now !== "granted";
  return el("li", { class: warn ? "warn" : "" }, el("strong", { class: "code" }, a.code || areaName(a.growing_area_id)), " — ",
    t("lot.thenNow", { then, now }));
}

// --- labels ---------------------------------------------------------------------------------
function labelsLink() {
  const f = $("#labels-form");
  const link = $("#labels-pdf");
  if (!current) return;
  const sheet = ctx.config.sheets.find((s) => s.name === f.sheet.value);
  f.skip.max = String(sheet.perPage - 1);
  const count = Number(f.count.value), skip = Number(f.skip.value);
  let problem = "";
  if (!Number.isInteger(count) || count < 1 || count > ctx.config.maxLabels) problem = t("labels.badCount", { max: number(ctx.config.maxLabels, lang()) });
  else if (!Number.isInteger(skip) || skip < 0 || skip >= sheet.perPage) problem = t("labels.badSkip", { max: sheet.perPage - 1 });
  $("#labels-error").textContent = problem;
  if (problem) {
    link.removeAttribute("href");
    link.setAttribute("aria-disabled", "true");
    return;
  }
  link.removeAttribute("aria-disabled");
  const q = new URLSearchParams({ sheet: sheet.name, count: String(count), skip: String(skip), lang: lang() });
  if (f.outline.checked) q.set("outline", "true");
  link.href = `/collections/harvest_lots/items/${current.lot.id}/labels.pdf?${q}`;
  link.textContent = t("labels.print") + " · " + t("labels.pages", { n: number(Math.ceil((count + skip) / sheet.perPage), lang()) });
}

// --- trace URL ------------------------------------------------------------------------------
async function copyTrace() {
  const input = $("#trace-url");
  let done = false;
  try {
    await navigator.clipboard.writeText(input.value);
    done = true;
  } catch {
    input.select();
    done = document.execCommand && document.execCommand("copy");
  }
  say($("#trace-copied"), done ? t("trace.copied") : t("trace.copyFailed"));
}

// --- scans and history ----------------------------------------------------------------------
async function scans(id) {
  try {
    const { body } = await call("GET", `/collections/harvest_lots/items/${id}/scans`);
    $("#scans-total").textContent = body.total ? t("scans.total", { n: number(body.total, lang()) }) : t("scans.none");
    const most = Math.max(1, ...body.days.map((d) => d.scans));
    const rows = [...body.days].reverse().map((d) => el("tr", {}, el("td", {}, day(d.day, lang())),
      el("td", { class: "n" }, el("span", { class: "scan-bar", style: `width:${Math.round((d.scans / most) * 100)}%` }),
        el("span", {}, number(d.scans, lang())))));
    $("#scans-table tbody").replaceChildren(...rows);
    $("#scans-table").hidden = !rows.length;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    $("#scans-total").textContent = statusText(err);
  }
}

async function history(id) {
  try {
    const { body } = await call("GET", `/collections/harvest_lots/items/${id}/history`);
    renderHistory($("#history-list"), body.entries);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    $("#history-list").replaceChildren(el("li", {}, statusText(err)));
  }
}

// --- recall ---------------------------------------------------------------------------------
function openRecall(open) {
  const f = $("#recall-form");
  f.hidden = !open;
  $("#lot-recall-open").setAttribute("aria-expanded", String(open));
  if (open) { f.reset(); clearErrors(f); f.reason.focus(); }
}

async function recall(event) {
  event.preventDefault();
  const f = event.target;
  clearErrors(f);
  const reason = f.reason.value.trim();
  if (!reason) {
    $("#err-reason").textContent = t("recall.needReason");
    f.reason.setAttribute("aria-invalid", "true");
    f.reason.focus();
    return;
  }
  if (!f.sure.checked) {
    $("#err-reason").textContent = t("recall.needSure");
    f.sure.focus();
    return;
  }
  try {
    const { body } = await call("POST", `/collections/harvest_lots/items/${current.lot.id}/recall`,
      { json: { reason }, headers: { "If-Match": current.etag } });
    ctx.notify(t("recall.done", { lot: body.lot_code }));
    await ctx.openLot(body.id, { keepNotice: true });  // the list behind is read again too
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 412) {
      say($("#lot-message"), t("err.412"), { error: true, extra: [" ", el("button", { type: "button",
        onclick: () => openLot(current.lot.id) }, t("form.reload"))] });
      return;
    }
    const rest = placeErrors(f, err, { fallbackField: "reason" });
    if (rest) say($("#lot-message"), rest, { error: true });
  }
}

export function currentLot() { return current && current.lot; }
