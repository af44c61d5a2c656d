// Quality inspection (质检): reviewers pick calls by the tenant's sampling rules, play each
// recording, score the form's items at moments of the recording and comment; an agent sees
// its results and may appeal each once; a second reviewer decides; the report shows QA scores
// per agent, queue or item by week.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const cs = window.ccSession;
  const I = window.ccI18n;
  const t = I.t;
  let session = cs.load();
  let current = null; // the review open below the list
  let audioUrl = null;
  const reviewer = () => session && (session.role === "tenant_admin" || session.role === "supervisor");
  const path = (p) => `/api/v1/tenants/${encodeURIComponent(session.tenant)}/quality${p}`;

  function cell(text) {
    const td = document.createElement("td");
    td.textContent = text;
    return td;
  }

  // i18n-keys: qa.status = pending, scored, appealed, final
  // i18n-keys: qa.reason = long_call, weekly_share, talk_flag
  function reasonText(reason) {
    const [kind, flag] = reason.split(":");
    const base = t(`qa.reason.${kind}`);
    return flag ? `${base}（${I.tOr(`qa.flag.${flag}`, flag)}）` : base;
  }

  const shownScore = (r) => (r.final_score !== null ? r.final_score : r.score);

  async function loadReviews() {
    const rows = await cs.api("GET", path("/reviews"));
    const body = $("reviews");
    body.replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.review = r.id;
      tr.dataset.status = r.status;
      tr.append(cell(I.dateTime(r.call_at)), cell(r.agent), cell(r.queue), cell(reasonText(r.reason)),
        cell(t(`qa.status.${r.status}`)), cell(shownScore(r) === null ? "–" : I.number(shownScore(r))));
      const td = document.createElement("td");
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = t("qa.open");
      b.dataset.open = r.id;
      b.setAttribute("aria-label", t("qa.open-call", { agent: r.agent, at: I.dateTime(r.call_at) }));
      td.append(b);
      tr.append(td);
      return tr;
    }));
  }

  async function loadForms() {
    const forms = await cs.api("GET", path("/forms"));
    $("form-select").replaceChildren(...forms.map((f) => {
      const o = document.createElement("option");
      o.value = f.name;
      o.textContent = f.title || f.name;
      return o;
    }));
  }

  // ------------------------------------------------------------ setup (tenant admins)
  const FLAGS = ["long_silence", "agent_dominates", "overtalk"];
  let itemCount = 0;
  function itemEditor(item) {
    const n = itemCount++;
    const div = document.createElement("div");
    div.className = "item-row";
    div.dataset.editItem = String(n);
    const field = (key, input) => {
      const label = document.createElement("label");
      const span = document.createElement("span");
      span.textContent = t(key);
      label.append(span, " ", input);
      return label;
    };
    const key = document.createElement("input");
    key.id = `item-key-${n}`; key.required = true; key.pattern = "[a-z][a-z0-9_]{0,31}"; key.value = item ? item.key : "";
    const label = document.createElement("input");
    label.id = `item-label-${n}`; label.required = true; label.maxLength = 100; label.value = item ? item.label : "";
    const weight = document.createElement("input");
    weight.id = `item-weight-${n}`; weight.type = "number"; weight.min = "0.1"; weight.step = "0.1"; weight.required = true; weight.value = item ? String(item.weight) : "1";
    const critical = document.createElement("input");
    critical.id = `item-critical-${n}`; critical.type = "checkbox"; critical.checked = !!(item && item.critical);
    div.append(field("qa.item-key", key), field("qa.item-label", label), field("qa.item-weight", weight), field("qa.item-critical-flag", critical));
    return div;
  }

  async function loadSetup() {
    const rules = await cs.api("GET", path("/sampling"));
    $("weekly-share").value = String(Math.round(rules.weekly_share * 100));
    $("long-call").value = rules.long_call_s ? String(Math.round(rules.long_call_s / 60)) : "";
    $("low-survey").value = rules.low_survey_max ? String(rules.low_survey_max) : "";
    for (const f of FLAGS) $(`flag-${f}`).checked = rules.talk_flags.includes(f);
    if (!$("form-items").children.length) $("form-items").append(itemEditor(null));
  }

  $("add-item").addEventListener("click", () => $("form-items").append(itemEditor(null)));
  $("form-editor").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const items = [...$("form-items").children].map((div) => {
      const n = div.dataset.editItem;
      return { key: $(`item-key-${n}`).value.trim(), label: $(`item-label-${n}`).value.trim(),
        weight: Number($(`item-weight-${n}`).value), critical: $(`item-critical-${n}`).checked };
    });
    const name = $("form-name").value.trim();
    try {
      await cs.api("PUT", path(`/forms/${encodeURIComponent(name)}`), { title: $("form-title").value.trim(), items });
      $("setup-result").textContent = t("qa.form-saved", { name });
      await loadForms();
      $("form-select").value = name;
    } catch (err) {
      cs.showError($("setup-result"), err);
    }
  });
  $("sampling-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const current = await cs.api("GET", path("/sampling"));
    const minutes = $("long-call").value;
    const lowSurvey = $("low-survey").value;
    try {
      await cs.api("PUT", path("/sampling"), { ...current, weekly_share: Number($("weekly-share").value || 0) / 100,
        long_call_s: minutes ? Number(minutes) * 60 : null, low_survey_max: lowSurvey ? Number(lowSurvey) : null, talk_flags: FLAGS.filter((f) => $(`flag-${f}`).checked) });
      $("setup-result").textContent = t("qa.rules-saved");
    } catch (err) {
      cs.showError($("setup-result"), err);
    }
  });

  async function loadReport() {
    const by = $("report-by").value;
    const rows = await cs.api("GET", path(`/report?by=${encodeURIComponent(by)}&interval=week`));
    $("report").replaceChildren(...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.key = r[by];
      tr.append(cell(I.date(r.period)), cell(r[by]), cell(I.number(r.score)), cell(String(r.reviews)));
      return tr;
    }));
  }

  // ------------------------------------------------------------ one review
  function itemRow(item, given) {
    const div = document.createElement("div");
    div.className = "item-row";
    div.dataset.item = item.key;
    const label = document.createElement("label");
    const span = document.createElement("span");
    span.textContent = item.critical ? t("qa.item-critical", { label: item.label, weight: item.weight }) : t("qa.item", { label: item.label, weight: item.weight });
    const select = document.createElement("select");
    select.id = `score-${item.key}`;
    for (const [value, key] of [["1", "qa.score.full"], ["0.5", "qa.score.half"], ["0", "qa.score.none"]]) {
      const o = document.createElement("option");
      o.value = value;
      o.textContent = t(key);
      select.append(o);
    }
    if (given) select.value = String(given.score);
    label.append(span, " ", select);
    const momentLabel = document.createElement("label");
    const ms = document.createElement("span");
    ms.textContent = t("qa.moment");
    const moment = document.createElement("input");
    moment.type = "number";
    moment.min = "0";
    moment.step = "0.1";
    moment.id = `moment-${item.key}`;
    if (given && given.moment_s !== null) moment.value = String(given.moment_s);
    momentLabel.append(ms, " ", moment);
    const mark = document.createElement("button");
    mark.type = "button";
    mark.id = `mark-${item.key}`;
    mark.textContent = t("qa.mark");
    mark.setAttribute("aria-label", t("qa.mark-item", { label: item.label }));
    mark.addEventListener("click", () => { moment.value = $("audio").currentTime.toFixed(1); });
    const seek = document.createElement("button");
    seek.type = "button";
    seek.textContent = t("qa.play-at");
    seek.setAttribute("aria-label", t("qa.play-at-item", { label: item.label }));
    seek.addEventListener("click", () => { if (moment.value) { $("audio").currentTime = Number(moment.value); $("audio").play().catch(() => {}); } });
    const noteLabel = document.createElement("label");
    const ns = document.createElement("span");
    ns.textContent = t("qa.note");
    const note = document.createElement("input");
    note.id = `note-${item.key}`;
    note.maxLength = 500;
    if (given) note.value = given.note;
    noteLabel.append(ns, " ", note);
    div.append(label, momentLabel, mark, seek, noteLabel);
    return div;
  }

  function resultText(r) {
    const lines = [];
    if (r.score !== null) lines.push(t("qa.scored-by", { score: I.number(r.score), who: r.reviewer || "" }));
    if (r.comment) lines.push(t("qa.comment-was", { text: r.comment }));
    if (r.appeal) lines.push(t("qa.appeal-was", { text: r.appeal }));
    if (r.final_score !== null) lines.push(t("qa.decided-by", { score: I.number(r.final_score), who: r.decider || "" }));
    if (r.decision) lines.push(t("qa.comment-was", { text: r.decision }));
    return lines;
  }

  async function openReview(id) {
    const r = await cs.api("GET", path(`/reviews/${encodeURIComponent(id)}`));
    current = r;
    $("review").hidden = false;
    delete $("review").dataset.status; // set again once everything below is drawn
    $("review-error").textContent = "";
    $("review-title").textContent = t("qa.review-title", { agent: r.agent, at: I.dateTime(r.call_at), status: t(`qa.status.${r.status}`) });
    // i18n-keys: qa.side = agent, customer, hold
    $("timeline").replaceChildren(...r.talk.segments.map((s) => {
      const li = document.createElement("li");
      li.textContent = t("qa.segment", { side: t(`qa.side.${s.side}`), from: I.number(s.start), to: I.number(s.end) });
      return li;
    }));
    if (audioUrl) URL.revokeObjectURL(audioUrl);
    audioUrl = null;
    $("audio").removeAttribute("src");
    if (r.recordings.length) {
      const resp = await cs.api("GET", r.recordings[0].audio, undefined, { raw: true });
      audioUrl = URL.createObjectURL(await resp.blob());
      $("audio").src = audioUrl;
    }
    const canScore = reviewer() && (r.status === "pending" || r.status === "scored" || r.status === "appealed");
    $("score-form").hidden = !canScore;
    if (canScore) {
      const given = Object.fromEntries((r.status === "appealed" ? r.items : r.items).map((i) => [i.key, i]));
      $("items").replaceChildren(...r.form_items.map((item) => itemRow(item, given[item.key])));
      $("comment").value = r.status === "appealed" ? "" : r.comment;
      $("submit-score").textContent = t(r.status === "appealed" ? "qa.submit-decision" : "qa.submit-score");
    }
    $("result").replaceChildren(...resultText(r).map((line) => { const p = document.createElement("p"); p.textContent = line; return p; }));
    if (!reviewer()) {
      const list = document.createElement("ul");
      for (const item of r.form_items) {
        const got = (r.status === "final" ? r.decision_items : r.items).find((i) => i.key === item.key);
        const li = document.createElement("li");
        li.textContent = t("qa.item-result", { label: item.label, score: got ? I.percent(got.score, 0) : "–",
          at: got && got.moment_s !== null ? I.number(got.moment_s) : "–", note: got ? got.note : "" });
        list.append(li);
      }
      $("result").append(list);
    }
    $("appeal-form").hidden = !(session.role === "agent" && r.status === "scored");
    $("review").dataset.status = r.status;
  }

  $("reviews").addEventListener("click", (ev) => {
    const b = ev.target.closest("button[data-open]");
    if (b) openReview(b.dataset.open).catch((err) => cs.showError($("qa-result"), err));
  });

  $("score-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const items = current.form_items.map((item) => {
      const moment = $(`moment-${item.key}`).value;
      return { key: item.key, score: Number($(`score-${item.key}`).value), moment_s: moment === "" ? null : Number(moment), note: $(`note-${item.key}`).value };
    });
    const kind = current.status === "appealed" ? "decision" : "score";
    try {
      await cs.api("PUT", path(`/reviews/${current.id}/${kind}`), { items, comment: $("comment").value });
      await openReview(current.id);
      await loadReviews();
      await loadReport();
    } catch (err) {
      cs.showError($("review-error"), err);
    }
  });

  $("appeal-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await cs.api("POST", path(`/reviews/${current.id}/appeal`), { text: $("appeal-text").value });
      $("appeal-text").value = "";
      await openReview(current.id);
      await loadReviews();
    } catch (err) {
      cs.showError($("review-error"), err);
    }
  });

  $("run-sampling").addEventListener("click", async () => {
    try {
      const picked = await cs.api("POST", path("/sampling/run"), { form: $("form-select").value, days: 7 });
      $("qa-result").textContent = t("qa.picked", { n: picked.length });
      await loadReviews();
    } catch (err) {
      cs.showError($("qa-result"), err);
    }
  });
  $("report-by").addEventListener("change", () => loadReport().catch((err) => cs.showError($("qa-result"), err)));

  async function start() {
    $("login").hidden = true;
    $("qa").hidden = false;
    $("tenant").textContent = session.tenant;
    $("reviewer-tools").hidden = !reviewer();
    $("setup").hidden = session.role !== "tenant_admin";
    $("report-section").hidden = !reviewer();
    try {
      if (reviewer()) { await loadForms(); await loadReport(); }
      if (session.role === "tenant_admin") await loadSetup();
      await loadReviews();
      $("status").textContent = t("qa.ready");
    } catch (err) {
      cs.showError($("status"), err);
    }
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
  I.onChange(() => { if (session && session.tenant && !$("qa").hidden) start(); });
  I.ready.then(() => { if (session && session.tenant) start(); });
})();
