// Print / export the current view for a report: one picture with a title and the date, the map,
// a north arrow and a scale bar over it, the legend of the layers shown, the data sources
// (attribution) and the view's link with its QR code. Saved as PNG, or as an A4 landscape PDF
// made by jsPDF (npm, served from /static/vendor/, loaded on first use). Every word is drawn into
// the picture, so the PDF needs no font with Vietnamese letters.

import { LANG, t } from "/static/common/i18n.js";
import { day } from "/static/common/format.js";
import { drawQr } from "./share.js";
import { mountTool, toolButton, toolDialog } from "./tools.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif";
const INK = "#1b2a1b";

function pick(pair) { return pair ? (pair[LANG] ?? pair.en ?? pair.vi ?? "") : ""; }

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const PRINT_RATIO = 2;  // device pixels per CSS pixel of the printed map, whatever the screen's

function idle(map) {
  return new Promise((resolve) => { map.once("idle", resolve); map.triggerRepaint(); });
}

// The map's pixels at print resolution, copied in the frame they are drawn (no
// preserveDrawingBuffer needed); the screen's resolution is put back afterwards.
async function capture(map) {
  const screen = map.getPixelRatio();
  if (screen < PRINT_RATIO) {
    map.setPixelRatio(PRINT_RATIO);
    await idle(map);
  } else if (!map.loaded()) await idle(map);
  try {
    return await frame(map);
  } finally {
    if (screen < PRINT_RATIO) map.setPixelRatio(screen);
  }
}

function frame(map) {
  return new Promise((resolve) => {
    map.once("render", () => {
      const src = map.getCanvas();
      const copy = document.createElement("canvas");
      copy.width = src.width;
      copy.height = src.height;
      copy.getContext("2d").drawImage(src, 0, 0);
      resolve(copy);
    });
    map.triggerRepaint();
  });
}

function shownLegend() {
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const on = new Set([...document.querySelectorAll("#layers input[data-toggle]:checked")].map((b) => b.dataset.toggle));
  return config.groups.flatMap((g) => g.toggles).filter((tg) => on.has(tg.id));
}

function attribution(map) {
  const shown = document.querySelector(".maplibregl-ctrl-attrib-inner");
  if (shown && shown.textContent.trim()) return shown.textContent.trim();
  const box = document.createElement("div");
  const texts = new Set();
  for (const source of Object.values(map.getStyle().sources)) {
    if (!source.attribution) continue;
    box.innerHTML = source.attribution;
    texts.add(box.textContent.trim());
  }
  return [...texts].join(" · ");
}

function loadImage(src) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => resolve(null);
    img.src = src;
  });
}

// A word too long for one line (a link) cut into pieces that fit.
function pieces(ctx, word, width) {
  const out = [];
  let piece = "";
  for (const ch of word) {
    if (piece && ctx.measureText(piece + ch).width > width) { out.push(piece); piece = ""; }
    piece += ch;
  }
  return piece ? [...out, piece] : out;
}

// Words cut into lines no wider than `width`.
function wrap(ctx, text, width) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).flatMap((w) => pieces(ctx, w, width))) {
    const next = line ? `${line} ${word}` : word;
    if (ctx.measureText(next).width > width && line) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

// A length that reads well (1, 2 or 5 × 10^n metres) and fits in `maxPx`.
function scaleBar(map, maxPx) {
  const lat = map.getCenter().lat;
  const metresPerPx = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** map.getZoom());
  const most = metresPerPx * maxPx;
  const power = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((k) => k * power).find((m) => m <= most) || power;
  const text = metres >= 1000 ? `${(metres / 1000).toLocaleString(LANG === "vi" ? "vi-VN" : "en-GB")} km` : `${metres} m`;
  return { px: metres / metresPerPx, text };
}

function drawNorth(ctx, x, y, r, bearing) {
  ctx.save();
  ctx.translate(x, y);
  ctx.fillStyle = "rgba(255,255,255,0.9)";
  ctx.beginPath(); ctx.arc(0, 0, r, 0, 2 * Math.PI); ctx.fill();
  ctx.strokeStyle = INK; ctx.lineWidth = r / 14; ctx.stroke();
  ctx.rotate((-bearing * Math.PI) / 180);
  ctx.fillStyle = INK;
  ctx.beginPath(); ctx.moveTo(0, -r * 0.55); ctx.lineTo(r * 0.3, r * 0.4); ctx.lineTo(0, r * 0.2); ctx.lineTo(-r * 0.3, r * 0.4); ctx.closePath(); ctx.fill();
  ctx.font = `bold ${Math.round(r * 0.5)}px ${FONT}`;
  ctx.textAlign = "center"; ctx.textBaseline = "bottom";
  ctx.fillText(t("share.print.north"), 0, -r * 0.52);
  ctx.restore();
}

