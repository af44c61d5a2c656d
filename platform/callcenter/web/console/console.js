// Agent console: sign-in, live events over the websocket, the JsSIP browser softphone.
// Plain script, no build step (JsSIP itself is bundled by deploy/setup.sh).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession; // one session module for the three pages
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
    li.textContent = new Date().toISOString().slice(11, 23) + " " + text;
    const list = $("events");
    list.prepend(li);
    while (list.children.length > 200) list.lastChild.remove();
  }

  const api = (method, path, body) => cs.api(method, path, body);

  // ------------------------------------------------------------ sign-in
  $("signin-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    $("signin-error").textContent = "";
    try {
      cc.token = (await cs.signIn($("username").value, $("password").value)).token;
      await start();
    } catch (e) {
      cs.showError($("signin-error"), e);
    }
  });

  async function start() {
    cc.me = await api("GET", "/api/v1/agent/me");
    $("signin").hidden = true;
    $("desk").hidden = false;
    $("who").textContent = `${cc.me.name || cc.me.username} · ${cc.me.tenant} · ext ${cc.me.extension}`;
    $("device").value = cc.me.device;
    $("mobile-number").value = cc.me.mobile_number || "";
    renderQueues(cc.me.queues);
    renderFigures(cc.me.figures);
    renderState(cc.me.state);
    showCreds();
    connect();
    if (cc.me.device === "browser") startPhone();
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
      if (ev.code === 4401 || ev.code === 4403) {
        log("live events refused: " + ev.reason);
        return;
      }
      const delay = Math.min(200 * 2 ** cc.wsRetry++, 5000);
      log(`live events lost (${ev.code}); reconnecting in ${delay} ms`);
      setTimeout(connect, delay);
    };
  }

  function handle(msg) {
    switch (msg.type) {
      case "hello":
        cc.wsRetry = 0;
        log("live events connected");
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
        if (msg.ami_at && !msg.resumed) cc.popDelays.push(msg.received_at - msg.ami_at);
        showPop(msg);
        log(`${msg.type} ${msg.caller.number} (${msg.queue || "direct"})${msg.resumed ? " resumed" : ""}`);
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
        log("answered " + msg.linkedid);
        break;
      case "call.stopped":
        log("stopped ringing " + msg.linkedid);
        if (cc.pop && cc.pop.linkedid === msg.linkedid) $("pop").classList.add("ended");
        break;
      case "call.ended":
        log(`call ended ${msg.linkedid} talk ${msg.talk_s ?? "?"} s, wrap-up ${msg.wrapup_s ?? 0} s`);
        break;
      case "call.failed":
        log("call failed: " + msg.reason);
        break;
      case "error":
        log("error: " + msg.message);
        break;
    }
  }

  function renderState(s) {
    cc.state = s;
    const el = $("presence");
    el.textContent = s.presence === "paused" ? `paused (${s.pause_reason})` : s.presence.replace("_", " ");
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
    $("note").value = "";
    $("disposition").value = "";
    $("note-status").textContent = "";
    showContact();
  }

  function showContact() {
    const pop = cc.pop;
    const c = pop.contact;
    $("pop-crm-status").textContent = "CRM: " + pop.crm.status;
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
      log("contact not saved: " + e.message);
    }
  });

  // ------------------------------------------------------------ actions
  async function act(method, path, body) {
    try {
      const res = await api(method, path, body);
      if (res && res.type === "agent.state") renderState(res);
      return res;
    } catch (e) {
      log(`${path}: ${e.message}`);
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
    if (body.device === "mobile") body.mobile_number = $("mobile-number").value;
    const res = await act("PUT", "/api/v1/agent/device", body);
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
    if (res) $("note-status").textContent = "saved " + res.updated_at.slice(11, 19);
  });

  // ------------------------------------------------------------ browser softphone
  function startPhone() {
    if (cc.ua || typeof JsSIP === "undefined") {
      if (typeof JsSIP === "undefined") $("phone-status").textContent = "JsSIP missing (run setup)";
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
      $("phone-status").textContent = "registered";
      log("softphone registered");
    });
    ua.on("unregistered", () => {
      cc.registered = false;
      $("phone-status").textContent = "not registered";
    });
    ua.on("registrationFailed", (e) => {
      cc.registered = false;
      $("phone-status").textContent = "registration failed: " + e.cause;
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
        log("softphone: call up");
        buttons();
      });
      session.on("ended", () => {
        log("softphone: call ended");
        buttons();
      });
      session.on("failed", (f) => {
        log("softphone: call failed " + f.cause);
        buttons();
      });
      session.on("hold", () => { cc.onHold = true; buttons(); });
      session.on("unhold", () => { cc.onHold = false; buttons(); });
      if (session.connection) attachAudio(session.connection);
      log(e.originator === "remote" ? "softphone: ringing" : "softphone: calling");
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
    $("phone-status").textContent = "not registered";
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

  if (cc.token) start().catch(() => { cs.clear(); cc.token = null; });
})();
