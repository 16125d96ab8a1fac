// Sends the queue, oldest first, whenever there is a connection (at load, on the browser's
// "online" event, every 20 s, and after each edit). Each edit carries its Idempotency-Key: an
// answer lost on the way back means the edit is sent again and the server answers it from its
// record instead of applying it twice. A 412 (someone else changed the point) becomes a
// conflict the user settles with both versions in view; any other refusal is kept with its
// reason. A network failure stops the round and keeps everything.

import * as store from "./store.js";

const LANG = document.documentElement.lang === "en" ? "en" : "vi";
let csrf = null;
let running = null;
let listeners = [];

export function setCsrf(token) { csrf = token; }
export function onChange(fn) { listeners.push(fn); }
function changed(event) { for (const fn of listeners) fn(event); }

export class Offline extends Error {}

export async function request(method, url, { json, headers = {} } = {}) {
  const init = { method, credentials: "same-origin",
    headers: { Accept: "application/json", "Accept-Language": LANG, ...headers } };
  if (method !== "GET" && csrf) init.headers["X-CSRF-Token"] = csrf;
  if (json !== undefined) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(json); }
  let response;
  try {
    response = await fetch(url, init);
  } catch (err) {
    throw new Offline(String(err));
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { description: text.slice(0, 300) }; }
  return { status: response.status, ok: response.ok, body: body || {}, etag: response.headers.get("ETag") };
}

const PATHS = {
  create: () => ["POST", "/staff/api/households"],
  edit: (id) => ["PATCH", `/staff/api/households/${id}`],
  retire: (id) => ["POST", `/staff/api/households/${id}/retire`],
  merge: (id) => ["POST", `/staff/api/households/${id}/merge`],
  split: (id) => ["POST", `/staff/api/households/${id}/split`],
};

async function sendOne(op) {
  const s = store.get();
  const id = op.kind === "create" ? null : store.serverId(op.target);
  if (op.kind !== "create" && id == null) {
    return { status: 0, ok: false, body: { description: "" }, orphan: true };  // its creation was refused
  }
  const headers = { "Idempotency-Key": op.key };
  if (op.kind !== "create") headers["If-Match"] = op.chained ? (s.etags[id] || op.ifMatch || "*") : op.ifMatch;
  const [method, url] = PATHS[op.kind](id);
  return request(method, url, { json: op.body, headers });
}

function applied(op, answer) {
  const s = store.get();
  const feature = answer.body;
  if (op.local) s.ids[op.local] = feature.id;  // a point placed offline now has its server id
  s.etags[feature.id] = answer.etag;
  s.queue.shift();
  store.save();
  changed({ kind: "applied", op, feature });
}

async function refused(op, answer) {
  const s = store.get();
  s.queue.shift();
  if (answer.status === 412) {
    const id = store.serverId(op.target);
    const theirs = await request("GET", `/staff/api/households/${id}`);
    s.conflicts.push({ op, theirs: theirs.ok ? theirs.body : null, theirsEtag: theirs.etag,
      message: answer.body.description || "" });
  } else {
    s.failed.push({ op, status: answer.status, message: answer.orphan ? null : (answer.body.description || "") });
  }
  store.save();
  changed({ kind: "refused", op, status: answer.status });
}

// One round; resolves when the queue is empty or the connection is gone. Concurrent calls share it.
export function flush() {
  if (!running) running = round().finally(() => { running = null; });
  return running;
}

async function round() {
  const s = store.get();
  while (s.queue.length) {
    const op = s.queue[0];
    let answer;
    try {
      answer = await sendOne(op);
    } catch (err) {
      if (err instanceof Offline) { changed({ kind: "offline" }); return; }
      throw err;
    }
    if (answer.ok) applied(op, answer);
    else if (answer.status === 401) { changed({ kind: "logged-out" }); return; }
    else if (answer.status >= 500 || answer.status === 429) { changed({ kind: "offline" }); return; }
    else await refused(op, answer);
  }
  changed({ kind: "synced" });
}

export function start() {
  window.addEventListener("online", () => flush());
  window.addEventListener("offline", () => changed({ kind: "offline" }));
  setInterval(() => { if (store.get().queue.length) flush(); }, 20000);
}
