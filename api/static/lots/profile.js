// The cooperative's profile and its OCOP products. The profile's public fields and each product's
// name, category, description and GTIN are edited here (PATCH with If-Match); the OCOP stars,
// score and certificate year are shown read-only: province staff award them. A product's photo is
// uploaded with its alt text (PUT …/photo, multipart), previewed first, and refused here, in the
// page's language, when it is too large or not a JPEG, PNG or WebP image.

import { ApiError, call } from "/static/staff/api.js";
import { $, el, say } from "/static/staff/dom.js";
import { number } from "/static/common/format.js";
import { clearErrors, fieldError, placeErrors, statusText } from "./errors.js";
import { lang, t } from "./i18n.js";

let ctx = null;
let profile = null;  // {feature, etag}
const NUMBERS = ["founded_year", "members"];

export function initProfile(context) {
  ctx = context;
  $("#profile-form").addEventListener("submit", saveProfile);
}

export async function loadProfile() {
  const { body, etag } = await call("GET", `/staff/api/cooperatives/${ctx.coopId}`);
  profile = { feature: body, etag };
  const p = body.properties;
  const f = $("#profile-form");
  for (const name of ["name", "address", "main_products", "phone", "founded_year", "members"]) {
    f.elements.namedItem(name).value = p[name] == null ? "" : String(p[name]);
  }
  $("#profile-code").textContent = p.code ? t("profile.code", { code: p.code }) : "";
  ctx.setName(p.name);
}

function readProfile(f) {
  const out = {};
  const p = profile.feature.properties;
  for (const name of ["name", "address", "main_products", "phone", "founded_year", "members"]) {
    const raw = f.elements.namedItem(name).value.trim();
    let value = raw === "" ? null : raw;
    if (NUMBERS.includes(name) && value !== null) {
      if (!/^\d+$/.test(value)) { fieldError(f, name, t("profile.wholeNumber"), "perr-"); return null; }
      value = Number(value);
    }
    if ((p[name] ?? null) !== value) out[name] = value;
  }
  return out;
}

async function saveProfile(event) {
  event.preventDefault();
  const f = event.target;
  clearErrors(f);
  say($("#profile-message"), "");
  const nameInput = f.elements.namedItem("name");
  if (!nameInput.value.trim()) { fieldError(f, "name", t("profile.needName"), "perr-"); nameInput.focus(); return; }
  const patch = readProfile(f);
  if (!patch) { f.querySelector("[aria-invalid=true]").focus(); return; }
  if (!Object.keys(patch).length) { say($("#profile-message"), t("form.unchanged")); return; }
  try {
    await call("PATCH", `/collections/cooperatives/items/${ctx.coopId}`, { json: patch, headers: { "If-Match": profile.etag } });
    await loadProfile();
    say($("#profile-message"), t("profile.saved"));
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    if (err.status === 412) {
      say($("#profile-message"), t("err.412"), { error: true, extra: [" ", el("button", { type: "button",
        onclick: async () => { await loadProfile(); say($("#profile-message"), ""); } }, t("form.reload"))] });
      return;
    }
    const rest = err.status === 400 ? placeErrors(f, err, { prefix: "perr-" }) : statusText(err);
    if (rest) say($("#profile-message"), rest, { error: true });
  }
}

// --- products -------------------------------------------------------------------------------
export async function loadProducts() {
  const { body } = await call("GET", `/staff/api/cooperatives/${ctx.coopId}/products`);
  $("#product-list").replaceChildren(...body.products.map(productCard));
  $("#products-empty").hidden = body.products.length > 0;
  return body.products;
}

function stars(p) {
  const lines = [el("span", { class: "stars", "aria-hidden": "true" }, "★".repeat(p.stars || 0)),
    " ", t("products.stars", { n: p.stars || 0 })];
  if (p.score != null) lines.push(" · ", t("products.score", { n: number(p.score, lang()) }));
  if (p.certified_year != null) lines.push(" · ", t("products.year", { year: String(p.certified_year) }));
  return el("p", { class: "award" }, ...lines, el("br"), el("small", { class: "hint" }, t("products.awardHint")));
}

