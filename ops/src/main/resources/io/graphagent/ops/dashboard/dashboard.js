// graphagent dashboard: polls the coordinator's admin API once a second and redraws.
// The token comes from the URL fragment (#token=...), which browsers never send to the
// server, and is kept in sessionStorage for reloads of this tab. All text is set with
// textContent: nothing from the API is parsed as HTML.
"use strict";

(function () {
  const POLL_MS = 1000;
  const EVENTS_KEPT = 300;
  const SVG = "http://www.w3.org/2000/svg";

  // Set once per page load: tests read it to prove that updates arrive without a reload.
  window.graphagentDashboard = { loadedAt: Date.now(), polls: 0 };

  const state = {
    token: takeToken(),
    sortKey: "agent",
    sortDir: 1,
    lastSeq: 0,
    events: [],
    data: null,
  };

  function takeToken() {
    const match = /(?:^#|&)token=([^&]*)/.exec(window.location.hash);
    if (match) {
      const token = decodeURIComponent(match[1]);
      sessionStorage.setItem("graphagent.token", token);
      // Keep the token out of the address bar, bookmarks and screenshots.
      history.replaceState(null, "", window.location.pathname + window.location.search);
      return token;
    }
    return sessionStorage.getItem("graphagent.token") || "";
  }

  function $(selector) {
    return document.querySelector(selector);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") {
        node.className = v;
      } else if (k.startsWith("data-")) {
        node.setAttribute(k, v);
      } else {
        node[k] = v;
      }
    }
    for (const c of children) {
      node.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
    }
    return node;
  }

  async function api(path) {
    const headers = state.token ? { Authorization: "Bearer " + state.token } : {};
    const response = await fetch(path, { headers: headers, cache: "no-store" });
    if (response.status === 401) {
      const e = new Error("token required");
      e.unauthorized = true;
      throw e;
    }
    if (!response.ok) {
      throw new Error(path + ": HTTP " + response.status);
    }
    return response.json();
  }

  async function poll() {
    try {
      const data = await api("/api/dashboard");
      const fresh = await api("/api/events?since=" + state.lastSeq);
      for (const e of fresh) {
        state.events.push(e);
        state.lastSeq = Math.max(state.lastSeq, e.seq);
      }
      if (state.events.length > EVENTS_KEPT) {
        state.events.splice(0, state.events.length - EVENTS_KEPT);
      }
      state.data = data;
      $("#token-required").hidden = true;
      $("#offline").hidden = true;
      document.body.dataset.status = "ok";
      render();
    } catch (e) {
      if (e.unauthorized) {
        $("#token-required").hidden = false;
        document.body.dataset.status = "unauthorized";
        $("#summary").textContent = "token required";
      } else {
        $("#offline").hidden = false;
        $("#offline-detail").textContent = e.message;
        document.body.dataset.status = "offline";
      }
    } finally {
      window.graphagentDashboard.polls++;
      setTimeout(poll, POLL_MS);
    }
  }

  function render() {
    const d = state.data;
    const alive = d.agents.filter((a) => a.state === "ALIVE").length;
    const running = d.jobs.filter((j) => !isFinished(j)).length;
    $("#summary").textContent = d.agents.length + " agents (" + alive + " alive), " + running + " job"
      + (running === 1 ? "" : "s") + " running";
    $("#updated").textContent = "updated " + new Date(d.now_ms).toLocaleTimeString();
    renderAgents(d);
    renderCoordinators(d.control_plane);
    renderJobs(d.jobs);
    renderPartitions(d.jobs);
    renderHeat(d.routing);
    renderEvents();
  }

  // ---- coordinators: leader and standbys (etcd store) ----

  function renderCoordinators(plane) {
    const single = !plane || plane.store !== "etcd";
    $("#coordinators-single").hidden = !single;
    $("#coordinators").hidden = single;
    const body = el("tbody");
    if (single) {
      $("#coordinators-summary").textContent = "";
      $("#coordinators tbody").replaceWith(body);
      return;
    }
    $("#coordinators-summary").textContent = "(term " + plane.leader_term + (plane.etcd_healthy ? ""
      : "; etcd UNHEALTHY: " + plane.etcd_problem) + ")";
    for (const c of plane.coordinators) {
      body.append(el("tr", { "data-coordinator": c.coordinator_id, class: "role-" + c.role },
        el("td", { class: "id" }, c.coordinator_id),
        el("td", { class: "role" }, c.role),
        el("td", { class: "term" }, c.role === "leader" ? String(c.term) : ""),
        el("td", { class: "since" }, c.since_ms > 0 ? new Date(c.since_ms).toLocaleTimeString() : ""),
        el("td", { class: "address" }, c.address)));
    }
    $("#coordinators tbody").replaceWith(body);
  }

  // ---- agents ----

  function renderAgents(d) {
    $("#agent-count").textContent = "(" + d.agents.length + ")";
    const agents = d.agents.slice().sort((a, b) => compare(a[state.sortKey], b[state.sortKey]) * state.sortDir
      || compare(a.agent, b.agent));
    const body = el("tbody");
    for (const a of agents) {
      const stateCell = el("td", { class: "state-cell" },
        el("span", { class: "state state-" + a.state }, a.state));
      if (a.late) {
        stateCell.append(el("span", { class: "late-word" }, "late"));
      }
      if (a.cause) {
        stateCell.append(el("span", { class: "cause" }, a.cause));
      }
      const gone = a.state === "DEAD" || a.state === "LEFT";
      const row = el("tr", { "data-agent": a.agent, "data-state": a.state, class: (a.late ? "late " : "") + (gone ? "gone" : "") },
        el("td", { class: "agent" }, a.agent),
        stateCell,
        el("td", { class: "num heartbeat" }, gone ? "–" : duration(a.heartbeat_age_ms)),
        el("td", { class: "num rtt" }, gone || !a.rtt_micros ? "–" : (a.rtt_micros / 1000).toFixed(2) + " ms"),
        el("td", { class: "spark-cell" }, sparkline(a.history, d.timing.lease_ttl_ms)),
        el("td", { class: "num skew" }, gone ? "–" : a.clock_skew_ms + " ms"),
        el("td", { class: "num partitions" }, gone ? "–" : a.partitions),
        el("td", { class: "num load" }, gone ? "–" : bytes(a.heap_used_bytes) + " / " + bytes(a.max_heap_bytes)
          + ", " + a.cores + " cores"),
        el("td", { class: "tls" }, a.tls ? "TLS" : "plaintext"),
        el("td", { class: "version" }, a.build + " (v" + a.protocol + ")"),
        el("td", { class: "num uptime" }, gone ? "–" : duration(a.session_age_ms)),
        el("td", { class: "num reconnects" }, a.reconnects));
      body.append(row);
    }
    $("#agents tbody").replaceWith(body);
    for (const th of document.querySelectorAll("#agents th[data-sort]")) {
      th.setAttribute("aria-sort", th.dataset.sort === state.sortKey ? (state.sortDir > 0 ? "ascending" : "descending") : "none");
    }
  }

  function sparkline(history, leaseTtlMs) {
    const w = 140;
    const h = 30;
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("preserveAspectRatio", "none");
    const n = history.t.length;
    if (n < 2) {
      return svg;
    }
    const t0 = history.t[0];
    const span = Math.max(1, history.t[n - 1] - t0);
    const x = (i) => ((history.t[i] - t0) / span * w).toFixed(1);
    const maxRtt = Math.max(0.001, ...history.rtt_ms);
    let area = "0," + h;
    let line = "";
    for (let i = 0; i < n; i++) {
      area += " " + x(i) + "," + (h - history.margin_ms[i] / Math.max(1, leaseTtlMs) * h).toFixed(1);
      line += (i ? " " : "") + x(i) + "," + (h - 1 - history.rtt_ms[i] / maxRtt * (h - 2)).toFixed(1);
    }
    area += " " + w + "," + h;
    const margin = document.createElementNS(SVG, "polygon");
    margin.setAttribute("class", "margin");
    margin.setAttribute("points", area);
    const rtt = document.createElementNS(SVG, "polyline");
    rtt.setAttribute("class", "rtt");
    rtt.setAttribute("points", line);
    const title = document.createElementNS(SVG, "title");
    title.textContent = "RTT max " + maxRtt.toFixed(2) + " ms, now " + history.rtt_ms[n - 1].toFixed(2)
      + " ms; lease margin now " + history.margin_ms[n - 1] + " ms of " + leaseTtlMs + " ms";
    svg.append(title, margin, rtt);
    return svg;
  }

  // ---- jobs and partitions ----

  function isFinished(j) {
    return j.state === "SUCCEEDED" || j.state === "FAILED" || j.state === "CANCELLED";
  }

  function renderJobs(jobs) {
    const box = el("div", { id: "jobs" });
    if (!jobs.length) {
      box.append(el("p", { class: "muted empty" }, "no jobs yet"));
    }
    for (const j of jobs.slice().reverse()) {
      // Supersteps are numbered 0 .. max_supersteps - 1; 0 = no cap (runs until it converges).
      const last = j.max_supersteps - 1;
      const done = j.state === "SUCCEEDED";
      const started = !(j.state === "QUEUED" || j.state === "LOADING");
      const bar = el("progress", { class: "progress", max: last > 0 ? last : 1 });
      if (last > 0 || done) {
        bar.value = done ? bar.max : (started ? Math.min(j.superstep, last) : 0);
      }
      const facts = el("div", { class: "job-facts" },
        el("span", { class: "superstep" }, "superstep " + (started ? j.superstep : "–") + (last > 0 ? " of " + last : "")),
        el("span", { class: "elapsed" }, "elapsed " + duration(j.elapsed_ms)),
        el("span", { class: "recoveries" }, j.recoveries + " recover" + (j.recoveries === 1 ? "y" : "ies")),
        el("span", { class: "checkpoint" }, "last checkpoint " + (j.last_checkpoint == null ? "none" : "superstep " + j.last_checkpoint)));
      const card = el("div", { class: "job", "data-job": j.job, "data-state": j.state },
        el("div", { class: "job-head" },
          el("span", { class: "job-id" }, j.job),
          el("span", { class: "job-state job-state-" + j.state }, j.state),
          el("span", { class: "algorithm" }, j.program ? j.program : j.algorithm.toLowerCase()),
          el("code", { class: "graph" }, j.graph)),
        j.jar_sha256 ? el("div", { class: "job-program" }, "jar sha256 ", el("code", { class: "jar-sha256" }, j.jar_sha256)) : "",
        bar, facts,
        el("div", { class: "job-message" }, j.message));
      if (j.summary) {
        const s = j.summary;
        card.append(el("div", { class: "job-summary" },
          s.vertices + " vertices, " + s.edges + " edges, " + s.supersteps + " supersteps in " + duration(s.total_time_ms)
          + " on " + s.agents + " agents; output ", el("code", { class: "output" }, s.output_path)));
      }
      box.append(card);
    }
    $("#jobs").replaceWith(box);
  }

  function renderPartitions(jobs) {
    const job = jobs.slice().reverse().find((j) => !isFinished(j) && j.partitions.length)
      || jobs.slice().reverse().find((j) => j.partitions.length);
    $("#partitions-job").textContent = job ? "(" + job.job + ", " + job.partitions.length + ")" : "";
    const body = el("tbody");
    for (const p of job ? job.partitions : []) {
      body.append(el("tr", { "data-partition": p.partition, class: p.moves ? "moved" : "" },
        el("td", { class: "num" }, p.partition),
        el("td", { class: "agent" }, p.agent),
        el("td", { class: "num" }, p.vertices || "–"),
        el("td", { class: "num" }, p.edges || "–"),
        el("td", { class: "num moves" }, p.moves)));
    }
    $("#partitions tbody").replaceWith(body);
  }

  // ---- query routing: the heat view ----

  function renderHeat(routing) {
    const rows = routing ? routing.partitions : [];
    $("#heat-panel").hidden = !routing;
    $("#heat-empty").hidden = rows.length > 0;
    const cost = {};
    for (const a of routing ? routing.agents : []) {
      cost[a.agent_id] = a.cost;
    }
    const hot = rows.filter((p) => p.hot).length;
    $("#heat-summary").textContent = routing ? "(" + routing.policy + ", hot over " + routing.hot_rate + " req/s; "
      + rows.length + " partitions, " + hot + " hot)" : "";
    const body = el("tbody");
    for (const p of rows) {
      const share = routing.hot_rate > 0 ? Math.min(1, p.rate / routing.hot_rate) : 0;
      const bar = el("meter", { class: "heat-bar", min: 0, max: 1, high: 0.5, optimum: 0, value: share });
      body.append(el("tr", { "data-graph": p.graph, "data-partition": p.partition, "data-hot": p.hot ? "true" : "false",
        class: p.hot ? "hot" : "" },
        el("td", { class: "graph" }, p.graph),
        el("td", { class: "num" }, p.partition),
        el("td", { class: "num rate" }, bar, " " + p.rate.toFixed(1) + " req/s"),
        el("td", { class: "num requests" }, p.requests),
        el("td", { class: p.hot ? "hot-cell" : "muted" }, p.hot ? "hot" : "–"),
        el("td", { class: "replicas" }, p.replicas.join(" ")),
        el("td", { class: "agent routes-to" }, p.routes_to || "–"),
        el("td", { class: "num cost" }, p.routes_to in cost ? cost[p.routes_to].toFixed(2) : "–")));
    }
    $("#heat tbody").replaceWith(body);
  }

  // ---- events ----

  function renderEvents() {
    const agentFilter = fillSelect("#event-agent", state.events.map((e) => e.agent));
    const causeFilter = fillSelect("#event-cause", state.events.map((e) => e.cause));
    const body = el("tbody");
    for (const e of state.events.slice().reverse()) {
      if ((agentFilter && e.agent !== agentFilter) || (causeFilter && e.cause !== causeFilter)) {
        continue;
      }
      body.append(el("tr", { "data-seq": e.seq, "data-kind": e.kind, "data-agent": e.agent, "data-cause": e.cause },
        el("td", {}, new Date(e.time).toLocaleTimeString()),
        el("td", {}, e.kind),
        el("td", { class: "agent" }, e.agent),
        el("td", { class: "event-cause" }, e.cause),
        el("td", { class: "detail" }, e.detail)));
    }
    $("#events tbody").replaceWith(body);
  }

  /** Adds options for values not yet listed; returns the selected value. */
  function fillSelect(selector, values) {
    const select = $(selector);
    const known = new Set(Array.from(select.options).map((o) => o.value));
    for (const v of Array.from(new Set(values)).filter((v) => v && !known.has(v)).sort()) {
      select.append(el("option", { value: v }, v));
    }
    return select.value;
  }

  // ---- formatting ----

  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") {
      return a - b;
    }
    return String(a).localeCompare(String(b));
  }

  function duration(ms) {
    if (ms == null) {
      return "–";
    }
    if (ms < 1000) {
      return ms + " ms";
    }
    const s = ms / 1000;
    if (s < 60) {
      return s.toFixed(1) + " s";
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
      return m + " min " + Math.floor(s % 60) + " s";
    }
    return Math.floor(m / 60) + " h " + (m % 60) + " min";
  }

  function bytes(n) {
    if (!n) {
      return "0";
    }
    const mb = n / (1024 * 1024);
    return mb < 1024 ? Math.round(mb) + " MB" : (mb / 1024).toFixed(1) + " GB";
  }

  function start() {
    for (const th of document.querySelectorAll("#agents th[data-sort]")) {
      th.addEventListener("click", () => {
        state.sortDir = th.dataset.sort === state.sortKey ? -state.sortDir : 1;
        state.sortKey = th.dataset.sort;
        if (state.data) {
          renderAgents(state.data);
        }
      });
    }
    // A URL with another #token= pasted into this tab is a fragment change, not a reload.
    window.addEventListener("hashchange", () => {
      state.token = takeToken();
    });
    for (const id of ["#event-agent", "#event-cause"]) {
      $(id).addEventListener("change", renderEvents);
    }
    poll();
  }

  start();
})();
