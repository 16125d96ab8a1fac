// The edit form of an existing place or route on /staff/tourism: filled from the staff view (with a
// revision waiting, its values), it sends only what changed as a PATCH with the ETag it was read
// with, so a change someone made meanwhile is refused (412) instead of overwritten. A promoter's
// change to a published listing waits for moderation; the form says so.

import { call } from "/static/staff/api.js";
import { $, say } from "/static/staff/dom.js";

const TEXTS = { tourism_places: ["name_vi", "name_en", "description_vi", "description_en", "address", "phone", "zalo", "website"],
  tourism_routes: ["name_vi", "name_en", "description_vi", "description_en"] };
const CHECKS = { tourism_places: ["wifi", "parking", "accessible"], tourism_routes: [] };
let collection = null;
let listingId = null;
let etag = null;
let before = {};
let t = (key) => key;
let errorText = (err) => String(err);
let afterChange = () => {};

function state(text, error = false) { say($("#edit-state"), text, { error }); }

function fillForm(props) {
  const form = $("#edit-form");
  before = {};
  for (const k of TEXTS[collection]) {
    before[k] = props[k] ?? null;
    form.elements[k].value = props[k] ?? "";
  }
  for (const k of CHECKS[collection]) {
    before[k] = Boolean(props[k]);
    form.elements[k].checked = Boolean(props[k]);
  }
  if (collection === "tourism_routes") {
    before.duration_days = props.duration_days ?? null;
    form.elements.duration_days.value = props.duration_days ?? "";
  }
}

function changes() {
  const form = $("#edit-form");
  const now = {};
  for (const k of TEXTS[collection]) now[k] = form.elements[k].value.trim() || null;
  for (const k of CHECKS[collection]) now[k] = form.elements[k].checked;
  if (collection === "tourism_routes") now.duration_days = form.elements.duration_days.value ? Number(form.elements.duration_days.value) : null;
  return Object.fromEntries(Object.entries(now).filter(([k, v]) => v !== before[k]));
}

async function save(event) {
  event.preventDefault();
  const changed = changes();
  if (!Object.keys(changed).length) { state(t("edit.nothing")); return; }
  try {
    const { body, etag: tag } = await call("PATCH", `/collections/${collection}/items/${listingId}`,
      { json: { type: "Feature", properties: changed }, headers: { "If-Match": etag } });
    etag = tag;
    Object.assign(before, changed);
    state(body.properties.pending ? t("edit.savedPending") : t("edit.saved"));
    afterChange();
  } catch (err) {
    state(errorText(err), true);
  }
}

// Open on one listing: the staff view's fields, and the ETag every save sends back.
export async function editListing(table, id, words, errors, changed) {
  collection = table;
  listingId = id;
  t = words;
  errorText = errors;
  afterChange = changed;
  const form = $("#edit-form");
  form.reset();
  for (const node of form.querySelectorAll("[data-for]")) node.hidden = node.dataset.for !== table;
  state("");
  try {
    const { body, etag: tag } = await call("GET", `/staff/api/tourism/${table}/${id}`);
    etag = tag;
    const pending = body.properties.pending?.properties || {};
    fillForm({ ...body.properties, ...pending });
  } catch (err) {
    state(errorText(err), true);
  }
}

export function editTools() {
  $("#edit-form").addEventListener("submit", save);
}