function field(pre, name, label, input, hint) {
  input.id = `${pre}-${name}`;
  input.name = name;
  input.setAttribute("aria-describedby", `${pre}-err-${name}`);
  return el("div", { class: "field", dataset: { field: name } }, el("label", { for: input.id }, label), input,
    ...(hint ? [el("p", { class: "hint" }, hint)] : []), el("p", { class: "field-error", id: `${pre}-err-${name}` }));
}

function productCard(feature) {
  const p = feature.properties;
  const id = feature.id;
  const state = { etag: feature.etag };
  const pre = `prod-${id}`;
  const description = el("textarea", { rows: "4", maxlength: "5000" });
  description.value = p.description || "";
  const inputs = {
    name: Object.assign(el("input", { maxlength: "250", required: "" }), { value: p.name || "" }),
    category: Object.assign(el("input", { maxlength: "80", required: "" }), { value: p.category || "" }),
    description,
    gtin: Object.assign(el("input", { inputmode: "numeric", maxlength: "14", autocomplete: "off" }), { value: p.gtin || "" }),
  };
  const message = el("p", { role: "alert", dataset: { msg: "product" } });  // say() sets its class
  const edit = el("form", { class: "product-form", novalidate: "" },
    field(pre, "name", t("products.name") + " *", inputs.name),
    field(pre, "category", t("products.category") + " *", inputs.category),
    field(pre, "description", t("products.description"), inputs.description),
    field(pre, "gtin", t("products.gtin"), inputs.gtin, t("products.gtinHint")),
    el("div", { class: "buttons" }, el("button", { type: "submit" }, t("products.save"))));
  edit.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(edit);
    say(message, "");
    const patch = {};
    for (const [name, input] of Object.entries(inputs)) {
      const v = input.value.trim() === "" ? null : input.value.trim();
      if ((p[name] ?? null) !== v) patch[name] = v;
    }
    for (const name of ["name", "category"]) {
      if (!inputs[name].value.trim()) fieldError(edit, name, t("products.need"), `${pre}-err-`);
    }
    if (edit.querySelector("[aria-invalid=true]")) { edit.querySelector("[aria-invalid=true]").focus(); return; }
    if (!Object.keys(patch).length) { say(message, t("form.unchanged")); return; }
    try {
      const { body, etag } = await call("PATCH", `/collections/ocop_products/items/${id}`, { json: patch, headers: { "If-Match": state.etag } });
      state.etag = etag;
      Object.assign(p, body.properties);
      ctx.productsChanged();
      say(message, t("products.saved"));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 412) {
        say(message, t("err.412"), { error: true, extra: [" ", el("button", { type: "button", onclick: () => ctx.reloadProducts() }, t("form.reload"))] });
        return;
      }
      const rest = err.status === 400 || err.status === 409 ? placeErrors(edit, err, { prefix: `${pre}-err-`, fallbackField: "gtin" }) : statusText(err);
      if (rest) say(message, rest, { error: true });
    }
  });
  return el("article", { class: "product box", dataset: { id: String(id) } },
    el("h3", {}, p.name), stars(p), edit, photoPart(id, p, state, message), message);
}

