// Talks to ntm-map's JSON API with the session cookie; unsafe requests carry the CSRF token
// (the server refuses them otherwise). Errors come back as {status, body} with the API's shape.

// Messages (rule failures) come back in the page's language.
const LANG = document.documentElement.lang === "en" ? "en" : "vi";
let csrf = null;
let onUnauthorized = () => {};

export function setCsrf(token) { csrf = token; }

// Called when a request made with the session gets 401 (it expired or was ended elsewhere).
export function whenLoggedOut(fn) { onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.description) || `HTTP ${status}`);
    this.status = status;
    this.body = body || {};
  }
}

export async function call(method, url, { json, form, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", "Accept-Language": LANG, ...headers }, credentials: "same-origin" };
  if (!["GET", "HEAD"].includes(method) && csrf) init.headers["X-CSRF-Token"] = csrf;
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form;
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = { description: text.slice(0, 300) }; }
  if (response.status === 401 && csrf) onUnauthorized();
  if (!response.ok) throw new ApiError(response.status, body);
  return { body, etag: response.headers.get("ETag"), status: response.status };
}

// What a failed request means, in the page's language: the catalogue's words for the usual
// statuses (the server's detail is English for programs), the server's text otherwise (a 400/422
// already comes in the page's language when it is a rule failure).
export function errorText(err, t, known) {
  const key = `err.${err.status}`;
  if (known(key)) return t(key);
  return t("error") + err.message;
}

// A saved area's warnings (land its crop's suitability raster calls unsuitable, issue 13): the
// server words them in the page's language; they follow the "saved" notice, never replace it.
export function warningText(body) {
  return (body.warnings || []).map((w) => " " + w.message).join("");
}
