// The wallboard: queue figures pushed over the tenant's live websocket (type "wallboard"),
// agents' states refreshed from the API whenever an agent's state changes.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession; // the token is shared with the admin console (same tab)
  let session = cs.load();
  let queues = [];
  let agentsTimer = null;

  const api = (path) => cs.api("GET", path);

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function renderQueues() {
    const body = $("queues");
    body.replaceChildren();
    for (const q of queues) {
      const tr = document.createElement("tr");
      tr.dataset.queue = q.queue;
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = q.queue;
      tr.append(th);
      tr.append(cell(String(q.waiting), q.waiting > 0 ? "warn" : ""));
      tr.append(cell(`${q.longest_wait_s} s`, q.longest_wait_s > 60 ? "bad" : ""));
      tr.append(cell(String(q.answered_today)));
      tr.append(cell(String(q.abandoned_today)));
      const sl = q.service_level_today;
      tr.append(cell(sl === null ? "–" : `${Math.round(sl * 100)} %`, sl !== null && sl < 0.8 ? "bad" : ""));
      body.append(tr);
    }
  }

  function renderAgents(agents) {
    const names = { available: "Available", ringing: "Ringing", on_call: "On call", wrapup: "Wrap-up",
      paused: "Paused", logged_out: "Logged out" };
    const p = $("agents");
    p.replaceChildren();
    for (const [state, label] of Object.entries(names)) {
      const span = document.createElement("span");
      span.dataset.state = state;
      span.textContent = `${label}: ${agents.by_state[state] || 0}`;
      p.append(span);
    }
    for (const [reason, n] of Object.entries(agents.paused_by_reason)) {
      const span = document.createElement("span");
      span.textContent = `(${reason}: ${n})`;
      p.append(span);
    }
  }

  async function refresh() {
    const board = await api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/wallboard`);
    queues = board.queues;
    renderQueues();
    renderAgents(board.agents);
  }

  function connect() {
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws`);
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: session.token }));
    ws.onmessage = (msg) => {
      const data = JSON.parse(msg.data);
      if (data.type === "hello") { $("status").textContent = "Live"; refresh(); }
      else if (data.type === "wallboard") { queues = data.queues; renderQueues(); }
      else if (data.type === "agent.state") {
        clearTimeout(agentsTimer);
        agentsTimer = setTimeout(() => api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/wallboard`).then((b) => renderAgents(b.agents)), 200);
      }
    };
    ws.onclose = (ev) => {
      // 4401/4403: the token no longer counts (revoked, expired, tenant suspended): stop.
      if (ev.code === 4401 || ev.code === 4403) { $("status").textContent = `Signed out (${ev.reason})`; return; }
      $("status").textContent = "Reconnecting…"; setTimeout(connect, 1000);
    };
  }

  function start() {
    $("login").hidden = true;
    $("board").hidden = false;
    $("tenant").textContent = session.tenant;
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
    if (!session.tenant) { cs.clear(); $("login-error").textContent = "The wallboard shows one tenant: sign in as its admin."; return; }
    start();
  });

  if (session && session.tenant) start();
})();