// --- a product's photo ----------------------------------------------------------------------
function photoPart(id, p, state, message) {
  const pre = `photo-${id}`;
  const current = p.photo_thumbnail_url
    ? el("img", { class: "photo", src: p.photo_thumbnail_url, alt: p.photo_alt || "" })
    : el("p", { class: "hint" }, t("photo.none"));
  const preview = el("img", { class: "photo preview", alt: "", hidden: "" });
  const chosenName = el("span", { class: "hint file-name", "aria-live": "polite" }, t("photo.noFile"));
  const file = el("input", { type: "file", class: "vh file-input", id: `${pre}-file`, name: "file", "aria-label": t("photo.file"),
    accept: ctx.config.photoTypes.join(","),
    "aria-describedby": `${pre}-err-file ${pre}-hint` });
  const alt = el("input", { id: `${pre}-alt`, name: "alt", maxlength: String(ctx.config.altMax), "aria-describedby": `${pre}-err-alt ${pre}-alt-hint` });
  const form = el("form", { class: "photo-form", novalidate: "" },
    el("div", { class: "field", dataset: { field: "file" } }, file,
      // The browser's own file button speaks the browser's language: a label of ours stands in for it.
      el("label", { for: `${pre}-file`, class: "button file-button" }, t("photo.choose")),
      chosenName,
      el("p", { class: "hint", id: `${pre}-hint` }, t("photo.hint", { mb: number(ctx.config.photoMaxBytes / 1048576, lang()) })),
      el("p", { class: "field-error", id: `${pre}-err-file` })),
    preview,
    el("div", { class: "field", dataset: { field: "alt" } }, el("label", { for: `${pre}-alt` }, t("photo.alt") + " *"), alt,
      el("p", { class: "hint", id: `${pre}-alt-hint` }, t("photo.altHint")),
      el("p", { class: "field-error", id: `${pre}-err-alt` })),
    el("div", { class: "buttons" }, el("button", { type: "submit" }, t("photo.upload"))));
  let previewUrl = null;
  let readable = true;
  file.addEventListener("change", () => {
    clearErrors(form);
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    preview.hidden = true;
    readable = true;
    const chosen = file.files[0];
    chosenName.textContent = chosen ? chosen.name : t("photo.noFile");
    if (!chosen) return;
    const problem = photoProblem(chosen);
    if (problem) { fieldError(form, "file", problem, `${pre}-err-`); return; }
    previewUrl = URL.createObjectURL(chosen);
    preview.onload = () => { preview.hidden = false; };
    preview.onerror = () => { readable = false; fieldError(form, "file", t("photo.notImage"), `${pre}-err-`); };
    preview.src = previewUrl;
    if (!alt.value) alt.value = "";
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    say(message, "");
    const chosen = file.files[0];
    const problem = !chosen ? t("photo.needFile") : photoProblem(chosen) || (readable ? "" : t("photo.notImage"));
    if (problem) fieldError(form, "file", problem, `${pre}-err-`);
    if (!alt.value.trim()) fieldError(form, "alt", t("photo.needAlt"), `${pre}-err-`);
    const bad = form.querySelector("[aria-invalid=true]");
    if (bad) { bad.focus(); return; }
    const data = new FormData();
    data.append("alt", alt.value.trim());
    data.append("file", chosen);
    try {
      const { body, etag } = await call("PUT", `/collections/ocop_products/items/${id}/photo`, { form: data, headers: { "If-Match": state.etag } });
      state.etag = etag;
      Object.assign(p, body.properties);
      const img = el("img", { class: "photo", src: body.properties.photo_thumbnail_url, alt: body.properties.photo_alt || "" });
      current.replaceWith(img);
      form.reset();
      chosenName.textContent = t("photo.noFile");
      preview.hidden = true;
      say(message, t("photo.saved"));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 412) {
        say(message, t("err.412"), { error: true, extra: [" ", el("button", { type: "button", onclick: () => ctx.reloadProducts() }, t("form.reload"))] });
        return;
      }
      // The API's words (in the page's language): a too-large or unreadable image under the file,
      // a missing or long alt under the alt text.
      const text = err.status === 413 ? t("photo.tooLarge", { mb: number(ctx.config.photoMaxBytes / 1048576, lang()) }) : statusText(err);
      const onAlt = /\balt\b/.test(err.message || "") && err.status === 400;
      fieldError(form, onAlt ? "alt" : "file", onAlt ? text.replace(/\balt\b/g, t("photo.alt")) : text, `${pre}-err-`);
    }
  });
  return el("section", { class: "photo-part" }, el("h4", {}, t("photo.title")), current, form);
}

// Said before anything is sent: the size limit and the kinds of image the API takes.
function photoProblem(file) {
  if (file.size > ctx.config.photoMaxBytes) {
    return t("photo.tooLarge", { mb: number(ctx.config.photoMaxBytes / 1048576, lang()) });
  }
  if (file.type && !ctx.config.photoTypes.includes(file.type)) return t("photo.notImage");
  return "";
}
