// What the phone keeps between visits (localStorage): the edits not yet sent (the queue), the ones
// the server refused (conflicts: someone else changed the point; failures: any other refusal),
// the server ids of points placed offline, the last ETag seen of each point, and the last list of
// each commune's points, so a reload without a connection still shows the map. Nothing here is
// ever dropped without the user choosing to.

const KEY = "ntm.addresses.v1";

function empty() {
  return { queue: [], conflicts: [], failed: [], ids: {}, etags: {}, lists: {}, commune: null };
}

let state = load();

function load() {
  try {
    return { ...empty(), ...(JSON.parse(localStorage.getItem(KEY)) || {}) };
  } catch {
    return empty();
  }
}

export function save() {
  try {
    localStorage.setItem(KEY, JSON.stringify(state));
  } catch (err) {
    // Full: forget the cached lists first (the server has them), never the edits.
    state.lists = {};
    localStorage.setItem(KEY, JSON.stringify(state));
    console.error("addresses: storage full, cached lists dropped", err);
  }
}

export function get() { return state; }

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const isLocal = (id) => typeof id === "string" && id.startsWith("local:");

// The server id of a point (a point placed offline has one once its creation went through).
export function serverId(id) { return isLocal(id) ? state.ids[id] ?? null : id; }

export function enqueue(op) {
  const target = op.target;
  // A second edit of a point with edits still waiting, or of a point placed offline, is sent with
  // the ETag the earlier one gets back, not the one the user saw (it will be stale by then).
  op.chained = isLocal(target) || state.queue.some((o) => o.target === target || o.local === target);
  state.queue.push(op);
  save();
}

export function rememberList(commune, features) {
  state.lists = { [commune]: features };  // the current commune only: a phone's storage is small
  for (const f of features) state.etags[f.id] = f.properties.etag;
  save();
}
