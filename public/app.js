// Operator dashboard: fleet overview and critical alerts over REST, live updates over Socket.IO, a vehicle's
// findings with their evidence on demand. Plain DOM, no framework, no CDN; text only through textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const API = "/api/v1/diagnosis-stream";
  const KEY_STORE = "vtox.apiKey"; // sessionStorage: gone with the tab, never in the URL
  const FAMILIES = ["turn_fault", "insulation", "bearing", "eccentricity", "broken_bar"];
  const FAMILY_NAMES = { turn_fault: "Turn fault", insulation: "Insulation", bearing: "Bearing", eccentricity: "Eccentricity", broken_bar: "Broken rotor bar" };
  const STATUS_TEXT = { normal: "normal", warning: "warning", fault: "fault", not_applicable: "n/a", insufficient_data: "no data" };
  const RANK = { not_applicable: 0, insufficient_data: 1, normal: 2, warning: 3, fault: 4 };

  let key = null;
  let socket = null;
  let session = 0; // bumps on every (re)connect so late answers for an old key are dropped
  let selected = null;
  const vehicles = new Map(); // vehicle id → { health, status, families, updatedAt, row }

  class AuthError extends Error {}

  // ---------- small DOM helpers ----------
  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text != null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function pill(status) {
    return el("span", STATUS_TEXT[status] || status || "–", "pill " + (status || "none"));
  }
  function pillCell(status) {
    const td = el("td");
    td.append(pill(status));
    return td;
  }
  function pct(h) {
    return typeof h === "number" && Number.isFinite(h) ? (h * 100).toFixed(0) + " %" : "–";
  }
  function time(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? "–" : d.toLocaleTimeString();
  }
  function num(x) {
    if (typeof x !== "number" || !Number.isFinite(x)) return "";
    return Math.abs(x) >= 1000 || Number.isInteger(x) ? String(Math.round(x)) : x.toPrecision(3);
  }
  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = !text;
  }
  function setConn(text, cls) {
    $("conn").textContent = text;
    $("conn").className = "badge " + cls;
  }

  // ---------- REST ----------
  async function api(path) {
    const res = await fetch(API + path, { headers: { authorization: "Bearer " + key }, cache: "no-store" });
    if (res.status === 401 || res.status === 403) throw new AuthError("This API key was not accepted (HTTP " + res.status + "). Check it and connect again.");
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      const err = new Error(body.message || "HTTP " + res.status);
      err.status = res.status;
      throw err;
    }
    return res.json();
  }

  // ---------- fleet table ----------
  function upsertVehicle(v) {
    let rec = vehicles.get(v.vehicle_id);
    if (!rec) {
      const row = el("tr");
      row.dataset.vehicle = v.vehicle_id;
      rec = { row, families: {} };
      vehicles.set(v.vehicle_id, rec);
      $("vehicles").tBodies[0].prepend(row);
    }
    if ("health" in v) rec.health = v.health;
    if (v.status) rec.status = v.status;
    if (v.families) Object.assign(rec.families, v.families);
    rec.updatedAt = v.updated_at || v.timestamp || rec.updatedAt;
    const open = el("button", v.vehicle_id, "link");
    open.type = "button";
    open.setAttribute("aria-label", "Show findings of " + v.vehicle_id);
    open.addEventListener("click", () => showVehicle(v.vehicle_id, true));
    const name = el("td");
    name.append(open);
    const cells = [name, el("td", pct(rec.health), "num"), pillCell(rec.status), ...FAMILIES.map((f) => pillCell(rec.families[f]))];
    const when = el("td", time(rec.updatedAt));
    when.title = rec.updatedAt || "";
    cells.push(when);
    rec.row.className = rec.status === "fault" || rec.status === "warning" ? "row-" + rec.status : "";
    rec.row.classList.toggle("selected", v.vehicle_id === selected);
    rec.row.replaceChildren(...cells);
    summarise();
  }

  function summarise() {
    const counts = {};
    const healths = [];
    for (const r of vehicles.values()) {
      counts[r.status] = (counts[r.status] || 0) + 1;
      if (typeof r.health === "number" && Number.isFinite(r.health)) healths.push(r.health);
    }
    const parts = [vehicles.size + (vehicles.size === 1 ? " vehicle" : " vehicles")];
    if (healths.length) parts.push("mean health " + pct(healths.reduce((a, b) => a + b, 0) / healths.length));
    for (const s of ["fault", "warning", "normal", "insufficient_data"]) if (counts[s]) parts.push(counts[s] + " " + STATUS_TEXT[s]);
    $("summary").textContent = vehicles.size ? parts.join(" · ") : "No vehicle of this fleet has reported yet.";
  }

  // ---------- alerts and event feed ----------
  function addAlert(a, atTop) {
    const list = $("alerts");
    list.querySelector(".empty")?.remove();
    const li = el("li", null, a.status || "fault");
    li.append(el("time", time(a.timestamp)), " ", el("strong", a.vehicleId), " " + (FAMILY_NAMES[a.faultType] || a.faultType) + " ", pill(a.status));
    if (a.reason) li.append(el("div", a.reason, "reason"));
    if (atTop) list.prepend(li);
    else list.append(li);
    while (list.children.length > 50) list.lastChild.remove();
  }

  function logEvent(text, status) {
    const li = el("li", null, status);
    li.append(el("time", new Date().toLocaleTimeString()), " " + text);
    const list = $("events");
    list.prepend(li);
    while (list.children.length > 100) list.lastChild.remove();
  }

  // ---------- vehicle detail ----------
  function evidenceTable(evidence) {
    const table = el("table", null, "evidence");
    const head = el("tr");
    for (const h of ["evidence", "frequency", "level / value", "threshold", "reference"]) head.append(el("th", h));
    head.querySelectorAll("th").forEach((th) => th.setAttribute("scope", "col"));
    table.append(el("thead"), el("tbody"));
    table.tHead.append(head);
    for (const e of evidence) {
      const unit = e.level_db != null ? " dB" : e.unit ? " " + e.unit : "";
      const level = e.level_db != null ? num(e.level_db) + " dB" : e.value != null ? num(e.value) + unit : "";
      const tr = el("tr");
      tr.append(
        el("td", e.name),
        el("td", e.frequency_hz != null ? num(e.frequency_hz) + " Hz" : "", "num"),
        el("td", level, "num"),
        el("td", e.threshold != null ? num(e.threshold) + unit : "", "num"),
        el("td", e.reference || ""),
      );
      table.tBodies[0].append(tr);
    }
    return table;
  }

  function findingCard(f) {
    const card = el("article", null, "finding " + f.status);
    card.dataset.family = f.fault_type;
    const h = el("h3", (FAMILY_NAMES[f.fault_type] || f.fault_type) + " ");
    h.append(pill(f.status), el("span", " score " + (Number(f.score) || 0).toFixed(2), "score"));
    card.append(h);
    if (f.reason) card.append(el("p", f.reason, "reason"));
    if (f.evidence && f.evidence.length) card.append(evidenceTable(f.evidence));
    return card;
  }

  async function showVehicle(id, focus) {
    selected = id;
    const mine = session;
    $("detail").hidden = false;
    $("detail-id").textContent = id;
    for (const r of vehicles.values()) r.row.classList.toggle("selected", r.row.dataset.vehicle === id);
    if (focus) $("detail").focus();
    try {
      const [findings, history] = await Promise.all([
        api("/vehicles/" + encodeURIComponent(id) + "/findings"),
        api("/vehicles/" + encodeURIComponent(id) + "/diagnosis-history?limit=10"),
      ]);
      if (mine !== session || selected !== id) return;
      const order = (f) => -RANK[f.status] * 10 + FAMILIES.indexOf(f.fault_type) / 10;
      $("detail-summary").textContent = "Findings of the window diagnosed at " + time(findings.updated_at) + " (message " + findings.message_id + ")";
      $("findings").replaceChildren(...findings.findings.sort((a, b) => order(a) - order(b)).map(findingCard));
      $("history").tBodies[0].replaceChildren(
        ...history.history.map((s) => {
          const tr = el("tr");
          tr.append(el("td", time(s.updatedAt)), el("td", pct(s.health), "num"));
          for (const st of [s.status, ...FAMILIES.map((f) => s.findings && s.findings[f] && s.findings[f].status)]) tr.append(pillCell(st));
          return tr;
        }),
      );
    } catch (err) {
      if (mine !== session) return;
      if (err instanceof AuthError) return authFailed(err.message);
      $("detail-summary").textContent = err.status === 404 ? "No diagnosis for this vehicle yet." : "Could not load this vehicle: " + err.message;
      $("findings").replaceChildren();
      $("history").tBodies[0].replaceChildren();
    }
  }

  // ---------- live connection ----------
  function connectSocket() {
    const mine = session;
    socket = io({ auth: { token: key } });
    socket.on("connect", () => {
      setConn("live", "live");
      // Catch up on whatever changed while the link was down.
      if (mine === session) loadFleet().catch(() => undefined);
    });
    socket.on("disconnect", (reason) => {
      if (reason === "io client disconnect") return setConn("not connected", "off");
      setConn("connection lost — reconnecting…", "warn");
      // Socket.IO retries by itself except after a server-side disconnect; the handshake re-checks the key then.
      if (reason === "io server disconnect") socket.connect();
    });
    socket.io.on("reconnect_attempt", (n) => setConn("reconnecting… (attempt " + n + ")", "warn"));
    socket.on("connect_error", (err) => {
      if (/unauthorized/i.test(err.message)) return authFailed("This API key was not accepted for live updates (" + err.message + ").");
      setConn("cannot reach the server — reconnecting…", "warn");
    });
    socket.on("health", (h) => upsertVehicle(h));
    socket.on("diagnosis", (d) => {
      const families = {};
      for (const f of d.findings || []) families[f.fault_type] = f.status;
      upsertVehicle({ vehicle_id: d.vehicle_id, health: d.health, status: d.status, timestamp: d.timestamp, families });
      logEvent(d.vehicle_id + " diagnosed: " + (STATUS_TEXT[d.status] || d.status) + ", health " + pct(d.health), d.status);
      if (selected === d.vehicle_id) showVehicle(d.vehicle_id, false);
    });
    socket.on("alarm", (a) => {
      const what = (FAMILY_NAMES[a.fault_type] || a.fault_type) + (a.level ? " " + a.level : "");
      logEvent(a.vehicle_id + " alarm " + a.kind + ": " + what, a.kind === "raised" ? a.level : "normal");
      if (a.kind === "raised" && a.level === "fault") {
        addAlert({ vehicleId: a.vehicle_id, faultType: a.fault_type, status: a.level, reason: a.reason, timestamp: a.timestamp }, true);
      }
    });
  }

  async function loadFleet() {
    const mine = session;
    const [overview, alerts] = await Promise.all([api("/fleet/overview"), api("/alerts/critical")]);
    if (mine !== session) return;
    $("fleet").textContent = overview.fleet_id;
    // The overview lists the most recent first; prepending in reverse keeps that order.
    for (const v of overview.vehicles.slice().reverse()) upsertVehicle(v);
    $("alerts").replaceChildren();
    if (alerts.alerts.length === 0) $("alerts").append(el("li", "none", "empty"));
    for (const a of alerts.alerts) addAlert(a, false);
    summarise();
  }

  function disconnect() {
    session++;
    if (socket) socket.disconnect();
    socket = null;
    selected = null;
    vehicles.clear();
    $("vehicles").tBodies[0].replaceChildren();
    $("alerts").replaceChildren(el("li", "none", "empty"));
    $("events").replaceChildren();
    $("fleet").textContent = "";
    $("detail").hidden = true;
  }

  /** Drops the key and the connection: "Forget key", and a key the server refused. */
  function signOut() {
    disconnect();
    key = null;
    sessionStorage.removeItem(KEY_STORE);
    $("forget").hidden = true;
    setConn("not connected", "off");
    $("summary").textContent = "Enter an API key to see your fleet.";
  }

  function authFailed(message) {
    signOut();
    showError(message);
    $("key").focus();
  }

  async function start(newKey) {
    disconnect();
    key = newKey;
    showError("");
    setConn("connecting…", "warn");
    $("summary").textContent = "Loading…";
    try {
      await loadFleet();
    } catch (err) {
      if (err instanceof AuthError) return authFailed(err.message);
      showError("Could not load the fleet overview: " + err.message);
    }
    sessionStorage.setItem(KEY_STORE, newKey);
    $("forget").hidden = false;
    connectSocket();
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    const value = $("key").value.trim();
    $("key").value = "";
    if (value) start(value);
  });
  $("forget").addEventListener("click", signOut);

  const saved = sessionStorage.getItem(KEY_STORE);
  if (saved) start(saved);
})();
