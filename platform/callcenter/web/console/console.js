// Agent console: sign-in, live events over the websocket, the JsSIP browser softphone.
// Plain script, no build step (JsSIP itself is bundled by deploy/setup.sh).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession; // one session module for the three pages
  const I = window.ccI18n;
  const t = I.t;
  const cc = {
    token: (cs.load() || {}).token || null,
    me: null,
    ws: null,
    wsRetry: 0,
    ua: null,
    registered: false,
    session: null,
    state: null,
    pop: null,
    lastLinkedid: null,
    popDelays: [],
    contactDelays: [],
    messages: [],
    onHold: false,
  };
  window.cc = cc;


  function log(text) {
    const li = document.createElement("li");
    li.textContent = I.time(new Date()) + " " + text;
    const list = $("events");
    list.prepend(li);
    while (list.children.length > 200) list.lastChild.remove();
  }

  const api = (method, path, body, opts) => cs.api(method, path, body, opts);

  // ------------------------------------------------------------ sign-in
  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("signin-error").textContent = "";
    prepareAlerts(); // a user gesture: the ring tone may start later, notifications may ask now
    try {
      cc.token = (await cs.signIn($("username").value, $("password").value)).token;
      await start();
    } catch (e) {
      cs.showError($("signin-error"), e);
    }
  });

  async function start() {
    cc.me = await api("GET", "/api/v1/agent/me");
    clearDesk();
    cc.signedIn = true;
    $("signin").hidden = true;
    $("desk").hidden = false;
    $("signout").hidden = false;
    $("who").textContent = t("agent.who", { name: cc.me.name || cc.me.username, tenant: cc.me.tenant, ext: cc.me.extension });
    $("device").value = cc.me.device;
    $("mobile-number").value = cc.me.mobile_number || "";
    renderQueues(cc.me.queues);
    renderFigures(cc.me.figures);
    loadPreviewCampaigns();
    renderState(cc.me.state);
    showCreds();
    connect();
    if (cc.me.device === "browser") startPhone();
  }

  // ------------------------------------------------------------ signing out
  /** Forget everything of the previous session on the page: pop, notes, events, timers. */
  function clearDesk() {
    cc.pop = null;
    cc.previewing = null;
    $("preview-contact").hidden = true;
    $("pop-campaign").hidden = true;
    cc.lastLinkedid = null;
    cc.messages = [];
    $("pop").hidden = true;
    $("pop").classList.remove("ended");
    for (const id of ["pop-number", "pop-name", "pop-did", "pop-queue", "pop-ivr", "pop-waited",
      "contact-name", "contact-company", "contact-email", "contact-notes", "pop-crm-status"]) {
      $(id).textContent = "";
    }
    $("note").value = "";
    $("disposition").value = "";
    $("note-status").textContent = "";
    $("device-error").textContent = "";
    $("events").replaceChildren();
    $("contact-list").replaceChildren();
    $("contact-edit").hidden = true;
    $("contact-q").value = "";
    $("contacts-status").textContent = "";
    clearInterval(wrapupTimer);
    stopRing();
  }

  /** Leave the page signed out: no desk, no phone, no live events, no token. */
  function signedOut(message) {
    cc.signedIn = false;
    cs.clear();
    cc.token = null;
    if (cc.ws) {
      const ws = cc.ws;
      cc.ws = null;
      ws.onclose = null;
      ws.close();
    }
    stopPhone();
    clearDesk();
    cc.me = null;
    $("desk").hidden = true;
    $("signout").hidden = true;
    $("signin").hidden = false;
    $("password").value = "";
    $("presence").textContent = t("agent.signed-out");
    $("presence").className = "presence logged_out";
    $("presence").dataset.presence = "logged_out";
    $("who").textContent = "";
    $("signin-error").textContent = message || "";
  }

  $("signout").onclick = async () => {
    // Out of the queues first, so no call rings a seat nobody watches.
    if (cc.state && cc.state.presence !== "logged_out") await act("POST", "/api/v1/agent/logout");
    signedOut(t("agent.signed-out"));
  };
  cs.whenSignedOut(() => {
    if (cc.signedIn) signedOut(t("agent.session-over"));
  });

  // ------------------------------------------------------------ ring tone and notification
  // The tone is synthesised (450 Hz, 1 s on, 4 s off: the Chinese ring-back cadence), so no
  // sound file is shipped; the audio context is opened on the sign-in click (browsers only
  // let a page make sound after a gesture).
  cc.ringing = false;
  cc.notifications = [];
  let audioCtx = null;
  let ringTimer = null;
  let ringOsc = null;

  function prepareAlerts() {
    try {
      if (!audioCtx && window.AudioContext) audioCtx = new AudioContext();
      if (audioCtx && audioCtx.state === "suspended") audioCtx.resume();
    } catch (_e) {
      audioCtx = null;
    }
    if ("Notification" in window && Notification.permission === "default") {
      Notification.requestPermission().catch(() => {});
    }
  }

  function beep() {
    if (!audioCtx) return;
    const osc = audioCtx.createOscillator();
    const gain = audioCtx.createGain();
    osc.frequency.value = 450;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audioCtx.destination);
    osc.start();
    osc.stop(audioCtx.currentTime + 1);
    ringOsc = osc;
  }

  function startRing() {
    if (cc.ringing) return;
    cc.ringing = true;
    beep();
    ringTimer = setInterval(beep, 5000);
  }

  function stopRing() {
    cc.ringing = false;
    clearInterval(ringTimer);
    ringTimer = null;
    if (ringOsc) {
      try { ringOsc.stop(); } catch (_e) { /* already stopped */ }
      ringOsc = null;
    }
  }

  function notify(pop) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    const title = t("agent.incoming", { number: pop.caller.number || t("agent.withheld") });
    const body = t("agent.incoming-body", { queue: pop.queue || "-", did: pop.did || "-" });
    try {
      const n = new Notification(title, { body, tag: pop.linkedid || "call", requireInteraction: true });
      n.onclick = () => { window.focus(); n.close(); };
      cc.notifications.push(n);
    } catch (_e) {
      /* some platforms allow notifications from service workers only */
    }
  }

  function closeNotifications() {
    for (const n of cc.notifications) {
      try { n.close(); } catch (_e) { /* gone */ }
    }
    cc.notifications = [];
  }

  function showCreds() {
    const el = $("sip-creds");
    el.hidden = cc.me.device !== "sip";
    el.textContent = `SIP: ${cc.me.sip.username} / ${cc.me.sip.password} @ ${cc.me.sip.registrar}`;
  }

  // ------------------------------------------------------------ live events
  function connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/ws";
    const ws = new WebSocket(url);
    cc.ws = ws;
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: cc.token }));
    ws.onmessage = (ev) => {
      const msg = JSON.parse(ev.data);
      msg.received_at = Date.now() / 1000;
      cc.messages.push(msg);
      if (cc.messages.length > 500) cc.messages.shift();
      handle(msg);
    };
    ws.onclose = (ev) => {
      if (cc.ws !== ws) return; // signed out, or replaced
      if (ev.code === 4401 || ev.code === 4403) {
        log(t("agent.log.refused", { reason: I.tOr(`error.${ev.reason}`, ev.reason) }));
        if (ev.code === 4401) signedOut(t("agent.session-over"));
        return;
      }
      const delay = Math.min(200 * 2 ** cc.wsRetry++, 5000);
      log(t("agent.log.lost", { code: ev.code, wait: I.duration(delay / 1000) }));
      setTimeout(connect, delay);
    };
  }

  function handle(msg) {
    switch (msg.type) {
      case "hello":
        cc.wsRetry = 0;
        log(t("agent.log.connected"));
        break;
      case "agent.state":
        renderState(msg);
        break;
      case "agent.figures":
        renderFigures(msg);
        break;
      case "agent.queue":
        for (const q of cc.me.queues) if (q.name === msg.queue) q.logged_in = msg.logged_in;
        renderQueues(cc.me.queues);
        break;
      case "call.ringing":
      case "call.outbound":
        if (msg.resumed && msg.ended && !(cc.state && cc.state.presence === "wrapup")) break;
        if (msg.ami_at && !msg.resumed) cc.popDelays.push(msg.received_at - msg.ami_at);
        if (msg.type === "call.ringing" && !msg.resumed) notify(msg);
        showPop(msg);
        log(t(msg.resumed ? "agent.log.pop-resumed" : "agent.log.pop", { number: msg.caller.number, queue: msg.queue || t("agent.log.direct") }));
        break;
      case "call.contact":
        if (cc.pop && cc.pop.linkedid === msg.linkedid) {
          cc.contactDelays.push(msg.received_at - cc.pop.ami_at);
          cc.pop.contact = msg.contact;
          cc.pop.crm = msg.crm;
          showContact();
        }
        break;
      case "call.answered":
        log(t("agent.log.answered", { id: msg.linkedid }));
        break;
      case "call.stopped":
        log(t("agent.log.stopped-ringing", { id: msg.linkedid }));
        if (cc.pop && cc.pop.linkedid === msg.linkedid) $("pop").classList.add("ended");
        break;
      case "call.ended":
        log(t("agent.log.ended", { id: msg.linkedid, talk: I.duration(msg.talk_s ?? 0), wrapup: I.duration(msg.wrapup_s ?? 0) }));
        break;
      case "call.failed":
        log(t("agent.log.failed", { reason: I.tOr(`error.${msg.reason}`, msg.reason) }));
        break;
      case "error":
        log(t("agent.log.error", { reason: I.tOr(`error.${msg.error || msg.reason}`, msg.message) }));
        break;
    }
  }

  function renderState(s) {
    cc.state = s;
    if (s.presence === "ringing") startRing();
    else {
      stopRing();
      closeNotifications();
    }
    const el = $("presence");
    el.textContent = s.presence === "paused"
      ? t("agent.paused-for", { reason: I.tOr(`reason.${s.pause_reason}`, s.pause_reason) })
      : I.tOr(`presence.${s.presence}`, s.presence.replace("_", " "));
    el.removeAttribute("data-i18n");
    el.className = "presence " + s.presence;
    el.dataset.presence = s.presence;
    $("wrapup-left").textContent = s.wrapup_left;
    $("end-wrapup").hidden = s.presence !== "wrapup";
    if (s.presence === "wrapup") tickWrapup(s.wrapup_left);
  }

  let wrapupTimer = null;
  function tickWrapup(left) {
    clearInterval(wrapupTimer);
    let n = left;
    wrapupTimer = setInterval(() => {
      n = Math.max(0, n - 1);
      $("wrapup-left").textContent = n;
      if (n === 0) clearInterval(wrapupTimer);
    }, 1000);
  }

  function renderFigures(f) {
    $("fig-answered").textContent = f.answered;
    $("fig-talk").textContent = f.talk_s;
    $("fig-missed").textContent = f.missed;
  }

  function renderQueues(queues) {
    const ul = $("queues");
    ul.replaceChildren();
    for (const q of queues) {
      const li = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.checked = q.logged_in;
      box.id = "queue-" + q.name;
      box.addEventListener("change", () =>
        act("POST", `/api/v1/agent/queues/${encodeURIComponent(q.name)}/${box.checked ? "login" : "logout"}`),
      );
      const label = document.createElement("label");
      label.htmlFor = box.id;
      label.textContent = ` ${q.name} (${q.extension}, wrap-up ${q.wrapup_time} s)`;
      li.append(box, label);
      ul.append(li);
    }
  }

  function showPop(pop) {
    cc.pop = pop;
    if (pop.linkedid) cc.lastLinkedid = pop.linkedid;
    $("pop").hidden = false;
    $("pop").classList.remove("ended");
    $("pop-number").textContent = pop.caller.number || "(withheld)";
    $("pop-name").textContent = pop.caller.name || "";
    $("pop-did").textContent = pop.did || "-";
    $("pop-queue").textContent = pop.queue || "-";
    $("pop-ivr").textContent = (pop.ivr_keys || []).join(" › ") || "-";
    $("pop-waited").textContent = pop.waited_s;
    const ss = pop.selfservice;
    $("pop-ss").hidden = !ss;
    $("pop-ss-digits").textContent = ss ? ss.digits || "-" : "";
    $("pop-ss-lookup").textContent = ss && ss.lookup ? t("agent.ss-lookup", { status: I.tOr(`ss.${ss.lookup}`, ss.lookup) }) : "";
    $("note").value = "";
    $("disposition").value = "";
    $("note-status").textContent = "";
    showContact();
  }

  // A campaign contact: its own columns, the campaign's script and dispositions.
  function fillCampaign(prefix, c) {
    $(`${prefix}-campaign-contact`).textContent = c.name || "";
    const dl = $(`${prefix}-campaign-fields`);
    dl.replaceChildren();
    for (const [k, v] of Object.entries(c.fields || {})) {
      const dt = document.createElement("dt");
      dt.textContent = k;
      const dd = document.createElement("dd");
      dd.textContent = v;
      dl.append(dt, dd);
    }
    $(`${prefix}-campaign-script`).textContent = c.campaign.script || "";
  }

  function showCampaign(c) {
    $("pop-campaign").hidden = false;
    $("pop-campaign-name").textContent = c.campaign.name;
    fillCampaign("pop", c);
    const select = $("campaign-result");
    select.replaceChildren();
    const none = document.createElement("option");
    none.value = "";
    none.textContent = t("campaign.result-none");
    select.append(none);
    for (const d of c.campaign.dispositions) {
      const o = document.createElement("option");
      o.value = d;
      o.textContent = d;
      o.translate = false;
      if (c.disposition === d) o.selected = true;
      select.append(o);
    }
    $("campaign-result-status").textContent = "";
  }

  $("campaign-result-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const c = cc.pop && cc.pop.contact;
    const disposition = $("campaign-result").value;
    if (!c || c.source !== "campaign" || !disposition) return;
    const path = `/api/v1/tenants/${encodeURIComponent(cc.me.tenant)}/campaigns/${c.campaign.id}/contacts/${c.id}/disposition`;
    const res = await act("PUT", path, { disposition });
    if (res) $("campaign-result-status").textContent = t(res.success ? "campaign.saved-success" : "campaign.saved");
  });

  // Preview dialling: the agent takes the next contact, reads it, dials or skips it.
  async function loadPreviewCampaigns() {
    const select = $("preview-campaign");
    try {
      const list = await api("GET", "/api/v1/agent/campaigns");
      select.replaceChildren();
      for (const c of list) {
        const o = document.createElement("option");
        o.value = c.id;
        o.textContent = c.name;
        o.translate = false;
        select.append(o);
      }
      $("preview-status").textContent = list.length ? "" : t("campaign.none");
    } catch (e) {
      $("preview-status").textContent = cs.errorText(e);
    }
  }
  cc.previewing = null;
  $("preview-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const id = $("preview-campaign").value;
    if (!id) return loadPreviewCampaigns();
    try {
      const c = await api("POST", `/api/v1/agent/campaigns/${id}/next`);
      cc.previewing = c;
      $("preview-contact").hidden = false;
      $("preview-campaign-phone").textContent = c.phone;
      fillCampaign("preview", c);
      $("preview-status").textContent = "";
    } catch (e) {
      $("preview-contact").hidden = true;
      $("preview-status").textContent = cs.errorText(e);
    }
  });
  $("preview-dial").onclick = async () => {
    const c = cc.previewing;
    if (!c) return;
    const res = await act("POST", `/api/v1/agent/campaigns/${c.campaign.id}/contacts/${c.id}/dial`);
    if (res) {
      $("preview-contact").hidden = true;
      cc.previewing = null;
    }
  };
  $("preview-skip").onclick = async () => {
    const c = cc.previewing;
    if (!c) return;
    await act("POST", `/api/v1/agent/campaigns/${c.campaign.id}/contacts/${c.id}/skip`);
    $("preview-contact").hidden = true;
    cc.previewing = null;
  };

  function showContact() {
    const pop = cc.pop;
    const c = pop.contact;
    $("pop-crm-status").textContent = t("agent.crm-status", { status: I.tOr(`crm.${pop.crm.status}`, pop.crm.status) });
    $("pop-campaign").hidden = true;
    if (c && c.source === "campaign") {
      showCampaign(c);
      $("pop-contact").hidden = true;
      $("new-contact").hidden = true;
      return;
    }
    $("pop-contact").hidden = !c;
    $("new-contact").hidden = !!c || pop.crm.status === "pending" || !pop.caller.number;
    if (c) {
      $("contact-name").textContent = c.name;
      $("contact-company").textContent = c.company || "";
      $("contact-email").textContent = c.email || "";
      $("contact-notes").textContent = c.notes || "";
    }
  }

  $("new-contact").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const contact = await api("POST", `/api/v1/tenants/${cc.me.tenant}/contacts`, {
        phone: cc.pop.caller.number,
        name: $("nc-name").value,
        company: $("nc-company").value,
        email: $("nc-email").value,
      });
      cc.pop.contact = contact;
      cc.pop.crm = { status: "found" };
      showContact();
    } catch (e) {
      log(t("agent.log.contact-not-saved", { reason: cs.errorText(e) }));
    }
  });

  // ------------------------------------------------------------ contacts
  // Search, edit, each contact's calls, CSV export and import (the tenant's hosted CRM).
  const contactsBase = () => `/api/v1/tenants/${encodeURIComponent(cc.me.tenant)}/contacts`;
  let editing = null;

  async function searchContacts(quiet = false) {
    const q = $("contact-q").value.trim();
    const list = $("contact-list");
    try {
      const found = await api("GET", `${contactsBase()}?q=${encodeURIComponent(q)}`);
      list.replaceChildren();
      for (const c of found) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.className = "contact-hit";
        b.dataset.id = c.id;
        b.textContent = [c.name, c.phone, c.company].filter(Boolean).join(" · ");
        b.onclick = () => openContact(c.id);
        li.append(b);
        list.append(li);
      }
      if (!quiet) $("contacts-status").textContent = t("contacts.found", { n: found.length });
    } catch (e) {
      $("contacts-status").textContent = window.ccI18n.errorText(e.body, e.status);
    }
  }
  $("contact-search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    searchContacts();
  });

  async function openContact(id) {
    const data = await api("GET", `${contactsBase()}/${id}/calls`);
    const c = data.contact;
    editing = c.id;
    $("contact-edit").hidden = false;
    $("ce-name").value = c.name;
    $("ce-phone").value = c.phone;
    $("ce-company").value = c.company;
    $("ce-email").value = c.email;
    $("ce-notes").value = c.notes;
    $("ce-status").textContent = "";
    const body = $("contact-calls").tBodies[0];
    body.replaceChildren();
    for (const call of data.calls) {
      const tr = document.createElement("tr");
      const result = call.answered ? t("contacts.answered", { talk: window.ccI18n.duration(call.talk_s) }) : t("contacts.missed");
      const cells = [
        window.ccI18n.dateTime(call.start),
        t(call.direction === "outbound" ? "contacts.outbound" : "contacts.inbound"),
        result,
        call.note,
      ];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      body.append(tr);
    }
    if (!data.calls.length) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 4;
      td.textContent = t("contacts.no-calls");
      tr.append(td);
      body.append(tr);
    }
  }

  $("contact-edit").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("PUT", `${contactsBase()}/${editing}`, {
        name: $("ce-name").value,
        phone: $("ce-phone").value.replace(/\D/g, ""),
        company: $("ce-company").value,
        email: $("ce-email").value,
        notes: $("ce-notes").value,
      });
      $("ce-status").textContent = t("contacts.saved");
      searchContacts(true);
    } catch (e) {
      $("ce-status").textContent = window.ccI18n.errorText(e.body, e.status);
    }
  });

  $("contacts-export").onclick = async () => {
    const resp = await api("GET", `${contactsBase()}.csv`, undefined, { raw: true });
    const url = URL.createObjectURL(await resp.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = "contacts.csv";
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  $("contacts-import").onchange = async () => {
    const file = $("contacts-import").files[0];
    if (!file) return;
    try {
      const res = await api("POST", `${contactsBase()}.csv`, file, { contentType: "text/csv" });
      $("contacts-status").textContent = t("contacts.imported", res);
      searchContacts(true);
    } catch (e) {
      const line = e.body && e.body.details && e.body.details.line;
      const text = window.ccI18n.errorText(e.body, e.status);
      $("contacts-status").textContent = line ? t("contacts.import-line", { line, error: text }) : text;
    }
    $("contacts-import").value = "";
  };

  // ------------------------------------------------------------ actions
  async function act(method, path, body) {
    try {
      const res = await api(method, path, body);
      if (res && res.type === "agent.state") renderState(res);
      return res;
    } catch (e) {
      log(t("agent.log.refused-action", { reason: cs.errorText(e) }));
      return null;
    }
  }

  $("login").onclick = () => act("POST", "/api/v1/agent/login");
  $("logout").onclick = () => act("POST", "/api/v1/agent/logout");
  $("pause").onclick = () => act("POST", "/api/v1/agent/pause", { reason: $("pause-reason").value });
  $("unpause").onclick = () => act("POST", "/api/v1/agent/unpause");
  $("end-wrapup").onclick = () => act("POST", "/api/v1/agent/wrapup/end");
  $("device").onchange = async () => {
    const body = { device: $("device").value };
    $("device-error").textContent = "";
    if (body.device === "mobile") {
      body.mobile_number = $("mobile-number").value.trim();
      if (!body.mobile_number) {
        // Nothing is saved: the seat keeps ringing where it rang.
        $("device").value = cc.me.device;
        $("device-error").textContent = t("agent.mobile-needed");
        $("mobile-number").focus();
        return;
      }
    }
    let res = null;
    try {
      res = await api("PUT", "/api/v1/agent/device", body);
    } catch (e) {
      $("device").value = cc.me.device;
      cs.showError($("device-error"), e);
      return;
    }
    if (res) {
      cc.me.device = res.device;
      showCreds();
      if (res.device === "browser") startPhone();
      else stopPhone();
    }
  };
  const xfer = (mode) =>
    act("POST", "/api/v1/agent/transfer", {
      mode,
      target_type: $("xfer-type").value,
      target: $("xfer-target").value,
    });
  $("xfer-blind").onclick = () => xfer("blind");
  $("xfer-attended").onclick = () => xfer("attended");
  $("xfer-cancel").onclick = () => act("POST", "/api/v1/agent/transfer/cancel");
  $("dial-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    act("POST", "/api/v1/agent/dial", { number: $("dial-number").value });
  });
  $("note-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const linkedid = (cc.pop && cc.pop.linkedid) || cc.lastLinkedid;
    if (!linkedid) return;
    const res = await act("PUT", `/api/v1/agent/calls/${encodeURIComponent(linkedid)}/note`, {
      note: $("note").value,
      disposition: $("disposition").value,
    });
    if (res) $("note-status").textContent = t("agent.note-saved", { time: I.time(res.updated_at) });
  });

  // ------------------------------------------------------------ browser softphone
  function startPhone() {
    if (cc.ua || typeof JsSIP === "undefined") {
      if (typeof JsSIP === "undefined") $("phone-status").textContent = t("agent.jssip-missing");
      return;
    }
    const sip = cc.me.sip;
    const socket = new JsSIP.WebSocketInterface(sip.ws_url);
    const ua = new JsSIP.UA({
      sockets: [socket],
      uri: sip.uri,
      authorization_user: sip.username,
      password: sip.password,
      register: true,
      session_timers: false,
      user_agent: "callcenter-console",
    });
    cc.ua = ua;
    ua.on("registered", () => {
      cc.registered = true;
      $("phone-status").textContent = t("agent.registered");
      log(t("agent.log.registered"));
    });
    ua.on("unregistered", () => {
      cc.registered = false;
      $("phone-status").textContent = t("agent.not-registered");
    });
    ua.on("registrationFailed", (e) => {
      cc.registered = false;
      $("phone-status").textContent = t("agent.registration-failed", { cause: e.cause });
    });
    ua.on("newRTCSession", (e) => {
      const session = e.session;
      if (cc.session && !cc.session.isEnded()) {
        if (e.originator === "remote") session.terminate({ status_code: 486 });
        return;
      }
      cc.session = session;
      cc.onHold = false;
      session.on("peerconnection", (pe) => attachAudio(pe.peerconnection));
      session.on("confirmed", () => {
        log(t("agent.log.call-up"));
        buttons();
      });
      session.on("ended", () => {
        log(t("agent.log.call-ended"));
        buttons();
      });
      session.on("failed", (f) => {
        log(t("agent.log.call-failed", { cause: f.cause }));
        buttons();
      });
      session.on("hold", () => { cc.onHold = true; buttons(); });
      session.on("unhold", () => { cc.onHold = false; buttons(); });
      if (session.connection) attachAudio(session.connection);
      log(e.originator === "remote" ? t("agent.log.ringing") : t("agent.log.calling"));
      buttons();
      // Click-to-call: the platform rings the agent first; the agent asked for it.
      if (e.originator === "remote" && cc.pop && cc.pop.type === "call.outbound" && !cc.pop.answered) {
        cc.pop.answered = true;
        answer();
      }
    });
    ua.start();
  }

  function stopPhone() {
    if (cc.ua) cc.ua.stop();
    cc.ua = null;
    cc.registered = false;
    $("phone-status").textContent = t("agent.not-registered");
  }

  function attachAudio(pc) {
    cc.pc = pc;
    pc.addEventListener("track", (ev) => {
      $("remote-audio").srcObject = ev.streams[0];
    });
  }

  function buttons() {
    const s = cc.session;
    const live = s && !s.isEnded();
    const ringing = live && s.direction === "incoming" && !s.isEstablished();
    $("answer").disabled = !ringing;
    $("hangup").disabled = !live;
    $("hold").disabled = !(live && s.isEstablished() && !cc.onHold);
    $("unhold").disabled = !(live && s.isEstablished() && cc.onHold);
  }

  function answer() {
    if (!cc.session) return;
    cc.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
  }
  $("answer").onclick = answer;
  $("hangup").onclick = () => cc.session && cc.session.terminate();
  $("hold").onclick = () => cc.session && cc.session.hold();
  $("unhold").onclick = () => cc.session && cc.session.unhold();

  // Audio check used by tests: RTP packets sent and received by the softphone.
  cc.rtpStats = async () => {
    const out = { sent: 0, received: 0, codec: null };
    if (!cc.pc) return out;
    const stats = await cc.pc.getStats();
    stats.forEach((r) => {
      if (r.type === "outbound-rtp" && r.kind === "audio") out.sent += r.packetsSent || 0;
      if (r.type === "inbound-rtp" && r.kind === "audio") out.received += r.packetsReceived || 0;
      if (r.type === "codec" && !out.codec) out.codec = r.mimeType;
    });
    return out;
  };

  document.getElementById("locale-slot").replaceWith(I.switcher("locale-switch"));
  I.onChange(() => { if (cc.me) { $("who").textContent = t("agent.who", { name: cc.me.name || cc.me.username, tenant: cc.me.tenant, ext: cc.me.extension }); if (cc.state) renderState(cc.state); } });
  I.ready.then(() => { if (cc.token) start().catch(() => { cs.clear(); cc.token = null; }); });
})();
