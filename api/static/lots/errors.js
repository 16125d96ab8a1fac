// The API's refusals beside the field they are about. A 422 names its rule (rule → field); a 400
// names the field by its API name in its text (which comes in the page's language), and that name
// is replaced by the field's label so the message reads in one language. Whatever names no field
// goes to the form's own message line.

import { day } from "/static/common/format.js";
import { lang, t } from "./i18n.js";

// A 422's rule → the field it is about (layers/write/lots: the rules a lot can fail).
const RULE_FIELD = {
  area_cooperative: "growing_area_ids", area_not_granted: "growing_area_ids", area_unknown: "growing_area_ids",
  no_area: "growing_area_ids", product_cooperative: "product_id", harvest_date: "harvest_date",
  certification_validity: "certification_valid_to", certified_harvest: "certification_valid_from",
};

// What a failed request means when its own text does not say it better.
export function statusText(err) {
  if (err.status === 401) return t("err.401");
  if (err.status === 412) return t("err.412");
  if (err.status === 429) return t("err.429");
  if (err.status >= 500 || !err.status) return t("err.server");
  return err.message || t("err.server");
}

function fieldNames(form) {
  return [...new Set([...form.querySelectorAll("[data-field]")].map((n) => n.dataset.field))]
    .sort((a, b) => b.length - a.length);  // certification_valid_from before certification
}

function labelOf(form, name) {
  const box = form.querySelector(`[data-field="${name}"]`);
  const label = box && (box.querySelector("label, legend"));
  return label ? label.textContent.replace("*", "").trim() : name;
}

// The API's text with every API field name it holds put as the field's label, and its ISO dates
// written as the page writes dates. A bare English word that is also a field name ("quantity") is
// replaced anywhere in Vietnamese text but only where it opens an English one, where it may be prose.
export function withLabels(form, text) {
  let out = String(text || "");
  for (const name of fieldNames(form)) {
    const anywhere = name.includes("_") || lang() === "vi";
    out = out.replace(new RegExp(anywhere ? `\\b${name}\\b` : `^${name}\\b`, "g"), labelOf(form, name));
  }
  return out.replace(/\b(\d{4}-\d{2}-\d{2})\b/g, (m) => day(m, lang()));
}

export function clearErrors(form, prefix = "err-") {
  for (const p of form.querySelectorAll(".field-error")) p.textContent = "";
  for (const n of form.querySelectorAll("[aria-invalid]")) n.removeAttribute("aria-invalid");
  void prefix;
}

// Put `text` under field `name` (and mark it invalid); false when the form has no such field.
export function fieldError(form, name, text, prefix = "err-") {
  const box = form.querySelector(`[data-field="${name}"]`);
  const out = box && box.querySelector(`#${prefix}${name}`);
  if (!out) return false;
  out.textContent = out.textContent ? `${out.textContent} ${text}` : text;
  const input = box.querySelector("input, select, textarea");
  if (input) input.setAttribute("aria-invalid", "true");
  return true;
}

// Spread an ApiError over the form's fields; returns the text nobody took (or "").
export function placeErrors(form, err, { prefix = "err-", fallbackField = null } = {}) {
  const body = err.body || {};
  const items = (body.errors && body.errors.length ? body.errors : [{ rule: body.rule, message: body.description }]);
  const rest = [];
  for (const item of items) {
    const text = withLabels(form, item.message || body.description || err.message);
    let field = RULE_FIELD[item.rule];
    if (!field && err.status === 400) {
      field = fieldNames(form).find((name) => new RegExp(`\\b${name}\\b`).test(item.message || body.description || ""));
    }
    if (!field && fallbackField && err.status === 409) field = fallbackField;
    if (!(field && fieldError(form, field, text, prefix))) rest.push(text);
  }
  const first = form.querySelector("[aria-invalid=true]");
  if (first) first.focus();
  return rest.join(" ");
}
