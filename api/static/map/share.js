// Share this view: the permalink of the map as it is now (permalink.js keeps it in the URL hash:
// view, layers, language), a button that copies it and its QR code to scan with a phone. The QR
// code is drawn by qrcode-generator (npm, served from /static/vendor/, no CDN) onto a canvas.

import qrcode from "/static/vendor/qrcode-generator/qrcode.mjs";
import { t } from "/static/common/i18n.js";
import { mountTool, toolButton, toolDialog } from "./tools.js";

const QUIET = 4;  // modules of white around the code, as the standard asks

// The QR code of `text` drawn on `canvas`, `cell` pixels per module; returns the module count.
export function drawQr(canvas, text, cell = 4) {
  const qr = qrcode(0, "M");
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  canvas.width = canvas.height = (n + 2 * QUIET) * cell;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = "#000000";
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) if (qr.isDark(r, c)) ctx.fillRect((c + QUIET) * cell, (r + QUIET) * cell, cell, cell);
  }
  return n;
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.focus();
    input.select();
    try { return document.execCommand("copy"); } catch { return false; }
  }
}

function fill(content) {
  const link = location.href;
  const label = document.createElement("label");
  label.htmlFor = "share-link";
  label.textContent = t("share.link");
  const input = document.createElement("input");
  input.type = "url";
  input.id = "share-link";
  input.readOnly = true;
  input.value = link;
  input.addEventListener("focus", () => input.select());
  const status = document.createElement("p");
  status.className = "tool-status";
  status.setAttribute("role", "status");
  const actions = document.createElement("div");
  actions.className = "tool-actions";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "share-copy";
  button.textContent = t("share.copy");
  button.addEventListener("click", async () => {
    status.textContent = t((await copy(link, input)) ? "share.copied" : "share.copy_failed");
  });
  actions.append(button);
  const canvas = document.createElement("canvas");
  canvas.id = "share-qr";
  canvas.className = "share-qr";
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", t("share.qr"));
  canvas.dataset.text = link;
  drawQr(canvas, link);
  content.replaceChildren(label, input, actions, status, canvas);
}

mountTool((place) => {
  const button = toolButton("share.button", "share");
  button.id = "share-button";
  place.append(button);
  toolDialog("share-dialog", "share.title", fill, button);
});
