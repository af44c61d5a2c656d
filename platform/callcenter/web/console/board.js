// The supervisor board: every agent in the supervisor's scope with state, time in state and
// current call, one click to listen, whisper or barge, force pause or log-out; queue figures
// and alerts. A snapshot from GET .../board, then live over /api/v1/ws: agent.state and call
// pops from the agent workspace update one row each; board.queues (once a second when it
// changed) carries queue figures and alerts. The socket asks for batch frames: messages the
// server queued together (a burst: many agents changing at once) arrive in one frame, are
// applied to the model in order, and each touched row is redrawn once, in the same task.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession;
  const I = window.ccI18n;
  const t = I.t;
  const SEAT_KEY = "cc.board.seat";
  let session = cs.load();
  const agents = new Map(); // extension -> board row
  const pops = new Map(); // extension -> last call pop (caller, queue)
  let queues = [];
  let alerts = [];
  let ws = null;
  // Bench and tests: when each live message was applied to the page (sent_at, applied_at).
  const applied = [];
  window.ccBoard = { agents, applied };

  const tenantPath = () => `/api/v1/tenants/${encodeURIComponent(session.tenant)}`;
  const now = () => Date.now() / 1000;

  function cell(text, cls, label) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    if (label) td.dataset.label = label;
    return td;
  }

  function button(key, kind, ext, disabled) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = t(key);
    b.dataset.action = kind;
    b.dataset.agent = ext;
    b.disabled = disabled;
    b.setAttribute("aria-label", t("sb.action-on", { action: t(key), agent: ext }));
    return b;
  }

  function callerText(call) {
    if (!call || !call.caller) return "";
    const c = call.caller;
    return c.name ? `${c.name} ${c.number}` : c.number || "";
  }

  // i18n-keys: presence = available, ringing, on_call, wrapup, paused, logged_out
  function presenceText(row) {
    const label = t(`presence.${row.presence}`);
    return row.presence === "paused" && row.pause_reason ? t("sb.paused-because", { label, reason: row.pause_reason }) : label;
  }

  // Each agent's row is built once and then updated in place: one message touches a few
  // text nodes, not a new subtree (200 agents changing at once stay cheap).
  function buildRow(ext) {
    const tr = document.createElement("tr");
    tr.dataset.agent = ext;
    const th = document.createElement("th");
    th.scope = "row";
    th.translate = false;
    const el = { tr, th, state: cell("", "state", t("sb.col.state")), inState: cell("", "in-state", t("sb.col.in-state")),
      caller: cell("", "caller", t("sb.col.caller")), queue: cell("", "queue", t("report.col.queue")),
      duration: cell("", "duration", t("sb.col.duration")) };
    const td = document.createElement("td");
    td.className = "actions";
    el.listen = button("sb.listen", "listen", ext, true);
    el.whisper = button("sb.whisper", "whisper", ext, true);
    el.barge = button("sb.barge", "barge", ext, true);
    el.pause = button("sb.pause", "pause", ext, true);
    el.unpause = button("sb.unpause", "unpause", ext, false);
    el.logout = button("sb.logout", "logout", ext, true);
    td.append(el.listen, el.whisper, el.barge, el.pause, el.unpause, el.logout);
    tr.append(th, el.state, el.inState, el.caller, el.queue, el.duration, td);
    return el;
  }

  // Writes only what changed: an unchanged text or class is not replaced, so the browser
  // has less style and layout to redo after a burst.
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }
  function setProp(node, key, value) {
    if (node[key] !== value) node[key] = value;
  }

  function fillRow(el, row) {
    const t0 = now();
    if (el.tr.dataset.presence !== row.presence) el.tr.dataset.presence = row.presence;
    setText(el.th, row.name ? `${row.agent} ${row.name}` : row.agent);
    setText(el.state, presenceText(row));
    setProp(el.state, "className", `state p-${row.presence}`);
    setText(el.inState, row.since ? I.duration(t0 - row.since) : "");
    const call = row.call;
    setText(el.caller, callerText(call));
    setText(el.queue, call ? call.queue || "" : "");
    setText(el.duration, call ? I.duration(t0 - call.since) : "");
    const onCall = !!call && call.phase === "on_call";
    for (const b of [el.listen, el.whisper, el.barge]) setProp(b, "disabled", !onCall);
    const paused = row.presence === "paused";
    setProp(el.pause, "hidden", paused);
    setProp(el.unpause, "hidden", !paused);
    const out = row.presence === "logged_out";
    setProp(el.pause, "disabled", out);
    setProp(el.logout, "disabled", out);
  }

  const rowEls = new Map(); // extension -> its row's elements
  // Rows (and the queue table) touched by the messages of one frame, redrawn by flush().
  const dirty = new Set();
  let queuesDirty = false;
  function flush() {
    const stale = [...dirty].some((ext) => agents.has(ext) && !(rowEls.get(ext) && rowEls.get(ext).tr.isConnected));
    if (stale) renderAgents(); // a row not drawn yet: the table is rebuilt once
    else for (const ext of dirty) { const row = agents.get(ext); if (row) fillRow(rowEls.get(ext), row); }
    dirty.clear();
    if (queuesDirty) renderQueues();
    queuesDirty = false;
  }

  function renderAgents() {
    rowEls.clear();
    $("agents").replaceChildren(...[...agents.values()].sort((a, b) => a.agent.localeCompare(b.agent)).map((row) => {
      const el = buildRow(row.agent);
      fillRow(el, row);
      rowEls.set(row.agent, el);
      return el.tr;
    }));
  }

  // Outbound campaigns of the supervisor's queues (running, paused, or ended in the last
  // hour), pushed as they change (type "campaigns", campaigns/live.py).
  let campaigns = [];
  function renderCampaigns() {
    const body = $("campaigns");
    body.replaceChildren();
    $("campaign-table").hidden = campaigns.length === 0;
    for (const c of campaigns) {
      const tr = document.createElement("tr");
      tr.dataset.campaign = String(c.id);
      const th = document.createElement("th");
      th.scope = "row";
      th.translate = false; // a name the tenant typed
      th.textContent = c.name;
      tr.append(th);
      // i18n-keys: campaign.status = draft, running, paused, stopped, completed
      tr.append(cell(t(`campaign.status.${c.status}`), "", t("c.status")));
      tr.append(cell(I.number(c.dialled), "", t("campaign.dialled")));
      tr.append(cell(I.number(c.reached), "", t("campaign.reached")));
      tr.append(cell(I.number(c.success), "", t("campaign.success-count")));
      tr.append(cell(I.percent(c.abandon_rate_percent / 100, 1), c.abandon_rate_percent > c.abandon_cap_percent ? "bad" : "", t("campaign.abandon-rate")));
      tr.append(cell(I.number(c.agents_busy), "", t("campaign.agents-busy")));
      body.append(tr);
    }
  }

  function renderQueues() {
    const body = $("queues");
    body.replaceChildren();
    const flagged = new Set(alerts.map((a) => `${a.queue}:${a.kind}`));
    for (const q of queues) {
      const tr = document.createElement("tr");
      tr.dataset.queue = q.queue;
      const th = document.createElement("th");
      th.scope = "row";
      th.translate = false;
      th.textContent = q.queue;
      tr.append(th);
      tr.append(cell(String(q.waiting)));
      tr.append(cell(I.duration(q.longest_wait_s), flagged.has(`${q.queue}:longest_wait`) ? "bad" : ""));
      const sl = q.service_level_today;
      tr.append(cell(sl === null || sl === undefined ? "–" : I.percent(sl, 0), flagged.has(`${q.queue}:service_level`) ? "bad" : ""));
      body.append(tr);
    }
    // i18n-keys: sb.alert = service_level, longest_wait
    const list = $("alerts");
    list.replaceChildren(...alerts.map((a) => {
      const li = document.createElement("li");
      li.dataset.queue = a.queue;
      li.dataset.kind = a.kind;
      const value = a.kind === "service_level" ? I.percent(a.value, 0) : I.duration(a.value);
      const limit = a.kind === "service_level" ? I.percent(a.threshold, 0) : I.duration(a.threshold);
      li.textContent = t(`sb.alert.${a.kind}`, { queue: a.queue, value, limit });
      return li;
    }));
    $("no-alerts").hidden = alerts.length > 0;
  }

  // ------------------------------------------------------------ live messages
  function onState(msg) {
    const row = agents.get(msg.agent);
    if (!row) return; // outside this supervisor's scope, or not loaded yet
    row.presence = msg.presence;
    row.since = msg.since;
    row.paused = msg.paused;
    row.pause_reason = msg.pause_reason;
    if (!msg.linkedid) row.call = null;
    else if (!row.call || row.call.linkedid !== msg.linkedid) {
      const pop = pops.get(msg.agent);
      const mine = pop && pop.linkedid === msg.linkedid;
      row.call = { linkedid: msg.linkedid, phase: msg.presence === "on_call" ? "on_call" : "ringing", since: msg.since,
        caller: mine ? pop.caller : null, queue: mine ? pop.queue || "" : "" };
    } else {
      if (msg.presence === "on_call" && row.call.phase !== "on_call") row.call.since = msg.since;
      row.call.phase = msg.presence === "on_call" ? "on_call" : row.call.phase;
    }
    dirty.add(msg.agent);
  }

  function onPop(msg) {
    if (!msg.agent) return;
    pops.set(msg.agent, msg);
    const row = agents.get(msg.agent);
    if (row && row.call && row.call.linkedid === msg.linkedid) {
      row.call.caller = msg.caller || row.call.caller;
      row.call.queue = msg.queue || row.call.queue;
      dirty.add(msg.agent);
    }
  }

  async function refresh() {
    const board = await cs.api("GET", `${tenantPath()}/board`);
    agents.clear();
    for (const row of board.agents) agents.set(row.agent, row);
    queues = board.queues;
    alerts = board.alerts;
    renderAgents();
    renderQueues();
    if (session.role === "tenant_admin") await loadThresholds();
  }

  // One live message into the model; true when it is one the board shows.
  function take(msg) {
    if (msg.type === "hello") {
      refresh().then(() => { $("status").textContent = t("wb.live"); }, (err) => cs.showError($("status"), err));
      return false;
    }
    if (msg.type === "agent.state") onState(msg);
    else if (msg.type === "call.ringing" || msg.type === "call.outbound") onPop(msg);
    else if (msg.type === "board.queues") { queues = msg.queues; alerts = msg.alerts; queuesDirty = true; }
    else if (msg.type === "campaigns") { campaigns = msg.campaigns; renderCampaigns(); }
    else return false;
    return true;
  }

  function connect() {
    ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws`);
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: session.token, batch: true }));
    ws.onmessage = (ev) => {
      const frame = JSON.parse(ev.data);
      const taken = [];
      for (const msg of frame.type === "batch" ? frame.messages : [frame]) {
        if (take(msg) && msg.sent_at) taken.push(msg);
      }
      flush();
      const at = now();
      for (const msg of taken) if (applied.length < 100000) applied.push([msg.sent_at, at, msg.agent || ""]);
    };
    ws.onclose = (ev) => {
      if (ev.code === 4401 || ev.code === 4403) { $("status").textContent = t("wb.signed-out", { reason: I.tOr(`error.${ev.reason}`, ev.reason) }); return; }
      $("status").textContent = t("wb.reconnecting");
      setTimeout(connect, 1000);
    };
  }

  // ------------------------------------------------------------ actions
  // i18n-keys: sb.done = listen, whisper, barge, pause, unpause, logout
  async function act(kind, ext) {
    const out = $("action-result");
    try {
      if (kind === "listen" || kind === "whisper" || kind === "barge") {
        const seat = $("my-seat").value.trim();
        if (!seat) { out.textContent = t("sb.need-seat"); $("my-seat").focus(); return; }
        await cs.api("POST", `${tenantPath()}/supervision`, { supervisor: seat, agent: ext, mode: kind });
      } else if (kind === "pause") {
        await cs.api("POST", `${tenantPath()}/board/agents/${encodeURIComponent(ext)}/pause`, { reason: "supervisor" });
      } else {
        await cs.api("POST", `${tenantPath()}/board/agents/${encodeURIComponent(ext)}/${kind}`);
      }
      out.textContent = t(`sb.done.${kind}`, { agent: ext });
    } catch (err) {
      cs.showError(out, err);
    }
  }

  $("agents").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-action]");
    if (b && !b.disabled) act(b.dataset.action, b.dataset.agent);
  });
  $("my-seat").value = localStorage.getItem(SEAT_KEY) || "";
  $("my-seat").addEventListener("change", () => localStorage.setItem(SEAT_KEY, $("my-seat").value.trim()));
  $("seat-form").addEventListener("submit", (ev) => ev.preventDefault());

  // Time in state and call duration tick without any message.
  setInterval(() => {
    const t0 = now();
    for (const [ext, el] of rowEls) {
      const row = agents.get(ext);
      if (!row) continue;
      setText(el.inState, row.since ? I.duration(t0 - row.since) : "");
      setText(el.duration, row.call ? I.duration(t0 - row.call.since) : "");
    }
  }, 1000);

  // ------------------------------------------------------------ thresholds (tenant admins)
  let thresholds = { default: {}, queues: {} };
  function showThreshold() {
    const q = $("threshold-queue").value;
    const own = q ? thresholds.queues[q] || {} : thresholds.default;
    $("threshold-sl").value = own.min_service_level === null || own.min_service_level === undefined ? "" : String(Math.round(own.min_service_level * 100));
    $("threshold-wait").value = own.max_longest_wait_s ? String(own.max_longest_wait_s) : "";
  }
  async function loadThresholds() {
    thresholds = await cs.api("GET", `${tenantPath()}/board/thresholds`);
    const keep = $("threshold-queue").value;
    const names = ["", ...new Set([...queues.map((q) => q.queue), ...Object.keys(thresholds.queues)])];
    $("threshold-queue").replaceChildren(...names.map((name) => {
      const o = document.createElement("option");
      o.value = name;
      o.textContent = name || t("sb.threshold-default");
      return o;
    }));
    $("threshold-queue").value = names.includes(keep) ? keep : "";
    showThreshold();
  }
  $("threshold-queue").addEventListener("change", showThreshold);
  $("threshold-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = $("threshold-queue").value;
    const sl = $("threshold-sl").value;
    const wait = $("threshold-wait").value;
    try {
      thresholds = await cs.api("PUT", `${tenantPath()}/board/thresholds${q ? `/${encodeURIComponent(q)}` : ""}`,
        { min_service_level: sl === "" ? null : Number(sl) / 100, max_longest_wait_s: wait === "" ? null : Number(wait) });
      $("threshold-result").textContent = t("sb.threshold-saved");
    } catch (err) {
      cs.showError($("threshold-result"), err);
    }
  });

  function start() {
    $("login").hidden = true;
    $("board").hidden = false;
    $("tenant").textContent = session.tenant;
    $("thresholds").hidden = session.role !== "tenant_admin";
    connect();
  }

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    try {
      session = await cs.signIn(form.get("username"), form.get("password"));
    } catch (err) {
      cs.showError($("login-error"), err);
      return;
    }
    if (!session.tenant) { cs.clear(); $("login-error").textContent = t("wb.one-tenant"); return; }
    start();
  });

  document.getElementById("locale-slot").replaceWith(I.switcher("locale-switch"));
  I.onChange(() => { if (session && session.tenant && !$("board").hidden) { renderAgents(); renderQueues(); renderCampaigns(); } });
  I.ready.then(() => { if (session && session.tenant) start(); });
})();
