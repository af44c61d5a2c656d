// The words of the three pages (admin console, agent console, wallboard) in zh-CN and English.
//
// Catalogues are flat JSON files served under /static/i18n/<locale>.json; a page waits for
// `ccI18n.ready` before it draws anything, then writes every string a person reads through
// `t(key, params)`. The locale is the one the user picked (kept in localStorage), else Chinese
// for a browser that prefers Chinese, else English. The API keeps stable slugs and fields;
// `errorText` turns an error body ({error, reason, message, details: {field}}) into words here.
// Keys missing from the catalogue are collected in `ccI18n.missing` so tests can fail on them.
"use strict";
window.ccI18n = (() => {
  const LOCALES = ["zh-CN", "en"];
  const STORE_KEY = "cc.locale";
  const catalogues = {};
  const missing = new Set();
  const listeners = [];
  const onChange = (fn) => listeners.push(fn);
  let current = pick();

  function pick() {
    const saved = (() => { try { return localStorage.getItem(STORE_KEY); } catch (_e) { return null; } })();
    if (saved && LOCALES.includes(saved)) return saved;
    const prefs = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"];
    for (const p of prefs) {
      const l = String(p).toLowerCase();
      if (l.startsWith("zh")) return "zh-CN";
      if (l.startsWith("en")) return "en";
    }
    return "zh-CN";
  }

  async function fetchCatalogue(locale) {
    if (catalogues[locale]) return catalogues[locale];
    const resp = await fetch(`/static/i18n/${locale}.json`, { cache: "no-cache", credentials: "omit" });
    catalogues[locale] = resp.ok ? await resp.json() : {};
    return catalogues[locale];
  }

  function applyLang() {
    document.documentElement.lang = current;
  }

  // Both catalogues: the current one for words, English as the fallback for a missing key.
  const ready = Promise.all([fetchCatalogue(current), fetchCatalogue("en")]).then(() => {
    applyLang();
    translateDom(document);
  });

  function locale() {
    return current;
  }

  /** Switch language; the choice sticks for this browser. Pages re-render themselves. */
  async function setLocale(l) {
    if (!LOCALES.includes(l)) return;
    try { localStorage.setItem(STORE_KEY, l); } catch (_e) { /* private mode: this page only */ }
    await fetchCatalogue(l);
    current = l;
    applyLang();
    translateDom(document);
    for (const fn of listeners) fn(l);
  }

  function has(key) {
    const cat = catalogues[current] || {};
    return Object.prototype.hasOwnProperty.call(cat, key);
  }

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined || params[name] === null ? m : String(params[name])));
  }

  /** The words for `key` in the current language, `{name}` replaced from `params`. */
  function t(key, params) {
    const cat = catalogues[current] || {};
    let text = cat[key];
    if (text === undefined) {
      missing.add(`${current}:${key}`);
      text = (catalogues.en || {})[key];
      if (text === undefined) text = key;
    }
    return fill(text, params);
  }

  /** `key` when the catalogue has it, else `fallback` (for open lists: slugs, states). */
  function tOr(key, fallback, params) {
    return has(key) ? t(key, params) : fill(String(fallback), params);
  }

  /** Elements marked data-i18n (text), data-i18n-aria-label, data-i18n-title, data-i18n-placeholder. */
  function translateDom(root) {
    if (!catalogues[current]) return;
    root.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.getAttribute("data-i18n")); });
    for (const attr of ["aria-label", "title", "placeholder"]) {
      root.querySelectorAll(`[data-i18n-${attr}]`).forEach((el) => { el.setAttribute(attr, t(el.getAttribute(`data-i18n-${attr}`))); });
    }
    const titleKey = document.documentElement.getAttribute("data-i18n-doc-title");
    if (titleKey && root === document) document.title = t(titleKey);
  }

  // ------------------------------------------------------------------ formatting
  const tag = () => (current === "zh-CN" ? "zh-CN" : "en-GB");
  const asDate = (v) => (v instanceof Date ? v : new Date(v));
  const valid = (d) => !Number.isNaN(d.getTime());

  /** A local date and time (ISO strings from the API are UTC; people read their own clock). */
  function dateTime(v) {
    if (v === null || v === undefined || v === "") return "";
    const d = asDate(v);
    if (!valid(d)) return String(v);
    return new Intl.DateTimeFormat(tag(), { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false }).format(d);
  }
  function date(v) {
    if (v === null || v === undefined || v === "") return "";
    const d = typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00`) : asDate(v);
    if (!valid(d)) return String(v);
    return new Intl.DateTimeFormat(tag(), { year: "numeric", month: "long", day: "numeric", weekday: "short" }).format(d);
  }
  function time(v) {
    if (v === null || v === undefined || v === "") return "";
    const d = asDate(v);
    if (!valid(d)) return String(v);
    return new Intl.DateTimeFormat(tag(), { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(d);
  }
  /** A month "2026-12" as words ("2026年12月", "December 2026"). */
  function month(v) {
    const m = /^(\d{4})-(\d{2})$/.exec(String(v || ""));
    if (!m) return String(v ?? "");
    return new Intl.DateTimeFormat(tag(), { year: "numeric", month: "long" }).format(new Date(Number(m[1]), Number(m[2]) - 1, 1));
  }
  /** Seconds as "1小时2分3秒" / "1 h 2 min 3 s". */
  function duration(seconds) {
    if (seconds === null || seconds === undefined || seconds === "") return "";
    let s = Math.max(0, Math.round(Number(seconds)));
    if (!Number.isFinite(s)) return String(seconds);
    const hPart = Math.floor(s / 3600); s -= hPart * 3600;
    const mPart = Math.floor(s / 60); s -= mPart * 60;
    const parts = [];
    if (hPart) parts.push(t("unit.hours", { n: hPart }));
    if (mPart) parts.push(t("unit.minutes", { n: mPart }));
    if (s || !parts.length) parts.push(t("unit.seconds", { n: s }));
    return parts.join(current === "zh-CN" ? "" : " ");
  }
  /** An amount of money (decimal string or number) in yuan: "¥1,234.50"; with `words` "1,234.50 元". */
  function money(amount, currency = "CNY", opts = {}) {
    if (amount === null || amount === undefined || amount === "") return "";
    const n = Number(amount);
    if (!Number.isFinite(n)) return String(amount);
    const digits = opts.digits ?? (Math.abs(n) < 1 && n !== 0 ? 4 : 2);
    if (opts.words && currency === "CNY") {
      return t("unit.yuan", { n: new Intl.NumberFormat(tag(), { minimumFractionDigits: 2, maximumFractionDigits: digits }).format(n) });
    }
    try {
      return new Intl.NumberFormat(tag(), { style: "currency", currency, currencyDisplay: "narrowSymbol", minimumFractionDigits: 2, maximumFractionDigits: digits }).format(n);
    } catch (_e) {
      return `${n.toFixed(2)} ${currency}`;
    }
  }
  /** A ratio 0..1 as a percentage ("85.3%"). */
  function percent(ratio, digits = 1) {
    if (ratio === null || ratio === undefined || ratio === "") return "—";
    const n = Number(ratio);
    if (!Number.isFinite(n)) return String(ratio);
    return new Intl.NumberFormat(tag(), { style: "percent", maximumFractionDigits: digits }).format(n);
  }
  function number(v) {
    const n = Number(v);
    return Number.isFinite(n) ? new Intl.NumberFormat(tag()).format(n) : String(v ?? "");
  }

  // ------------------------------------------------------------------ server errors
  /** The label of an API field name (`admin.password`, `weekly[2].end`, `route.target`). */
  function fieldLabel(field) {
    if (!field) return "";
    const plain = String(field).replace(/\[\d+\]/g, "").replace(/\.\d+(?=\.|$)/g, "");
    const parts = plain.split(".");
    for (let i = 0; i < parts.length; i += 1) {
      const key = `field.${parts.slice(i).join(".")}`;
      if (has(key)) return t(key);
    }
    return String(field);
  }

  /** The words for an API error body: by reason (specific slug), then family slug, with
   * the field named (by `label` when the page knows the field's own label); the server's
   * English message only when the catalogue has nothing. */
  function errorText(body, status, label) {
    const b = body || {};
    const details = b.details || {};
    const field = details.field || "";
    const plainField = String(field).replace(/\[\d+\]/g, "").replace(/\.\d+(?=\.|$)/g, "");
    const tail = plainField.split(".").pop();
    const params = { ...details, field: label || fieldLabel(field), status };
    if (details.retry_after_s) params.wait = duration(Math.ceil(Number(details.retry_after_s)));
    const slugs = [b.reason, b.error].filter(Boolean);
    for (const s of slugs) {
      for (const f of [plainField, tail]) {
        if (f && has(`error.${s}.${f}`)) return t(`error.${s}.${f}`, params);
      }
      if (has(`error.${s}`)) {
        const text = t(`error.${s}`, params);
        return field && !/\{field\}/.test((catalogues[current] || {})[`error.${s}`]) ? t("error.with-field", { text, field: params.field }) : text;
      }
    }
    if (status) missing.add(`${current}:error.${b.reason || b.error || status}`);
    return b.message || t("error.http", { status: status || "?" });
  }

  /** A labelled language picker (a <select>) that switches and remembers the language. */
  function switcher(id = "locale-switch") {
    const wrap = document.createElement("span");
    wrap.className = "locale-switch";
    const label = document.createElement("label");
    label.htmlFor = id;
    label.className = "visually-hidden";
    label.setAttribute("data-i18n", "locale.label");
    if (catalogues[current]) label.textContent = t("locale.label");
    const select = document.createElement("select");
    select.id = id;
    for (const l of LOCALES) {
      const o = document.createElement("option");
      o.value = l;
      o.setAttribute("data-i18n", `locale.${l}`);
      o.textContent = l === "en" ? "English" : "中文";
      o.lang = l;
      o.selected = l === current;
      select.append(o);
    }
    select.addEventListener("change", () => setLocale(select.value));
    const sync = () => { select.value = current; };
    onChange(sync);
    wrap.append(label, select);
    return wrap;
  }

  return { LOCALES, ready, switcher, locale, setLocale, onChange, t, tOr, has, translateDom, missing,
    dateTime, date, time, month, duration, money, percent, number, fieldLabel, errorText,
    catalogue: (l) => catalogues[l || current] || {} };
})();
