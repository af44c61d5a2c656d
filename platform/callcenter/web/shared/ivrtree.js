// An IVR drawn as a tree (ECharts' tree chart): the first menu at the root, each key a branch
// to its destination, a submenu's keys under it (a menu reached twice is drawn once, then named).
// Loaded after /static/echarts.js and /static/i18n.js as the global `ccIvrTree`.
"use strict";
window.ccIvrTree = (() => {
  /** The tree of `ivr` ({entry, menus: {name: {options: {key: {kind, target}}, on_timeout...}}}). */
  function data(ivr, t) {
    const seen = new Set();
    const dest = (a) => {
      // i18n-keys: dest = queue, ivr, agent, voicemail, external, announcement, hangup, submenu, repeat, dnc
      const kind = t(`dest.${a.kind}`);
      return a.target ? `${kind} ${a.target}` : kind;
    };
    function menu(name) {
      const m = (ivr.menus || {})[name];
      if (!m || seen.has(name)) return { name: t("ivrtree.menu", { menu: name }), children: [] };
      seen.add(name);
      const children = Object.entries(m.options || {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, a]) => {
          const label = t("ivrtree.key", { key });
          if (a.kind === "submenu") return { ...menu(a.target), name: `${label} → ${t("ivrtree.menu", { menu: a.target })}` };
          return { name: `${label} → ${dest(a)}` };
        });
      for (const [f, a] of [["on_timeout", m.on_timeout], ["on_invalid", m.on_invalid], ["on_max_tries", m.on_max_tries]]) {
        // i18n-keys: ivrtree = on_timeout, on_invalid, on_max_tries
        if (a && a.kind && a.kind !== "repeat") children.push({ name: `${t(`ivrtree.${f}`)} → ${dest(a)}` });
      }
      return { name: t("ivrtree.menu", { menu: name }), children };
    }
    return menu(ivr.entry);
  }

  /** Draw `ivr` into `el` (a block with a height); returns the chart (null without ECharts). */
  function draw(el, ivr) {
    if (typeof echarts === "undefined" || !el || !ivr) return null;
    const t = window.ccI18n.t;
    let chart = echarts.getInstanceByDom(el);
    if (!chart) {
      chart = echarts.init(el, null, { renderer: "canvas" });
      // Follow the box (a phone turned, a window resized): the canvas never sets the width.
      new ResizeObserver(() => chart.resize()).observe(el);
    }
    chart.setOption({
      tooltip: { trigger: "item" },
      series: [{
        type: "tree", data: [data(ivr, t)], top: 20, bottom: 20, left: 90, right: 220,
        symbolSize: 10, initialTreeDepth: -1, expandAndCollapse: false,
        label: { position: "left", verticalAlign: "middle", align: "right", fontSize: 13 },
        leaves: { label: { position: "right", verticalAlign: "middle", align: "left" } },
      }],
    }, true);
    return chart;
  }

  return { data, draw };
})();
