// The wallboard: queue figures pushed over the tenant's live websocket (type "wallboard"),
// agents' states refreshed from the API whenever an agent's state changes.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession; // the token is shared with the admin console (same tab)
  const I = window.ccI18n;
  const t = I.t;
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
      tr.append(cell(I.duration(q.longest_wait_s), q.longest_wait_s > 60 ? "bad" : ""));
      tr.append(cell(String(q.answered_today)));
      tr.append(cell(String(q.abandoned_today)));
      const sl = q.service_level_today;
      tr.append(cell(sl === null ? "–" : I.percent(sl, 0), sl !== null && sl < 0.8 ? "bad" : ""));
      body.append(tr);
    }
  }

  // Outbound campaigns (running, paused, or ended in the last hour), pushed as they change
  // (type "campaigns"): dialled, reached, success, abandon rate, agents busy.
  let campaigns = [];
  function renderCampaigns() {
    const body = $("campaigns");
    body.replaceChildren();
    $("campaigns-section").hidden = campaigns.length === 0;
    for (const c of campaigns) {
      const tr = document.createElement("tr");
      tr.dataset.campaign = String(c.id);
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = c.name;
      th.translate = false; // a name the tenant typed
      tr.append(th);
      // i18n-keys: campaign.status = draft, running, paused, stopped, completed
      tr.append(cell(t(`campaign.status.${c.status}`)));
      tr.append(cell(I.number(c.dialled)));
      tr.append(cell(I.number(c.reached)));
      tr.append(cell(I.number(c.success)));
      tr.append(cell(I.percent(c.abandon_rate_percent / 100, 1), c.abandon_rate_percent > c.abandon_cap_percent ? "bad" : ""));
      tr.append(cell(I.number(c.agents_busy)));
      body.append(tr);
    }
  }

  function renderAgents(agents) {
    // i18n-keys: presence = available, ringing, on_call, wrapup, paused, logged_out
    const names = Object.fromEntries(["available", "ringing", "on_call", "wrapup", "paused", "logged_out"].map((s) => [s, t(`presence.${s}`)]));
    const p = $("agents");
    p.replaceChildren();
    for (const [state, label] of Object.entries(names)) {
      const span = document.createElement("span");
      span.dataset.state = state;
      span.textContent = t("wb.count", { label, n: agents.by_state[state] || 0 });
      p.append(span);
    }
    for (const [reason, n] of Object.entries(agents.paused_by_reason)) {
      const span = document.createElement("span");
      span.textContent = t("wb.paused-reason", { reason, n });
      p.append(span);
    }
  }

  // ------------------------------------------------------------ charts (ECharts, bundled at setup)
  // Calls offered/answered per hour and the service level / abandon trend come from today's
  // queue report; callers waiting are sampled from the live pushes; agents by state from the
  // board. Each chart is a labelled image for screen readers (its figure caption says what).
  const charts = {};
  const waitingSeries = []; // [time ms, callers waiting]
  const TEXT = { color: "#e8eef5", fontSize: 14 };
  const AXIS = { axisLabel: { color: "#c9d4e0" }, axisLine: { lineStyle: { color: "#566" } }, splitLine: { lineStyle: { color: "#2b3440" } } };
  window.wbCharts = charts;

  function chart(id) {
    if (typeof echarts === "undefined") return null;
    if (!charts[id]) charts[id] = echarts.init($(id), null, { renderer: "canvas" });
    return charts[id];
  }

  function hourLabel(iso) {
    return new Intl.DateTimeFormat(I.locale(), { hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(iso));
  }

  async function drawReport() {
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const q = new URLSearchParams({ from: today.toISOString(), to: new Date(Date.now() + 60000).toISOString(),
      interval: "hour", tz: Intl.DateTimeFormat().resolvedOptions().timeZone || "Asia/Shanghai" });
    let rows = [];
    try {
      rows = await api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/reports/queues?${q}`);
    } catch (_e) {
      return; // the report is for tenant admins; the live board still works
    }
    const byHour = new Map();
    for (const r of rows) {
      const h = byHour.get(r.interval_start) || { offered: 0, answered: 0, abandoned: 0, insl: 0 };
      h.offered += r.offered; h.answered += r.answered; h.abandoned += r.abandoned;
      h.insl += r.answered_within_sl;
      byHour.set(r.interval_start, h);
    }
    const hours = [...byHour.keys()].sort();
    const labels = hours.map(hourLabel);
    const v = (f) => hours.map((k) => f(byHour.get(k)));
    const offered = chart("chart-offered");
    if (offered) offered.setOption({
      textStyle: TEXT, legend: { textStyle: TEXT }, tooltip: { trigger: "axis" },
      grid: { left: 40, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: labels, ...AXIS }, yAxis: { type: "value", minInterval: 1, ...AXIS },
      series: [
        { name: t("wb.series.offered"), type: "bar", data: v((h) => h.offered), itemStyle: { color: "#5b9bd5" } },
        { name: t("wb.series.answered"), type: "bar", data: v((h) => h.answered), itemStyle: { color: "#70c17a" } },
      ],
    }, true);
    const sl = chart("chart-sl");
    if (sl) sl.setOption({
      textStyle: TEXT, legend: { textStyle: TEXT }, tooltip: { trigger: "axis", valueFormatter: (x) => I.percent(x, 0) },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "category", data: labels, ...AXIS },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { color: "#c9d4e0", formatter: (x) => I.percent(x, 0) }, splitLine: AXIS.splitLine },
      series: [
        { name: t("wb.series.sl"), type: "line", data: v((h) => (h.offered ? h.insl / h.offered : null)), itemStyle: { color: "#70c17a" } },
        { name: t("wb.series.abandon"), type: "line", data: v((h) => (h.offered ? h.abandoned / h.offered : null)), itemStyle: { color: "#ff6b6b" } },
      ],
    }, true);
  }

  function drawWaiting() {
    const total = queues.reduce((n, q) => n + (q.waiting || 0), 0);
    const now = Date.now();
    const last = waitingSeries[waitingSeries.length - 1];
    if (!last || last[1] !== total || now - last[0] > 30000) waitingSeries.push([now, total]);
    while (waitingSeries.length && now - waitingSeries[0][0] > 3600 * 1000) waitingSeries.shift();
    const c = chart("chart-waiting");
    if (c) c.setOption({
      textStyle: TEXT, tooltip: { trigger: "axis" }, grid: { left: 40, right: 16, top: 16, bottom: 28 },
      xAxis: { type: "time", min: now - 3600 * 1000, max: now, ...AXIS, axisLabel: { color: "#c9d4e0", formatter: (x) => hourLabel(x) } },
      yAxis: { type: "value", minInterval: 1, ...AXIS },
      series: [{ name: t("wb.chart.waiting"), type: "line", step: "end", areaStyle: { opacity: 0.3 }, data: [...waitingSeries, [now, total]], itemStyle: { color: "#ffb347" } }],
    }, true);
  }

  function drawAgents(agents) {
    const c = chart("chart-agents");
    if (!c) return;
    // i18n-keys: presence = available, ringing, on_call, wrapup, paused, logged_out
    const colors = { available: "#70c17a", ringing: "#ffb347", on_call: "#ff6b6b", wrapup: "#b07cd8", paused: "#8a94a0", logged_out: "#3b4552" };
    c.setOption({
      textStyle: TEXT, tooltip: { trigger: "item" }, legend: { bottom: 0, textStyle: TEXT },
      series: [{ type: "pie", radius: ["40%", "70%"], label: { color: "#e8eef5" },
        data: Object.keys(colors).map((s) => ({ name: t(`presence.${s}`), value: agents.by_state[s] || 0, itemStyle: { color: colors[s] } })).filter((d) => d.value > 0) }],
    }, true);
  }

  window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  setInterval(() => { if (session && session.tenant && !$("board").hidden) { drawReport(); drawWaiting(); } }, 60000);

  // A failed /wallboard call says so on the board, in the page's language, until the next
  // call succeeds (the figures shown are then no longer current).
  function showFailure(err) {
    const reason = err instanceof cs.ApiError ? I.errorText(err.body, err.status) : t("wb.network-error");
    const el = $("board-error");
    el.textContent = t("wb.data-failed", { reason });
    el.hidden = false;
    $("board").classList.add("stale");
  }
  function clearFailure() {
    const el = $("board-error");
    el.textContent = "";
    el.hidden = true;
    $("board").classList.remove("stale");
  }

  async function loadBoard() {
    try {
      const board = await api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/wallboard`);
      clearFailure();
      return board;
    } catch (err) {
      showFailure(err);
      return null;
    }
  }

  async function refresh() {
    // Today's report comes from PostgreSQL: drawn even while the live board is unavailable.
    const report = drawReport();
    const board = await loadBoard();
    drawWaiting();
    if (board) {
      queues = board.queues;
      renderQueues();
      renderAgents(board.agents);
      drawWaiting();
      drawAgents(board.agents);
    }
    await report;
  }

  function connect() {
    const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/v1/ws`);
    ws.onopen = () => ws.send(JSON.stringify({ type: "auth", token: session.token }));
    ws.onmessage = (msg) => {
      const data = JSON.parse(msg.data);
      if (data.type === "hello") { $("status").textContent = t("wb.live"); refresh(); }
      else if (data.type === "wallboard") { queues = data.queues; renderQueues(); drawWaiting(); }
      else if (data.type === "campaigns") { campaigns = data.campaigns; renderCampaigns(); }
      else if (data.type === "agent.state") {
        clearTimeout(agentsTimer);
        agentsTimer = setTimeout(() => loadBoard().then((b) => { if (b) { renderAgents(b.agents); drawAgents(b.agents); } }), 200);
      }
    };
    ws.onclose = (ev) => {
      // 4401/4403: the token no longer counts (revoked, expired, tenant suspended): stop.
      if (ev.code === 4401 || ev.code === 4403) { $("status").textContent = t("wb.signed-out", { reason: I.tOr(`error.${ev.reason}`, ev.reason) }); return; }
      $("status").textContent = t("wb.reconnecting"); setTimeout(connect, 1000);
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
    if (!session.tenant) { cs.clear(); $("login-error").textContent = t("wb.one-tenant"); return; }
    start();
  });

  document.getElementById("locale-slot").replaceWith(I.switcher("locale-switch"));
  I.onChange(() => { if (session && session.tenant) { refresh(); renderCampaigns(); } });
  I.ready.then(() => { if (session && session.tenant) start(); });
})();
