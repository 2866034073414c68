// The tablepilot page. It talks only to the documented HTTP API (/api/docs), with the user's token.
"use strict";

(function () {
  const STAGES = ["understanding", "writing SQL", "running", "answer"];
  const PAGE_SIZE = 10;
  const $ = (sel, root) => (root || document).querySelector(sel);

  const state = {
    token: localStorage.getItem("tp-token") || "",
    lang: localStorage.getItem("tp-lang") || ((navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en"),
    session: null,
    tableCount: 0,
    busy: false,
  };

  // -- language ---------------------------------------------------------------------------------------

  function t(key, vars) {
    const table = window.TP_STRINGS[state.lang] || window.TP_STRINGS.en;
    let text = table[key] !== undefined ? table[key] : (window.TP_STRINGS.en[key] || key);
    for (const [k, v] of Object.entries(vars || {})) text = text.split("{" + k + "}").join(String(v));
    return text;
  }

  function applyLanguage() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
    $("#lang-toggle").textContent = state.lang === "zh" ? "English" : "中文";
    document.querySelectorAll(".stages li").forEach((li) => { li.textContent = t("stage_" + li.dataset.stage); });
    document.querySelectorAll(".msg.bot").forEach((el) => el._repage && el._repage());
    if (state.sessions) renderSessionList(state.sessions);
    if (state.tables) renderTables(state.tables);
  }

  // -- API --------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(body, status) {
      const err = (body && body.error) || { message: "HTTP " + status };
      super(err.message);
      this.info = err;
      this.status = status;
    }
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Authorization: "Bearer " + state.token }, opts.headers);
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const res = await fetch(path, opts);
    if (!res.ok) {
      let body = null;
      try { body = await res.json(); } catch (_) { /* not JSON */ }
      throw new ApiError(body, res.status);
    }
    return res;
  }

  // -- sign in ----------------------------------------------------------------------------------------

  async function signIn() {
    if (!state.token) return showLogin();
    try {
      const me = await (await api("/api/me")).json();
      $("#whoami").textContent = me.user;
      $("#login").hidden = true;
      $("#workspace").hidden = false;
      $("#signout").hidden = false;
      await loadSessions();
    } catch (e) {
      showLogin(e instanceof ApiError && e.status === 401 ? t("login_bad") : e.message);
    }
  }

  function showLogin(message) {
    $("#login").hidden = false;
    $("#workspace").hidden = true;
    $("#signout").hidden = true;
    $("#whoami").textContent = "";
    const box = $("#login-error");
    box.hidden = !message;
    box.textContent = message || "";
  }

  // -- sessions ---------------------------------------------------------------------------------------

  async function loadSessions() {
    const sessions = await (await api("/api/sessions")).json();
    if (!sessions.length) sessions.push(await (await api("/api/sessions", { method: "POST", json: {} })).json());
    renderSessionList(sessions);
    const wanted = sessions.find((s) => s.id === localStorage.getItem("tp-session")) || sessions[0];
    await openSession(wanted);
  }

  function renderSessionList(sessions) {
    state.sessions = sessions;
    const list = $("#session-list");
    list.textContent = "";
    sessions.forEach((s, i) => {
      const li = document.createElement("li");
      li.dataset.id = s.id;
      li.textContent = s.title || t("untitled") + " " + (sessions.length - i);
      const when = document.createElement("span");
      when.className = "muted small-text";
      when.textContent = new Date(s.created * 1000).toLocaleString(state.lang === "zh" ? "zh-CN" : "en");
      li.appendChild(when);
      li.addEventListener("click", () => openSession(s));
      li.classList.toggle("active", !!state.session && state.session.id === s.id);
      list.appendChild(li);
    });
  }

  async function openSession(s) {
    state.session = s;
    localStorage.setItem("tp-session", s.id);
    document.querySelectorAll("#session-list li").forEach((li) => li.classList.toggle("active", li.dataset.id === s.id));
    const thread = $("#thread");
    thread.querySelectorAll(".msg").forEach((el) => el.remove());
    $("#empty-chat").hidden = false;
    await loadTables();
    const history = await (await api(`/api/sessions/${s.id}/history`)).json();
    for (const turn of history.turns) {
      addUserMessage(turn.question);
      const card = newAnswerCard();
      renderAnswer(card, turn.answer, turn.id, true);
    }
    scrollDown();
  }

  // -- tables -----------------------------------------------------------------------------------------

  async function loadTables() {
    const data = await (await api(`/api/sessions/${state.session.id}/tables`)).json();
    renderTables(data.tables);
  }

  function renderTables(tables) {
    const box = $("#tables");
    state.tables = tables;
    state.tableCount = tables.length;
    box.textContent = "";
    if (!tables.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.dataset.i18n = "no_tables";
      p.textContent = t("no_tables");
      box.appendChild(p);
      return;
    }
    for (const table of tables) box.appendChild(tableCard(table));
  }

  function tableCard(table) {
    const card = document.createElement("details");
    card.className = "table-card";
    card.dataset.table = table.name;
    card.open = true;
    const summary = document.createElement("summary");
    const name = document.createElement("strong");
    name.textContent = table.name;
    const info = document.createElement("span");
    info.className = "muted small-text";
    info.textContent = ` ${table.file}${table.sheet ? " · " + table.sheet : ""} · ${t("rows", { n: table.row_count.toLocaleString() })}`;
    summary.append(name, info);
    card.appendChild(summary);
    const wrap = document.createElement("div");
    wrap.className = "table-wrap preview";
    const el = document.createElement("table");
    el.className = "preview-table";
    fillTable(el, table.preview.columns, table.preview.rows, table.columns.map((c) => c.type));
    wrap.appendChild(el);
    card.appendChild(wrap);
    return card;
  }

  function fillTable(el, columns, rows, types) {
    el.textContent = "";
    const thead = el.createTHead();
    const hr = thead.insertRow();
    columns.forEach((c, i) => {
      const th = document.createElement("th");
      th.textContent = c;
      if (types && types[i]) th.title = types[i];
      hr.appendChild(th);
    });
    const tbody = el.createTBody();
    for (const row of rows) {
      const tr = tbody.insertRow();
      row.forEach((v) => {
        const td = tr.insertCell();
        td.textContent = formatCell(v);
        if (typeof v === "number") td.className = "num";
      });
    }
  }

  function formatCell(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en") : v.toLocaleString("en", { maximumFractionDigits: 4 });
    return String(v);
  }

  // -- upload -----------------------------------------------------------------------------------------

  async function uploadFiles(files) {
    const status = $("#upload-status");
    for (const file of files) {
      const line = document.createElement("div");
      line.textContent = t("uploading", { name: file.name });
      status.prepend(line);
      const form = new FormData();
      form.append("file", file, file.name);
      try {
        const res = await (await api(`/api/sessions/${state.session.id}/files`, { method: "POST", body: form })).json();
        line.textContent = "✓ " + t("uploaded", { name: res.upload.filename, n: res.tables.length });
        line.className = "ok-text";
      } catch (e) {
        line.textContent = `✗ ${file.name}: ${e.message}` + (e.info && e.info.hint ? ` (${e.info.hint})` : "");
        line.className = "error-text";
      }
    }
    await loadTables();
  }

  function setupDropzone() {
    const zone = $("#dropzone");
    const input = $("#file-input");
    zone.addEventListener("click", () => input.click());
    zone.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") input.click(); });
    input.addEventListener("change", () => { if (input.files.length) uploadFiles([...input.files]); input.value = ""; });
    ["dragenter", "dragover"].forEach((n) => zone.addEventListener(n, (e) => { e.preventDefault(); zone.classList.add("over"); }));
    ["dragleave", "drop"].forEach((n) => zone.addEventListener(n, (e) => { e.preventDefault(); zone.classList.remove("over"); }));
    zone.addEventListener("drop", (e) => { if (e.dataTransfer.files.length) uploadFiles([...e.dataTransfer.files]); });
  }

  // -- asking -----------------------------------------------------------------------------------------

  function addUserMessage(text) {
    $("#empty-chat").hidden = true;
    const el = document.createElement("article");
    el.className = "msg user";
    el.textContent = text;
    $("#thread").appendChild(el);
  }

  function newAnswerCard() {
    const card = $("#answer-template").content.firstElementChild.cloneNode(true);
    card.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
    const stages = $(".stages", card);
    for (const s of STAGES) {
      const li = document.createElement("li");
      li.dataset.stage = s;
      li.textContent = t("stage_" + s);
      stages.appendChild(li);
    }
    $("#thread").appendChild(card);
    return card;
  }

  function markStage(card, stage) {
    const idx = STAGES.indexOf(stage);
    if (idx < 0) return;
    card.querySelectorAll(".stages li").forEach((li, i) => {
      li.classList.toggle("done", i < idx || (stage === "answer" && i === idx));
      li.classList.toggle("active", i === idx && stage !== "answer");
    });
  }

  async function ask(question) {
    if (state.busy) return;
    if (!state.tableCount) { alert(t("need_table")); return; }
    state.busy = true;
    $("#ask-button").disabled = true;
    addUserMessage(question);
    const card = newAnswerCard();
    card.classList.add("pending");
    markStage(card, "understanding");
    scrollDown();
    try {
      const res = await api(`/api/sessions/${state.session.id}/ask/stream`, { method: "POST", json: { question } });
      await readEvents(res, (event, data, id) => {
        if (event === "stage") markStage(card, data.stage);
        else if (event === "answer") renderAnswer(card, data, Number(id), false);
        else if (event === "error") renderError(card, data.error);
      });
    } catch (e) {
      renderError(card, e.info || { message: e.message });
    } finally {
      card.classList.remove("pending");
      state.busy = false;
      $("#ask-button").disabled = false;
      scrollDown();
    }
  }

  // Server-sent events over a POST response body (EventSource cannot send a body or a header).
  async function readEvents(res, onEvent) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message", id = null, data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("event: ")) event = line.slice(7);
          else if (line.startsWith("id: ")) id = line.slice(4);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data) onEvent(event, JSON.parse(data), id);
      }
    }
  }

  function renderError(card, err) {
    $(".stages", card).hidden = true;
    const box = $(".error-box", card);
    box.hidden = false;
    $(".error-message", box).textContent = err.message || t("failed");
    $(".error-hint", box).textContent = err.hint || "";
  }

  function renderAnswer(card, answer, turnId, fromHistory) {
    markStage(card, "answer");
    if (fromHistory) $(".stages", card).hidden = true;
    card.dataset.turn = turnId;
    if (answer.error) {
      renderError(card, answer.error);
    } else {
      $(".answer-text", card).textContent = answer.text;
    }
    if (answer.sql) {
      $(".sql-box", card).hidden = false;
      $(".sql", card).textContent = answer.sql;
      $(".copy-sql", card).addEventListener("click", (e) => copyText(answer.sql, e.target));
    }
    if (!answer.error && answer.columns.length) renderResult(card, answer, turnId);
    const meta = [t("seconds", { s: answer.seconds.toFixed(2) }), `${answer.backend} ${answer.model}`.trim()];
    $(".meta", card).textContent = meta.join(" · ");
  }

  function renderResult(card, answer, turnId) {
    const result = $(".result", card);
    result.hidden = false;
    let page = 0;
    const pages = Math.max(1, Math.ceil(answer.rows.length / PAGE_SIZE));
    const table = $(".result-table", card);
    const repage = () => {
      const start = page * PAGE_SIZE;
      const slice = answer.rows.slice(start, start + PAGE_SIZE);
      fillTable(table, answer.columns, slice);
      const info = t("page", { from: answer.rows.length ? start + 1 : 0, to: start + slice.length, n: answer.rows.length });
      $(".page-info", card).textContent = info + (answer.truncated ? " " + t("truncated", { n: answer.rows.length }) : "");
      $(".prev", card).disabled = page === 0;
      $(".next", card).disabled = page >= pages - 1;
    };
    card._repage = repage;
    $(".prev", card).addEventListener("click", () => { page = Math.max(0, page - 1); repage(); });
    $(".next", card).addEventListener("click", () => { page = Math.min(pages - 1, page + 1); repage(); });
    repage();
    $(".dl-csv", card).addEventListener("click", () => download(turnId, "csv"));
    $(".dl-xlsx", card).addEventListener("click", () => download(turnId, "xlsx"));
    if (answer.chart && window.vegaEmbed) {
      $(".chart-wrap", card).hidden = false;
      const spec = Object.assign({}, answer.chart, { width: "container", autosize: { type: "fit", contains: "padding" } });
      window.vegaEmbed($(".chart", card), spec, {
        actions: { export: true, source: false, compiled: false, editor: false },
        renderer: "svg",
      }).catch((e) => { $(".chart", card).textContent = e.message; });
    }
  }

  async function download(turnId, fmt) {
    const res = await api(`/api/sessions/${state.session.id}/turns/${turnId}/result.${fmt}`);
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = `tablepilot-${turnId}.${fmt}`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function copyText(text, button) {
    const done = () => { button.textContent = t("copied"); setTimeout(() => { button.textContent = t("copy"); }, 1500); };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done);
    else {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
  }

  function scrollDown() {
    const thread = $("#thread");
    thread.scrollTop = thread.scrollHeight;
  }

  // -- wiring -----------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    applyLanguage();
    $("#lang-toggle").addEventListener("click", () => {
      state.lang = state.lang === "zh" ? "en" : "zh";
      localStorage.setItem("tp-lang", state.lang);
      applyLanguage();
    });
    $("#login-form").addEventListener("submit", (e) => {
      e.preventDefault();
      state.token = $("#token-input").value.trim();
      localStorage.setItem("tp-token", state.token);
      signIn();
    });
    $("#signout").addEventListener("click", () => {
      localStorage.removeItem("tp-token");
      state.token = "";
      showLogin();
    });
    $("#new-session").addEventListener("click", async () => {
      const s = await (await api("/api/sessions", { method: "POST", json: {} })).json();
      const sessions = await (await api("/api/sessions")).json();
      renderSessionList(sessions);
      await openSession(s);
    });
    const q = $("#question");
    q.addEventListener("input", () => { q.style.height = "auto"; q.style.height = Math.min(160, q.scrollHeight) + "px"; });
    q.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("#ask-form").requestSubmit(); }
    });
    $("#ask-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const text = q.value.trim();
      if (!text) return;
      q.value = "";
      q.style.height = "auto";
      ask(text);
    });
    setupDropzone();
    signIn();
  });
})();
