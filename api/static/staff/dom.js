// Tiny DOM helpers shared by the staff page's modules.

export const $ = (sel) => document.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// A status line: plain, or `error` styled; optional extra nodes (a button) after the text.
export function say(node, text, { error = false, extra = [] } = {}) {
  node.className = error ? "error" : "";
  node.replaceChildren(text, ...extra);
}
