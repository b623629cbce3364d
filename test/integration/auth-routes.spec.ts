/**
 * Every REST route the api registers (read from its route settings, so a new route cannot slip through) × every
 * role × own and other fleet: 401 without or with a bad key, 403 for a role without the permission, 404 for another
 * fleet's vehicle, and the security headers and stack-free JSON errors on every answer. Plus: admin key routes,
 * the cluster-wide per-key and per-vehicle rate limits across two api instances, Socket.IO fleet isolation.
 */
import { expect } from "chai";
import { io as ioClient, type Socket } from "socket.io-client";
import { encodeCompact } from "../../ingest/sensor-data";
import type { Role } from "../../gateway/roles";
import { getVehicleState, saveVehicleState } from "../../stores/vehicle-state";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { configuredService, uniqueName } from "./helpers";

type Permission = "public" | "ingest" | "read" | "operate" | "admin";

/** What each api action requires (docs/architecture.md); each action's declared `permission` must say the same. */
const REQUIRED: Record<string, Permission> = {
  "api.live": "public",
  "api.ready": "public",
  "api.ingest": "ingest",
  "api.ingestBatch": "ingest",
  "api.vehicleHealth": "read",
  "api.vehicleHistory": "read",
  "api.vehicleFindings": "read",
  "api.systemPerformance": "read",
  "api.fleetOverview": "read",
  "api.criticalAlerts": "read",
  // Cluster-wide topology, stream sizes and host metrics: operators only.
  "api.systemStatus": "operate",
  "api.clusterStatus": "operate",
  "api.metrics": "operate",
  "api.dlqList": "operate",
  "api.dlqReplay": "operate",
  "api.putVehicleProfile": "operate",
  "api.putVehicleBaseline": "operate",
  "api.createKey": "admin",
  "api.listKeys": "admin",
  "api.revokeKey": "admin",
};
const GRANTS: Record<Role, Permission[]> = {
  ingest: ["ingest"],
  viewer: ["read"],
  operator: ["read", "operate"],
  admin: ["ingest", "read", "operate", "admin"],
};
const ROLES: Role[] = ["ingest", "viewer", "operator", "admin"];

interface Route {
  method: string;
  path: string;
  action: string;
  permission: unknown;
  vehicle: unknown;
}

