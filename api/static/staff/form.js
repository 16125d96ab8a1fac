// The area form <-> a Feature's properties. New areas leave empty fields out; an edit sends them
// as null, so clearing a field in the form clears it on the record (PATCH merges the rest).

const NUMBERS = { households_count: (v) => parseInt(v, 10), expected_output_tonnes: parseFloat };
const CHECKS = ["farming_diary", "residue_monitoring"];

export function readForm(form, { clearEmpty = false } = {}) {
  const props = {};
  for (const [k, v] of new FormData(form).entries()) {
    if (CHECKS.includes(k)) continue;
    const value = String(v).trim();
    if (value === "") {
      if (clearEmpty) props[k] = k === "target_markets" ? [] : null;
      continue;
    }
    if (NUMBERS[k]) props[k] = NUMBERS[k](value);
    else if (k === "target_markets") props[k] = value.split(",").map((m) => m.trim()).filter(Boolean);
    else props[k] = value;
  }
  for (const k of CHECKS) props[k] = form[k].checked;
  return props;
}

export function fillForm(form, props) {
  for (const field of form.elements) {
    if (!field.name) continue;
    const v = props[field.name];
    if (field.type === "checkbox") field.checked = Boolean(v);
    else if (Array.isArray(v)) field.value = v.join(", ");
    else field.value = v == null ? "" : String(v);
    field.dispatchEvent(new Event("change"));
  }
}