function drawScale(ctx, x, y, bar, s) {
  ctx.fillStyle = "rgba(255,255,255,0.9)";
  ctx.fillRect(x - 6 * s, y - 22 * s, bar.px + 12 * s, 30 * s);
  ctx.fillStyle = INK;
  ctx.fillRect(x, y, bar.px, 3 * s);
  ctx.fillRect(x, y - 6 * s, 2 * s, 9 * s);
  ctx.fillRect(x + bar.px - 2 * s, y - 6 * s, 2 * s, 9 * s);
  ctx.font = `${12 * s}px ${FONT}`;
  ctx.textAlign = "left"; ctx.textBaseline = "bottom";
  ctx.fillText(bar.text, x, y - 7 * s);
}

async function drawSwatch(ctx, item, x, y, size) {
  if (item.icon) {
    const img = await loadImage(`/static/icons/${item.icon}.svg`);
    if (img) { ctx.drawImage(img, x, y, size, size); return; }
  }
  ctx.fillStyle = item.color || "#888";
  ctx.strokeStyle = item.color || "#888";
  if (item.shape === "line") {
    ctx.lineWidth = size / 5;
    ctx.beginPath(); ctx.moveTo(x, y + size / 2); ctx.lineTo(x + size, y + size / 2); ctx.stroke();
  } else if (item.shape === "circle") {
    ctx.beginPath(); ctx.arc(x + size / 2, y + size / 2, size / 2.4, 0, 2 * Math.PI); ctx.fill();
  } else {
    ctx.fillRect(x, y, size, size);
  }
}

// The legend drawn at (x, y), `width` wide; returns the height used.
async function drawLegend(ctx, x, y, width, s) {
  let top = y;
  ctx.fillStyle = INK; ctx.textAlign = "left"; ctx.textBaseline = "top";
  ctx.font = `bold ${15 * s}px ${FONT}`;
  ctx.fillText(t("share.print.legend"), x, top);
  top += 24 * s;
  const toggles = shownLegend();
  if (!toggles.length) {
    ctx.font = `${12 * s}px ${FONT}`;
    ctx.fillText(t("share.print.no_layers"), x, top);
    return top + 18 * s - y;
  }
  for (const toggle of toggles) {
    ctx.font = `bold ${12.5 * s}px ${FONT}`;
    for (const line of wrap(ctx, pick(toggle.title), width)) { ctx.fillStyle = INK; ctx.fillText(line, x, top); top += 16 * s; }
    ctx.font = `${12 * s}px ${FONT}`;
    for (const item of toggle.legend || []) {
      await drawSwatch(ctx, item, x, top + 1 * s, 12 * s);
      ctx.fillStyle = INK;
      for (const line of wrap(ctx, pick(item.label), width - 18 * s)) { ctx.fillText(line, x + 18 * s, top); top += 15 * s; }
    }
    top += 6 * s;
  }
  return top - y;
}

