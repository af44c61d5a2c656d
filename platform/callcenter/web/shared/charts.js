// The report page's pictures (ECharts, bundled at setup): calls offered and answered per
// interval, the service level and abandon trend, how each agent's logged-in time was spent
// (talk, wrap-up, paused, idle), each agent's state timeline, and the IVR key breakdown. Loaded after /static/echarts.js and /static/i18n.js as the
// global `ccCharts`; every chart is a labelled image whose words come from the catalogue.
"use strict";
window.ccCharts = (() => {
  const I = () => window.ccI18n;

  function box(id, key) {
    const t = I().t;
    const fig = document.createElement("figure");
    fig.className = "chart-figure";
    const cap = document.createElement("figcaption");
    cap.textContent = t(key);
    const el = document.createElement("div");
    el.id = id;
    el.className = "chart";
    el.setAttribute("role", "img");
    el.setAttribute("aria-label", t(key));
    fig.append(cap, el);
    return [fig, el];
  }

  function init(el) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    new ResizeObserver(() => chart.resize()).observe(el);
    return chart;
  }

  const label = (iso) => I().dateTime(iso);
  const escapeHtml = (x) => String(x).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  /** Queue rows summed per interval. */
  function perInterval(rows) {
    const by = new Map();
    for (const r of rows) {
      const x = by.get(r.interval_start) || { offered: 0, answered: 0, abandoned: 0, insl: 0 };
      x.offered += r.offered; x.answered += r.answered; x.abandoned += r.abandoned; x.insl += r.answered_within_sl;
      by.set(r.interval_start, x);
    }
    const keys = [...by.keys()].sort();
    return { labels: keys.map(label), values: keys.map((k) => by.get(k)) };
  }

  /** Agent rows summed per agent: seconds talking, in wrap-up, paused, idle. */
  function perAgent(rows) {
    const by = new Map();
    for (const r of rows) {
      const x = by.get(r.agent) || { talk: 0, wrapup: 0, paused: 0, logged: 0 };
      x.talk += r.talk_s; x.wrapup += r.wrapup_s; x.logged += r.logged_in_s;
      x.paused += Object.values(r.paused_s || {}).reduce((a, b) => a + b, 0);
      by.set(r.agent, x);
    }
    const agents = [...by.keys()].sort();
    return { agents, values: agents.map((a) => {
      const x = by.get(a);
      return { ...x, idle: Math.max(0, x.logged - x.talk - x.wrapup - x.paused) };
    }) };
  }

  /** Self-service rows per IVR lookup node: calls resolved there and transferred on. */
  function perNode(rows) {
    const nodes = (rows || []).map((r) => `${r.ivr} › ${r.menu}`);
    return { nodes, values: (rows || []).map((r) => ({ resolved: r.resolved || 0, transferred: r.transferred || 0, failed: r.failed || 0 })) };
  }

  /** State rows (agent, state, reason, start, end) as one line of stretches per agent. */
  const STATES = ["available", "talk", "wrapup", "paused"];
  const STATE_COLORS = { available: "#3ba272", talk: "#ee6666", wrapup: "#9a60b4", paused: "#8a94a0" };
  function timeline(rows) {
    const agents = [...new Set(rows.map((r) => r.agent))].sort();
    const byState = Object.fromEntries(STATES.map((s) => [s, []]));
    for (const r of rows) {
      if (!byState[r.state]) continue;
      byState[r.state].push([agents.indexOf(r.agent), Date.parse(r.start), Date.parse(r.end), r.reason || ""]);
    }
    return { agents, byState };
  }

  /** Calls per path of IVR keys pressed, most pressed first. */
  function keyPaths(rows) {
    const sorted = [...rows].sort((a, b) => b.calls - a.calls || String(a.ivr_keys).localeCompare(String(b.ivr_keys)));
    return { paths: sorted.map((r) => String(r.ivr_keys).split("-").join(" › ")), calls: sorted.map((r) => r.calls) };
  }

  function stretch(params, api) {
    const y = api.value(0);
    const a = api.coord([api.value(1), y]);
    const b = api.coord([api.value(2), y]);
    const height = api.size([0, 1])[1] * 0.6;
    const shape = echarts.graphic.clipRectByRect(
      { x: a[0], y: a[1] - height / 2, width: Math.max(1, b[0] - a[0]), height },
      { x: params.coordSys.x, y: params.coordSys.y, width: params.coordSys.width, height: params.coordSys.height });
    return shape && { type: "rect", transition: ["shape"], shape, style: api.style() };
  }

  /** Draw the report's charts into `container` (replacing what was there); the charts.
   *  `extra`: { states: agent state rows, ivrKeys: key-press rows, selfservice: rows per IVR
   *  lookup node, agentName: seat -> label }. */
  function report(container, queueRows, agentRows, extra = {}) {
    container.replaceChildren();
    if (typeof echarts === "undefined") return {};
    const t = I().t;
    const out = {};
    const q = perInterval(queueRows);
    const name = extra.agentName || ((x) => x);
    const [f1, e1] = box("chart-report-offered", "charts.offered");
    const [f2, e2] = box("chart-report-sl", "charts.sl");
    const [f3, e3] = box("chart-report-agents", "charts.agents");
    const [f4, e4] = box("chart-report-timeline", "charts.timeline");
    const [f5, e5] = box("chart-report-ivr-keys", "charts.ivr-keys");
    container.append(f1, f2, f3, f4, f5);
    out.offered = init(e1);
    out.offered.setOption({
      tooltip: { trigger: "axis" }, legend: {}, grid: { left: 40, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: q.labels }, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: t("wb.series.offered"), type: "bar", data: q.values.map((x) => x.offered) },
        { name: t("wb.series.answered"), type: "bar", data: q.values.map((x) => x.answered) },
      ],
    });
    out.sl = init(e2);
    out.sl.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => I().percent(v, 0) }, legend: {},
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: q.labels },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: (v) => I().percent(v, 0) } },
      series: [
        { name: t("wb.series.sl"), type: "line", data: q.values.map((x) => (x.offered ? x.insl / x.offered : null)) },
        { name: t("wb.series.abandon"), type: "line", data: q.values.map((x) => (x.offered ? x.abandoned / x.offered : null)) },
      ],
    });
    const a = perAgent(agentRows);
    out.agents = init(e3);
    // i18n-keys: charts.state = talk, wrapup, paused, idle
    out.agents.setOption({
      tooltip: { trigger: "axis", valueFormatter: (v) => I().duration(v) }, legend: {},
      grid: { left: 60, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "value", axisLabel: { formatter: (v) => I().duration(v) } },
      yAxis: { type: "category", data: a.agents.map(name) },
      series: ["talk", "wrapup", "paused", "idle"].map((k) => ({
        name: t(`charts.state.${k}`), type: "bar", stack: "time", data: a.values.map((x) => Math.round(x[k])),
      })),
    });
    // Each agent's day as stretches of available / talk / wrap-up / paused on a time axis.
    const tl = timeline(extra.states || []);
    e4.style.height = `${Math.max(160, 60 + 36 * tl.agents.length)}px`;
    out.timeline = init(e4);
    // i18n-keys: charts.state = available
    out.timeline.setOption({
      legend: {}, grid: { left: 80, right: 16, top: 36, bottom: 28 },
      // The tooltip is HTML: names people typed are escaped.
      tooltip: { trigger: "item", formatter: (p) => [name(tl.agents[p.value[0]]),
        p.seriesName + (p.value[3] ? t("agents.pause-reason", { x: I().tOr(`reason.${p.value[3]}`, p.value[3]) }) : ""),
        t("charts.span", { from: I().time(new Date(p.value[1])), to: I().time(new Date(p.value[2])), len: I().duration((p.value[2] - p.value[1]) / 1000) }),
      ].map(escapeHtml).join("<br>") },
      xAxis: { type: "time", axisLabel: { formatter: (v) => I().time(new Date(v)) } },
      yAxis: { type: "category", data: tl.agents.map(name) },
      series: STATES.map((st) => ({
        name: t(`charts.state.${st}`), type: "custom", renderItem: stretch, itemStyle: { color: STATE_COLORS[st] },
        encode: { x: [1, 2], y: 0 }, data: tl.byState[st],
      })),
    });
    const k = keyPaths(extra.ivrKeys || []);
    out.ivrKeys = init(e5);
    out.ivrKeys.setOption({
      tooltip: { trigger: "axis" }, grid: { left: 60, right: 16, top: 24, bottom: 28 },
      xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: k.paths, inverse: true },
      series: [{ name: t("charts.calls"), type: "bar", data: k.calls, label: { show: true, position: "right" } }],
    });
    const selfRows = extra.selfservice || [];
    if (selfRows.length) {
      const n = perNode(selfRows);
      const [f6, e6] = box("chart-report-selfservice", "charts.selfservice");
      container.append(f6);
      out.selfservice = init(e6);
      // i18n-keys: charts.ss = resolved, transferred, failed
      out.selfservice.setOption({
        tooltip: { trigger: "axis" }, legend: {}, grid: { left: 120, right: 16, top: 36, bottom: 28 },
        xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: n.nodes },
        series: [
          { name: t("charts.ss.resolved"), type: "bar", stack: "calls", data: n.values.map((x) => x.resolved) },
          { name: t("charts.ss.transferred"), type: "bar", stack: "calls", data: n.values.map((x) => x.transferred) },
          { name: t("charts.ss.failed"), type: "bar", data: n.values.map((x) => x.failed) },
        ],
      });
    }
    return out;
  }

  return { report, perInterval, perAgent, timeline, keyPaths, perNode };
})();
