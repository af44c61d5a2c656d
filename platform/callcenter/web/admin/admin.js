// Call center console: tenant admin and operator pages over /api/v1.
//
// The JWT lives in this tab's sessionStorage (web/shared/session.js, shared with the agent
// console and the wallboard) and travels only as an Authorization header (no cookies, so no
// cross-site request carries it). The role checks here decide what to show;
// the API checks every call again, so changing ids in the URL never reaches another tenant's data.
// Pages are built with DOM calls only (textContent, never innerHTML with data).
"use strict";
(() => {
  const { ApiError, api } = window.ccSession;
  const TENANT_PAGES = ["overview", "seats", "agents", "users", "numbers", "schedules", "ivrs", "queues", "mailboxes", "wallboard", "recordings", "reports", "billing"];
  const OP_PAGES = ["tenants", "numbers", "plans", "billing", "health"];
  const TITLES = {
    overview: "Overview", seats: "Seats", agents: "Agents and CRM", users: "Users and access", numbers: "Numbers and routes", schedules: "Hours and holidays",
    ivrs: "IVR menus", queues: "Queues", mailboxes: "Mailboxes", wallboard: "Wallboard", recordings: "Recordings and supervision", reports: "Reports", billing: "Plan, usage and invoices",
    tenants: "Tenants", plans: "Plans and prices", health: "Platform health",
  };
  const DEST_KINDS = ["queue", "ivr", "agent", "voicemail", "external", "announcement", "hangup"];
  const IVR_KINDS = ["submenu", "queue", "agent", "voicemail", "external", "repeat", "hangup"];
  const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
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
  const slug = (s) => String(s).replace(/[^A-Za-z0-9_]+/g, "-");
  const announce = (text) => { document.getElementById("announce").textContent = text; };

  function field(formId, name, label, opts = {}) {
    const id = `${formId}-${slug(name)}`;
    const errId = `${id}-error`;
    let input;
    const common = { id, name, "data-field": opts.dataField || name, "aria-describedby": errId };
    if (opts.options) {
      input = h("select", common, opts.options.map((o) => {
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
      if (errEl) errEl.textContent = err.message;
      best.setAttribute("aria-invalid", "true");
      if (best.focus) best.focus();
      const where = best.closest(".field, fieldset, .row");
      const label = where && where.querySelector("label, legend");
      summary.textContent = `Not saved: check ${label ? label.textContent : name}.`;
    } else {
      summary.textContent = `Not saved: ${name ? name + " — " : ""}${err.message}`;
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
    if (!rows.length) return h("p", { class: "muted" }, opts.empty || "Nothing yet.");
    return h("div", { class: "table-wrap" }, h("table", { class: "stack", id: opts.id },
      opts.caption ? h("caption", { class: "visually-hidden" }, opts.caption) : null,
      h("thead", {}, h("tr", {}, columns.map(([, label]) => h("th", { scope: "col" }, label)))),
      h("tbody", {}, rows.map((r) => h("tr", { "data-key": opts.key ? opts.key(r) : null },
        columns.map(([k, label, fmt]) => h("td", { "data-label": label }, fmt ? fmt(r[k], r) : cell(r[k]))))))));
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
      list.append(h("li", {}, h("h2", {}, "Platform")), ...OP_PAGES.map((p) => link(`#/op/${p}`, TITLES[p])));
    }
    if (tenant) {
      list.append(h("li", {}, h("h2", {}, `Tenant ${tenant}`)),
        ...TENANT_PAGES.map((p) => link(`#/t/${tenant}/${p}`, TITLES[p])));
    }
    nav.hidden = false;
    document.getElementById("signout").hidden = false;
    document.getElementById("menu-toggle").hidden = false;
    document.getElementById("whoami").textContent =
      `${session.username} · ${session.role === "operator" ? "platform operator" : `admin of ${session.tenant}`}`;
  }

  function page(title, ...children) {
    document.title = `${title} · Call center console`;
    $main.replaceChildren(h("h1", { id: "page-title" }, title), ...children.flat().filter((c) => c !== null && c !== undefined));
    $main.setAttribute("aria-labelledby", "page-title");
  }

  function denied(message) {
    page("Not allowed", h("p", { id: "denied", role: "alert" }, message),
      h("p", {}, h("a", { href: homeOf(session) }, "Back to your pages")));
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
      if (session.role !== "operator") return denied("These pages are for platform operators only.");
      return runPage(seq, OP[m[1]]);
    }
    if ((m = hash.match(/^#\/t\/([^/]+)\/([a-z]+)$/)) && TENANT_PAGES.includes(m[2])) {
      const tenant = decodeURIComponent(m[1]);
      const own = session.role === "tenant_admin" && session.tenant === tenant;
      renderNav(hash, own || session.role === "operator" ? tenant : session.tenant);
      if (!own && session.role !== "operator") return denied("You can only open your own tenant's pages.");
      return runPage(seq, () => TENANT[m[2]](tenant));
    }
    if (session.role !== "operator" && session.role !== "tenant_admin") {
      renderNav("", null);
      return denied("The console is for tenant admins and operators; agents and supervisors use the agent workspace.");
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
        else page("Something went wrong", h("p", { role: "alert" }, err.message));
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
    const form = formCard("login", "Sign in", [
      field("login", "username", "Username", { autocomplete: "username", required: true }),
      field("login", "password", "Password", { type: "password", autocomplete: "current-password", required: true }),
    ], "Sign in", async (f) => {
      session = await window.ccSession.signIn(val(f, "username"), f.querySelector("[name=password]").value);
      location.hash = homeOf(session);
      return null;
    });
    document.title = "Sign in · Call center console";
    $main.replaceChildren(h("h1", { id: "page-title" }, "Call center console"),
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
      h("section", { class: "card", "aria-label": "Tenant" }, dl([
        ["Status", badge(tenant.status === "active", "active", tenant.status)],
        ["Seats", String(seats.length)], ["Numbers", numbers.map((n) => n.display).join(", ") || "none"],
        ["Queues", queues.map((q) => q.name).join(", ") || "none"],
        ["Concurrent calls cap", tenant.limits.max_calls || "none"],
        ["Outside calls cap", String(tenant.limits.max_outbound)],
        ["Callback requests cap", String(tenant.limits.max_open_callbacks)],
        ["Allowed outside numbers", tenant.limits.outbound_patterns.join(" ")],
      ])),
      session.role === "operator" ? limitsForm(tenant) : null);
  };

  function limitsForm(tenant) {
    const id = "limits";
    const l = tenant.limits;
    return formCard(id, "Limits (operators)", [h("div", { class: "row" },
      field(id, "max_calls", "Concurrent calls (0 = no cap)", { type: "number", value: l.max_calls }),
      field(id, "max_outbound", "Concurrent outside calls", { type: "number", value: l.max_outbound }),
      field(id, "caller_number", "Caller number for outside calls", { value: l.caller_number || "" })),
      field(id, "max_open_callbacks", "Open callback requests (at most one per caller number)",
        { type: "number", value: l.max_open_callbacks }),
      field(id, "outbound_patterns", "Allowed outside numbers, one pattern per line (X = any digit, Z = 1-9)",
        { type: "textarea", value: l.outbound_patterns.join("\n") }),
    ], "Save limits", async (f) => {
      await api("PUT", T(tenant.id, "/limits"), {
        max_calls: num(f, "max_calls") ?? 0, max_outbound: num(f, "max_outbound") ?? 0,
        max_open_callbacks: num(f, "max_open_callbacks") ?? 0,
        caller_number: val(f, "caller_number") || null,
        outbound_patterns: val(f, "outbound_patterns").split(/\s+/).filter(Boolean),
      });
      return "Saved: the next call follows these limits";
    });
  }

  TENANT.seats = async (t) => {
    const seats = await api("GET", T(t, "/seats"));
    const created = h("section", { id: "seat-created", "aria-live": "polite" });
    const rows = seats.map((s) => ({ ...s }));
    const list = table([
      ["extension", "Extension"], ["name", "Name"],
      ["sip_username", "SIP user", (v) => h("code", {}, v)],
      ["forward_to", "Forward to mobile", (v, s) => {
        const id = `fwd-${s.extension}`;
        return formInline(id, [field(id, "forward_to", `Forward ${s.extension} to`, { value: v || "", inputmode: "tel", placeholder: "none" })],
          "Save", async (f) => {
            const number = val(f, "forward_to");
            await api("PUT", T(t, `/seats/${s.extension}`), { forward_to: number || null });
            return number ? `Forwarding to ${number}` : "Not forwarded";
          });
      }],
      ["extension", "Actions", (v) => h("div", { class: "row" },
        h("button", { type: "button", class: "secondary", id: `reset-${v}`, "aria-label": `New SIP password for seat ${v}`,
          onclick: async () => {
            if (!confirm(`Give seat ${v} a new SIP password? Its phone is signed out until it has the new one.`)) return;
            const seat = await api("POST", T(t, `/seats/${v}/credentials`));
            document.getElementById("seat-created").replaceChildren(sipCard(seat));
            document.getElementById("sip-title").scrollIntoView();
          } }, "New password"),
        h("button", { type: "button", class: "danger", "aria-label": `Remove seat ${v}`,
          onclick: async () => {
            if (!confirm(`Remove seat ${v}? Its phone is signed out; a call in progress goes on.`)) return;
            await api("DELETE", T(t, `/seats/${v}`)); announce(`Seat ${v} removed`); refresh();
          } }, "Remove"))],
    ], rows, { id: "seats-table", caption: "Seats", key: (r) => r.extension, empty: "No seats yet." });
    const add = formCard("seat-add", "Add a seat", [h("div", { class: "row" },
      field("seat-add", "extension", "Extension", { inputmode: "numeric", help: "3 to 6 digits, not starting with 0" }),
      field("seat-add", "name", "Agent name"))],
    "Add seat", async (f) => {
      const seat = await api("POST", T(t, "/seats"), { extension: val(f, "extension"), name: val(f, "name") });
      await route();
      document.getElementById("seat-created").replaceChildren(sipCard(seat));
      return null;
    });
    page(TITLES.seats, created, add, h("h2", {}, "Seats"), list);
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
      h("h2", { id: "sip-title" }, `SIP settings for seat ${seat.extension}`),
      h("p", {}, "Enter these in the agent's softphone app. The password is shown only now."),
      dl([["Username", h("code", { id: "sip-username" }, s.username)], ["Password", h("code", { id: "sip-password" }, s.password)],
        ["Domain", h("code", {}, s.domain)], ["Registrar", h("code", {}, s.registrar)], ["Transport", s.transport.toUpperCase()],
        ["SIP URI", h("code", { id: "sip-uri" }, s.uri)]]),
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
      "aria-label": "QR code with this seat's SIP account for a softphone app" });
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, size, size);
    ctx.fillStyle = "#000";
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        if (qr.isDark(r, c)) ctx.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
      }
    }
    return h("figure", {}, canvas, h("figcaption", { class: "muted" }, "Scan with the softphone app (contains the password)."));
  }

  // ---- every sign-in of the tenant: disable (its sessions end within a second), reset the
  // password (the old one and its sessions stop working), delete.
  TENANT.users = async (t) => {
    const users = await api("GET", T(t, "/users"));
    const U = (u, rest = "") => T(t, `/users/${encodeURIComponent(u)}${rest}`);
    page(TITLES.users,
      h("p", { class: "muted" }, "Disabling, deleting or resetting a user ends its sessions (including open consoles and wallboards) within a second."),
      table([["username", "Username"], ["role", "Role"], ["status", "Status", (v) => badge(v === "active", "active", "disabled")],
        ["username", "Actions", (v, r) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", id: `user-status-${v}`, "aria-label": `${r.status === "active" ? "Disable" : "Enable"} ${v}`,
            onclick: async () => {
              const status = r.status === "active" ? "disabled" : "active";
              await api("PUT", U(v, "/status"), { status }); announce(`${v} ${status}`); refresh();
            } }, r.status === "active" ? "Disable" : "Enable"),
          h("button", { type: "button", class: "secondary", id: `user-password-${v}`, "aria-label": `New password for ${v}`,
            onclick: async () => {
              const password = prompt(`New password for ${v} (at least 8 characters):`);
              if (!password) return;
              await api("POST", U(v, "/password"), { password }); announce(`Password of ${v} changed; its sessions have ended`);
            } }, "New password"),
          h("button", { type: "button", class: "danger", id: `user-delete-${v}`, "aria-label": `Delete ${v}`,
            onclick: async () => {
              if (!confirm(`Delete ${v}? Its sessions end at once; an agent's seat stays.`)) return;
              await api("DELETE", U(v)); announce(`${v} deleted`); refresh();
            } }, "Delete"))]],
      users, { id: "users-table", caption: "Users", key: (r) => r.username, empty: "No users." }));
  };

  // ---- agent users (the agent workspace's sign-ins, bound to seats), hosted CRM, webhooks.
  TENANT.agents = async (t) => {
    const [agents, seats, contacts] = await Promise.all([
      api("GET", T(t, "/agents")), api("GET", T(t, "/seats")), api("GET", T(t, "/contacts")),
    ]);
    const aid = "agent-add";
    const cid = "contact-add";
    const iid = "integrations";
    page(TITLES.agents,
      h("p", { class: "muted" }, "Agents sign in at ", h("a", { href: "/agent" }, "/agent"), " with the username and password set here; the browser is their phone unless their device is a SIP phone or a mobile."),
      table([["username", "Username"], ["name", "Name"], ["extension", "Seat"], ["device", "Takes calls on"],
        ["mobile_number", "Mobile"], ["state", "Now", (v) => (v ? `${v.presence}${v.pause_reason ? ` (${v.pause_reason})` : ""}` : "")]],
      agents, { id: "agents-table", key: (r) => r.username, empty: "No agent users yet." }),
      formCard(aid, "Add an agent user", [h("div", { class: "row" },
        field(aid, "username", "Username", { help: "lowercase letters, digits, . _ -" }),
        field(aid, "password", "Password", { type: "password", autocomplete: "new-password", help: "at least 10 characters" }),
        field(aid, "extension", "Seat", { options: seats.map((x) => [x.extension, `${x.extension} ${x.name || ""}`.trim()]) }),
        field(aid, "name", "Name"),
        field(aid, "device", "Takes calls on", { options: [["browser", "the browser"], ["sip", "a SIP phone"], ["mobile", "a mobile"]] }))],
      "Add agent", async (f) => {
        await api("POST", T(t, "/agents"), { username: val(f, "username"), password: f.querySelector("[name=password]").value,
          extension: val(f, "extension"), name: val(f, "name"), device: val(f, "device") });
        await refresh();
        return null;
      }),
      h("h2", {}, "Contacts (hosted CRM)"),
      table([["phone", "Phone"], ["name", "Name"], ["company", "Company"], ["email", "E-mail"], ["notes", "Notes"]],
        contacts, { id: "contacts-table", key: (r) => r.phone, empty: "No contacts yet." }),
      formCard(cid, "Add a contact", [h("div", { class: "row" },
        field(cid, "phone", "Phone", { inputmode: "tel" }), field(cid, "name", "Name"), field(cid, "company", "Company"),
        field(cid, "email", "E-mail", { type: "email" })), field(cid, "notes", "Notes", { type: "textarea" })],
      "Add contact", async (f) => {
        await api("POST", T(t, "/contacts"), { phone: val(f, "phone"), name: val(f, "name"), company: val(f, "company"),
          email: val(f, "email"), notes: val(f, "notes") });
        await refresh();
        return null;
      }),
      formCard(iid, "CRM lookup and webhook", [
        h("p", { class: "muted" }, "Leave the lookup URL empty to use the hosted contacts above. Saving replaces both settings."),
        h("div", { class: "row" },
          field(iid, "crm_lookup_url", "CRM lookup URL", { type: "url", placeholder: "https://crm.example.com/lookup?number={number}" }),
          field(iid, "crm_timeout_ms", "Lookup timeout (ms)", { type: "number", value: 800 })),
        h("div", { class: "row" },
          field(iid, "webhook_url", "Webhook URL", { type: "url" }),
          field(iid, "webhook_secret", "Webhook signing secret", { type: "password", autocomplete: "new-password", help: "16 to 128 characters" })),
      ], "Save integrations", async (f) => {
        await api("PUT", T(t, "/integrations"), { crm_lookup_url: val(f, "crm_lookup_url") || null, crm_timeout_ms: num(f, "crm_timeout_ms") ?? 800,
          webhook_url: val(f, "webhook_url") || null, webhook_secret: f.querySelector("[name=webhook_secret]").value || null });
        return "Saved: the next call's pop uses it";
      }));
  };

  TENANT.numbers = async (t) => {
    const [numbers, schedules, queues, ivrs] = await Promise.all([
      api("GET", T(t, "/numbers")), api("GET", T(t, "/schedules")), api("GET", T(t, "/queues")), api("GET", T(t, "/ivrs")),
    ]);
    const cards = numbers.map((n) => {
      const id = `route-${n.number}`;
      const r = n.route || { type: "queue", target: "", schedule: null, max_calls: 0, priority: 0 };
      return formCard(id, `${n.display} (${n.kind})`, [
        h("p", { class: "muted" }, n.route ? `Now: ${n.route.type} ${n.route.target}${n.route.schedule ? ` during ${n.route.schedule}` : ""}` : "Not routed: callers hear an announcement."),
        h("div", { class: "row" },
          field(id, "type", "Destination", { options: DEST_KINDS, value: r.type }),
          field(id, "target", "Target", { value: r.target, list: "route-targets" }),
          field(id, "schedule", "Hours", { options: [["", "always open"], ...schedules.map((s) => s.name)], value: r.schedule || "" }),
          field(id, "max_calls", "Max calls at once", { type: "number", value: r.max_calls, help: "0 = no cap" }),
          field(id, "priority", "Caller priority", { type: "number", value: r.priority })),
      ], "Save route", async (f) => {
        await api("PUT", T(t, `/numbers/${n.number}/route`), {
          type: val(f, "type"), target: val(f, "target"), schedule: val(f, "schedule") || null,
          max_calls: num(f, "max_calls") ?? 0, priority: num(f, "priority") ?? 0,
        });
        return "Saved: the next call follows it";
      });
    });
    page(TITLES.numbers, datalist("route-targets", [...queues.map((q) => q.name), ...ivrs.map((i) => i.name)]),
      numbers.length ? cards : h("p", { class: "muted" }, "No numbers yet: your operator assigns them."));
  };

  TENANT.schedules = async (t) => {
    const schedules = await api("GET", T(t, "/schedules"));
    const editor = h("div", { id: "schedule-editor" });
    const edit = (s) => editor.replaceChildren(scheduleForm(t, s));
    page(TITLES.schedules,
      table([["name", "Name"], ["timezone", "Time zone"],
        ["weekly", "Open", (w) => (w || []).map((x) => `${WEEKDAYS[x.weekday].slice(0, 3)} ${x.start}–${x.end}`).join(", ")],
        ["holidays", "Holidays", (x) => (x || []).join(", ")],
        ["name", "Edit", (v, s) => h("button", { type: "button", class: "secondary", onclick: () => edit(s), "aria-label": `Edit ${v}` }, "Edit")]],
      schedules, { id: "schedules-table", caption: "Schedules", empty: "No schedules yet." }),
      h("button", { type: "button", class: "secondary", onclick: () => edit(null) }, "New schedule"), editor);
    edit(null);
  };

  function scheduleForm(t, s) {
    const id = "schedule";
    const zone = (s && s.timezone) || "Asia/Shanghai";
    const byDay = new Map(((s && s.weekly) || []).map((w) => [w.weekday, w]));
    const days = WEEKDAYS.map((name, d) => {
      const w = byDay.get(d);
      return h("fieldset", { class: "day", "data-weekday": d }, h("legend", {}, name),
        h("div", { class: "row" },
          field(`${id}-d${d}`, "open", "Open", { type: "checkbox", value: !!w }),
          field(`${id}-d${d}`, "start", "From", { type: "time", value: w ? w.start : "09:00" }),
          field(`${id}-d${d}`, "end", "To", { type: "time", value: w ? (w.end === "24:00" ? "23:59" : w.end) : "18:00" })));
    });
    const closed = (s && s.closed_destination) || { kind: "hangup", target: "" };
    return formCard(id, s ? `Edit schedule ${s.name}` : "New schedule", [
      h("div", { class: "row" },
        field(id, "name", "Name", { value: s ? s.name : "office", help: "lowercase letters, digits and _" }),
        field(id, "timezone", "Time zone", { value: zone })),
      h("fieldset", {}, h("legend", {}, "Weekly opening hours"), days),
      field(id, "holidays", "Holidays (closed all day), one date per line", { type: "textarea", value: ((s && s.holidays) || []).join("\n"), help: "e.g. 2026-10-01" }),
      h("fieldset", { "data-field": "closed_destination", "aria-describedby": `${id}-closed-error` }, h("legend", {}, "When closed, calls go to"),
        h("div", { class: "row" },
          field(id, "closed_kind", "Destination", { options: DEST_KINDS, value: closed.kind, dataField: "closed_destination.kind" }),
          field(id, "closed_target", "Target", { value: closed.target, dataField: "closed_destination.target" })),
        h("p", { class: "field-error", id: `${id}-closed-error` })),
    ], "Save hours", async (f) => {
      const weekly = [];
      for (const fs of f.querySelectorAll("fieldset.day")) {
        const open = fs.querySelector("[name=open]");
        const [start, end] = [fs.querySelector("[name=start]"), fs.querySelector("[name=end]")];
        start.setAttribute("data-field", "-"); end.setAttribute("data-field", "-");
        if (!open.checked) continue;
        const i = weekly.length;
        start.setAttribute("data-field", `weekly[${i}].start`); end.setAttribute("data-field", `weekly[${i}].end`);
        weekly.push({ weekday: Number(fs.dataset.weekday), start: start.value, end: end.value === "23:59" ? "24:00" : end.value });
      }
      const holidays = val(f, "holidays").split(/[\s,]+/).filter(Boolean);
      const name = val(f, "name");
      if (!/^[a-z][a-z0-9_]{0,31}$/.test(name)) throw new ApiError(400, { message: "a schedule name is lowercase letters, digits and _", details: { field: "name" } });
      await api("PUT", T(t, `/schedules/${name}`), {
        timezone: val(f, "timezone"), weekly, holidays,
        closed_destination: { kind: val(f, "closed_kind"), target: val(f, "closed_target") },
      });
      setTimeout(refresh, 600);
      return `Saved ${name}: calls follow these hours now`;
    });
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
      datalist("dl-voicemail", mailboxes.map((m) => m.mailbox)), datalist("dl-prompt", prompts.map((p) => p.ref)),
      datalist("dl-submenu", []));
    const open = (ivr) => editor.replaceChildren(ivrEditor(t, ivr));
    page(TITLES.ivrs, lists,
      table([["name", "Name"], ["entry", "First menu"], ["menus", "Menus", (m) => Object.keys(m || {}).join(", ")],
        ["name", "Edit", (v, ivr) => h("button", { type: "button", class: "secondary", onclick: () => open(ivr), "aria-label": `Edit IVR ${v}` }, "Edit")]],
      ivrs, { id: "ivrs-table", caption: "IVRs", empty: "No IVRs yet." }),
      h("button", { type: "button", class: "secondary", id: "ivr-new", onclick: () => open(null) }, "New IVR"),
      editor, promptUpload(t, prompts));
    open(ivrs[0] || null);
  };

  function ivrState(ivr) {
    if (!ivr) {
      return { name: "main", entry: "main", greeting: "", menus: [{ name: "main", prompt: "", timeout_s: 5, max_tries: 3,
        options: [{ key: "1", kind: "queue", target: "" }], on_timeout: { kind: "repeat", target: "" },
        on_invalid: { kind: "repeat", target: "" }, on_max_tries: { kind: "hangup", target: "" } }] };
    }
    return { name: ivr.name, entry: ivr.entry, greeting: ivr.greeting || "",
      menus: Object.entries(ivr.menus).map(([name, m]) => ({ name, prompt: m.prompt, timeout_s: m.timeout_s ?? 5, max_tries: m.max_tries ?? 3,
        options: Object.entries(m.options || {}).map(([key, a]) => ({ key, kind: a.kind, target: a.target || "" })),
        on_timeout: m.on_timeout || { kind: "repeat", target: "" }, on_invalid: m.on_invalid || { kind: "repeat", target: "" },
        on_max_tries: m.on_max_tries || { kind: "hangup", target: "" } })) };
  }

  function ivrEditor(t, ivr) {
    const st = ivrState(ivr);
    const id = "ivr";
    const body = h("div", {});
    const bind = (el, obj, key, rerender) => {
      el.addEventListener("input", () => { obj[key] = el.type === "number" ? Number(el.value) : el.value; });
      if (rerender) el.addEventListener("change", draw);
      return el;
    };
    const actionFields = (prefix, fid, action, label) => {
      const kind = field(fid, `${prefix}.kind`, `${label}: action`, { options: IVR_KINDS, value: action.kind });
      const target = field(fid, `${prefix}.target`, `${label}: target`, { value: action.target, list: `dl-${action.kind}` });
      bind(kind.querySelector("select"), action, "kind", true);
      bind(target.querySelector("input"), action, "target");
      if (action.kind === "repeat" || action.kind === "hangup") {
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
        field(id, "name", "IVR name", { value: st.name }), field(id, "entry", "First menu", { options: st.menus.map((m) => m.name), value: st.entry }),
        field(id, "greeting", "Greeting (played once)", { value: st.greeting, list: "dl-prompt" }));
      bind(head.querySelector("[name=name]"), st, "name");
      bind(head.querySelector("[name=entry]"), st, "entry");
      bind(head.querySelector("[name=greeting]"), st, "greeting");
      const menus = st.menus.map((m, mi) => {
        const base = `menus.${m.name}`;
        const fid = `ivr-m${mi}`;
        const nameF = field(fid, `${base}.name`, "Menu name", { value: m.name });
        nameF.querySelector("input").setAttribute("data-field", base);
        bind(nameF.querySelector("input"), m, "name", true);
        const promptF = field(fid, `${base}.prompt`, "Prompt", { value: m.prompt, list: "dl-prompt", help: "an uploaded prompt (tenant/…) or a system sound" });
        bind(promptF.querySelector("input"), m, "prompt");
        const timeoutF = field(fid, `${base}.timeout_s`, "Seconds to wait for a key", { type: "number", value: m.timeout_s });
        bind(timeoutF.querySelector("input"), m, "timeout_s");
        const triesF = field(fid, `${base}.max_tries`, "Tries", { type: "number", value: m.max_tries });
        bind(triesF.querySelector("input"), m, "max_tries");
        const keys = m.options.map((o, oi) => {
          const p = `${base}.options.${o.key}`;
          const keyF = field(`${fid}-k${oi}`, "key", "Key", { options: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"], value: o.key });
          bind(keyF.querySelector("select"), o, "key", true);
          return h("div", { class: "row key" }, keyF, actionFields(p, `${fid}-k${oi}`, o, `Key ${o.key}`),
            h("button", { type: "button", class: "danger", "aria-label": `Remove key ${o.key} of ${m.name}`,
              onclick: () => { m.options.splice(oi, 1); draw(); } }, "Remove key"));
        });
        return h("fieldset", { class: "card menu", "data-menu": m.name }, h("legend", {}, `Menu ${m.name}${m.name === st.entry ? " (first)" : ""}`),
          h("div", { class: "row" }, nameF, promptF, timeoutF, triesF),
          h("fieldset", {}, h("legend", {}, "Keys"), keys,
            h("button", { type: "button", class: "secondary", "aria-label": `Add a key to ${m.name}`, onclick: () => {
              const used = new Set(m.options.map((o) => o.key));
              const key = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "*", "#"].find((k) => !used.has(k)) || "1";
              m.options.push({ key, kind: "queue", target: "" }); draw();
            } }, "Add key")),
          h("fieldset", {}, h("legend", {}, "When the caller presses nothing or a wrong key"),
            actionFields(`${base}.on_timeout`, fid, m.on_timeout, "No key"),
            actionFields(`${base}.on_invalid`, fid, m.on_invalid, "Wrong key"),
            actionFields(`${base}.on_max_tries`, fid, m.on_max_tries, "After the last try")),
          st.menus.length > 1 ? h("button", { type: "button", class: "danger", onclick: () => { st.menus.splice(mi, 1); draw(); } }, `Remove menu ${m.name}`) : null);
      });
      body.replaceChildren(head, ...menus,
        h("button", { type: "button", class: "secondary", id: "ivr-add-menu", onclick: () => {
          let n = st.menus.length + 1; while (st.menus.some((m) => m.name === `menu${n}`)) n++;
          st.menus.push({ name: `menu${n}`, prompt: "", timeout_s: 5, max_tries: 3, options: [], on_timeout: { kind: "repeat", target: "" },
            on_invalid: { kind: "repeat", target: "" }, on_max_tries: { kind: "hangup", target: "" } });
          draw();
        } }, "Add menu"));
    }
    draw();
    return formCard("ivr", ivr ? `Edit IVR ${ivr.name}` : "New IVR", [body], "Save IVR", async () => {
      const menus = {};
      for (const m of st.menus) {
        const options = {};
        for (const o of m.options) options[o.key] = { kind: o.kind, target: o.target };
        menus[m.name] = { prompt: m.prompt, timeout_s: Number(m.timeout_s), max_tries: Number(m.max_tries), options,
          on_timeout: m.on_timeout, on_invalid: m.on_invalid, on_max_tries: m.on_max_tries };
      }
      if (!/^[a-z0-9][a-z0-9_-]{0,31}$/.test(st.name)) throw new ApiError(400, { message: "an IVR name is lowercase letters, digits, _ and -", details: { field: "name" } });
      await api("PUT", T(t, `/ivrs/${st.name}`), { entry: st.entry, greeting: st.greeting, menus });
      return `Saved IVR ${st.name}: the next call uses it`;
    });
  }

  function promptUpload(t, prompts) {
    const id = "prompt";
    return formCard(id, "Prompts", [
      table([["ref", "Use as", (v) => h("code", {}, v)], ["seconds", "Length (s)"]], prompts, { id: "prompts-table", empty: "No uploaded prompts." }),
      h("div", { class: "row" },
        field(id, "name", "Prompt name", { help: "lowercase letters, digits, _ and -" }),
        field(id, "file", "WAV file (8 or 16 kHz mono)", { type: "file" })),
    ], "Upload", async (f) => {
      const file = f.querySelector("[name=file]").files[0];
      if (!file) throw new ApiError(400, { message: "choose a WAV file", details: { field: "file" } });
      const name = val(f, "name");
      if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(name)) throw new ApiError(400, { message: "a prompt name is lowercase letters, digits, _ and -", details: { field: "name" } });
      const saved = await api("PUT", T(t, `/prompts/${name}`), file, { contentType: "audio/wav" });
      document.getElementById("dl-prompt").append(h("option", { value: saved.ref }));
      return `Uploaded ${saved.ref} (${saved.seconds} s)`;
    });
  }

  TENANT.queues = async (t) => {
    const [queues, seats] = await Promise.all([api("GET", T(t, "/queues")), api("GET", T(t, "/seats"))]);
    const memberForms = queues.map((q) => {
      const id = `members-${q.name}`;
      const current = new Map((q.members || []).map((m) => [m.extension, m.penalty ?? 0]));
      return formCard(id, `Members of ${q.name} (extension ${q.extension}, ${q.strategy})`, [
        seats.length ? h("div", { class: "row" }, seats.map((s) => h("div", { class: "row member", "data-extension": s.extension },
          field(`${id}-${s.extension}`, "member", `${s.extension} ${s.name || ""}`.trim(), { type: "checkbox", value: current.has(s.extension) }),
          field(`${id}-${s.extension}`, "penalty", `Penalty of ${s.extension}`, { type: "number", value: current.get(s.extension) ?? 0 }))))
          : h("p", { class: "muted" }, "Add seats first."),
        h("p", { "data-field": "members", "aria-describedby": `${id}-members-error` }, h("span", { class: "field-error", id: `${id}-members-error` })),
      ], "Save members", async (f) => {
        const members = [];
        for (const row of f.querySelectorAll(".member")) {
          if (row.querySelector("[name=member]").checked) {
            members.push({ extension: row.dataset.extension, penalty: Number(row.querySelector("[name=penalty]").value || 0) });
          }
        }
        await api("PUT", T(t, `/queues/${q.name}/members`), { members });
        return `Saved: ${members.length} member(s)`;
      });
    });
    const optionForms = queues.map((q) => queueOptionsForm(t, q, queues));
    const id = "queue-add";
    const add = formCard(id, "Add a queue", [h("div", { class: "row" },
      field(id, "name", "Name", { help: "lowercase letters, digits and _" }),
      field(id, "extension", "Extension", { inputmode: "numeric" }),
      field(id, "strategy", "Ring strategy", { options: ["rrmemory", "ringall", "leastrecent", "fewestcalls", "random", "linear", "wrandom", "rrordered"] }),
      field(id, "ring_timeout", "Ring each agent (s)", { type: "number", value: 15 }),
      field(id, "wrapup_time", "Wrap-up (s)", { type: "number", value: 0 }),
      field(id, "max_wait", "Max wait (s, 0 = none)", { type: "number", value: 0 }),
      field(id, "callback_key", "Callback key", { options: [["", "none"], "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"] }))],
    "Add queue", async (f) => {
      const body = { name: val(f, "name"), extension: val(f, "extension"), strategy: val(f, "strategy"),
        ring_timeout: num(f, "ring_timeout"), wrapup_time: num(f, "wrapup_time"), max_wait: num(f, "max_wait"),
        callback_key: val(f, "callback_key") || null };
      await api("POST", T(t, "/queues"), body);
      await refresh();
      return null;
    });
    page(TITLES.queues, add, h("h2", {}, "Queues"),
      queues.length ? queues.map((q, i) => h("section", { "aria-label": `Queue ${q.name}` }, memberForms[i], optionForms[i]))
        : h("p", { class: "muted" }, "No queues yet."));
  };

  const STRATEGIES = ["rrmemory", "ringall", "leastrecent", "fewestcalls", "random", "linear", "wrandom", "rrordered"];
  function queueOptionsForm(t, q, queues) {
    const id = `options-${q.name}`;
    const n = (name, label, opts = {}) => field(id, name, label, { type: "number", value: q[name], ...opts });
    const overflow = (which, label) => {
      const o = (q.overflow || {})[which];
      return h("div", { class: "row", "data-field": `overflow.${which}`, "aria-describedby": `${id}-overflow-${which}-error` },
        field(id, `overflow.${which}.kind`, `${label}: go to`, { options: [["", "stay / hang up as usual"], ...DEST_KINDS], value: o ? o.kind : "" }),
        field(id, `overflow.${which}.target`, `${label}: target`, { value: o ? o.target : "", list: "queue-targets" }),
        h("p", { class: "field-error", id: `${id}-overflow-${which}-error` }));
    };
    const form = formCard(id, `Options of ${q.name}`, [
      h("div", { class: "row" },
        field(id, "strategy", "Ring strategy", { options: STRATEGIES, value: q.strategy }),
        n("ring_timeout", "Ring each agent (s)"), n("retry", "Pause between rings (s)"), n("wrapup_time", "Wrap-up (s)"),
        n("max_len", "Max callers waiting (0 = no limit)"), n("max_wait", "Max wait (s, 0 = none)"),
        n("service_level", "Service level target (s)"),
        field(id, "music_class", "Music on hold", { value: q.music_class }),
        field(id, "callback_key", "Callback key", { options: [["", "none"], "1", "2", "3", "4", "5", "6", "7", "8", "9", "0"], value: q.callback_key || "" })),
      h("div", { class: "row" },
        field(id, "announce_position", "Announce position", { type: "checkbox", value: q.announce_position }),
        field(id, "announce_holdtime", "Announce hold time", { type: "checkbox", value: q.announce_holdtime }),
        n("announce_frequency", "Announce every (s, 0 = never)")),
      h("fieldset", {}, h("legend", {}, "Overflow"),
        overflow("timeout", "After max wait"), overflow("empty", "Nobody logged in"), overflow("full", "Queue full")),
    ], "Save options", async (f) => {
      const body = { strategy: val(f, "strategy"), music_class: val(f, "music_class"), callback_key: val(f, "callback_key") || null,
        announce_position: val(f, "announce_position"), announce_holdtime: val(f, "announce_holdtime"), overflow: {} };
      for (const k of ["ring_timeout", "retry", "wrapup_time", "max_len", "max_wait", "service_level", "announce_frequency"]) body[k] = num(f, k);
      for (const which of ["timeout", "empty", "full"]) {
        const kind = val(f, `overflow.${which}.kind`);
        body.overflow[which] = kind ? { kind, target: val(f, `overflow.${which}.target`) } : null;
      }
      await api("PUT", T(t, `/queues/${q.name}`), body);
      return `Saved the options of ${q.name}`;
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
      announce(`Playing recording ${r.id}`);
    };
    const policyId = "recording-policy";
    const superviseId = "supervise";
    const supervisors = seats.filter((s) => s.supervisor).map((s) => s.extension);
    page(TITLES.recordings,
      formCard(policyId, "Recording policy", [h("div", { class: "row" },
        field(policyId, "policy", "Record", { options: [["none", "No calls"], ["all", "All calls"], ["on_demand", "On demand"]],
          value: (tenant.recording || {}).policy || "none" }),
        field(policyId, "retention_days", "Keep for (days)", { inputmode: "numeric",
          value: String((tenant.recording || {}).retention_days || 90) }))],
      "Save policy", async (f) => {
        await api("PUT", T(t, "/recording"), { policy: val(f, "policy"), retention_days: num(f, "retention_days") });
        return "Saved the recording policy";
      }),
      h("section", { class: "card", "aria-labelledby": "recordings-title" },
        h("h2", { id: "recordings-title" }, "Recorded calls"),
        table([["created_at", "When"], ["seconds", "Seconds"], ["linkedid", "Call"],
          ["id", "Play", (id, r) => h("button", { type: "button", class: "play", "data-recording": String(id),
            onclick: () => play(r) }, `Play ${id}`)]],
          recordings, { id: "recordings-table", empty: "No recordings yet." }),
        player),
      formCard(superviseId, "Listen to a call", [h("div", { class: "row" },
        field(superviseId, "supervisor", "From supervisor seat", { options: supervisors.length ? supervisors : [""] }),
        field(superviseId, "agent", "Agent seat", { options: seats.map((s) => s.extension) }),
        field(superviseId, "mode", "How", { options: [["listen", "Listen"], ["whisper", "Whisper to the agent"], ["barge", "Barge in"]] }))],
      "Connect", async (f) => {
        await api("POST", T(t, "/supervision"), { supervisor: val(f, "supervisor"), agent: val(f, "agent"), mode: val(f, "mode") });
        return "Your phone is connected to the call";
      }));
  };

  TENANT.mailboxes = async (t) => {
    const boxes = await api("GET", T(t, "/mailboxes"));
    const id = "mailbox-add";
    page(TITLES.mailboxes,
      table([["mailbox", "Mailbox"], ["name", "Name"], ["email", "E-mail"]], boxes, { id: "mailboxes-table", empty: "No mailboxes yet." }),
      formCard(id, "Add a mailbox", [h("div", { class: "row" },
        field(id, "mailbox", "Mailbox number", { inputmode: "numeric" }), field(id, "name", "Name"), field(id, "email", "E-mail", { type: "email" }))],
      "Add mailbox", async (f) => {
        await api("POST", T(t, "/mailboxes"), { mailbox: val(f, "mailbox"), name: val(f, "name"), email: val(f, "email") });
        await refresh();
        return null;
      }));
  };

  TENANT.wallboard = async (t) => {
    const box = h("div", { id: "wallboard", class: "tiles" });
    const stamp = h("p", { class: "muted", id: "wallboard-time" });
    const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 100)} %`);
    const secs = (v) => (v ? `${Math.floor(v / 60)}:${String(Math.floor(v % 60)).padStart(2, "0")}` : "0:00");
    const draw = (data) => {
      box.replaceChildren(...(data.queues.length ? data.queues.map((q) => h("section", { class: "card tile", "data-queue": q.queue, "aria-labelledby": `wb-${q.queue}` },
        h("h2", { id: `wb-${q.queue}` }, q.queue),
        h("dl", { class: "kv" },
          h("dt", {}, "Waiting"), h("dd", { class: "big", "data-figure": "waiting" }, String(q.waiting)),
          h("dt", {}, "Longest wait"), h("dd", { "data-figure": "longest_wait" }, secs(q.longest_wait_s)),
          h("dt", {}, "Answered today"), h("dd", { "data-figure": "answered_today" }, String(q.answered_today)),
          h("dt", {}, "Abandoned today"), h("dd", { "data-figure": "abandoned_today" }, String(q.abandoned_today)),
          h("dt", {}, "Service level today"), h("dd", { "data-figure": "service_level_today" }, pct(q.service_level_today)))))
        : [h("p", { class: "muted" }, "No queues yet.")]));
      stamp.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    };
    const load = async () => {
      try {
        draw(await api("GET", T(t, "/wallboard")));
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        stamp.textContent = `Not updated: ${err.message}`;
      }
    };
    // The full-screen wallboard (issue 6's page, pushed over the live websocket) uses this
    // tab's session: a tenant admin's token names the tenant, an operator's does not.
    const full = session.role === "tenant_admin" ? h("button", { type: "button", class: "secondary", id: "wallboard-full",
      onclick: () => location.assign("/wallboard") }, "Open the full-screen wallboard") : null;
    page(TITLES.wallboard, h("p", { class: "muted" }, "Live queue figures, refreshed every 3 seconds."), full, stamp, box);
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

  TENANT.reports = async (t) => {
    const id = "report";
    const out = h("div", { id: "report-out" });
    const form = formCard(id, "Period", [h("div", { class: "row" },
      field(id, "from", "From day", { type: "date", value: localDate(new Date()) }),
      field(id, "to", "To day (inclusive)", { type: "date", value: localDate(new Date()) }),
      field(id, "tz", "Time zone", { value: browserZone() }),
      field(id, "interval", "Rows per", { options: ["day", "hour", "15min", "month"] }))],
    "Show", async (f) => {
      const zone = val(f, "tz");
      let from; let to;
      try {
        from = zoneOffsetIso(val(f, "from"), zone);
        const end = new Date(`${val(f, "to")}T00:00:00Z`); end.setUTCDate(end.getUTCDate() + 1);
        to = zoneOffsetIso(end.toISOString().slice(0, 10), zone);
      } catch (_e) {
        throw new ApiError(400, { message: "pick valid days and a known time zone", details: { field: zone ? "from" : "tz" } });
      }
      const q = new URLSearchParams({ from, to, tz: zone, interval: val(f, "interval") });
      const kinds = [["queues", "Queues"], ["agents", "Agents"], ["numbers", "Numbers"]];
      const results = await Promise.all(kinds.map(([k]) => api("GET", T(t, `/reports/${k}?${q}`))));
      out.replaceChildren(...kinds.flatMap(([k, label], i) => {
        const rows = results[i];
        const cols = rows.length ? Object.keys(rows[0]).map((c) => [c, c.replace(/_/g, " ")]) : [];
        return [h("h2", { id: `report-${k}-title` }, label),
          h("button", { type: "button", class: "secondary", id: `report-${k}-csv`,
            onclick: () => download(T(t, `/reports/${k}?${q}&format=csv`), `${t}-${k}-${val(f, "from")}.csv`) }, `Download ${label.toLowerCase()} CSV`),
          table(cols, rows, { id: `report-${k}`, caption: `${label} report`, empty: "No calls in this period." })];
      }));
      return "Updated";
    });
    page(TITLES.reports, form, out);
    form.requestSubmit();
  };

  const thisPeriod = () => new Date().toISOString().slice(0, 7);

  TENANT.billing = async (t) => {
    const [plan, usage, invoices] = await Promise.all([
      api("GET", T(t, "/billing/plan")).catch((e) => { if (e.status === 404) return null; throw e; }),
      api("GET", T(t, `/billing/usage?period=${thisPeriod()}`)).catch((e) => { if (e.status === 404) return null; throw e; }),
      api("GET", T(t, "/invoices")),
    ]);
    const detail = h("section", { id: "invoice-detail", "aria-live": "polite" });
    page(TITLES.billing,
      h("section", { class: "card", "aria-labelledby": "plan-title" }, h("h2", { id: "plan-title" }, "Current plan"),
        plan ? planSummary(plan.plan) : h("p", { class: "muted" }, "No plan set yet.")),
      h("section", { class: "card", "aria-labelledby": "usage-title" }, h("h2", { id: "usage-title" }, `Usage so far in ${thisPeriod()}`),
        usage ? objectView(usage) : h("p", { class: "muted" }, "No usage yet.")),
      h("h2", {}, "Invoices"),
      table([["period", "Period"], ["subtotal", "Subtotal"], ["tax", "Tax"], ["total", "Total"], ["currency", "Currency"],
        ["closed", "Closed", (v) => (v ? "yes" : "open")],
        ["period", "Details", (p) => h("div", { class: "row" },
          h("button", { type: "button", class: "secondary", onclick: async () => detail.replaceChildren(h("h2", {}, `Invoice ${p}`), objectView(await api("GET", T(t, `/invoices/${p}`)))) }, `View ${p}`),
          h("button", { type: "button", class: "secondary", onclick: () => download(T(t, `/billing/export?kind=calls&format=csv&period=${p}`), `${t}-calls-${p}.csv`) }, `Calls of ${p} (CSV)`))]],
      invoices, { id: "invoices-table", key: (r) => r.period, empty: "No invoices yet." }),
      h("button", { type: "button", class: "secondary", id: "invoices-csv",
        onclick: () => download(T(t, "/billing/export?kind=invoices&format=csv"), `${t}-invoices.csv`) }, "All invoices (CSV)"),
      detail);
  };

  function planSummary(p) {
    const pairs = [];
    for (const [k, v] of Object.entries(p)) {
      if (v === null || v === undefined) continue;
      pairs.push([k.replace(/_/g, " "), typeof v === "object" ? Object.entries(v).map(([a, b]) => `${a.replace(/_/g, " ")}: ${Array.isArray(b) ? b.join(", ") : b}`).join("; ") : String(v)]);
    }
    return dl(pairs);
  }
  function objectView(o) {
    if (Array.isArray(o)) {
      if (!o.length) return h("p", { class: "muted" }, "none");
      if (typeof o[0] === "object") return table(Object.keys(o[0]).map((c) => [c, c.replace(/_/g, " "), (v) => (typeof v === "object" && v !== null ? JSON.stringify(v) : v)]), o);
      return o.join(", ");
    }
    if (o && typeof o === "object") return dl(Object.entries(o).map(([k, v]) => [k.replace(/_/g, " "), v !== null && typeof v === "object" ? objectView(v) : String(v)]));
    return String(o);
  }

  // ------------------------------------------------------------------ operator pages
  const OP = {};

  OP.tenants = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const id = "tenant-add";
    page(TITLES.tenants,
      formCard(id, "Open a tenant", [h("div", { class: "row" },
        field(id, "id", "Tenant id", { help: "2–16 lowercase letters and digits, used in SIP names" }), field(id, "name", "Company name"),
        field(id, "admin.username", "First admin's username", { autocomplete: "off" }),
        field(id, "admin.password", "First admin's password", { type: "password", autocomplete: "new-password", help: "at least 8 characters" }))],
      "Open tenant", async (f) => {
        await api("POST", "/api/v1/tenants", { id: val(f, "id"), name: val(f, "name"),
          admin: { username: val(f, "admin.username"), password: f.querySelector("[name='admin.password']").value } });
        await refresh();
        return null;
      }),
      h("h2", {}, "Tenants"),
      table([["id", "Id", (v) => h("a", { href: `#/t/${v}/overview` }, v)], ["name", "Name"],
        ["status", "Status", (v) => badge(v === "active", "active", v)],
        ["limits", "Calls cap", (l) => String(l.max_calls || "none")],
        ["id", "Actions", (v, row) => h("button", { type: "button", class: row.status === "active" ? "danger" : "secondary", id: `status-${v}`,
          onclick: async () => {
            const next = row.status === "active" ? "suspended" : "active";
            if (next === "suspended" && !confirm(`Suspend ${v}? Its numbers answer with an announcement and its phones cannot call out.`)) return;
            await api("PUT", `/api/v1/tenants/${v}/status`, { status: next }); announce(`${v} is ${next}`); refresh();
          } }, row.status === "active" ? "Suspend" : "Reactivate")]],
      tenants, { id: "tenants-table", key: (r) => r.id, empty: "No tenants yet." }));
  };

  OP.numbers = async () => {
    const [numbers, tenants] = await Promise.all([api("GET", "/api/v1/numbers"), api("GET", "/api/v1/tenants")]);
    const id = "number-assign";
    page("Number inventory",
      formCard(id, "Assign a number", [h("div", { class: "row" },
        field(id, "tenant", "Tenant", { options: tenants.map((x) => [x.id, `${x.id} — ${x.name}`]) }),
        field(id, "number", "Number", { inputmode: "tel", help: "a 400 or a city number, as written" }))],
      "Assign", async (f) => {
        const n = await api("POST", `/api/v1/tenants/${encodeURIComponent(val(f, "tenant"))}/numbers`, { number: val(f, "number") });
        await refresh();
        announce(`Assigned ${n.display}`);
        return null;
      }),
      h("h2", {}, "Numbers"),
      table([["display", "Number"], ["kind", "Kind"], ["tenant_id", "Tenant", (v) => v || h("span", { class: "muted" }, "free")],
        ["route", "Route", (r) => (r ? `${r.type} ${r.target}` : "—")],
        ["number", "Actions", (v, row) => (row.tenant_id ? h("button", { type: "button", class: "danger", "aria-label": `Release ${row.display}`,
          onclick: async () => {
            if (!confirm(`Release ${row.display} from ${row.tenant_id}? Its route is removed.`)) return;
            await api("DELETE", `/api/v1/tenants/${row.tenant_id}/numbers/${v}`); refresh();
          } }, "Release") : "")]],
      numbers, { id: "numbers-table", key: (r) => r.number, empty: "No numbers yet." }));
  };

  OP.plans = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const holder = h("div", { id: "plan-editor" });
    const pick = h("select", { id: "plan-tenant", onchange: () => load(pick.value) }, tenants.map((x) => h("option", { value: x.id }, `${x.id} — ${x.name}`)));
    async function load(tid) {
      if (!tid) { holder.replaceChildren(h("p", { class: "muted" }, "Open a tenant first.")); return; }
      const current = await api("GET", T(tid, "/billing/plan")).catch((e) => { if (e.status === 404) return null; throw e; });
      const p = (current && current.plan) || {};
      const id = "plan";
      const g = (a, b) => (p[a] && p[a][b] !== undefined ? p[a][b] : "");
      holder.replaceChildren(
        h("section", { class: "card" }, h("h2", {}, `Current plan of ${tid}`), current ? planSummary(p) : h("p", { class: "muted" }, "No plan yet.")),
        formCard(id, `Set the plan of ${tid}`, [
          h("fieldset", {}, h("legend", {}, "Per seat"), h("div", { class: "row" },
            field(id, "per_seat.monthly_price", "Monthly price per seat", { value: g("per_seat", "monthly_price"), inputmode: "decimal" }),
            field(id, "per_seat.minimum_seats", "Minimum seats", { type: "number", value: g("per_seat", "minimum_seats") }))),
          h("fieldset", {}, h("legend", {}, "Per minute"), h("div", { class: "row" },
            field(id, "per_minute.price_per_minute", "Price per minute", { value: g("per_minute", "price_per_minute"), inputmode: "decimal" }),
            field(id, "per_minute.rounding", "Rounding", { options: ["per_minute", "per_6s", "per_second"], value: g("per_minute", "rounding") || "per_minute" }),
            field(id, "per_minute.outbound_price_per_minute", "Outbound / forwarded price per minute", { value: g("per_minute", "outbound_price_per_minute") ?? "", inputmode: "decimal" }))),
          h("fieldset", {}, h("legend", {}, "Per call"), h("div", { class: "row" },
            field(id, "per_call.base_fee", "Base fee", { value: g("per_call", "base_fee"), inputmode: "decimal" }),
            field(id, "per_call.price_per_inbound_call", "Per answered inbound call", { value: g("per_call", "price_per_inbound_call"), inputmode: "decimal" }),
            field(id, "per_call.price_per_outbound_call", "Per outbound call", { value: g("per_call", "price_per_outbound_call"), inputmode: "decimal" }))),
          h("div", { class: "row" },
            field(id, "platform_fee", "Platform fee", { value: p.platform_fee ?? "0", inputmode: "decimal" }),
            field(id, "tax_rate", "Tax rate", { value: p.tax_rate ?? "0", inputmode: "decimal", help: "e.g. 0.06" })),
          h("p", { class: "muted" }, "Leave a component empty to leave it out. Prices are decimal numbers, e.g. 0.12."),
        ], "Save plan", async (f) => {
          const plan = { platform_fee: val(f, "platform_fee") || "0", tax_rate: val(f, "tax_rate") || "0" };
          if (val(f, "per_seat.monthly_price")) plan.per_seat = { monthly_price: val(f, "per_seat.monthly_price"), minimum_seats: num(f, "per_seat.minimum_seats") ?? 0 };
          if (val(f, "per_minute.price_per_minute")) {
            plan.per_minute = { price_per_minute: val(f, "per_minute.price_per_minute"), rounding: val(f, "per_minute.rounding") };
            if (val(f, "per_minute.outbound_price_per_minute")) plan.per_minute.outbound_price_per_minute = val(f, "per_minute.outbound_price_per_minute");
          }
          if (val(f, "per_call.price_per_inbound_call") || val(f, "per_call.base_fee") || val(f, "per_call.price_per_outbound_call")) {
            plan.per_call = { base_fee: val(f, "per_call.base_fee") || "0", price_per_inbound_call: val(f, "per_call.price_per_inbound_call") || "0",
              price_per_outbound_call: val(f, "per_call.price_per_outbound_call") || "0" };
          }
          await api("PUT", T(tid, "/billing/plan"), plan);
          return `Saved the plan of ${tid}`;
        }));
    }
    page(TITLES.plans, h("div", { class: "field" }, h("label", { for: "plan-tenant" }, "Tenant"), pick), holder);
    await load(pick.value);
  };

  OP.billing = async () => {
    const tenants = await api("GET", "/api/v1/tenants");
    const result = h("section", { id: "run-result", "aria-live": "polite" });
    const id = "run";
    const ex = "export";
    page("Billing runs and exports",
      formCard(id, "Run billing for a month", [h("div", { class: "row" },
        field(id, "period", "Month", { value: thisPeriod(), help: "YYYY-MM" }),
        field(id, "close", "Close the month (no later changes)", { type: "checkbox" }))],
      "Run", async (f) => {
        const r = await api("POST", "/api/v1/billing/runs", { period: val(f, "period"), close: val(f, "close") });
        result.replaceChildren(h("h2", {}, `Run of ${val(f, "period")}`), objectView(r));
        return "Done";
      }), result,
      formCard(ex, "Export", [h("div", { class: "row" },
        field(ex, "kind", "What", { options: ["invoices", "calls"] }),
        field(ex, "format", "Format", { options: ["csv", "json"] }),
        field(ex, "period", "Month", { value: thisPeriod() }),
        field(ex, "tenant", "Tenant", { options: [["", "all tenants"], ...tenants.map((x) => x.id)] }))],
      "Download", async (f) => {
        const q = new URLSearchParams({ kind: val(f, "kind"), format: val(f, "format"), period: val(f, "period") });
        if (val(f, "tenant")) q.set("tenant", val(f, "tenant"));
        await download(`/api/v1/billing/export?${q}`, `${val(f, "kind")}-${val(f, "period")}.${val(f, "format")}`);
        return "Downloaded";
      }));
  };

  OP.health = async () => {
    const health = await fetch("/healthz", { cache: "no-store" }).then((r) => r.json()).catch(() => ({ database: false, ami: false }));
    const [tenants, calls] = await Promise.all([
      api("GET", "/api/v1/tenants"),
      api("GET", "/api/v1/platform/calls").catch((e) => { if (e.status === 503) return null; throw e; }),
    ]);
    page(TITLES.health,
      h("section", { class: "card", "aria-label": "Health" }, dl([
        ["Database", h("span", { id: "health-database" }, badge(health.database, "reachable", "DOWN"))],
        ["Asterisk (AMI)", h("span", { id: "health-ami" }, badge(health.ami, "connected", "NOT CONNECTED"))],
        ["Calls now", h("span", { id: "health-calls" }, calls ? `${calls.calls} (${calls.channels} channels)` : "unknown: Asterisk not reachable")],
        ["Tenants", `${tenants.filter((x) => x.status === "active").length} active, ${tenants.filter((x) => x.status !== "active").length} suspended`],
        ["Checked at", new Date().toLocaleString()],
      ])),
      h("h2", {}, "Calls now per tenant"),
      table([["tenant_id", "Tenant", (v) => v || h("span", { class: "muted" }, "not yet routed")], ["calls", "Calls"], ["channels", "Channels"]],
        calls ? calls.tenants : [], { id: "calls-table", key: (r) => r.tenant_id || "", empty: "No calls up." }),
      h("button", { type: "button", class: "secondary", id: "health-refresh", onclick: refresh }, "Check again"));
  };

  // ------------------------------------------------------------------ start
  document.getElementById("signout").addEventListener("click", () => signOut("Signed out."));
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
  window.ccSession.whenSignedOut(() => signOut("Your session has ended; please sign in again."));
  route();
})();
