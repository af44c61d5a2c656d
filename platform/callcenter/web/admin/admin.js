// Call center console: tenant admin and operator pages over /api/v1.
//
// The JWT lives in this tab's sessionStorage (web/shared/session.js, shared with the agent
// console and the wallboard) and travels only as an Authorization header (no cookies, so no
// cross-site request carries it). The role checks here decide what to show;
// the API checks every call again, so changing ids in the URL never reaches another tenant's data.
// Pages are built with DOM calls only (textContent, never innerHTML with data).
"use strict";
(() => {
  const { ApiError } = window.ccSession;
  // A page whose data arrives after the user moved to another page must not draw over it:
  // an API answer that comes back after the route changed is dropped (runPage ignores it).
  class StalePage extends Error {}
  async function api(...args) {
    const at = renderSeq;
    const result = await window.ccSession.api(...args);
    if (at !== renderSeq) throw new StalePage("the page changed");
    return result;
  }
  const I = window.ccI18n;
  const t_ = I.t; // `t` names the tenant id in the pages below
  const TENANT_PAGES = ["overview", "seats", "agents", "users", "numbers", "schedules", "ivrs", "queues", "mailboxes", "campaigns", "wallboard", "recordings", "reports", "billing"];
  const OP_PAGES = ["tenants", "numbers", "plans", "billing", "health"];
  // i18n-keys: title = overview, seats, agents, users, numbers, schedules, ivrs, queues, mailboxes, campaigns, wallboard, recordings, reports, billing, tenants, plans, health
  const TITLES_ = () => Object.fromEntries([...TENANT_PAGES, ...OP_PAGES].map((p) => [p, t_(`title.${p}`)]));
  const STRATEGIES = ["rrmemory", "ringall", "leastrecent", "fewestcalls", "random", "linear", "wrandom", "rrordered"];
  // i18n-keys: strategy = rrmemory, ringall, leastrecent, fewestcalls, random, linear, wrandom, rrordered
  const strategyName = (x) => I.tOr(`strategy.${x}`, x);
  const DEST_KINDS = ["queue", "ivr", "agent", "voicemail", "external", "announcement", "hangup"];
  const IVR_KINDS = ["submenu", "queue", "agent", "voicemail", "external", "repeat", "hangup", "dnc"];
  // i18n-keys: weekday = 0, 1, 2, 3, 4, 5, 6
  // i18n-keys: weekday.short = 0, 1, 2, 3, 4, 5, 6
  const $main = document.getElementById("main");
  let session = null;
  let renderSeq = 0;
  let pageTimer = null; // a page's own refresh (the wallboard), stopped when the page changes

  // ------------------------------------------------------------------ DOM helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === false || v === null || v === undefined) continue;
      if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k === "class") el.className = v;
      else if (k === "value") el.value = v;
      else if (k === "checked") el.checked = !!v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  // A display name in any script next to the Latin id the dialplan needs (the id is made up
  // when the user leaves it empty: `销售` gets `queue_4f2a`).
  const displayName = (o) => (o && o.display_name ? o.display_name : (o && (o.name || o.mailbox || o.extension || o.username)) || "");
  const withId = (o, id) => (o && o.display_name && o.display_name !== id ? `${o.display_name} (${id})` : id);
  function makeId(display, prefix) {
    const latin = String(display || "").toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
    if (/^[a-z][a-z0-9_]{1,24}$/.test(latin)) return latin;
    return `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
  }
  const destOptions = (kinds) => kinds.map((k) => [k, t_(`dest.${k}`)]);
  // i18n-keys: dest = queue, ivr, agent, voicemail, external, announcement, hangup, submenu, repeat, dnc
  // A delete button that asks first and says clearly why the server refused (still in use).
  function deleteButton(id, label, path, opts = {}) {
    return h("button", { type: "button", class: "danger", id, "aria-label": t_("action.delete-x", { x: label }),
      onclick: async (ev) => {
        if (!confirm(opts.question || t_("confirm.delete", { x: label }))) return;
        const btn = ev.currentTarget;
        try {
          await api("DELETE", path);
          announce(t_("notice.deleted", { x: label }));
          refresh();
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          const users = err.body && err.body.details ? Object.entries(err.body.details).filter(([k]) => k !== "field").map(([, v]) => (Array.isArray(v) ? v.join(t_("list.sep")) : v)).join(t_("list.sep")) : "";
          const text = err.status === 409 ? t_("refused.in-use", { x: label, users: users || "—" }) : I.errorText(err.body, err.status);
          const note = h("p", { class: "form-error", role: "alert", id: `${id}-refused` }, text);
          btn.insertAdjacentElement("afterend", note);
          announce(text);
        }
      } }, t_("action.delete"));
  }
  const slug = (s) => String(s).replace(/[^A-Za-z0-9_]+/g, "-");
  const announce = (text) => { document.getElementById("announce").textContent = text; };

  function field(formId, name, label, opts = {}) {
    const id = `${formId}-${slug(name)}`;
    const errId = `${id}-error`;
    let input;
    const common = { id, name, "data-field": opts.dataField || name, "aria-describedby": errId };
    if (opts.options) {
      // typedOptions: the options are names people typed (tenants), shown as written.
      input = h("select", { ...common, translate: opts.typedOptions ? "no" : null }, opts.options.map((o) => {
        const [v, t] = Array.isArray(o) ? o : [o, o];
        return h("option", { value: v, selected: String(v) === String(opts.value ?? "") }, t);
      }));
    } else if (opts.type === "textarea") {
      input = h("textarea", { ...common, rows: opts.rows || 3 });
      input.value = opts.value ?? "";
    } else if (opts.type === "checkbox") {
      input = h("input", { ...common, type: "checkbox", checked: !!opts.value });
      return h("div", { class: "field check" }, input, h("label", { for: id }, label), h("p", { class: "field-error", id: errId }));
    } else {
      input = h("input", { ...common, type: opts.type || "text", value: opts.value ?? "", autocomplete: opts.autocomplete || "off",
        list: opts.list, inputmode: opts.inputmode, placeholder: opts.placeholder, required: opts.required });
    }
    return h("div", { class: "field" }, h("label", { for: id }, label), input,
      opts.help ? h("small", { class: "muted" }, opts.help) : null,
      h("p", { class: "field-error", id: errId }));
  }
  const val = (form, name) => {
    const el = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (!el) return undefined;
    return el.type === "checkbox" ? el.checked : el.value.trim();
  };
  const num = (form, name) => { const v = val(form, name); return v === "" ? undefined : Number(v); };

  function clearErrors(form) {
    form.querySelectorAll(".field-error, .form-error").forEach((e) => { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
    const note = form.querySelector(".notice"); if (note) note.textContent = "";
  }

  // The server names the field (``admin.username``, ``menus.top.options.1``, ``weekly[2].end``):
  // mark the input whose data-field is that name, or the closest enclosing one.
  function showError(form, err) {
    const name = err.field;
    let best = null;
    if (name) {
      for (const el of form.querySelectorAll("[data-field]")) {
        const df = el.getAttribute("data-field");
        if (name === df || name.startsWith(df + ".") || name.startsWith(df + "[")) {
          if (!best || df.length > best.getAttribute("data-field").length) best = el;
        }
      }
    }
    if (name && !best) {
      // Some services prefix the field with the object (``route.target``): match the tail.
      best = [...form.querySelectorAll("[data-field]")].find((el) => name.endsWith("." + el.getAttribute("data-field"))) || null;
    }
    const summary = form.querySelector(".form-error");
    if (best) {
      const errEl = document.getElementById(best.getAttribute("aria-describedby") || "") ||
        best.querySelector(".field-error");
      const where = best.closest(".field, fieldset, .row");
      const label = where && where.querySelector("label, legend");
      if (errEl) errEl.textContent = I.errorText(err.body, err.status, label ? label.textContent : "");
      best.setAttribute("aria-invalid", "true");
      if (best.focus) best.focus();
      summary.textContent = t_("form.not-saved-check", { field: label ? label.textContent : I.fieldLabel(name) });
    } else {
      summary.textContent = t_("form.not-saved", { reason: I.errorText(err.body, err.status) });
    }
    announce(summary.textContent);
  }

  function formCard(id, title, children, submitLabel, onSubmit) {
    const form = h("form", { class: "card", id, novalidate: true, "aria-labelledby": `${id}-title` },
      h("h2", { id: `${id}-title` }, title),
      children,
      h("p", { class: "form-error", role: "alert", id: `${id}-error` }),
      h("div", { class: "row" }, h("button", { type: "submit", id: `${id}-submit` }, submitLabel),
        h("span", { class: "notice", role: "status", id: `${id}-notice` })));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clearErrors(form);
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const note = await onSubmit(form);
        if (note) { form.querySelector(".notice").textContent = note; announce(note); }
      } catch (err) {
        if (err instanceof ApiError) showError(form, err); else throw err;
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  function table(columns, rows, opts = {}) {
    if (!rows.length) return h("p", { class: "muted" }, opts.empty || t_("c.nothing-yet"));
    return h("div", { class: "table-wrap" }, h("table", { class: "stack", id: opts.id },
      opts.caption ? h("caption", { class: "visually-hidden" }, opts.caption) : null,
      h("thead", {}, h("tr", {}, columns.map(([, label]) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows.map((r) => h("tr", { "data-key": opts.key ? opts.key(r) : null },
        columns.map(([k, label, fmt]) => h("td", { "data-label": label, "data-col": k,
          // what a tenant or operator typed (names, numbers) is shown as written, never machine-translated
          translate: !fmt && typeof r[k] === "string" ? "no" : null }, fmt ? fmt(r[k], r) : cell(r[k]))))))));
  }
  function cell(v) {
    if (v === null || v === undefined) return "";
    if (Array.isArray(v)) return v.map(cell).join(", ");
    if (typeof v === "object") return Object.entries(v).map(([a, b]) => `${a.replace(/_/g, " ")} ${cell(b)}`).join(", ");
    return String(v);
  }
  const dl = (pairs) => h("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
  const badge = (ok, yes, no) => h("span", { class: `badge ${ok ? "ok" : "bad"}` }, ok ? yes : no);
  const datalist = (id, values) => h("datalist", { id }, values.map((v) => h("option", { value: v })));

  // ------------------------------------------------------------------ API (ccSession)
  const T = (tenant, rest = "") => `/api/v1/tenants/${encodeURIComponent(tenant)}${rest}`;

  async function download(path, filename) {
    const resp = await api("GET", path, undefined, { raw: true });
    const url = URL.createObjectURL(await resp.blob());
    const a = h("a", { href: url, download: filename });
    document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  }

  // ------------------------------------------------------------------ session
  function signOut(message) {
    session = null;
    window.ccSession.clear();
    sessionStorage.setItem("cc.console.message", message || "");
    location.hash = "#/login";
    route();
  }

  // ------------------------------------------------------------------ router and chrome
  function homeOf(s) {
    if (s.role === "operator") return "#/op/tenants";
    if (s.role === "tenant_admin") return `#/t/${s.tenant}/overview`;
    return "#/denied";
  }

  function renderNav(current, tenant) {
    const nav = document.getElementById("nav");
    const list = document.getElementById("nav-list");
    list.replaceChildren();
    const link = (href, label) => h("li", {}, h("a", { href, "aria-current": href === current ? "page" : null }, label));
    if (session.role === "operator") {
      list.append(h("li", {}, h("h2", {}, t_("c.platform"))), ...OP_PAGES.map((p) => link(`#/op/${p}`, TITLES_()[p])));
    }
    if (tenant) {
      list.append(h("li", {}, h("h2", {}, t_("nav.tenant-x", { x: tenant }))),
        ...TENANT_PAGES.map((p) => link(`#/t/${tenant}/${p}`, TITLES_()[p])));
    }
    nav.hidden = false;
    document.getElementById("signout").hidden = false;
    document.getElementById("menu-toggle").hidden = false;
    document.getElementById("whoami").textContent =
      `${session.username} · ${session.role === "operator" ? t_("c.platform-operator") : t_("whoami.admin-of", { x: session.tenant })}`;
  }

  function page(title, ...children) {
    document.title = t_("app.title-suffix", { title });
    $main.replaceChildren(h("h1", { id: "page-title" }, title), ...children.flat().filter((c) => c !== null && c !== undefined));
    $main.setAttribute("aria-labelledby", "page-title");
  }

  function denied(message) {
    page(t_("c.not-allowed"), h("p", { id: "denied", role: "alert" }, message),
      h("p", {}, h("a", { href: homeOf(session) }, t_("c.back-to-your-pages"))));
  }

  async function route() {
    const seq = ++renderSeq;
    if (pageTimer) { clearInterval(pageTimer); pageTimer = null; }
    session = session || window.ccSession.load();
    const hash = location.hash || "";
    if (!session) {
      document.getElementById("nav").hidden = true;
      document.getElementById("signout").hidden = true;
      document.getElementById("menu-toggle").hidden = true;
      document.getElementById("whoami").textContent = "";
      loginPage();
      return;
    }
    let m;
    if ((m = hash.match(/^#\/op\/([a-z]+)$/)) && OP_PAGES.includes(m[1])) {
      renderNav(hash, null);
      if (session.role !== "operator") return denied(t_("c.these-pages-are-for-platform-operators-only"));
      return runPage(seq, OP[m[1]]);
    }
    if ((m = hash.match(/^#\/t\/([^/]+)\/([a-z]+)$/)) && TENANT_PAGES.includes(m[2])) {
      const tenant = decodeURIComponent(m[1]);
      const own = session.role === "tenant_admin" && session.tenant === tenant;
      renderNav(hash, own || session.role === "operator" ? tenant : session.tenant);
      if (!own && session.role !== "operator") return denied(t_("c.you-can-only-open-your-own-tenant-s-pages"));
      return runPage(seq, () => TENANT[m[2]](tenant));
    }
    if (session.role !== "operator" && session.role !== "tenant_admin") {
      renderNav("", null);
      return denied(t_("c.the-console-is-for-tenant-admins-and-operators-a"));
    }
    location.replace(homeOf(session));
  }

  async function runPage(seq, fn) {
    $main.setAttribute("aria-busy", "true");
    try {
      await fn();
    } catch (err) {
      if (seq !== renderSeq) return;
      if (err instanceof ApiError) {
        if (err.status === 403) denied(err.message);
        else page(t_("c.something-went-wrong"), h("p", { role: "alert" }, err.message));
      } else {
        throw err;
      }
    } finally {
      $main.removeAttribute("aria-busy");
    }
  }
  // Re-render the current page (after a save that changes its lists).
  const refresh = () => route();

  // ------------------------------------------------------------------ login
  function loginPage() {
    const message = sessionStorage.getItem("cc.console.message");
    sessionStorage.removeItem("cc.console.message");
    const form = formCard("login", t_("login.title"), [
      field("login", "username", t_("login.username"), { autocomplete: "username", required: true }),
      field("login", "password", t_("login.password"), { type: "password", autocomplete: "current-password", required: true }),
    ], t_("login.submit"), async (f) => {
      session = await window.ccSession.signIn(val(f, "username"), f.querySelector("[name=password]").value);
      location.hash = homeOf(session);
      return null;
    });
    document.title = t_("app.title-suffix", { title: t_("login.title") });
    $main.replaceChildren(h("h1", { id: "page-title" }, t_("app.console")),
      message ? h("p", { role: "alert" }, message) : null, form);
    form.querySelector("input").focus();
  }

  // ------------------------------------------------------------------ tenant admin pages
  const TENANT = {};

  TENANT.overview = async (t) => {
    const [tenant, seats, numbers, queues] = await Promise.all([
      api("GET", T(t)), api("GET", T(t, "/seats")), api("GET", T(t, "/numbers")), api("GET", T(t, "/queues")),
    ]);
    page(`${tenant.name} (${tenant.id})`,
      h("section", { class: "card", "aria-label": t_("c.tenant") }, dl([
        [t_("c.status"), badge(tenant.status === "active", t_("status.active"), I.tOr(`status.${tenant.status}`, tenant.status))],
        [t_("title.seats"), String(seats.length)], [t_("c.numbers"), numbers.map((n) => n.display).join(t_("list.sep")) || t_("common.none")],
        [t_("title.queues"), queues.map((q) => withId(q, q.name)).join(t_("list.sep")) || t_("common.none")],
        [t_("c.concurrent-calls-cap"), tenant.limits.max_calls || t_("common.no-cap")],
        [t_("c.outside-calls-cap"), String(tenant.limits.max_outbound)],
        [t_("c.callback-requests-cap"), String(tenant.limits.max_open_callbacks)],
        [t_("c.allowed-outside-numbers"), tenant.limits.outbound_patterns.join(" ")],
        [t_("lang.callers-hear"), t_(`lang.${tenant.language}`)],
      ])),
      tenant.status === "active" ? languageForm(tenant) : null,
      session.role === "operator" && tenant.status !== "closed" ? limitsForm(tenant) : null);
  };

  // What the tenant's callers hear (system prompts, numbers read out): numbers and IVRs
  // without a language of their own follow it from the next call.
  function languageForm(tenant) {
    const id = "caller-language";
    return formCard(id, t_("lang.callers-hear"), [
      field(id, "language", t_("lang.tenant-language"), { options: [["zh", t_("lang.zh")], ["en", t_("lang.en")]], value: tenant.language,
        help: t_("lang.tenant-help") })],
    t_("c.save"), async (f) => {
      const saved = await api("PUT", T(tenant.id, "/language"), { language: val(f, "language") });
      return t_("lang.saved", { x: t_(`lang.${saved.language}`) });
    });
  }

  function limitsForm(tenant) {
    const id = "limits";
    const l = tenant.limits;
    return formCard(id, t_("c.limits-operators"), [h("div", { class: "row" },
      field(id, "max_calls", t_("c.concurrent-calls-0-no-cap"), { type: "number", value: l.max_calls }),
      field(id, "max_outbound", t_("c.concurrent-outside-calls"), { type: "number", value: l.max_outbound }),
      field(id, "caller_number", t_("c.caller-number-for-outside-calls"), { value: l.caller_number || "" })),
      field(id, "max_open_callbacks", t_("c.open-callback-requests-at-most-one-per-caller-nu"),
        { type: "number", value: l.max_open_callbacks }),
      field(id, "outbound_patterns", t_("c.allowed-outside-numbers-one-pattern-per-line-x-a"),
        { type: "textarea", value: l.outbound_patterns.join("\n") }),
    ], t_("c.save-limits"), async (f) => {
      await api("PUT", T(tenant.id, "/limits"), {
        max_calls: num(f, "max_calls") ?? 0, max_outbound: num(f, "max_outbound") ?? 0,
        max_open_callbacks: num(f, "max_open_callbacks") ?? 0,
        caller_number: val(f, "caller_number") || null,
        outbound_patterns: val(f, "outbound_patterns").split(/\s+/).filter(Boolean),
      });
      return t_("c.saved-the-next-call-follows-these-limits");
    });
  }

  TENANT.seats = async (t) => {
    const seats = await api("GET", T(t, "/seats"));
    const created = h("section", { id: "seat-created", "aria-live": "polite" });
    const rows = seats.map((s) => ({ ...s }));
    const list = table([
      ["extension", t_("c.extension")], ["name", t_("c.name")],
      ["sip_username", t_("c.sip-user"), (v) => h("code", {}, v)],
      ["forward_to", t_("c.forward-to-mobile"), (v, s) => {
        const id = `fwd-${s.extension}`;
        return formInline(id, [field(id, "forward_to", t_("seats.forward-x", { x: s.extension }), { value: v || "", inputmode: "tel", placeholder: t_("common.none") }),
          field(id, "name", t_("seats.name-of", { x: s.extension }), { value: s.name || "" })],
          t_("c.save"), async (f) => {
            const number = val(f, "forward_to");
            await api("PUT", T(t, `/seats/${s.extension}`), { forward_to: number || null, name: val(f, "name") });
            return number ? t_("seats.forwarding-to", { x: number }) : t_("c.not-forwarded");
          });
      }],
      ["extension", t_("c.actions"), (v) => h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", id: `reset-${v}`, "aria-label": t_("seats.new-password-x", { x: v }),
          onclick: async () => {
            if (!confirm(t_("seats.confirm-password", { x: v }))) return;
            const seat = await api("POST", T(t, `/seats/${v}/credentials`));
            document.getElementById("seat-created").replaceChildren(sipCard(seat));
            document.getElementById("sip-title").scrollIntoView();
          } }, t_("c.new-password")),
        h("button", { type: "button", class: "danger", "aria-label": t_("seats.remove-x", { x: v }),
          onclick: async () => {
            if (!confirm(t_("seats.confirm-remove", { x: v }))) return;
            await api("DELETE", T(t, `/seats/${v}`)); announce(t_("seats.removed", { x: v })); refresh();
          } }, t_("c.remove")))],
    ], rows, { id: "seats-table", caption: "Seats", key: (r) => r.extension, empty: t_("c.no-seats-yet") });
    const add = formCard("seat-add", t_("c.add-a-seat"), [h("div", { class: "row" },
      field("seat-add", "extension", t_("c.extension"), { inputmode: "numeric", help: t_("c.3-to-6-digits-not-starting-with-0") }),
      field("seat-add", "name", t_("c.agent-name")))],
    t_("c.add-seat"), async (f) => {
      const seat = await api("POST", T(t, "/seats"), { extension: val(f, "extension"), name: val(f, "name") });
      await route();
      document.getElementById("seat-created").replaceChildren(sipCard(seat));
      return null;
    });
    page(TITLES_().seats, created, add, h("h2", {}, t_("title.seats")), list);
  };

  function formInline(id, children, label, onSubmit) {
    const form = formCard(id, "", children, label, onSubmit);
    form.className = "inline";
    form.querySelector("h2").remove();
    form.removeAttribute("aria-labelledby");
    form.setAttribute("aria-label", children[0].querySelector("label").textContent);
    return form;
  }

  function sipCard(seat) {
    const s = seat.sip;
    return h("section", { class: "card", "aria-labelledby": "sip-title" },
      h("h2", { id: "sip-title" }, t_("seats.sip-settings", { x: seat.extension })),
      h("p", {}, t_("c.enter-these-in-the-agent-s-softphone-app-the-pas")),
      dl([[t_("c.username"), h("code", { id: "sip-username" }, s.username)], [t_("c.password"), h("code", { id: "sip-password" }, s.password)],
        [t_("c.domain"), h("code", {}, s.domain)], [t_("c.registrar"), h("code", {}, s.registrar)], [t_("c.transport"), s.transport.toUpperCase()],
        [t_("c.sip-uri"), h("code", { id: "sip-uri" }, s.uri)]]),
      qrCanvas(`sip:${s.username}:${s.password}@${s.registrar};transport=${s.transport}`));
  }

  // A QR code of the account (user, password, registrar) for a softphone app to scan; drawn on
  // a canvas from the generator's module matrix (no markup from a string). Without the
  // generator (deploy/qrcode.sh not run) the settings above are enough.
  function qrCanvas(text) {
    if (typeof window.qrcode !== "function") return null;
    const qr = window.qrcode(0, "M");
    qr.addData(text);
    qr.make();
    const n = qr.getModuleCount();
    const scale = 4;
    const quiet = 4;
    const size = (n + 2 * quiet) * scale;
    const canvas = h("canvas", { id: "sip-qr", width: size, height: size, role: "img",
      "aria-label": t_("c.qr-code-with-this-seat-s-sip-account-for-a-softp") });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = "#000";
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
      }
    }
    return h("figure", {}, canvas, h("figcaption", { class: "muted" }, t_("c.scan-with-the-softphone-app-contains-the-passwor")));
  }

  // ---- every sign-in of the tenant: disable (its sessions end within a second), reset the
  // password (the old one and its sessions stop working), delete.
  TENANT.users = async (t) => {
    const users = await api("GET", T(t, "/users"));
    const U = (u, rest = "") => T(t, `/users/${encodeURIComponent(u)}${rest}`);
    page(TITLES_().users,
      h("p", { class: "muted" }, t_("c.disabling-deleting-or-resetting-a-user-ends-its")),
      table([["username", t_("c.username")], ["role", t_("c.role"), (v) => I.tOr(`role.${v}`, v)], ["status", t_("c.status"), (v) => badge(v === "active", t_("status.active"), t_("status.disabled"))],
        ["username", t_("c.actions"), (v, r) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `user-status-${v}`, "aria-label": `${r.status === "active" ? t_("c.disable") : t_("c.enable")} ${v}`,
            onclick: async () => {
              const status = r.status === "active" ? "disabled" : "active";
              await api("PUT", U(v, "/status"), { status }); announce(`${v} ${status}`); refresh();
            } }, r.status === "active" ? t_("c.disable") : t_("c.enable")),
          h("button", { type: "button", class: "secondary", id: `user-password-${v}`, "aria-label": t_("users.new-password-x", { x: v }),
            onclick: async () => {
              const password = prompt(t_("users.prompt-password", { x: v }));
              if (!password) return;
              await api("POST", U(v, "/password"), { password }); announce(t_("users.password-changed", { x: v }));
            } }, t_("c.new-password")),
          h("button", { type: "button", class: "danger", id: `user-delete-${v}`, "aria-label": t_("action.delete-x", { x: v }),
            onclick: async () => {
              if (!confirm(t_("users.confirm-delete", { x: v }))) return;
              await api("DELETE", U(v)); announce(t_("notice.deleted", { x: v })); refresh();
            } }, t_("c.delete")))]],
      users, { id: "users-table", caption: t_("c.users"), key: (r) => r.username, empty: t_("c.no-users") }));
  };

  // ---- agent users (the agent workspace's sign-ins, bound to seats), hosted CRM, webhooks.
  TENANT.agents = async (t) => {
    const [agents, seats, contacts, integ] = await Promise.all([
      api("GET", T(t, "/agents")), api("GET", T(t, "/seats")), api("GET", T(t, "/contacts")), api("GET", T(t, "/integrations")),
    ]);
    const aid = "agent-add";
    const agentEditor = h("div", { id: "agent-editor" });
    const contactEditor = h("div", { id: "contact-editor" });
    const cid = "contact-add";
    const iid = "integrations";
    page(TITLES_().agents,
      h("p", { class: "muted" }, t_("c.agents-sign-in-at"), " ", h("a", { href: "/agent" }, "/agent"), " ", t_("c.with-the-username-and-password-set-here-the-brow")),
      table([["username", t_("c.username")], ["name", t_("c.name")], ["extension", t_("c.seat")], ["device", t_("c.takes-calls-on"), (v) => I.tOr(`device.${v}`, v)],
        ["mobile_number", t_("c.mobile")], ["state", t_("c.now"), (v) => (v ? I.tOr(`presence.${v.presence}`, v.presence) + (v.pause_reason ? t_("agents.pause-reason", { x: v.pause_reason }) : "") : "")],
        ["username", t_("col.actions"), (v, a) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `agent-edit-${v}`, "aria-label": t_("action.edit-x", { x: a.name || v }),
            onclick: () => { agentEditor.replaceChildren(agentEditForm(t, a, seats)); agentEditor.querySelector("input, select").focus(); } }, t_("action.edit")),
          deleteButton(`agent-delete-${v}`, a.name || v, T(t, `/users/${encodeURIComponent(v)}`),
            { question: t_("agents.confirm-delete", { x: a.name || v }) }))]],
      agents, { id: "agents-table", key: (r) => r.username, empty: t_("c.no-agent-users-yet") }),
      agentEditor,
      formCard(aid, t_("c.add-an-agent-user"), [h("div", { class: "row" },
        field(aid, "username", t_("c.username"), { help: t_("c.lowercase-letters-digits") }),
        field(aid, "password", t_("c.password"), { type: "password", autocomplete: "new-password", help: t_("c.at-least-10-characters") }),
        field(aid, "extension", t_("c.seat"), { options: seats.map((x) => [x.extension, `${x.extension} ${x.name || ""}`.trim()]) }),
        field(aid, "name", t_("c.name")),
        field(aid, "device", t_("c.takes-calls-on"), { options: [["browser", t_("c.the-browser")], ["sip", t_("c.a-sip-phone")], ["mobile", t_("c.a-mobile")]] }))],
      t_("c.add-agent"), async (f) => {
        await api("POST", T(t, "/agents"), { username: val(f, "username"), password: f.querySelector("[name=password]").value,
          extension: val(f, "extension"), name: val(f, "name"), device: val(f, "device") });
        await refresh();
        return null;
      }),
      h("h2", {}, t_("c.contacts-hosted-crm")),
      table([["phone", t_("c.phone")], ["name", t_("c.name")], ["company", t_("c.company")], ["email", t_("c.e-mail")], ["notes", t_("c.notes")],
        ["id", t_("col.actions"), (v, c) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `contact-edit-${v}`, "aria-label": t_("action.edit-x", { x: c.name || c.phone }),
            onclick: () => { contactEditor.replaceChildren(contactEditForm(t, c)); contactEditor.querySelector("input").focus(); } }, t_("action.edit")),
          deleteButton(`contact-delete-${v}`, c.name || c.phone, T(t, `/contacts/${v}`)))]],
        contacts, { id: "contacts-table", key: (r) => r.phone, empty: t_("c.no-contacts-yet") }),
      contactEditor,
      formCard(cid, t_("c.add-a-contact"), [h("div", { class: "row" },
        field(cid, "phone", t_("c.phone"), { inputmode: "tel" }), field(cid, "name", t_("c.name")), field(cid, "company", t_("c.company")),
        field(cid, "email", t_("c.e-mail"), { type: "email" })), field(cid, "notes", t_("c.notes"), { type: "textarea" })],
      t_("c.add-contact"), async (f) => {
        await api("POST", T(t, "/contacts"), { phone: val(f, "phone"), name: val(f, "name"), company: val(f, "company"),
          email: val(f, "email"), notes: val(f, "notes") });
        await refresh();
        return null;
      }),
      formCard(iid, t_("c.crm-lookup-and-webhook"), [
        h("p", { class: "muted" }, t_("integrations.help")),
        h("div", { class: "row" },
          field(iid, "crm_lookup_url", t_("c.crm-lookup-url"), { type: "url", value: integ.crm_lookup_url || "", placeholder: "https://crm.example.com/lookup?number={number}" }),
          field(iid, "crm_timeout_ms", t_("c.lookup-timeout-ms"), { type: "number", value: integ.crm_timeout_ms ?? 800 })),
        h("div", { class: "row" },
          field(iid, "webhook_url", t_("c.webhook-url"), { type: "url", value: integ.webhook_url || "" }),
          field(iid, "webhook_secret", t_("c.webhook-signing-secret"), { type: "password", autocomplete: "new-password",
            help: integ.webhook_secret_set ? t_("integrations.secret-kept") : t_("c.16-to-128-characters") })),
      ], t_("c.save-integrations"), async (f) => {
        await api("PUT", T(t, "/integrations"), { crm_lookup_url: val(f, "crm_lookup_url") || null, crm_timeout_ms: num(f, "crm_timeout_ms") ?? 800,
          webhook_url: val(f, "webhook_url") || null, webhook_secret: f.querySelector("[name=webhook_secret]").value || null,
          keep_webhook_secret: true });
        return t_("c.saved-the-next-call-s-pop-uses-it");
      }));
  };

  // An agent user's name, seat and device (a mobile needs its number); the username and
  // password are the users page's.
  function agentEditForm(t, a, seats) {
    const id = `agent-${a.username}`;
    const mobile = field(id, "mobile_number", t_("c.mobile"), { value: a.mobile_number || "", inputmode: "tel", help: t_("agents.mobile-help") });
    const form = formCard(id, t_("agents.edit-x", { x: a.name || a.username }), [h("div", { class: "row" },
      field(id, "name", t_("c.name"), { value: a.name || "" }),
      field(id, "extension", t_("c.seat"), { options: seats.map((x) => [x.extension, `${x.extension} ${x.name || ""}`.trim()]), value: a.extension }),
      field(id, "device", t_("c.takes-calls-on"), { options: [["browser", t_("c.the-browser")], ["sip", t_("c.a-sip-phone")], ["mobile", t_("c.a-mobile")]], value: a.device }),
      mobile)],
    t_("c.save"), async (f) => {
      const device = val(f, "device");
      await api("PUT", T(t, `/agents/${encodeURIComponent(a.username)}`), { name: val(f, "name"), extension: val(f, "extension"),
        device, mobile_number: device === "mobile" ? (val(f, "mobile_number") || null) : null });
      await refresh();
      announce(t_("agents.saved", { x: val(f, "name") || a.username }));
      return null;
    });
    const sync = () => { mobile.hidden = form.querySelector("[name=device]").value !== "mobile"; };
    form.querySelector("[name=device]").addEventListener("change", sync);
    sync();
    return form;
  }

  // A hosted contact's fields, all kept: the form shows every one of them.
  function contactEditForm(t, c) {
    const id = `contact-${c.id}`;
    return formCard(id, t_("contacts.edit-x", { x: c.name || c.phone }), [h("div", { class: "row" },
      field(id, "phone", t_("c.phone"), { value: c.phone, inputmode: "tel" }), field(id, "name", t_("c.name"), { value: c.name || "" }),
      field(id, "company", t_("c.company"), { value: c.company || "" }), field(id, "email", t_("c.e-mail"), { type: "email", value: c.email || "" })),
      field(id, "notes", t_("c.notes"), { type: "textarea", value: c.notes || "" })],
    t_("c.save"), async (f) => {
      await api("PUT", T(t, `/contacts/${c.id}`), { phone: val(f, "phone"), name: val(f, "name"), company: val(f, "company"),
        email: val(f, "email"), notes: val(f, "notes") });
      await refresh();
      announce(t_("agents.saved", { x: val(f, "name") || val(f, "phone") }));
      return null;
    });
  }

  TENANT.numbers = async (t) => {
    const [numbers, schedules, queues, ivrs] = await Promise.all([
      api("GET", T(t, "/numbers")), api("GET", T(t, "/schedules")), api("GET", T(t, "/queues")), api("GET", T(t, "/ivrs")),
    ]);
    const cards = numbers.map((n) => {
      const id = `route-${n.number}`;
      const r = n.route || { type: "queue", target: "", schedule: null, max_calls: 0, priority: 0 };
      return formCard(id, `${n.display} (${I.tOr(`kind.${n.kind}`, n.kind)})`, [
        h("p", { class: "muted" }, n.route ? t_(n.route.schedule ? "numbers.now-during" : "numbers.now", { dest: t_(`dest.${n.route.type}`), target: n.route.target, hours: n.route.schedule }) : t_("c.not-routed-callers-hear-an-announcement")),
        h("div", { class: "row" },
          field(id, "type", t_("c.destination"), { options: destOptions(DEST_KINDS), value: r.type }),
          field(id, "target", t_("c.target"), { value: r.target, list: "route-targets" }),
          field(id, "schedule", t_("c.hours"), { options: [["", t_("c.always-open")], ...schedules.map((s) => s.name)], value: r.schedule || "" }),
          field(id, "max_calls", t_("c.max-calls-at-once"), { type: "number", value: r.max_calls, help: t_("c.0-no-cap") }),
          field(id, "priority", t_("c.caller-priority"), { type: "number", value: r.priority }),
          // What callers of this number hear (system prompts, numbers read out).
          field(id, "language", t_("lang.callers-hear"), { options: [["", t_("lang.tenant-default")], ["zh", t_("lang.zh")], ["en", t_("lang.en")]], value: r.language || "" })),
      ], t_("c.save-route"), async (f) => {
        await api("PUT", T(t, `/numbers/${n.number}/route`), {
          type: val(f, "type"), target: val(f, "target"), schedule: val(f, "schedule") || null,
          max_calls: num(f, "max_calls") ?? 0, priority: num(f, "priority") ?? 0,
          language: val(f, "language") || null,
        });
        return t_("c.saved-the-next-call-follows-it");
      });
    });
    page(TITLES_().numbers, datalist("route-targets", [...queues.map((q) => q.name), ...ivrs.map((i) => i.name)]),
      numbers.length ? cards : h("p", { class: "muted" }, t_("c.no-numbers-yet-your-operator-assigns-them")));
  };

  TENANT.schedules = async (t) => {
    const schedules = await api("GET", T(t, "/schedules"));
    const editor = h("div", { id: "schedule-editor" });
    const edit = (s) => editor.replaceChildren(scheduleForm(t, s, new Set(schedules.map((x) => x.name))));
    const spansText = (w) => {
      const byDay = new Map();
      for (const x of w || []) byDay.set(x.weekday, [...(byDay.get(x.weekday) || []), `${x.start}–${x.end}`]);
      return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([d, spans]) => `${weekdayShort(d)} ${spans.join(t_("list.sep"))}`).join(t_("list.sep-group"));
    };
    page(TITLES_().schedules,
      table([["name", t_("col.name"), (v, s) => displayName(s)], ["timezone", t_("col.timezone")],
        ["weekly", t_("schedules.open"), spansText],
        ["holidays", t_("schedules.holidays"), (x) => (x || []).map((d) => `${d}（${weekdayShort((new Date(`${d}T00:00:00`).getDay() + 6) % 7)}）`).join(t_("list.sep"))],
        ["follow_national_calendar", t_("schedules.national"), (v) => (v ? t_("common.yes") : t_("common.no"))],
        ["name", t_("col.actions"), (v, s) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `schedule-edit-${v}`, onclick: () => edit(s), "aria-label": t_("action.edit-x", { x: displayName(s) }) }, t_("action.edit")),
          deleteButton(`schedule-delete-${v}`, displayName(s), T(t, `/schedules/${v}`)))]],
      schedules, { id: "schedules-table", caption: TITLES_().schedules, empty: t_("schedules.none") }),
      h("button", { type: "button", class: "secondary", id: "schedule-new", onclick: () => edit(null) }, t_("schedules.new")), editor);
    // After a save the page is drawn again with the saved schedule still open (not a blank
    // one: what the user does next goes to the schedule they were editing).
    const again = reopenSchedule;
    reopenSchedule = null;
    const found = again && schedules.find((x) => x.name === again.name);
    edit(found || null);
    if (found) {
      editor.querySelector("#schedule-notice").textContent = again.note;
      announce(again.note);
    }
  };
  let reopenSchedule = null; // { name, note } of the schedule just saved

  function weekdayShort(d) { return t_(`weekday.short.${d}`); }

  // A list of "from–to" rows with add/remove: one day's spans (weekly or a special day).
  function spanList(idBase, spans, dataField) {
    const box = h("div", { class: "spans", "data-field": dataField || null });
    let spanSeq = 0;
    const addRow = (sp) => {
      // The first span of a day keeps the plain ids (#schedule-d0-start); later ones count up.
      const rid = spanSeq === 0 ? idBase : `${idBase}-s${spanSeq}`;
      spanSeq += 1;
      const row = h("div", { class: "row span" },
        field(rid, "start", t_("schedules.from"), { type: "time", value: sp.start }),
        field(rid, "end", t_("schedules.to"), { type: "time", value: sp.end === "24:00" ? "23:59" : sp.end }),
        h("button", { type: "button", class: "danger", "aria-label": t_("schedules.remove-span"), onclick: () => { row.remove(); } }, t_("action.remove")));
      box.insertBefore(row, addBtn);
    };
    const addBtn = h("button", { type: "button", class: "secondary add-span", onclick: () => {
      const last = [...box.querySelectorAll(".span")].pop();
      addRow(last ? { start: last.querySelector("[name=end]").value || "13:00", end: "18:00" } : { start: "09:00", end: "18:00" });
    } }, t_("schedules.add-span"));
    box.append(addBtn);
    for (const sp of spans) addRow(sp);
    return box;
  }
  const readSpans = (box) => [...box.querySelectorAll(".span")].map((r) => {
    const end = r.querySelector("[name=end]").value;
    return { start: r.querySelector("[name=start]").value, end: end === "23:59" ? "24:00" : end };
  });

  async function nationalDays(years) {
    const all = await Promise.all(years.map((y) => fetch(`/api/v1/calendar/national?year=${y}`, { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : [])).catch(() => [])));
    return all.flat();
  }

  // `taken`: the ids in use, which a new schedule must not silently replace.
  function scheduleForm(t, s, taken = new Set()) {
    const id = "schedule";
    const zone = (s && s.timezone) || "Asia/Shanghai";
    const byDay = new Map();
    for (const w of (s && s.weekly) || []) byDay.set(w.weekday, [...(byDay.get(w.weekday) || []), w]);
    const days = [0, 1, 2, 3, 4, 5, 6].map((d) => {
      const spans = byDay.get(d) || [];
      const openF = field(`${id}-d${d}`, "open", t_("schedules.open-day"), { type: "checkbox", value: spans.length > 0 });
      const list = spanList(`${id}-d${d}`, spans.length ? spans : [{ start: "09:00", end: "18:00" }]);
      const sync = () => { list.hidden = !openF.querySelector("input").checked; };
      openF.querySelector("input").addEventListener("change", sync);
      sync();
      return h("fieldset", { class: "day", "data-weekday": d }, h("legend", {}, t_(`weekday.${d}`)), openF, list);
    });
    const special = h("div", { id: `${id}-special`, class: "special-days" });
    const addSpecial = (day, spans) => {
      const sid = `${id}-sp${special.children.length}`;
      const row = h("fieldset", { class: "special" }, h("legend", {}, t_("schedules.special-day")),
        h("div", { class: "row" }, field(sid, "date", t_("schedules.date"), { type: "date", value: day }),
          h("button", { type: "button", class: "danger", onclick: () => row.remove() }, t_("schedules.remove-day"))),
        spanList(sid, spans));
      special.append(row);
    };
    for (const [day, spans] of Object.entries((s && s.special_open) || {})) addSpecial(day, spans);
    const closed = (s && s.closed_destination) || { kind: "hangup", target: "" };
    const national = h("div", { id: `${id}-national-days`, class: "national-days", "aria-live": "polite" });
    const nationalF = field(id, "follow_national_calendar", t_("schedules.follow-national"), { type: "checkbox", value: !!(s && s.follow_national_calendar) });
    const showNational = async () => {
      if (!nationalF.querySelector("input").checked) { national.replaceChildren(); return; }
      const today = new Date();
      const days = await nationalDays([today.getFullYear(), today.getFullYear() + 1]);
      const soon = days.filter((x) => new Date(`${x.date}T23:59:59`) >= new Date(today.getFullYear(), 0, 1));
      national.replaceChildren(soon.length
        ? h("ul", { class: "national-list" }, soon.map((x) => h("li", { "data-kind": x.kind, "data-date": x.date },
          h("span", { class: `badge ${x.kind === "makeup" ? "ok" : "bad"}` }, x.kind === "makeup" ? t_("schedules.makeup") : t_("schedules.holiday")), " ",
          I.date(x.date), x.holiday ? ` · ${I.tOr(`holiday.${x.holiday}`, x.holiday)}` : "",
          x.kind === "makeup" ? ` · ${t_("schedules.makeup-note")}` : "")))
        : h("p", { class: "muted" }, t_("schedules.national-none")));
    };
    nationalF.querySelector("input").addEventListener("change", showNational);
    showNational();
    const form = formCard(id, s ? t_("schedules.edit-x", { x: displayName(s) }) : t_("schedules.new"), [
      h("div", { class: "row" },
        field(id, "display_name", t_("col.display-name"), { value: (s && s.display_name) || "", help: t_("help.display-name") }),
        field(id, "name", t_("col.id"), { value: s ? s.name : "", help: t_("help.id-optional") }),
        field(id, "timezone", t_("col.timezone"), { value: zone })),
      h("fieldset", { "data-field": "weekly" }, h("legend", {}, t_("schedules.weekly")), days),
      h("fieldset", { "data-field": "special_open" }, h("legend", {}, t_("schedules.special")),
        h("p", { class: "muted" }, t_("schedules.special-help")), special,
        h("button", { type: "button", class: "secondary", id: `${id}-add-special`, onclick: () => addSpecial("", [{ start: "09:00", end: "18:00" }]) }, t_("schedules.add-special"))),
      field(id, "holidays", t_("schedules.holidays-help"), { type: "textarea", value: ((s && s.holidays) || []).join("\n"), help: t_("schedules.holidays-example") }),
      h("fieldset", {}, h("legend", {}, t_("schedules.national")), nationalF, national),
      h("fieldset", { "data-field": "closed_destination", "aria-describedby": `${id}-closed-error` }, h("legend", {}, t_("schedules.closed-to")),
        h("div", { class: "row" },
          field(id, "closed_kind", t_("col.destination"), { options: destOptions(DEST_KINDS), value: closed.kind, dataField: "closed_destination.kind" }),
          field(id, "closed_target", t_("col.target"), { value: closed.target, dataField: "closed_destination.target" })),
        h("p", { class: "field-error", id: `${id}-closed-error` })),
    ], t_("schedules.save"), async (f) => {
      const weekly = [];
      for (const fs of f.querySelectorAll("fieldset.day")) {
        if (!fs.querySelector("[name=open]").checked) continue;
        for (const sp of readSpans(fs.querySelector(".spans"))) weekly.push({ weekday: Number(fs.dataset.weekday), ...sp });
      }
      const special_open = {};
      for (const fs of f.querySelectorAll("fieldset.special")) {
        const day = fs.querySelector("[name=date]").value;
        if (day) special_open[day] = readSpans(fs.querySelector(".spans"));
      }
      const holidays = val(f, "holidays").split(/[\s,，、]+/).filter(Boolean);
      const display = val(f, "display_name");
      const name = val(f, "name") || (s ? s.name : makeId(display, "hours"));
      if (!/^[a-z][a-z0-9_]{0,31}$/.test(name)) throw new ApiError(400, { error: "invalid-input", reason: "bad-id", details: { field: "name" } });
      if (!s && taken.has(name)) throw new ApiError(409, { error: "conflict", reason: "already-exists", details: { field: "name" } });
      // Start from what was loaded: keys this form does not show are kept, not dropped.
      const body = { ...(s || {}), timezone: val(f, "timezone"), weekly, holidays, special_open,
        follow_national_calendar: val(f, "follow_national_calendar"),
        closed_destination: { kind: val(f, "closed_kind"), target: val(f, "closed_target") } };
      delete body.name; delete body.updated_at;
      if (display) body.display_name = display; else delete body.display_name;
      await api("PUT", T(t, `/schedules/${name}`), body);
      reopenSchedule = { name, note: t_("schedules.saved", { x: display || name }) };
      await refresh();
      return null;
    });
    return form;
  }

  // ---- IVR editor: a tree of menus, each with keys -> destinations and three fallbacks.
  TENANT.ivrs = async (t) => {
    const [ivrs, queues, seats, mailboxes, prompts] = await Promise.all([
      api("GET", T(t, "/ivrs")), api("GET", T(t, "/queues")), api("GET", T(t, "/seats")),
      api("GET", T(t, "/mailboxes")), api("GET", T(t, "/prompts")),
    ]);
    const editor = h("div", { id: "ivr-editor" });
    const lists = h("div", {},
      datalist("dl-queue", queues.map((q) => q.name)), datalist("dl-agent", seats.map((s) => s.extension)),
      h("datalist", { id: "dl-voicemail" }, mailboxes.map((m) => h("option", { value: m.mailbox, label: m.name || m.mailbox }))), h("datalist", { id: "dl-prompt" }, prompts.map((p) => h("option", { value: p.ref, label: p.display_name || p.ref }))),
      datalist("dl-submenu", []));
    const tree = h("div", { id: "ivr-tree", class: "ivr-tree", role: "img", "aria-label": t_("ivrtree.title") });
    const open = (ivr) => {
      editor.replaceChildren(ivrEditor(t, ivr, new Set(ivrs.map((x) => x.name))));
      tree.hidden = !ivr;
      // Drawn once the page is in the document (the chart measures its box).
      if (ivr && window.ccIvrTree) requestAnimationFrame(() => window.ccIvrTree.draw(tree, ivr));
    };
    page(TITLES_().ivrs, lists,
      table([["name", t_("c.name"), (v, ivr) => withId(ivr, v)], ["entry", t_("c.first-menu")], ["menus", t_("c.menus"), (m) => Object.keys(m || {}).join(t_("list.sep"))],
        ["name", t_("col.actions"), (v, ivr) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `ivr-edit-${v}`, onclick: () => open(ivr), "aria-label": t_("ivr.edit-x", { x: displayName(ivr) }) }, t_("c.edit")),
          deleteButton(`ivr-delete-${v}`, displayName(ivr), T(t, `/ivrs/${v}`)))]],
      ivrs, { id: "ivrs-table", caption: t_("c.ivrs"), empty: t_("c.no-ivrs-yet") }),
      h("button", { type: "button", class: "secondary", id: "ivr-new", onclick: () => open(null) }, t_("c.new-ivr")),
      tree, editor, promptUpload(t, prompts));
    open(ivrs[0] || null);
  };

  function ivrState(ivr) {
    if (!ivr) {
      return { name: "", entry: "main", greeting: "", menus: [{ name: "main", prompt: "", timeout_s: 5, max_tries: 3,
        options: [{ key: "1", kind: "queue", target: "" }], on_timeout: { kind: "repeat", target: "" },
        on_invalid: { kind: "repeat", target: "" }, on_max_tries: { kind: "hangup", target: "" } }] };
    }
    return { name: ivr.name, display_name: ivr.display_name || "", entry: ivr.entry, greeting: ivr.greeting || "", language: ivr.language || "",
      menus: Object.entries(ivr.menus).map(([name, m]) => ({ name, prompt: m.prompt, timeout_s: m.timeout_s ?? 5, max_tries: m.max_tries ?? 3,
        options: Object.entries(m.options || {}).map(([key, a]) => ({ key, kind: a.kind, target: a.target || "" })),
        on_timeout: m.on_timeout || { kind: "repeat", target: "" }, on_invalid: m.on_invalid || { kind: "repeat", target: "" },
        on_max_tries: m.on_max_tries || { kind: "hangup", target: "" } })) };
  }

  // `taken`: the ids in use, which a new IVR must not silently replace.
  function ivrEditor(t, ivr, taken = new Set()) {
    const st = ivrState(ivr);
    if (!ivr && !taken.has("main")) st.name = "main"; // the first IVR; later ones get an id made up
    const id = "ivr";
    const body = h("div", {});
    const bind = (el, obj, key, rerender) => {
      el.addEventListener("input", () => { obj[key] = el.type === "number" ? Number(el.value) : el.value; });
      if (rerender) el.addEventListener("change", draw);
      return el;
    };
    const actionFields = (prefix, fid, action, label) => {
      const kind = field(fid, `${prefix}.kind`, t_("ivr.action-of", { x: label }), { options: destOptions(IVR_KINDS), value: action.kind });
      const target = field(fid, `${prefix}.target`, t_("ivr.target-of", { x: label }), { value: action.target, list: `dl-${action.kind}` });
      bind(kind.querySelector("select"), action, "kind", true);
      bind(target.querySelector("input"), action, "target");
      if (action.kind === "repeat" || action.kind === "hangup" || action.kind === "dnc") {
        target.querySelector("input").disabled = true;
        action.target = "";
      }
      const box = h("div", { class: "row", "data-field": prefix, "aria-describedby": `${fid}-${slug(prefix)}-error` }, kind, target,
        h("p", { class: "field-error", id: `${fid}-${slug(prefix)}-error` }));
      return box;
    };
    function draw() {
      document.getElementById("dl-submenu").replaceChildren(...st.menus.map((m) => h("option", { value: m.name })));
      const head = h("div", { class: "row" },
        field(id, "display_name", t_("col.display-name"), { value: st.display_name || "", help: t_("help.display-name") }),
        field(id, "name", t_("c.ivr-name"), { value: st.name, help: ivr ? null : t_("help.id-optional") }), field(id, "entry", t_("c.first-menu"), { options: st.menus.map((m) => m.name), value: st.entry }),
        field(id, "greeting", t_("c.greeting-played-once"), { value: st.greeting, list: "dl-prompt" }),
        field(id, "language", t_("lang.callers-hear"), { options: [["", t_("lang.number-default")], ["zh", t_("lang.zh")], ["en", t_("lang.en")]], value: st.language || "" }));
      bind(head.querySelector("[name=name]"), st, "name");
      bind(head.querySelector("[name=language]"), st, "language");
      bind(head.querySelector("[name=display_name]"), st, "display_name");
      bind(head.querySelector("[name=entry]"), st, "entry");
      bind(head.querySelector("[name=greeting]"), st, "greeting");
      const menus = st.menus.map((m, mi) => {
        const base = `menus.${m.name}`;
        const fid = `ivr-m${mi}`;
        const nameF = field(fid, `${base}.name`, t_("c.menu-name"), { value: m.name });
        nameF.querySelector("input").setAttribute("data-field", base);
        bind(nameF.querySelector("input"), m, "name", true);
        const promptF = field(fid, `${base}.prompt`, t_("c.prompt"), { value: m.prompt, list: "dl-prompt", help: t_("c.an-uploaded-prompt-tenant-or-a-system-sound") });
        bind(promptF.querySelector("input"), m, "prompt");
        const timeoutF = field(fid, `${base}.timeout_s`, t_("c.seconds-to-wait-for-a-key"), { type: "number", value: m.timeout_s });
        bind(timeoutF.querySelector("input"), m, "timeout_s");
        const triesF = field(fid, `${base}.max_tries`, t_("c.tries"), { type: "number", value: m.max_tries });
        bind(triesF.querySelector("input"), m, "max_tries");
        const keys = m.options.map((o, oi) => {
          const p = `${base}.options.${o.key}`;
          const keyF = field(`${fid}-k${oi}`, "key", t_("c.key"), { options: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"], value: o.key });
          bind(keyF.querySelector("select"), o, "key", true);
          return h("div", { class: "row key" }, keyF, actionFields(p, `${fid}-k${oi}`, o, t_("ivr.key-x", { x: o.key })),
            h("button", { type: "button", class: "danger", "aria-label": t_("ivr.remove-key-x", { x: o.key, menu: m.name }),
              onclick: () => { m.options.splice(oi, 1); draw(); } }, t_("c.remove-key")));
        });
        return h("fieldset", { class: "card menu", "data-menu": m.name }, h("legend", {}, t_("ivr.menu-x", { menu: m.name }) + (m.name === st.entry ? t_("c.first") : "")),
          h("div", { class: "row" }, nameF, promptF, timeoutF, triesF),
          h("fieldset", {}, h("legend", {}, t_("c.keys")), keys,
            h("button", { type: "button", class: "secondary", "aria-label": t_("ivr.add-key-x", { menu: m.name }), onclick: () => {
              const used = new Set(m.options.map((o) => o.key));
              const key = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"].find((k) => !used.has(k)) || "1";
              m.options.push({ key, kind: "queue", target: "" }); draw();
            } }, t_("c.add-key"))),
          h("fieldset", {}, h("legend", {}, t_("c.when-the-caller-presses-nothing-or-a-wrong-key")),
            actionFields(`${base}.on_timeout`, fid, m.on_timeout, t_("c.no-key")),
            actionFields(`${base}.on_invalid`, fid, m.on_invalid, t_("c.wrong-key")),
            actionFields(`${base}.on_max_tries`, fid, m.on_max_tries, t_("c.after-the-last-try"))),
          st.menus.length > 1 ? h("button", { type: "button", class: "danger", onclick: () => { st.menus.splice(mi, 1); draw(); } }, t_("ivr.remove-menu-x", { menu: m.name })) : null);
      });
      body.replaceChildren(head, ...menus,
        h("button", { type: "button", class: "secondary", id: "ivr-add-menu", onclick: () => {
          let n = st.menus.length + 1; while (st.menus.some((m) => m.name === `menu${n}`)) n++;
          st.menus.push({ name: `menu${n}`, prompt: "", timeout_s: 5, max_tries: 3, options: [], on_timeout: { kind: "repeat", target: "" },
            on_invalid: { kind: "repeat", target: "" }, on_max_tries: { kind: "hangup", target: "" } });
          draw();
        } }, t_("c.add-menu")));
    }
    draw();
    return formCard("ivr", ivr ? t_("ivr.edit-x", { x: withId(ivr, ivr.name) }) : t_("c.new-ivr"), [body], t_("c.save-ivr"), async () => {
      const menus = {};
      for (const m of st.menus) {
        const options = {};
        for (const o of m.options) options[o.key] = { kind: o.kind, target: o.target };
        menus[m.name] = { prompt: m.prompt, timeout_s: Number(m.timeout_s), max_tries: Number(m.max_tries), options,
          on_timeout: m.on_timeout, on_invalid: m.on_invalid, on_max_tries: m.on_max_tries };
      }
      // A new IVR named only in another script gets an id made up for it.
      if (!ivr && !st.name) st.name = makeId(st.display_name, "ivr");
      if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(st.name)) throw new ApiError(400, { error: "invalid-input", reason: "bad-id", details: { field: "name" } });
      if (!ivr && taken.has(st.name)) throw new ApiError(409, { error: "conflict", reason: "already-exists", details: { field: "name" } });
      const ivrBody = { entry: st.entry, greeting: st.greeting, menus };
      if (st.display_name) ivrBody.display_name = st.display_name;
      if (st.language) ivrBody.language = st.language;
      await api("PUT", T(t, `/ivrs/${st.name}`), ivrBody);
      return t_("ivr.saved", { x: st.display_name || st.name });
    });
  }

  // Prompts: uploaded recordings or text spoken by the host's text-to-speech, each with a
  // display name in any script next to the id IVRs refer to (`tenant/<id>`).
  function promptUpload(t, prompts) {
    const id = "prompt";
    const rename = (p) => {
      const fid = `prompt-name-${p.name}`;
      return formInline(fid, [field(fid, "display_name", t_("prompts.display-name-of", { x: p.ref }), { value: p.display_name || "" })],
        t_("c.save"), async (f) => {
          const display = val(f, "display_name");
          await api("PUT", T(t, `/prompts/${p.name}/display_name`), { display_name: display || null });
          return t_("prompts.renamed", { x: display || p.ref });
        });
    };
    // The list (each row its own small form) sits beside the upload form, never inside it.
    const list = table([["display_name", t_("col.display-name"), (v, p) => rename(p)], ["ref", t_("c.use-as"), (v) => h("code", { translate: "no" }, v)],
      ["seconds", t_("c.length-s"), (v) => I.duration(v)],
      ["name", t_("col.actions"), (v, p) => deleteButton(`prompt-delete-${v}`, withId(p, p.ref), T(t, `/prompts/${v}`))]], prompts, { id: "prompts-table", key: (r) => r.name, empty: t_("c.no-uploaded-prompts") });
    const section = h("section", { class: "card", id: "prompts", "aria-labelledby": "prompts-title" },
      h("h2", { id: "prompts-title" }, t_("c.prompts")), list);
    section.append(formCard(id, t_("prompts.add"), [
      h("div", { class: "row" },
        field(id, "display_name", t_("col.display-name"), { help: t_("help.display-name") }),
        field(id, "name", t_("c.prompt-name"), { help: t_("help.id-optional") }),
        field(id, "file", t_("c.wav-file-8-or-16-khz-mono"), { type: "file" })),
      h("div", { class: "row" },
        field(id, "text", t_("prompts.or-text"), { type: "textarea", help: t_("prompts.text-help") }),
        field(id, "language", t_("prompts.spoken-in"), { options: [["zh", t_("lang.zh")], ["en", t_("lang.en")]] })),
    ], t_("c.upload"), async (f) => {
      const file = f.querySelector("[name=file]").files[0];
      const text = val(f, "text");
      if (!file && !text) throw new ApiError(400, { error: "invalid-input", reason: "no-file", details: { field: "file" } });
      const display = val(f, "display_name");
      const name = val(f, "name") || makeId(display, "prompt");
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) throw new ApiError(400, { error: "invalid-input", reason: "bad-id", details: { field: "name" } });
      const saved = file
        ? await api("PUT", T(t, `/prompts/${name}${display ? `?display_name=${encodeURIComponent(display)}` : ""}`), file, { contentType: "audio/wav" })
        : await api("POST", T(t, `/prompts/${name}/speech`), { text, language: val(f, "language"), display_name: display || null });
      // Only this card is drawn again (an IVR being edited above keeps its unsaved changes).
      const all = await api("GET", T(t, "/prompts"));
      const list = document.getElementById("dl-prompt");
      if (list) list.replaceChildren(...all.map((p) => h("option", { value: p.ref, label: p.display_name || p.ref })));
      const fresh = promptUpload(t, all);
      section.replaceWith(fresh);
      const note = t_("prompts.uploaded", { x: withId(saved, saved.ref), len: I.duration(saved.seconds) });
      fresh.querySelector(`#${id}-notice`).textContent = note;
      announce(note);
      return null;
    }));
    return section;
  }

  TENANT.queues = async (t) => {
    const [queues, seats] = await Promise.all([api("GET", T(t, "/queues")), api("GET", T(t, "/seats"))]);
    const memberForms = queues.map((q) => {
      const id = `members-${q.name}`;
      const current = new Map((q.members || []).map((m) => [m.extension, m.penalty ?? 0]));
      return formCard(id, t_("queues.members-of", { x: withId(q, q.name), ext: q.extension, strategy: strategyName(q.strategy) }), [
        seats.length ? h("div", { class: "row" }, seats.map((s) => h("div", { class: "row member", "data-extension": s.extension },
          field(`${id}-${s.extension}`, "member", `${s.extension} ${s.name || ""}`.trim(), { type: "checkbox", value: current.has(s.extension) }),
          field(`${id}-${s.extension}`, "penalty", t_("queues.penalty-of", { x: s.extension }), { type: "number", value: current.get(s.extension) ?? 0 }))))
          : h("p", { class: "muted" }, t_("c.add-seats-first")),
        h("p", { "data-field": "members", "aria-describedby": `${id}-members-error` }, h("span", { class: "field-error", id: `${id}-members-error` })),
      ], t_("c.save-members"), async (f) => {
        const members = [];
        for (const row of f.querySelectorAll(".member")) {
          if (row.querySelector("[name=member]").checked) {
            members.push({ extension: row.dataset.extension, penalty: Number(row.querySelector("[name=penalty]").value || 0) });
          }
        }
        await api("PUT", T(t, `/queues/${q.name}/members`), { members });
        return t_("queues.saved-members", { n: members.length });
      });
    });
    const optionForms = queues.map((q) => queueOptionsForm(t, q, queues));
    const id = "queue-add";
    const add = formCard(id, t_("c.add-a-queue"), [h("div", { class: "row" },
      field(id, "display_name", t_("col.display-name"), { help: t_("help.display-name") }),
      field(id, "name", t_("col.id"), { help: t_("help.id-optional") }),
      field(id, "extension", t_("c.extension"), { inputmode: "numeric" }),
      field(id, "strategy", t_("c.ring-strategy"), { options: STRATEGIES.map((x) => [x, strategyName(x)]) }),
      field(id, "ring_timeout", t_("c.ring-each-agent-s"), { type: "number", value: 15 }),
      field(id, "wrapup_time", t_("c.wrap-up-s"), { type: "number", value: 0 }),
      field(id, "max_wait", t_("c.max-wait-s-0-none"), { type: "number", value: 0 }),
      field(id, "callback_key", t_("c.callback-key"), { options: [["", t_("common.none")], "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"] }))],
    t_("c.add-queue"), async (f) => {
      const display = val(f, "display_name");
      const body = { name: val(f, "name") || makeId(display, "queue"), extension: val(f, "extension"), strategy: val(f, "strategy"),
        display_name: display || null,
        ring_timeout: num(f, "ring_timeout"), wrapup_time: num(f, "wrapup_time"), max_wait: num(f, "max_wait"),
        callback_key: val(f, "callback_key") || null };
      await api("POST", T(t, "/queues"), body);
      await refresh();
      return null;
    });
    page(TITLES_().queues, add, h("h2", {}, t_("title.queues")),
      queues.length ? queues.map((q, i) => h("section", { "aria-label": t_("queues.queue-x", { x: withId(q, q.name) }) }, memberForms[i], optionForms[i],
        h("p", {}, deleteButton(`queue-delete-${q.name}`, withId(q, q.name), T(t, `/queues/${q.name}`)))))
        : h("p", { class: "muted" }, t_("c.no-queues-yet")));
  };

  function queueOptionsForm(t, q, queues) {
    const id = `options-${q.name}`;
    const n = (name, label, opts = {}) => field(id, name, label, { type: "number", value: q[name], ...opts });
    const overflow = (which, label) => {
      const o = (q.overflow || {})[which];
      return h("div", { class: "row", "data-field": `overflow.${which}`, "aria-describedby": `${id}-overflow-${which}-error` },
        field(id, `overflow.${which}.kind`, t_("queues.go-to", { x: label }), { options: [["", t_("c.stay-hang-up-as-usual")], ...destOptions(DEST_KINDS)], value: o ? o.kind : "" }),
        field(id, `overflow.${which}.target`, t_("ivr.target-of", { x: label }), { value: o ? o.target : "", list: "queue-targets" }),
        h("p", { class: "field-error", id: `${id}-overflow-${which}-error` }));
    };
    const form = formCard(id, t_("queues.options-of", { x: withId(q, q.name) }), [
      h("div", { class: "row" },
        field(id, "display_name", t_("col.display-name"), { value: q.display_name || "", help: t_("help.display-name") }),
        field(id, "strategy", t_("c.ring-strategy"), { options: STRATEGIES.map((x) => [x, strategyName(x)]), value: q.strategy }),
        n("ring_timeout", t_("c.ring-each-agent-s")), n("retry", t_("c.pause-between-rings-s")), n("wrapup_time", t_("c.wrap-up-s")),
        n("max_len", t_("c.max-callers-waiting-0-no-limit")), n("max_wait", t_("c.max-wait-s-0-none")),
        n("service_level", t_("c.service-level-target-s")),
        field(id, "music_class", t_("c.music-on-hold"), { value: q.music_class }),
        field(id, "callback_key", t_("c.callback-key"), { options: [["", t_("common.none")], "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"], value: q.callback_key || "" })),
      h("div", { class: "row" },
        field(id, "announce_position", t_("c.announce-position"), { type: "checkbox", value: q.announce_position }),
        field(id, "announce_holdtime", t_("c.announce-hold-time"), { type: "checkbox", value: q.announce_holdtime }),
        field(id, "survey", t_("queues.survey"), { type: "checkbox", value: q.survey }),
        n("announce_frequency", t_("c.announce-every-s-0-never"))),
      h("fieldset", {}, h("legend", {}, t_("c.overflow")),
        overflow("timeout", t_("c.after-max-wait")), overflow("empty", t_("c.nobody-logged-in")), overflow("full", t_("c.queue-full"))),
    ], t_("c.save-options"), async (f) => {
      const body = { strategy: val(f, "strategy"), music_class: val(f, "music_class"), callback_key: val(f, "callback_key") || null,
        display_name: val(f, "display_name") || null,
        announce_position: val(f, "announce_position"), announce_holdtime: val(f, "announce_holdtime"), survey: val(f, "survey"), overflow: {} };
      for (const k of ["ring_timeout", "retry", "wrapup_time", "max_len", "max_wait", "service_level", "announce_frequency"]) body[k] = num(f, k);
      for (const which of ["timeout", "empty", "full"]) {
        const kind = val(f, `overflow.${which}.kind`);
        body.overflow[which] = kind ? { kind, target: val(f, `overflow.${which}.target`) } : null;
      }
      await api("PUT", T(t, `/queues/${q.name}`), body);
      return t_("queues.saved-options", { x: q.display_name || q.name });
    });
    form.prepend(datalist("queue-targets", queues.map((x) => x.name)));
    return form;
  }

  TENANT.recordings = async (t) => {
    const [tenant, recordings, seats] = await Promise.all([
      api("GET", T(t)), api("GET", T(t, "/recordings")), api("GET", T(t, "/seats")),
    ]);
    const player = h("audio", { id: "recording-player", controls: true, preload: "auto" });
    const play = async (r) => {
      // The audio needs the bearer token, so it is fetched and played from a blob URL.
      const resp = await api("GET", T(t, `/recordings/${r.id}/audio`), undefined, { raw: true });
      if (player.src) URL.revokeObjectURL(player.src);
      player.src = URL.createObjectURL(await resp.blob());
      player.dataset.recording = String(r.id);
      await player.play().catch(() => {});
      announce(t_("rec.playing", { x: r.id }));
    };
    const policyId = "recording-policy";
    const superviseId = "supervise";
    const supervisors = seats.filter((s) => s.supervisor).map((s) => s.extension);
    page(TITLES_().recordings,
      formCard(policyId, t_("c.recording-policy"), [h("div", { class: "row" },
        field(policyId, "policy", t_("c.record"), { options: [["none", t_("c.no-calls")], ["all", t_("c.all-calls")], ["on_demand", t_("c.on-demand")]],
          value: (tenant.recording || {}).policy || "none" }),
        field(policyId, "retention_days", t_("c.keep-for-days"), { inputmode: "numeric",
          value: String((tenant.recording || {}).retention_days || 90) }))],
      t_("c.save-policy"), async (f) => {
        await api("PUT", T(t, "/recording"), { policy: val(f, "policy"), retention_days: num(f, "retention_days") });
        return t_("c.saved-the-recording-policy");
      }),
      h("section", { class: "card", "aria-labelledby": "recordings-title" },
        h("h2", { id: "recordings-title" }, t_("c.recorded-calls")),
        table([["created_at", t_("c.when"), (v) => I.dateTime(v)], ["seconds", t_("c.seconds"), (v) => I.duration(v)], ["linkedid", t_("c.call")],
          ["id", t_("c.play"), (id, r) => h("button", { type: "button", class: "play", "data-recording": String(id),
            onclick: () => play(r) }, t_("rec.play-x", { x: id }))]],
          recordings, { id: "recordings-table", empty: t_("c.no-recordings-yet") }),
        player),
      formCard(superviseId, t_("c.listen-to-a-call"), [h("div", { class: "row" },
        field(superviseId, "supervisor", t_("c.from-supervisor-seat"), { options: supervisors.length ? supervisors : [""] }),
        field(superviseId, "agent", t_("c.agent-seat"), { options: seats.map((s) => s.extension) }),
        field(superviseId, "mode", t_("c.how"), { options: [["listen", t_("c.listen")], ["whisper", t_("c.whisper-to-the-agent")], ["barge", t_("c.barge-in")]] }))],
      t_("c.connect"), async (f) => {
        await api("POST", T(t, "/supervision"), { supervisor: val(f, "supervisor"), agent: val(f, "agent"), mode: val(f, "mode") });
        return t_("c.your-phone-is-connected-to-the-call");
      }));
  };

  TENANT.mailboxes = async (t) => {
    const [boxes, messages] = await Promise.all([api("GET", T(t, "/mailboxes")), api("GET", T(t, "/voicemail"))]);
    const id = "mailbox-add";
    // A mailbox by its name in any script next to its number.
    const names = new Map(boxes.map((b) => [b.mailbox, b.name]));
    const boxName = (v) => (names.get(v) ? `${names.get(v)} (${v})` : v);
    // The voicemail inbox: the audio needs the bearer token, so it plays from a blob URL;
    // playing a new message marks it heard.
    const player = h("audio", { id: "voicemail-player", controls: true, preload: "auto" });
    const playMessage = async (m, row) => {
      const resp = await api("GET", T(t, `/voicemail/${m.id}/audio`), undefined, { raw: true });
      if (player.src) URL.revokeObjectURL(player.src);
      player.src = URL.createObjectURL(await resp.blob());
      player.dataset.message = String(m.id);
      await player.play().catch(() => {});
      if (!m.heard) {
        await api("PUT", T(t, `/voicemail/${m.id}/heard`), { heard: true });
        m.heard = true;
        const cell = row.querySelector(".vm-state");
        if (cell) cell.textContent = t_("vm.heard");
      }
    };
    const inbox = h("section", { class: "card", id: "voicemail-inbox", "aria-labelledby": "voicemail-title" },
      h("h2", { id: "voicemail-title" }, t_("vm.title")), player,
      messages.length ? h("div", { class: "table-wrap" }, h("table", { class: "stack", id: "voicemail-table" },
        h("caption", { class: "visually-hidden" }, t_("vm.title")),
        h("thead", {}, h("tr", {}, ...["vm.received", "c.mailbox", "vm.caller", "vm.length", "vm.state", "col.actions"].map((k) => h("th", { scope: "col" }, t_(k))))),
        h("tbody", {}, ...messages.map((m) => {
          const row = h("tr", { "data-message": String(m.id), class: m.heard ? "" : "vm-new" },
            h("td", {}, I.dateTime(m.received_at)), h("td", { translate: "no" }, boxName(m.mailbox)), h("td", {}, m.caller || t_("vm.withheld")),
            h("td", {}, I.duration(m.seconds)), h("td", { class: "vm-state" }, t_(m.heard ? "vm.heard" : "vm.new") + (m.emailed ? t_("vm.emailed") : "")));
          row.append(h("td", {}, h("button", { type: "button", class: "secondary", id: `vm-play-${m.id}`,
            "aria-label": t_("vm.play-x", { x: m.caller || t_("vm.withheld") }), onclick: () => playMessage(m, row) }, t_("vm.play"))));
          return row;
        })))) : h("p", { class: "muted" }, t_("vm.empty")));
    page(TITLES_().mailboxes, inbox,
      table([["mailbox", t_("c.mailbox")], ["name", t_("c.name")], ["email", t_("c.e-mail")],
        ["mailbox", t_("col.actions"), (v, b) => {
          const fid = `mailbox-${v}`;
          return h("div", {}, formInline(fid, [field(fid, "name", t_("mailboxes.name-of", { x: v }), { value: b.name || "" }),
            field(fid, "email", t_("mailboxes.email-of", { x: v }), { type: "email", value: b.email || "" })], t_("c.save"), async (f) => {
            await api("PUT", T(t, `/mailboxes/${v}`), { name: val(f, "name"), email: val(f, "email") });
            return t_("mailboxes.saved", { x: v });
          }), deleteButton(`mailbox-delete-${v}`, b.name ? `${b.name} (${v})` : v, T(t, `/mailboxes/${v}`)));
        }]], boxes, { id: "mailboxes-table", key: (r) => r.mailbox, empty: t_("c.no-mailboxes-yet") }),
      formCard(id, t_("c.add-a-mailbox"), [h("div", { class: "row" },
        field(id, "mailbox", t_("c.mailbox-number"), { inputmode: "numeric" }), field(id, "name", t_("c.name")), field(id, "email", t_("c.e-mail"), { type: "email" }))],
      t_("c.add-mailbox"), async (f) => {
        await api("POST", T(t, "/mailboxes"), { mailbox: val(f, "mailbox"), name: val(f, "name"), email: val(f, "email") });
        await refresh();
        return null;
      }));
  };

  TENANT.wallboard = async (t) => {
    const box = h("div", { id: "wallboard", class: "tiles" });
    const stamp = h("p", { class: "muted", id: "wallboard-time" });
    const pct = (v) => I.percent(v, 0);
    const secs = (v) => I.duration(v || 0);
    const draw = (data) => {
      box.replaceChildren(...(data.queues.length ? data.queues.map((q) => h("section", { class: "card tile", "data-queue": q.queue, "aria-labelledby": `wb-${q.queue}` },
        h("h2", { id: `wb-${q.queue}` }, q.queue),
        h("dl", { class: "kv" },
          h("dt", {}, t_("c.waiting")), h("dd", { class: "big", "data-figure": "waiting" }, String(q.waiting)),
          h("dt", {}, t_("c.longest-wait")), h("dd", { "data-figure": "longest_wait" }, secs(q.longest_wait_s)),
          h("dt", {}, t_("c.answered-today")), h("dd", { "data-figure": "answered_today" }, String(q.answered_today)),
          h("dt", {}, t_("c.abandoned-today")), h("dd", { "data-figure": "abandoned_today" }, String(q.abandoned_today)),
          h("dt", {}, t_("c.service-level-today")), h("dd", { "data-figure": "service_level_today" }, pct(q.service_level_today)))))
        : [h("p", { class: "muted" }, t_("c.no-queues-yet"))]));
      stamp.textContent = t_("wb.updated", { time: I.time(new Date()) });
    };
    const load = async () => {
      try {
        draw(await api("GET", T(t, "/wallboard")));
      } catch (err) {
        if (err instanceof StalePage) return;
        if (!(err instanceof ApiError)) throw err;
        stamp.textContent = t_("wb.not-updated", { reason: I.errorText(err.body, err.status) });
      }
    };
    // The full-screen wallboard (issue 6's page, pushed over the live websocket) uses this
    // tab's session: a tenant admin's token names the tenant, an operator's does not.
    const full = session.role === "tenant_admin" ? h("button", { type: "button", class: "secondary", id: "wallboard-full",
      onclick: () => location.assign("/wallboard") }, t_("c.open-the-full-screen-wallboard")) : null;
    // The supervisor board and quality inspection (issue 19): their own pages, same session.
    const board = session.role === "tenant_admin" ? h("button", { type: "button", class: "secondary", id: "board-open",
      onclick: () => location.assign("/board") }, t_("sb.open")) : null;
    const quality = session.role === "tenant_admin" ? h("button", { type: "button", class: "secondary", id: "quality-open",
      onclick: () => location.assign("/quality") }, t_("qa.open-page")) : null;
    page(TITLES_().wallboard, h("p", { class: "muted" }, t_("c.live-queue-figures-refreshed-every-3-seconds")), full, board, quality, stamp, box);
    await load();
    pageTimer = setInterval(load, 3000);
  };

  const localDate = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  function zoneOffsetIso(day, zone) {
    // The instant at which ``day`` starts in ``zone`` (ISO with offset), without a time zone library.
    const guess = new Date(`${day}T00:00:00Z`);
    const parts = new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" }).formatToParts(guess);
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const asZone = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
    return new Date(guess.getTime() - (asZone - guess.getTime())).toISOString();
  }

  // A report figure as people read it: local times, durations, percentages, names.
  const PERCENT_COLS = new Set(["service_level", "abandon_rate", "utilisation", "occupancy", "failure_rate", "containment_rate"]);
  function reportCell(col, seatName, queueName) {
    if (col === "interval_start" || col === "start" || col === "end") return (v) => I.dateTime(v);
    if (col === "state") return (v) => I.tOr(`charts.state.${v}`, v);
    if (col === "reason") return (v) => (v ? I.tOr(`reason.${v}`, v) : "—");
    if (col === "seconds") return (v) => I.duration(v);
    if (col === "ivr_keys") return (v) => String(v).split("-").join(" › ");
    if (col.endsWith("_ms")) return (v) => (v === null || v === undefined ? "—" : t_("reports.ms", { n: I.number(v) }));
    if (col === "containment_rate") return (v) => (v === null || v === undefined ? "—" : I.percent(v));
    if (col === "agent") return (v) => (seatName.get(v) ? `${seatName.get(v)} (${v})` : v);
    if (col === "queue") return (v) => withId(queueName.get(v), v);
    if (PERCENT_COLS.has(col)) return (v) => I.percent(v);
    if (col === "paused_s") return (v) => Object.entries(v || {}).map(([r, secs]) => t_("reports.paused-for", { reason: I.tOr(`reason.${r}`, r), time: I.duration(secs) })).join(t_("list.sep")) || "—";
    if (col.endsWith("_s") && col !== "sl_threshold_s") return (v) => (v === null || v === undefined ? "—" : I.duration(v));
    if (col === "sl_threshold_s") return (v) => I.duration(v);
    return (v) => (typeof v === "number" ? I.number(v) : cell(v));
  }

  TENANT.reports = async (t) => {
    const id = "report";
    const out = h("div", { id: "report-out" });
    const form = formCard(id, t_("c.period"), [h("div", { class: "row" },
      field(id, "from", t_("c.from-day"), { type: "date", value: localDate(new Date()) }),
      field(id, "to", t_("c.to-day-inclusive"), { type: "date", value: localDate(new Date()) }),
      field(id, "tz", t_("c.time-zone"), { value: browserZone() }),
      field(id, "interval", t_("c.rows-per"), { options: ["day", "hour", "15min", "month"].map((x) => [x, t_(`interval.${x}`)]) }))],
    // i18n-keys: interval = day, hour, 15min, month
    t_("c.show"), async (f) => {
      const zone = val(f, "tz");
      let from; let to;
      try {
        from = zoneOffsetIso(val(f, "from"), zone);
        const end = new Date(`${val(f, "to")}T00:00:00Z`); end.setUTCDate(end.getUTCDate() + 1);
        to = zoneOffsetIso(end.toISOString().slice(0, 10), zone);
      } catch (_e) {
        throw new ApiError(400, { error: "invalid-input", reason: "bad-period", details: { field: zone ? "from" : "tz" } });
      }
      const q = new URLSearchParams({ from, to, tz: zone, interval: val(f, "interval") });
      const kinds = [["queues", t_("title.queues")], ["agents", t_("c.agents")], ["numbers", t_("c.numbers")],
        ["ivr-keys", t_("reports.ivr-keys")], ["agent-states", t_("reports.agent-states")], ["selfservice", t_("c.selfservice")],
        ["survey-queues", t_("reports.survey-queues")], ["survey-agents", t_("reports.survey-agents")]];
      const [results, seats, queues] = await Promise.all([
        Promise.all(kinds.map(([k]) => api("GET", T(t, `/reports/${k}?${q}`)))),
        api("GET", T(t, "/seats")), api("GET", T(t, "/queues")),
      ]);
      const seatName = new Map(seats.map((x) => [x.extension, x.name]));
      const queueName = new Map(queues.map((x) => [x.name, x]));
      const pictures = h("div", { id: "report-charts", class: "charts" });
      out.replaceChildren(pictures, ...kinds.flatMap(([k, label], i) => {
        const rows = results[i];
        const cols = rows.length ? Object.keys(rows[0]).map((c) => [c, I.tOr(`report.col.${c}`, c.replace(/_/g, " ")), reportCell(c, seatName, queueName)]) : [];
        return [h("h2", { id: `report-${k}-title` }, label),
          h("button", { type: "button", class: "secondary", id: `report-${k}-csv`,
            onclick: () => download(T(t, `/reports/${k}?${q}&format=csv`), `${t}-${k}-${val(f, "from")}.csv`) }, t_("reports.download", { x: label })),
          table(cols, rows, { id: `report-${k}`, caption: t_("reports.caption", { x: label }), empty: t_("c.no-calls-in-this-period") })];
      }));
      if (window.ccCharts) {
        window.ccCharts.report(pictures, results[0], results[1], {
          ivrKeys: results[3], states: results[4], selfservice: results[5],
          agentName: (v) => (seatName.get(v) ? `${seatName.get(v)} (${v})` : v) });
      }
      return t_("c.updated");
    });
    page(TITLES_().reports, form, out);
    form.requestSubmit();
  };

  const thisPeriod = () => new Date().toISOString().slice(0, 7);

  // ------------------------------------------------------------------ outbound campaigns
  const CAMPAIGN_MODES = ["preview", "progressive", "predictive", "agentless"];
  // i18n-keys: campaign.mode = preview, progressive, predictive, agentless
  // i18n-keys: campaign.status = draft, running, paused, stopped, completed
  // i18n-keys: campaign.action = start, pause, resume, stop
  const CAMPAIGN_ACTIONS = { draft: ["start", "stop"], running: ["pause", "stop"], paused: ["resume", "stop"], stopped: [], completed: [] };
  const lines = (text) => String(text || "").split(/\n+/).map((x) => x.trim()).filter(Boolean);

  TENANT.campaigns = async (t) => {
    const [campaigns, numbers, queues, schedules, prompts, dnc] = await Promise.all([
      api("GET", T(t, "/campaigns")), api("GET", T(t, "/numbers")), api("GET", T(t, "/queues")),
      api("GET", T(t, "/schedules")), api("GET", T(t, "/prompts")), api("GET", T(t, "/dnc")),
    ]);
    const id = "campaign-add";
    const add = formCard(id, t_("campaign.add"), [
      h("div", { class: "row" },
        field(id, "name", t_("c.name"), { required: true }),
        field(id, "mode", t_("campaign.mode"), { options: CAMPAIGN_MODES.map((m) => [m, t_(`campaign.mode.${m}`)]), value: "progressive" }),
        field(id, "caller_number", t_("campaign.caller-number"), { options: numbers.map((n) => n.number) }),
        field(id, "queue", t_("campaign.agents-queue"), { options: queues.map((q) => [q.name, q.display_name || q.name]) }),
        field(id, "schedule", t_("campaign.hours"), { options: schedules.map((x) => x.name) })),
      field(id, "script", t_("campaign.script"), { type: "textarea", rows: 4 }),
      h("div", { class: "row" },
        field(id, "dispositions", t_("campaign.dispositions"), { type: "textarea", help: t_("campaign.one-per-line") }),
        field(id, "success_dispositions", t_("campaign.success"), { type: "textarea", help: t_("campaign.one-per-line") })),
      h("div", { class: "row" },
        field(id, "abandon_cap_percent", t_("campaign.abandon-cap"), { type: "number", value: 3 }),
        field(id, "max_attempts", t_("campaign.max-attempts"), { type: "number", value: 3 }),
        field(id, "dial_timeout", t_("campaign.dial-timeout"), { type: "number", value: 30 }),
        field(id, "amd", t_("campaign.amd"), { type: "checkbox", value: false }),
        field(id, "notice", t_("campaign.notice"), { options: [["", t_("common.none")], ...prompts.map((p) => p.name)] }),
        field(id, "survey", t_("campaign.survey"), { type: "checkbox", value: false })),
      h("fieldset", { "data-field": "retry_delays" }, h("legend", {}, t_("campaign.retry-after")), h("div", { class: "row" },
        ...["busy", "no_answer", "failed", "machine", "abandoned"].map((k) =>
          field(id, `retry_delays.${k}`, t_(`campaign.outcome.${k}`), { type: "number", value: { busy: 600, no_answer: 3600, failed: 1800, machine: 7200, abandoned: 3600 }[k] })))),
    ], t_("campaign.create"), async (f) => {
      const retry = {};
      for (const k of ["busy", "no_answer", "failed", "machine", "abandoned"]) retry[k] = num(f, `retry_delays.${k}`);
      await api("POST", T(t, "/campaigns"), {
        name: val(f, "name"), mode: val(f, "mode"), caller_number: val(f, "caller_number"), queue: val(f, "queue"),
        schedule: val(f, "schedule"), script: f.querySelector("[name=script]").value,
        dispositions: lines(val(f, "dispositions")), success_dispositions: lines(val(f, "success_dispositions")),
        abandon_cap_percent: num(f, "abandon_cap_percent"), max_attempts: num(f, "max_attempts"),
        dial_timeout: num(f, "dial_timeout"), amd: val(f, "amd"), notice: val(f, "notice"), survey: val(f, "survey"), retry_delays: retry,
      });
      await refresh();
      return null;
    });
    // i18n-keys: campaign.outcome = busy, no_answer, failed, machine, abandoned
    const one = (c) => {
      const base = T(t, `/campaigns/${c.id}`);
      const p = c.progress;
      const upload = h("input", { type: "file", accept: ".csv,text/csv", id: `campaign-upload-${c.id}`,
        "aria-label": t_("campaign.upload-x", { x: c.name }) });
      const status = h("p", { class: "notice", role: "status", id: `campaign-status-${c.id}` });
      upload.onchange = async () => {
        const file = upload.files[0];
        if (!file) return;
        try {
          const res = await api("POST", `${base}/contacts.csv`, file, { contentType: "text/csv" });
          const bad = res.errors.map((e) => t_("campaign.bad-row", { line: e.line, error: t_(`campaign.row.${e.error}`), value: e.value }));
          status.textContent = [t_("campaign.uploaded", { n: res.added, dnc: res.do_not_call.length }), ...bad].join(" ");
        } catch (err) {
          if (!(err instanceof ApiError)) throw err;
          status.textContent = I.errorText(err.body, err.status);
        }
        upload.value = "";
      };
      // i18n-keys: campaign.row = bad-number, duplicate, too-long
      const actions = CAMPAIGN_ACTIONS[c.status].map((a) => h("button", { type: "button", id: `campaign-${a}-${c.id}`,
        class: a === "stop" ? "danger" : null, onclick: async () => {
          try {
            await api("POST", `${base}/state`, { action: a });
            refresh();
          } catch (err) {
            if (!(err instanceof ApiError)) throw err;
            status.textContent = I.errorText(err.body, err.status);
          }
        } }, t_(`campaign.action.${a}`)));
      return h("section", { class: "card", id: `campaign-${c.id}`, "aria-labelledby": `campaign-title-${c.id}` },
        h("h2", { id: `campaign-title-${c.id}` }, h("span", { translate: "no" }, c.name), " · ",
          t_(`campaign.mode.${c.mode}`), " · ", h("span", { class: "campaign-state", "data-status": c.status }, t_(`campaign.status.${c.status}`))),
        dl([
          [t_("campaign.contacts"), String(p.contacts)], [t_("campaign.pending"), String(p.pending)],
          [t_("campaign.dialled"), String(p.dialled)], [t_("campaign.reached"), String(p.reached)],
          [t_("campaign.success-count"), String(p.success)], [t_("campaign.abandon-rate"), `${p.abandon_rate_percent} %`],
          [t_("campaign.agents-busy"), String(p.agents_busy)], [t_("campaign.dnc-count"), String(p.dnc)],
        ]),
        h("div", { class: "row" }, ...actions,
          h("label", { for: `campaign-upload-${c.id}` }, t_("campaign.upload")), upload,
          h("button", { type: "button", class: "secondary", id: `campaign-export-${c.id}`,
            onclick: () => download(`${base}/results.csv`, `campaign-${c.id}.csv`) }, t_("campaign.export")),
          c.status === "running" ? null : deleteButton(`campaign-delete-${c.id}`, c.name, base)),
        status);
    };
    const dncId = "dnc-add";
    const dncForm = formCard(dncId, t_("campaign.dnc"), [
      field(dncId, "numbers", t_("campaign.dnc-numbers"), { type: "textarea", help: t_("campaign.one-per-line") }),
      table([["number", t_("c.number")], ["source", t_("campaign.dnc-source"), (v) => t_(`campaign.dnc-source.${v}`)]],
        dnc, { id: "dnc-table", empty: t_("campaign.dnc-empty") }),
    ], t_("campaign.dnc-add"), async (f) => {
      const res = await api("POST", T(t, "/dnc"), { numbers: lines(val(f, "numbers")) });
      await refresh();
      return t_("campaign.dnc-added", { n: res.added });
    });
    // i18n-keys: campaign.dnc-source = api, csv, ivr
    page(TITLES_().campaigns,
      h("p", {}, h("button", { type: "button", class: "secondary", id: "campaigns-refresh", onclick: () => refresh() }, t_("campaign.refresh"))),
      campaigns.length ? campaigns.map(one) : h("p", { class: "muted" }, t_("campaign.none-yet")),
      add, dncForm);
  };

  TENANT.billing = async (t) => {
    const [plan, usage, invoices] = await Promise.all([
      api("GET", T(t, "/billing/plan")).catch((e) => { if (e.status === 404) return null; throw e; }),
      api("GET", T(t, `/billing/usage?period=${thisPeriod()}`)).catch((e) => { if (e.status === 404) return null; throw e; }),
      api("GET", T(t, "/invoices")),
    ]);
    const detail = h("section", { id: "invoice-detail", "aria-live": "polite" });
    page(TITLES_().billing,
      h("section", { class: "card", "aria-labelledby": "plan-title" }, h("h2", { id: "plan-title" }, t_("c.current-plan")),
        plan ? planSummary(plan.plan) : h("p", { class: "muted" }, t_("c.no-plan-set-yet"))),
      h("section", { class: "card", "aria-labelledby": "usage-title" }, h("h2", { id: "usage-title" }, t_("billing.usage-so-far", { month: I.month(thisPeriod()) })),
        usage ? objectView(usage) : h("p", { class: "muted" }, t_("c.no-usage-yet"))),
      h("h2", {}, t_("c.invoices")),
      table([["period", t_("c.period"), (v) => I.month(v)], ["subtotal", t_("c.subtotal"), (v, r) => I.money(v, r.currency)], ["tax", t_("c.tax"), (v, r) => I.money(v, r.currency)],
        ["total", t_("c.total"), (v, r) => I.money(v, r.currency)], ["currency", t_("c.currency")],
        ["closed", t_("c.closed"), (v) => (v ? t_("common.yes") : t_("billing.open"))],
        ["period", t_("c.details"), (p) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", onclick: async () => detail.replaceChildren(h("h2", {}, t_("billing.invoice-x", { month: I.month(p) })), objectView(await api("GET", T(t, `/invoices/${p}`)))) }, t_("billing.view-x", { month: I.month(p) })),
          h("button", { type: "button", class: "secondary", onclick: () => download(T(t, `/billing/export?kind=calls&format=csv&period=${p}`), `${t}-calls-${p}.csv`) }, t_("billing.calls-of", { month: I.month(p) })))]],
      invoices, { id: "invoices-table", key: (r) => r.period, empty: t_("c.no-invoices-yet") }),
      h("button", { type: "button", class: "secondary", id: "invoices-csv",
        onclick: () => download(T(t, "/billing/export?kind=invoices&format=csv"), `${t}-invoices.csv`) }, t_("c.all-invoices-csv")),
      detail);
  };

  // i18n-keys: key = per_seat, package, per_call, per_minute, commission, campaign_commission, platform_fee, tax_rate, monthly_price, minimum_seats, price_per_minute, rounding, outbound_price_per_minute, base_fee, price_per_inbound_call, price_per_outbound_call, minimum_outbound_charge, fee_per_success, success_dispositions, included_calls, included_minutes, monthly_fee, price_per_extra_call, price_per_extra_minute, base_amount, rate_percent, threshold_percent
  // i18n-keys: key = answered_calls, talk_seconds, inbound, outbound, forwarded, overflow
  // i18n-keys: key = campaigns, campaign, name, seconds, successes
  // i18n-keys: key = tenant_id, period, closed, rated, invoices, calls, total, subtotal, tax, currency, plan, seat_days, rated_calls, lines, code, description, quantity, unit_price, amount, peak_concurrent_calls, peak_registered_agents, registered_seconds, peak_logged_in_agents, logged_in_seconds, updated_at
  const keyLabel = (k) => I.tOr(`key.${k}`, k.replace(/_/g, " "));
  const MONEY_KEYS = /(price|fee|amount|subtotal|^tax$|^total$|charge)/;
  function keyValue(k, v) {
    if (typeof v === "boolean") return v ? t_("common.yes") : t_("common.no");
    if (k === "tax_rate") return I.percent(v, 2);
    if (k === "rounding") return I.tOr(`rounding.${v}`, v);
    if (k === "period") return I.month(v);
    if (k === "updated_at") return I.dateTime(v);
    if (k.endsWith("_seconds")) return I.duration(v);
    if (MONEY_KEYS.test(k) && v !== null && v !== "" && !Number.isNaN(Number(v))) return I.money(v);
    if (Array.isArray(v)) return v.join(t_("list.sep"));
    return String(v);
  }
  function planSummary(p) {
    const pairs = [];
    for (const [k, v] of Object.entries(p)) {
      if (v === null || v === undefined) continue;
      pairs.push([keyLabel(k), typeof v === "object" && !Array.isArray(v) ? Object.entries(v).map(([a, b]) => `${keyLabel(a)}：${keyValue(a, b)}`).join(t_("list.sep-group")) : keyValue(k, v)]);
    }
    return dl(pairs);
  }
  function objectView(o, parentKey = "") {
    if (Array.isArray(o)) {
      if (!o.length) return h("p", { class: "muted" }, t_("common.none"));
      if (typeof o[0] === "object") return table(Object.keys(o[0]).map((c) => [c, keyLabel(c), (v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : keyValue(c, v))]), o);
      return o.join(t_("list.sep"));
    }
    if (o && typeof o === "object") return dl(Object.entries(o).map(([k, v]) => [keyLabel(k), v !== null && typeof v === "object" ? (k === "plan" ? planSummary(v) : objectView(v, k)) : keyValue(parentKey.endsWith("_seconds") ? parentKey : k, v)]));
    return String(o);
  }

  // ------------------------------------------------------------------ operator pages
  const OP = {};

  OP.tenants = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const id = "tenant-add";
    page(TITLES_().tenants,
      formCard(id, t_("c.open-a-tenant"), [h("div", { class: "row" },
        field(id, "id", t_("c.tenant-id"), { help: t_("c.2-16-lowercase-letters-and-digits-used-in-sip-na") }), field(id, "name", t_("c.company-name")),
        field(id, "admin.username", t_("c.first-admin-s-username"), { autocomplete: "off" }),
        field(id, "admin.password", t_("c.first-admin-s-password"), { type: "password", autocomplete: "new-password", help: t_("c.at-least-8-characters") }))],
      t_("c.open-tenant"), async (f) => {
        await api("POST", "/api/v1/tenants", { id: val(f, "id"), name: val(f, "name"),
          admin: { username: val(f, "admin.username"), password: f.querySelector("[name='admin.password']").value } });
        await refresh();
        return null;
      }),
      h("h2", {}, t_("title.tenants")),
      table([["id", t_("c.id"), (v) => h("a", { href: `#/t/${v}/overview` }, v)], ["name", t_("c.name")],
        ["status", t_("c.status"), (v) => badge(v === "active", t_("status.active"), I.tOr(`status.${v}`, v))],
        ["limits", t_("c.calls-cap"), (l) => String(l.max_calls || t_("common.no-cap"))],
        ["id", t_("c.actions"), (v, row) => row.status === "closed" ? h("span", { class: "muted" }, t_("tenants.closed-on", { date: I.dateTime(row.closed_at) })) : h("div", { class: "row" }, h("button", { type: "button", class: row.status === "active" ? "danger" : "secondary", id: `status-${v}`,
          onclick: async () => {
            const next = row.status === "active" ? "suspended" : "active";
            if (next === "suspended" && !confirm(t_("tenants.confirm-suspend", { x: v }))) return;
            await api("PUT", `/api/v1/tenants/${v}/status`, { status: next }); announce(t_("tenants.now-status", { x: v, status: t_(`status.${next}`) })); refresh();
          } }, row.status === "active" ? t_("c.suspend") : t_("c.reactivate")),
          h("button", { type: "button", class: "secondary", id: `admin-password-${v}`, "aria-label": t_("tenants.reset-admin-x", { x: row.name }),
            onclick: () => resetAdminPassword(row) }, t_("tenants.reset-admin")),
          h("button", { type: "button", class: "danger", id: `close-${v}`, "aria-label": t_("tenants.close-x", { x: row.name }),
            onclick: () => closeTenant(row) }, t_("tenants.close")))]],
      tenants, { id: "tenants-table", key: (r) => r.id, empty: t_("c.no-tenants-yet") }));
  };

  // The operator sets a new password for a tenant's admin (who forgot it); its sessions end.
  async function resetAdminPassword(row) {
    const users = await api("GET", T(row.id, "/users"));
    const admins = users.filter((u) => u.role === "tenant_admin");
    if (!admins.length) { announce(t_("tenants.no-admin")); return; }
    const username = admins.length === 1 ? admins[0].username
      : prompt(t_("tenants.which-admin", { list: admins.map((u) => u.username).join(t_("list.sep")) }), admins[0].username);
    if (!username) return;
    const password = prompt(t_("users.prompt-password", { x: username }));
    if (!password) return;
    try {
      await api("POST", T(row.id, `/users/${encodeURIComponent(username)}/password`), { password });
      announce(t_("users.password-changed", { x: username }));
      alert(t_("users.password-changed", { x: username }));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      alert(I.errorText(err.body, err.status));
    }
  }

  // Closing a tenant (POST .../close): its numbers go back to the inventory, its users can no
  // longer sign in, calls are refused; invoices and call records stay for billing. Unlike a
  // suspension it is not lifted, so it is confirmed by typing the tenant id.
  async function closeTenant(row) {
    const typed = prompt(t_("tenants.confirm-close", { x: row.name, id: row.id }));
    if (typed === null) return;
    if (typed.trim() !== row.id) { alert(t_("tenants.close-mismatch")); announce(t_("tenants.close-mismatch")); return; }
    try {
      await api("POST", `/api/v1/tenants/${row.id}/close`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      announce(I.errorText(err.body, err.status));
      return;
    }
    announce(t_("tenants.closed", { x: row.name }));
    refresh();
  }

  let assignTenant = ""; // the operator's last choice on the number inventory
  OP.numbers = async () => {
    const [numbers, tenants] = await Promise.all([api("GET", "/api/v1/numbers"), api("GET", "/api/v1/tenants")]);
    const id = "number-assign";
    page(t_("c.number-inventory"),
      formCard(id, t_("c.assign-a-number"), [h("div", { class: "row" },
        field(id, "tenant", t_("c.tenant"), { options: tenants.map((x) => [x.id, `${x.name} (${x.id})`]), value: assignTenant, typedOptions: true }),
        field(id, "number", t_("c.number"), { inputmode: "tel", help: t_("c.a-400-or-a-city-number-as-written") }))],
      t_("c.assign"), async (f) => {
        const tid = val(f, "tenant");
        const who = tenants.find((x) => x.id === tid);
        // The choice stays after the page redraws: the next number goes to the same tenant
        // unless the operator picks another one, and each assignment is confirmed by name.
        assignTenant = tid;
        if (!confirm(t_("numbers.confirm-assign", { number: val(f, "number"), tenant: who ? `${who.name} (${tid})` : tid }))) return null;
        const n = await api("POST", `/api/v1/tenants/${encodeURIComponent(tid)}/numbers`, { number: val(f, "number") });
        await refresh();
        const note = t_("numbers.assigned-to", { x: n.display, tenant: who ? who.name : tid });
        const el = document.getElementById(`${id}-notice`);
        if (el) el.textContent = note;
        announce(note);
        return null;
      }),
      h("h2", {}, t_("c.numbers")),
      table([["display", t_("c.number")], ["kind", t_("c.kind"), (k) => I.tOr(`kind.${k}`, k)], ["tenant_id", t_("c.tenant"), (v) => v || h("span", { class: "muted" }, t_("numbers.free"))],
        ["route", t_("c.route"), (r) => (r ? `${t_(`dest.${r.type}`)} ${r.target}` : "—")],
        ["number", t_("c.actions"), (v, row) => (row.tenant_id ? h("button", { type: "button", class: "danger", "aria-label": t_("numbers.release-x", { x: row.display }),
          onclick: async () => {
            if (!confirm(t_("numbers.confirm-release", { x: row.display, tenant: row.tenant_id }))) return;
            await api("DELETE", `/api/v1/tenants/${row.tenant_id}/numbers/${v}`); refresh();
          } }, t_("c.release")) : "")]],
      numbers, { id: "numbers-table", key: (r) => r.number, empty: t_("c.no-numbers-yet") }));
  };

  OP.plans = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const holder = h("div", { id: "plan-editor" });
    const pick = h("select", { id: "plan-tenant", translate: "no", onchange: () => load(pick.value) }, tenants.map((x) => h("option", { value: x.id }, `${x.id} — ${x.name}`)));
    async function load(tid) {
      if (!tid) { holder.replaceChildren(h("p", { class: "muted" }, t_("c.open-a-tenant-first"))); return; }
      const current = await api("GET", T(tid, "/billing/plan")).catch((e) => { if (e.status === 404) return null; throw e; });
      const p = (current && current.plan) || {};
      const id = "plan";
      const g = (a, b) => (p[a] && p[a][b] !== undefined ? p[a][b] : "");
      holder.replaceChildren(
        h("section", { class: "card" }, h("h2", {}, t_("plans.current-of", { x: tid })), current ? planSummary(p) : h("p", { class: "muted" }, t_("c.no-plan-yet"))),
        formCard(id, t_("plans.set-of", { x: tid }), [
          h("fieldset", {}, h("legend", {}, t_("c.per-seat")), h("div", { class: "row" },
            field(id, "per_seat.monthly_price", t_("c.monthly-price-per-seat"), { value: g("per_seat", "monthly_price"), inputmode: "decimal" }),
            field(id, "per_seat.minimum_seats", t_("c.minimum-seats"), { type: "number", value: g("per_seat", "minimum_seats") }))),
          h("fieldset", {}, h("legend", {}, t_("c.per-minute")), h("div", { class: "row" },
            field(id, "per_minute.price_per_minute", t_("c.price-per-minute"), { value: g("per_minute", "price_per_minute"), inputmode: "decimal" }),
            field(id, "per_minute.rounding", t_("c.rounding"), { options: ["per_minute", "per_6s", "per_second"].map((x) => [x, t_(`rounding.${x}`)]), value: g("per_minute", "rounding") || "per_minute" }),
            field(id, "per_minute.outbound_price_per_minute", t_("c.outbound-forwarded-price-per-minute"), { value: g("per_minute", "outbound_price_per_minute") ?? "", inputmode: "decimal" }))),
          h("fieldset", {}, h("legend", {}, t_("c.per-call")), h("div", { class: "row" },
            field(id, "per_call.base_fee", t_("c.base-fee"), { value: g("per_call", "base_fee"), inputmode: "decimal" }),
            field(id, "per_call.price_per_inbound_call", t_("c.per-answered-inbound-call"), { value: g("per_call", "price_per_inbound_call"), inputmode: "decimal" }),
            field(id, "per_call.price_per_outbound_call", t_("c.per-outbound-call"), { value: g("per_call", "price_per_outbound_call"), inputmode: "decimal" }))),
          h("div", { class: "row" },
            field(id, "platform_fee", t_("c.platform-fee"), { value: p.platform_fee ?? "0", inputmode: "decimal" }),
            field(id, "tax_rate", t_("c.tax-rate"), { value: p.tax_rate ?? "0", inputmode: "decimal", help: t_("c.e-g-0-06") })),
          h("p", { class: "muted" }, t_("c.leave-a-component-empty-to-leave-it-out-prices-a")),
        ], t_("c.save-plan"), async (f) => {
          // Start from the saved plan: components and fields this form does not show (package,
          // commissions, a minimum outbound charge) are kept as they are.
          const plan = JSON.parse(JSON.stringify(p));
          plan.platform_fee = val(f, "platform_fee") || "0";
          plan.tax_rate = val(f, "tax_rate") || "0";
          if (val(f, "per_seat.monthly_price")) plan.per_seat = { ...(p.per_seat || {}), monthly_price: val(f, "per_seat.monthly_price"), minimum_seats: num(f, "per_seat.minimum_seats") ?? 0 };
          else delete plan.per_seat;
          if (val(f, "per_minute.price_per_minute")) {
            plan.per_minute = { ...(p.per_minute || {}), price_per_minute: val(f, "per_minute.price_per_minute"), rounding: val(f, "per_minute.rounding") };
            if (val(f, "per_minute.outbound_price_per_minute")) plan.per_minute.outbound_price_per_minute = val(f, "per_minute.outbound_price_per_minute");
            else delete plan.per_minute.outbound_price_per_minute;
          } else delete plan.per_minute;
          if (val(f, "per_call.price_per_inbound_call") || val(f, "per_call.base_fee") || val(f, "per_call.price_per_outbound_call")) {
            plan.per_call = { ...(p.per_call || {}), base_fee: val(f, "per_call.base_fee") || "0", price_per_inbound_call: val(f, "per_call.price_per_inbound_call") || "0",
              price_per_outbound_call: val(f, "per_call.price_per_outbound_call") || "0" };
          } else delete plan.per_call;
          for (const k of Object.keys(plan)) if (plan[k] === null) delete plan[k];
          await api("PUT", T(tid, "/billing/plan"), plan);
          return t_("plans.saved", { x: tid });
        }));
    }
    page(TITLES_().plans, h("div", { class: "field" }, h("label", { for: "plan-tenant" }, t_("c.tenant")), pick), holder);
    await load(pick.value);
  };

  OP.billing = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const result = h("section", { id: "run-result", "aria-live": "polite" });
    const id = "run";
    const ex = "export";
    page(t_("c.billing-runs-and-exports"),
      formCard(id, t_("c.run-billing-for-a-month"), [h("div", { class: "row" },
        field(id, "period", t_("c.month"), { value: thisPeriod(), help: t_("c.yyyy-mm") }),
        field(id, "close", t_("c.close-the-month-no-later-changes"), { type: "checkbox" }))],
      t_("c.run"), async (f) => {
        const r = await api("POST", "/api/v1/billing/runs", { period: val(f, "period"), close: val(f, "close") });
        result.replaceChildren(h("h2", {}, t_("billing.run-of", { month: I.month(val(f, "period")), period: val(f, "period") })), objectView(r));
        return t_("c.done");
      }), result,
      formCard(ex, t_("c.export"), [h("div", { class: "row" },
        field(ex, "kind", t_("c.what"), { options: [["invoices", t_("c.invoices")], ["calls", t_("c.calls")]] }),
        field(ex, "format", t_("c.format"), { options: ["csv", "json"] }),
        field(ex, "period", t_("c.month"), { value: thisPeriod() }),
        field(ex, "tenant", t_("c.tenant"), { options: [["", t_("c.all-tenants")], ...tenants.map((x) => x.id)] }))],
      t_("c.download"), async (f) => {
        const q = new URLSearchParams({ kind: val(f, "kind"), format: val(f, "format"), period: val(f, "period") });
        if (val(f, "tenant")) q.set("tenant", val(f, "tenant"));
        await download(`/api/v1/billing/export?${q}`, `${val(f, "kind")}-${val(f, "period")}.${val(f, "format")}`);
        return t_("c.downloaded");
      }));
  };

  OP.health = async () => {
    const at = renderSeq; // this page's run: its answers are dropped once the user moved on
    const [health, tenants, calls] = await Promise.all([
      fetch("/healthz", { cache: "no-store" }).then((r) => r.json()).catch(() => ({ database: false, ami: false })),
      api("GET", "/api/v1/tenants"),
      api("GET", "/api/v1/platform/calls").catch((e) => { if (e.status === 503) return null; throw e; }),
    ]);
    if (at !== renderSeq) return;
    page(TITLES_().health,
      h("section", { class: "card", "aria-label": t_("c.health") }, dl([
        [t_("c.database"), h("span", { id: "health-database" }, badge(health.database, t_("health.reachable"), t_("c.down")))],
        [t_("c.asterisk-ami"), h("span", { id: "health-ami" }, badge(health.ami, t_("health.connected"), t_("c.not-connected")))],
        [t_("c.calls-now"), h("span", { id: "health-calls" }, calls ? t_("health.calls", { n: calls.calls, ch: calls.channels }) : t_("c.unknown-asterisk-not-reachable"))],
        [t_("title.tenants"), t_("health.tenants", { a: tenants.filter((x) => x.status === "active").length, s: tenants.filter((x) => x.status !== "active").length })],
        [t_("c.checked-at"), I.dateTime(new Date())],
      ])),
      h("h2", {}, t_("c.calls-now-per-tenant")),
      table([["tenant_id", t_("c.tenant"), (v) => v || h("span", { class: "muted" }, t_("c.not-yet-routed"))], ["calls", t_("c.calls")], ["channels", t_("c.channels")]],
        calls ? calls.tenants : [], { id: "calls-table", key: (r) => r.tenant_id || "", empty: t_("c.no-calls-up") }),
      // The cluster (issue 15): each Asterisk node's AMI, and which node each call is on.
      h("h2", {}, t_("c.asterisk-nodes")),
      table([["name", t_("c.node")], ["connected", "AMI", (v) => badge(v, t_("health.connected"), t_("c.not-connected"))]],
        Object.entries(health.nodes || {}).map(([name, connected]) => ({ name, connected })),
        { id: "nodes-table", key: (r) => r.name, empty: t_("c.no-node") }),
      h("h2", {}, t_("c.calls-now-by-node")),
      table([["node", t_("c.node")], ["tenant_id", t_("c.tenant"), (v) => v || h("span", { class: "muted" }, t_("c.not-yet-routed"))],
        ["linkedid", t_("c.call")], ["channels", t_("c.channels")]],
        calls && calls.live ? calls.live : [], { id: "calls-by-node", key: (r) => `${r.node}/${r.linkedid}`, empty: t_("c.no-calls-up") }),
      h("button", { type: "button", class: "secondary", id: "health-refresh", onclick: refresh }, t_("c.check-again")));
  };

  // ------------------------------------------------------------------ start
  document.getElementById("signout").addEventListener("click", () => signOut(t_("login.signed-out")));
  document.getElementById("locale-slot").replaceWith(I.switcher("locale-switch"));
  I.onChange(() => route());
  document.getElementById("menu-toggle").addEventListener("click", (ev) => {
    const nav = document.getElementById("nav");
    const open = nav.classList.toggle("collapsed") === false;
    ev.currentTarget.setAttribute("aria-expanded", String(open));
  });
  const narrow = window.matchMedia("(max-width: 760px)");
  const fitNav = () => {
    document.getElementById("nav").classList.toggle("collapsed", narrow.matches);
    document.getElementById("menu-toggle").setAttribute("aria-expanded", String(!narrow.matches));
  };
  narrow.addEventListener("change", fitNav);
  fitNav();
  // One listener each, registered once: a page change re-collapses the menu on a narrow
  // screen (it used to add another media-query listener on every change).
  window.addEventListener("hashchange", () => {
    route();
    fitNav();
    $main.focus();
  });
  window.ccSession.whenSignedOut(() => signOut(t_("login.session-ended")));
  I.ready.then(route);
})();
