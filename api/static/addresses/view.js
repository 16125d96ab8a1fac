// What the map and the list show: the server's points (the last list fetched, kept for reloads
// without a connection) with the edits still waiting in the queue laid over them, so a point
// placed or moved offline is where the user put it, marked as waiting to be sent.

import * as store from "./store.js";

function pointOf(op, fallback) {
  const p = op.body && op.body.point;
  return p ? [p.lon, p.lat] : fallback;
}

export function displayed(commune) {
  const s = store.get();
  const base = (s.lists[commune] || []).map((f) => ({ ...f, properties: { ...f.properties, pending: false } }));
  const byId = new Map(base.map((f) => [String(f.id), f]));
  const find = (target) => byId.get(String(target)) || byId.get(String(store.serverId(target)));
  for (const op of s.queue) {
    if (op.commune !== commune) continue;
    if (op.kind === "create" || op.kind === "split") {
      const from = op.kind === "split" ? find(op.target) : null;
      const coords = pointOf(op, from ? from.geometry.coordinates : null);
      if (!coords) continue;
      const f = { type: "Feature", id: op.local, geometry: { type: "Point", coordinates: coords },
        properties: { address_code: null, verified: Boolean(op.body.verified), pending: true, status: "active" } };
      byId.set(String(op.local), f);
      continue;
    }
    const f = find(op.target);
    if (!f) continue;
    const next = { ...f, geometry: { type: "Point", coordinates: pointOf(op, f.geometry.coordinates) },
      properties: { ...f.properties, pending: true } };
    if (op.kind === "edit" && op.body.point && op.body.verified === undefined) next.properties.verified = false;
    if (op.kind === "edit" && op.body.verified !== undefined) next.properties.verified = op.body.verified;
    if (op.kind === "retire" || op.kind === "merge") next.properties.status = "retired";
    byId.set(String(f.id), next);
  }
  return [...byId.values()].filter((f) => f.properties.status !== "retired");
}

// The server's answer replaces the point in the cached list (a retired one leaves it).
export function absorb(commune, feature) {
  const s = store.get();
  const list = (s.lists[commune] || []).filter((f) => f.id !== feature.id);
  if (feature.properties.status === "active" && feature.properties.commune_code === commune) list.push(feature);
  s.lists[commune] = list;
  store.save();
}