// The whole page as one canvas.
export async function compose(map, title) {
  const shot = await capture(map);
  const cssWidth = map.getContainer().clientWidth || shot.width;
  const s = Math.max(1, shot.width / cssWidth);  // device pixels per CSS pixel
  const pad = 14 * s;
  const side = cssWidth >= 560;  // legend beside the map on a wide screen, under it on a phone
  const legendW = side ? 230 * s : shot.width - 2 * pad;
  const headH = 58 * s;
  const measure = document.createElement("canvas").getContext("2d");
  const legendH = await drawLegend(measure, 0, 0, legendW, s);
  const link = location.href;
  const footText = [t("share.print.source", { text: attribution(map) }), t("share.print.view", { url: link })];
  const qrSize = 84 * s;
  const width = side ? shot.width + legendW + 2 * pad : shot.width;
  measure.font = `${11 * s}px ${FONT}`;
  const footLines = footText.flatMap((x) => wrap(measure, x, width - qrSize - 3 * pad));
  const footH = Math.max(qrSize, footLines.length * 15 * s) + 2 * pad;
  const height = headH + shot.height + (side ? 0 : legendH + 2 * pad) + footH;

  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width);
  canvas.height = Math.round(Math.max(height, headH + legendH + footH));
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#ffffff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.fillStyle = INK; ctx.textAlign = "left"; ctx.textBaseline = "top";
  ctx.font = `bold ${20 * s}px ${FONT}`;
  ctx.fillText(wrap(ctx, title, width - 2 * pad)[0] || "", pad, 10 * s);
  ctx.font = `${13 * s}px ${FONT}`;
  ctx.fillText(t("share.print.date", { date: day(today(), LANG) }), pad, 36 * s);

  ctx.drawImage(shot, 0, headH);
  ctx.strokeStyle = "#999"; ctx.lineWidth = s; ctx.strokeRect(0.5 * s, headH + 0.5 * s, shot.width - s, shot.height - s);
  drawNorth(ctx, shot.width - 30 * s, headH + 30 * s, 20 * s, map.getBearing());
  drawScale(ctx, 16 * s, headH + shot.height - 14 * s, scaleBar(map, Math.min(160 * s, shot.width / 3) / s), s);

  const lx = side ? shot.width + pad : pad;
  const ly = side ? headH : headH + shot.height + pad;
  await drawLegend(ctx, lx, ly, legendW, s);

  const fy = canvas.height - footH + pad;
  ctx.fillStyle = INK; ctx.font = `${11 * s}px ${FONT}`; ctx.textBaseline = "top";
  footLines.forEach((line, i) => ctx.fillText(line, pad, fy + i * 15 * s));
  const qr = document.createElement("canvas");
  drawQr(qr, link, 4);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(qr, width - pad - qrSize, fy - pad / 2, qrSize, qrSize);
  return canvas;
}

let jspdf = null;
function loadJsPdf() {
  jspdf ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/static/vendor/jspdf/jspdf.umd.min.js";
    script.onload = () => resolve(window.jspdf.jsPDF);
    script.onerror = () => reject(new Error("jsPDF"));
    document.head.append(script);
  });
  return jspdf;
}

export async function toPdf(canvas) {
  const JsPDF = await loadJsPdf();
  const doc = new JsPDF({ orientation: "landscape", unit: "mm", format: "a4", compress: true });
  const [pw, ph, margin] = [297, 210, 8];
  const k = Math.min((pw - 2 * margin) / canvas.width, (ph - 2 * margin) / canvas.height);
  const [w, h] = [canvas.width * k, canvas.height * k];
  doc.addImage(canvas.toDataURL("image/png"), "PNG", (pw - w) / 2, (ph - h) / 2, w, h);
  doc.setProperties({ creator: "ntm-map" });
  return doc.output("blob");
}

function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

function fill(content, map) {
  const label = document.createElement("label");
  label.htmlFor = "print-title";
  label.textContent = t("share.print.heading");
  const input = document.createElement("input");
  input.type = "text";
  input.id = "print-title";
  input.value = t("common.site");
  const status = document.createElement("p");
  status.className = "tool-status";
  status.setAttribute("role", "status");
  const actions = document.createElement("div");
  actions.className = "tool-actions";
  const make = (kind) => async () => {
    status.textContent = t("share.print.busy");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const canvas = await compose(map, input.value.trim() || t("common.site"));
      const blob = kind === "pdf" ? await toPdf(canvas)
        : await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
      const name = `${t("share.print.file")}-${today()}.${kind}`;
      download(blob, name);
      status.textContent = t("share.print.done", { file: name });
      document.body.dataset.printed = `${name} ${blob.size}`;  // for the browser tests
    } catch (err) {
      console.error("print:", err);
      status.textContent = t("share.print.failed", { reason: err.message });
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
    }
  };
  const buttons = [["png", "share.print.png", ""], ["pdf", "share.print.pdf", "secondary"]].map(([kind, key, cls]) => {
    const b = document.createElement("button");
    b.type = "button";
    b.id = `print-${kind}`;
    b.className = cls;
    b.textContent = t(key);
    b.addEventListener("click", make(kind));
    return b;
  });
  actions.append(...buttons);
  content.replaceChildren(label, input, actions, status);
}

mountTool((place, map) => {
  const button = toolButton("share.print.button", "print");
  button.id = "print-button";
  place.append(button);
  toolDialog("print-dialog", "share.print.title", (content) => fill(content, map), button);
});
