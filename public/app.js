// Fleet overview over REST, then live updates over Socket.IO. No framework, no CDN.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let socket = null;
  const rows = new Map();

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function upsertVehicle(v) {
    let tr = rows.get(v.vehicle_id);
    if (!tr) {
      tr = document.createElement("tr");
      rows.set(v.vehicle_id, tr);
      $("vehicles").tBodies[0].appendChild(tr);
    }
    tr.replaceChildren(
      cell(v.vehicle_id),
      cell(v.health == null ? "–" : (v.health * 100).toFixed(0) + " %"),
      cell(v.status, v.status),
      cell(new Date(v.updated_at || v.timestamp).toLocaleTimeString()),
    );
  }

  function logEvent(kind, text, cls) {
    const li = document.createElement("li");
    li.textContent = new Date().toLocaleTimeString() + " " + kind + ": " + text;
    if (cls) li.className = cls;
    const list = $("events");
    list.prepend(li);
    while (list.children.length > 200) list.lastChild.remove();
  }

  async function loadOverview(key) {
    const res = await fetch("/api/v1/diagnosis-stream/fleet/overview", { headers: { authorization: "Bearer " + key } });
    if (!res.ok) throw new Error("overview: HTTP " + res.status);
    const o = await res.json();
    $("fleet").textContent = o.fleet_id;
    $("summary").textContent = o.vehicle_count + " vehicles, mean health " + (o.mean_health == null ? "–" : (o.mean_health * 100).toFixed(0) + " %");
    o.vehicles.forEach(upsertVehicle);
  }

  function connect(key) {
    if (socket) socket.disconnect();
    socket = io({ auth: { token: key } });
    socket.on("connect", () => { $("conn").textContent = "live"; });
    socket.on("disconnect", () => { $("conn").textContent = "disconnected"; });
    socket.on("connect_error", (err) => { $("conn").textContent = "error: " + err.message; });
    socket.on("health", (h) => upsertVehicle(h));
    socket.on("diagnosis", (d) => logEvent("diagnosis", d.vehicle_id + " " + d.status, d.status));
    socket.on("alarm", (a) => logEvent("alarm " + a.kind, a.vehicle_id + " " + a.fault_type + (a.level ? " " + a.level : ""), a.level || "normal"));
  }

  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    const key = $("key").value.trim();
    if (!key) return;
    loadOverview(key).catch((err) => logEvent("error", err.message, "fault"));
    connect(key);
  });
})();