describe("auth: every route × role × fleet", function () {
  this.timeout(60_000);
  const tag = uniqueName("authz");
  let api: ApiHarness;
  let routes: Route[];
  const keys: Record<string, string> = {};
  const sockets: Socket[] = [];
  const fleet = makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 });
  const sensorData = encodeCompact(nextWindow(fleet.vehicles[0], 0));
  const profile = fleet.vehicles[0].profile;

  before(async () => {
    api = await startApi(tag, "authz-api", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000" });
    api.broker.createService(
      configuredService("monitor", { VTOX_PREFIX: tag, RAW_STREAM: `${tag}:motor_raw_data`, RESULTS_STREAM: `${tag}:fault_diagnosis_results` }),
    );
    await api.broker.waitForServices(["monitor"], 10_000).catch(() => undefined);
    for (const f of ["A", "B"]) for (const r of ROLES) keys[`${r}${f}`] = await api.key(`fleet${f}`, r);
    // EV-A1 belongs to fleet A and has a state, so own-fleet reads answer 200.
    await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/EV-A1/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.ingestA}`, "content-type": "application/json" },
      body: JSON.stringify({ sensor_data: sensorData }),
    });
    await saveVehicleState(api.redis, api.keys, "EV-A1", {
      fleetId: "fleetA",
      health: 1,
      status: "normal",
      findings: {},
      updatedAt: new Date().toISOString(),
      originalMessageId: "1-0",
    });
    // The routes as registered, each with the tags its action declares in its schema.
    const svc = api.broker.getLocalService("api") as unknown as {
      settings: { routes: { path: string; aliases: Record<string, string> }[] };
      schema: { actions: Record<string, { permission?: unknown; vehicle?: unknown }> };
    };
    routes = svc.settings.routes.flatMap((r) =>
      Object.entries(r.aliases).map(([k, action]) => {
        const [method, p] = k.split(" ");
        const declared = svc.schema.actions[action.replace(/^api\./, "")] ?? {};
        return { method, path: `${r.path.replace(/\/$/, "")}${p}`, action, permission: declared.permission, vehicle: declared.vehicle };
      }),
    );
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  async function call(route: Route, key: string | null, fleetOfCaller: "A" | "B"): Promise<Response> {
    let keyId = "0000000000000000";
    if (route.action === "api.revokeKey") keyId = (await api.store.create("fleetA", "viewer")).principal.keyId;
    const p = route.path.replace(":vehicle_id", "EV-A1").replace(":id", "0-1").replace(":key_id", keyId);
    const body =
      route.action === "api.ingest"
        ? { sensor_data: sensorData }
        : route.action === "api.ingestBatch"
          ? [{ vehicle_id: "EV-A1", sensor_data: sensorData }]
          : route.action === "api.putVehicleProfile"
            ? profile
            : route.action === "api.putVehicleBaseline"
              ? {}
              : route.action === "api.createKey"
                ? { fleet: "fleetA", role: "viewer" }
                : undefined;
    void fleetOfCaller;
    return fetch(`${api.base}${p}`, {
      method: route.method,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** The status each (route, role, fleet) must get. */
  function expected(route: Route, role: Role, fleetOfCaller: "A" | "B"): number[] {
    const need = route.permission as Permission;
    if (need === "public") return [200, 503];
    if (!GRANTS[role].includes(need)) return [403];
    const ownFleet = fleetOfCaller === "A";
    // Vehicle ids are per fleet: B's "EV-A1" is B's own vehicle, which has no diagnosis (404 on reads, exactly as an
    // unknown id); B may write it (its own), which never touches A's.
    if (route.path.includes(":vehicle_id")) return ownFleet || route.vehicle === "write" ? [200, 202] : [404];
    if (route.action === "api.dlqReplay") return [404]; // no such dead letter: past auth
    if (route.action === "api.createKey") return ownFleet ? [201] : [403];
    if (route.action === "api.revokeKey") return ownFleet ? [200] : [404];
    return [200];
  }

  function checkHeadersAndBody(res: Response, text: string, where: string): void {
    expect(res.headers.get("x-content-type-options"), where).to.equal("nosniff");
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error?: string; message?: string };
      expect(body.error, where).to.be.a("string");
      expect(body.message, where).to.be.a("string");
      expect(text, where).not.to.match(/\bat .+\.[jt]s:\d+|node_modules|"stack"/);
    }
  }

  it("introspects every registered route, each declaring the documented permission (and a vehicle tag on vehicle routes)", () => {
    expect(routes.length).to.be.greaterThan(15);
    for (const r of routes) {
      const where = `${r.method} ${r.path} → ${r.action}`;
      expect(REQUIRED, where).to.have.property(r.action);
      expect(r.permission, where).to.equal(REQUIRED[r.action]);
      if (r.path.includes(":vehicle_id")) expect(r.vehicle, where).to.be.oneOf(["read", "write"]);
    }
  });

  it("401 without a key or with a wrong one, on every route but the probes", async () => {
    let n = 0;
    for (const r of routes) {
      for (const key of [null, "vtox_0123456789abcdef_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "garbage"]) {
        const res = await call(r, key, "A");
        const text = await res.text();
        const where = `${r.method} ${r.path} key=${String(key).slice(0, 10)}`;
        if (r.permission === "public") expect(res.status, where).to.be.oneOf([200, 503]);
        else {
          expect(res.status, where).to.equal(401);
          checkHeadersAndBody(res, text, where);
        }
        n++;
      }
    }
    console.log(`      ${n} unauthenticated requests`);
  });

  it("each role gets exactly its permissions; another fleet's vehicle cannot be read (404, as an unknown id) or touched", async () => {
    let n = 0;
    for (const r of routes) {
      if (r.permission === "public") continue;
      for (const f of ["A", "B"] as const) {
        for (const role of ROLES) {
          const res = await call(r, keys[`${role}${f}`], f);
          const text = await res.text();
          const where = `${role} of fleet ${f}: ${r.method} ${r.path} → ${res.status} ${text.slice(0, 160)}`;
          expect(res.status, where).to.be.oneOf(expected(r, role, f));
          checkHeadersAndBody(res, text, where);
          n++;
        }
      }
    }
    console.log(`      ${n} route × role × fleet requests`);
    // B's writes to its own "EV-A1" left A's vehicle as it was.
    expect(await getVehicleState(api.redis, api.keys, "fleetA", "EV-A1")).to.include({ fleetId: "fleetA", originalMessageId: "1-0" });
  });

  it("admin key routes: the key is shown once and works; a fleet admin cannot list or revoke another fleet's keys", async () => {
    const res = await fetch(`${api.base}/api/v1/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.adminA}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "viewer" }),
    });
    expect(res.status).to.equal(201);
    const created = (await res.json()) as { key: string; key_id: string; fleet: string; role: string };
    expect(created.fleet).to.equal("fleetA");
    const overview = await fetch(`${api.base}/api/v1/diagnosis-stream/fleet/overview`, { headers: { authorization: `Bearer ${created.key}` } });
    expect(overview.status).to.equal(200);
    const listed = (await (await fetch(`${api.base}/api/v1/keys`, { headers: { authorization: `Bearer ${keys.adminA}` } })).json()) as {
      keys: { key_id: string }[];
    };
    expect(listed.keys.map((k) => k.key_id)).to.include(created.key_id);
    expect(JSON.stringify(listed)).not.to.include(created.key.slice(-20));
    const bad = await fetch(`${api.base}/api/v1/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys.adminA}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "root" }),
    });
    expect(bad.status).to.equal(422);
    expect(((await bad.json()) as { field: string }).field).to.equal("role");
    const crossRevoke = await fetch(`${api.base}/api/v1/keys/${created.key_id}`, { method: "DELETE", headers: { authorization: `Bearer ${keys.adminB}` } });
    expect(crossRevoke.status).to.equal(404);
    const revoke = await fetch(`${api.base}/api/v1/keys/${created.key_id}`, { method: "DELETE", headers: { authorization: `Bearer ${keys.adminA}` } });
    expect(revoke.status).to.equal(200);
  });

  it("Socket.IO: no key → refused; a key joins only its fleet's room and cannot follow another fleet's vehicle", async () => {
    const refused = ioClient(api.base, { transports: ["websocket"], reconnection: false });
    sockets.push(refused);
    const err = await new Promise<Error>((resolve) => refused.on("connect_error", resolve));
    expect(err.message).to.match(/unauthorized/);
    const b = ioClient(api.base, { auth: { token: keys.viewerB }, transports: ["websocket"], reconnection: false });
    sockets.push(b);
    await new Promise<void>((resolve, reject) => {
      b.on("connect", resolve);
      b.on("connect_error", reject);
    });
    // B's "EV-A1" is B's own vehicle: its room is not A's, so B never hears of A's vehicle.
    const sub = await new Promise<{ ok: boolean; room?: string }>((resolve) => b.emit("subscribe", "EV-A1", resolve));
    expect(sub).to.deep.equal({ ok: true, room: "vehicle:fleetB/EV-A1" });
    const a = ioClient(api.base, { auth: { token: keys.viewerA }, transports: ["websocket"], reconnection: false });
    sockets.push(a);
    await new Promise<void>((resolve, reject) => {
      a.on("connect", resolve);
      a.on("connect_error", reject);
    });
    expect(await new Promise<{ ok: boolean }>((resolve) => a.emit("subscribe", "EV-A1", resolve))).to.include({ ok: true });
  });

  it("dashboard and API answers carry the security headers; the CSP allows only self (and its Socket.IO endpoint)", async () => {
    for (const p of ["/", "/api/v1/diagnosis-stream/fleet/overview", "/live"]) {
      const res = await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${keys.viewerA}` } });
      await res.text();
      if (p === "/live") continue;
      expect(res.headers.get("x-content-type-options"), p).to.equal("nosniff");
      expect(res.headers.get("x-frame-options"), p).to.equal("DENY");
      expect(res.headers.get("referrer-policy"), p).to.equal("no-referrer");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, p).to.match(/default-src 'self'/);
      expect(csp, p).to.match(/frame-ancestors 'none'/);
      expect(csp, p).not.to.match(/\*|unsafe-eval/);
    }
  });
});

