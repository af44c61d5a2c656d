// One session for the three pages (admin console, agent console, wallboard): one token key in
// this tab's sessionStorage, one way to call the API and read its JSON error body
// ({error, message, details: {field}}), one way to show an error. Loaded before each page's
// own script as the global `ccSession`.
"use strict";
window.ccSession = (() => {
  const TOKEN_KEY = "cc.token";
  let onSignedOut = null;

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || `HTTP ${status}`);
      this.status = status;
      this.body = body || {};
      this.slug = this.body.error || "";
      this.field = (this.body.details && this.body.details.field) || null;
    }
  }

  /** The claims of a JWT (not verified: the API verifies every call), or null. */
  function claims(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
    } catch (_e) {
      return null;
    }
  }

  /** This tab's session ({token, role, tenant, username}), or null when absent or expired. */
  function load() {
    const token = sessionStorage.getItem(TOKEN_KEY);
    const c = token && claims(token);
    if (!c || c.exp * 1000 < Date.now()) {
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return { token, role: c.role, tenant: c.tid, username: c.usr || `user ${c.sub}` };
  }

  function save(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    return load();
  }

  function clear() {
    sessionStorage.removeItem(TOKEN_KEY);
  }

  /** The page's reaction when the API says the session is over (401 with a token). */
  function whenSignedOut(fn) {
    onSignedOut = fn;
  }

  /** Call the API with this tab's token: the parsed JSON body, or an ApiError. `opts.raw`
   * returns the Response itself (downloads); a Blob body is sent as is. */
  async function api(method, path, body, opts = {}) {
    const headers = {};
    const session = load();
    if (session) headers.Authorization = `Bearer ${session.token}`;
    let payload;
    if (body instanceof Blob) {
      payload = body;
      headers["Content-Type"] = opts.contentType || "application/octet-stream";
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      headers["Content-Type"] = "application/json";
    }
    const resp = await fetch(path, { method, headers, body: payload, credentials: "omit", cache: "no-store" });
    if (resp.status === 401 && session && onSignedOut) onSignedOut(resp);
    if (opts.raw && resp.ok) return resp;
    const text = await resp.text();
    let data = null;
    try { data = text ? JSON.parse(text) : null; } catch (_e) { data = { message: text }; }
    if (!resp.ok) throw new ApiError(resp.status, data);
    return data;
  }

  /** Exchange credentials for a token and keep it; the new session. */
  async function signIn(username, password) {
    const data = await api("POST", "/api/v1/auth/token", { username, password });
    return save(data.token);
  }

  /** The text a user reads for an error (the field it names, if any), in the page's language
   * when the catalogue (i18n.js) is loaded: the body's slug and field, not its English message. */
  function errorText(err) {
    if (!(err instanceof ApiError)) return String((err && err.message) || err);
    if (window.ccI18n) return window.ccI18n.errorText(err.body, err.status);
    if (err.status === 429) {
      const wait = err.body.details && err.body.details.retry_after_s;
      return wait ? `${err.message} (try again in ${Math.ceil(wait)} s)` : err.message;
    }
    return err.field ? `${err.message} (${err.field})` : err.message;
  }

  function showError(el, err) {
    el.textContent = errorText(err);
  }

  return { TOKEN_KEY, ApiError, claims, load, save, clear, whenSignedOut, api, signIn, errorText, showError };
})();