describe("rate limits: requests per key and samples per vehicle, shared by two api instances", function () {
  this.timeout(30_000);
  const tag = uniqueName("rl");
  let one: ApiHarness;
  let two: ApiHarness;

  after(async () => {
    await dropPrefix(one.redis, tag);
    await Promise.all([one.stop(), two.stop()]);
  });

  const window = nextWindow(makeFleet({ vehicles: 1, seed: 2, faultyShare: 0, durationS: 0.0625, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
  const sd = encodeCompact(window);
  // The vehicle's budget counts samples: three of these windows a second.
  const samplesPerWindow = Object.values(window.channels).reduce((n, c) => n + (c?.samples.length ?? 0), 0);
  const env = { INGEST_RATE_LIMIT: "6", INGEST_VEHICLE_SAMPLES_PER_S: String(3 * samplesPerWindow) };

  before(async () => {
    one = await startApi(tag, "rl-1", env);
    two = await startApi(tag, "rl-2", env);
  });
  async function post(h: ApiHarness, key: string, vehicle: string): Promise<Response> {
    return fetch(`${h.base}/api/v1/diagnosis-stream/vehicles/${vehicle}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ sensor_data: sd }),
    });
  }

  it("one vehicle: a burst of 3 across both instances, then 429 with Retry-After naming vehicle_id", async () => {
    const key = await one.key("fleetR", "ingest");
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await post(i % 2 ? two : one, key, "EV-R1");
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      else await res.text();
    }
    expect(statuses.filter((s) => s === 202).length, statuses.join(",")).to.be.within(3, 4);
    expect(limited, statuses.join(",")).to.exist;
    expect(Number(limited!.headers.get("retry-after"))).to.be.at.least(1);
    expect(((await limited!.json()) as { field: string }).field).to.equal("vehicle_id");
  });

  it("one key over many vehicles: a burst of 6 across both instances, then 429", async () => {
    const key = await two.key("fleetR", "ingest");
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post(i % 2 ? one : two, key, `EV-K${i}`)).status);
    expect(statuses.filter((s) => s === 202).length, statuses.join(",")).to.be.within(6, 7);
    expect(statuses).to.include(429);
  });
});
