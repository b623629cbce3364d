/**
 * Regression tests for the holes a security pass found by attacking the running api (two fleets A and B), one
 * `describe` per finding. Each talks HTTP or Socket.IO to a real api on a real Redis.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";
import net from "node:net";
import { gzipSync } from "node:zlib";
import { io as ioClient, type Socket } from "socket.io-client";
import { encodeCompact } from "../../ingest/encode";
import { generateKey } from "../../stores/api-keys";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";
import { waitFor } from "../helpers/wait-for";

const window = nextWindow(makeFleet({ vehicles: 1, seed: 5, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
const body = JSON.stringify({ sensor_data: encodeCompact(window) });

function ingestUrl(api: ApiHarness, vehicleId: string): string {
  return `${api.base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`;
}

async function post(
  url: string,
  key: string | null,
  payload: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    body: payload,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("security findings (attacking the running api)", function () {
  this.timeout(60_000);
  const tag = uniqueName("sec");
  const adminKey = generateKey();
  let api: ApiHarness;
  const k: Record<string, string> = {};
  const sockets: Socket[] = [];
  const metricsToken = "m".repeat(16) + generateKey().slice(-32);
  const apiEnv = {
    INGEST_RATE_LIMIT: "100000",
    INGEST_VEHICLE_RATE_LIMIT: "100000",
    VTOX_ADMIN_KEY: adminKey,
    METRICS_TOKEN: metricsToken,
    INGEST_BODY_TIMEOUT_MS: "1000",
  };

  before(async () => {
    api = await startApi(tag, "sec-api", { ...apiEnv });
    for (const f of ["A", "B"]) for (const r of ["ingest", "viewer", "operator", "admin"] as const) k[`${r}${f}`] = await api.key(`fleet${f}`, r);
  });

  after(async () => {
    for (const s of sockets) s.disconnect();
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  describe("1. one fleet cannot stop ingest for all fleets", () => {
    it("a body in another charset is 415 naming content-type, and a burst of them does not open a breaker on anyone's ingest", async () => {
      for (let i = 0; i < 12; i++) {
        const bad = await post(ingestUrl(api, "EV-B1"), k.ingestB, Buffer.from(body, "utf16le"), { "content-type": "application/json; charset=utf-16le" });
        expect(bad.status).to.equal(415);
        expect(bad.json).to.include({ field: "content-type" });
      }
      const good = await post(ingestUrl(api, "EV-A1"), k.ingestA, body);
      expect(good.status, JSON.stringify(good.json)).to.equal(202);
    });
  });

  describe("5. what is validated is what is stored", () => {
    it("a charset=utf-7 body is refused and nothing reaches the stream", async () => {
      const before = await api.redis.xlen(api.keys.rawStream);
      const poison = '{"sensor_data":' + JSON.stringify(encodeCompact(window)) + ",+ACI-poison+ACI-:1}";
      const res = await post(ingestUrl(api, "EV-A2"), k.ingestA, poison, { "content-type": "application/json; charset=utf-7" });
      expect(res.status).to.equal(415);
      expect(await api.redis.xlen(api.keys.rawStream)).to.equal(before);
    });
  });

  describe("6. authentication before the body; every request charged", () => {
    it("a request without a key is answered 401 from its headers, before its body has arrived", async () => {
      const url = new URL(ingestUrl(api, "EV-A3"));
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: "POST",
            headers: { "content-type": "application/json", "content-length": "1000000" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
            req.destroy();
          },
        );
        req.on("error", reject);
        req.write("{"); // the rest never comes
      });
      expect(status).to.equal(401);
    });

    it("a body that does not arrive within INGEST_BODY_TIMEOUT_MS is 408 and its connection is closed", async () => {
      const url = new URL(ingestUrl(api, "EV-A5"));
      const sock = net.connect(Number(url.port), url.hostname);
      await new Promise((r) => sock.once("connect", r));
      const t0 = Date.now();
      sock.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${k.ingestA}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"sensor_data":`,
      );
      let answer = "";
      sock.on("data", (d: Buffer) => (answer += d.toString()));
      await new Promise((r) => sock.once("close", r));
      expect(answer).to.match(/^HTTP\/1\.1 408/);
      expect(answer.toLowerCase()).to.contain("connection: close");
      expect(Date.now() - t0, "released after the 1 s body timeout").to.be.within(900, 5000);
    });

    it("a request with an invalid body is charged to the key's rate limit like a valid one", async () => {
      const limited = await startApi(tag, "sec-api-limited", { ...apiEnv, INGEST_RATE_LIMIT: "3" });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await post(ingestUrl(limited, "EV-L1"), k.ingestA, "{not json")).status);
        expect(statuses.slice(0, 3)).to.deep.equal([400, 400, 400]);
        expect(statuses.slice(3), "the 4th to 6th invalid body within a second").to.include(429);
        const valid = await post(ingestUrl(limited, "EV-L1"), k.ingestA, body);
        expect(valid.status, "a valid body once the budget is spent").to.equal(429);
      } finally {
        await limited.stop();
      }
    });

    it("compressed bodies are refused on every route that takes a body (nothing is inflated)", async () => {
      const res = await post(`${api.base}/api/v1/keys`, k.adminA, gzipSync(JSON.stringify({ role: "viewer" })), { "content-encoding": "gzip" });
      expect(res.status).to.equal(415);
      expect(res.json).to.include({ field: "content-encoding" });
    });

    it("compressed ingest bodies are refused with 415 (gzip, br and broken gzip alike)", async () => {
      const gz = gzipSync(body);
      for (const [encoding, payload] of [
        ["gzip", gz],
        ["br", Buffer.from(body)],
        ["gzip", Buffer.from("not gzip at all")],
      ] as const) {
        const res = await post(ingestUrl(api, "EV-A4"), k.ingestA, payload, { "content-encoding": encoding });
        expect(res.status, `${encoding}`).to.equal(415);
        expect(res.json).to.include({ field: "content-encoding" });
      }
    });
  });

  describe("8. Idempotency-Key reuse never drops data silently", () => {
    it("a retry gets the first id; another body under the same key is 422; keys are per vehicle; at most 200 characters", async () => {
      const headers = { "idempotency-key": "retry-1" };
      const first = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, headers);
      const retry = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, headers);
      expect(first.status).to.equal(202);
      expect(retry.json.message_id).to.equal(first.json.message_id);
      const otherBody = JSON.stringify({ sensor_data: encodeCompact(window), metadata: { note: "another window" } });
      const reused = await post(ingestUrl(api, "EV-I1"), k.ingestA, otherBody, headers);
      expect(reused.status).to.equal(422);
      expect(reused.json).to.include({ error: "idempotency_key_reused", field: "idempotency-key" });
      const otherVehicle = await post(ingestUrl(api, "EV-I2"), k.ingestA, body, headers);
      expect(otherVehicle.status).to.equal(202);
      expect(otherVehicle.json.message_id).to.not.equal(first.json.message_id);
      const otherKeyOfFleet = await post(ingestUrl(api, "EV-I1"), k.adminA, otherBody, headers);
      expect(otherKeyOfFleet.status, "another key of the fleet, another body").to.equal(422);
      const otherFleet = await post(ingestUrl(api, "EV-I3"), k.ingestB, body, headers);
      expect(otherFleet.status).to.equal(202);
      expect(otherFleet.json.message_id).to.not.equal(first.json.message_id);
      const long = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, { "idempotency-key": "x".repeat(201) });
      expect(long.status).to.equal(400);
      expect(long.json).to.include({ field: "idempotency-key" });
      const control = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, { "idempotency-key": "a\tb" });
      expect(control.status).to.equal(400);
      expect(control.json).to.include({ field: "idempotency-key" });
      const max = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, { "idempotency-key": "y".repeat(200) });
      expect(max.status, "200 characters are fine").to.equal(202);
    });
  });

  describe("10. smaller ones", () => {
    it("/live, /ready and /metrics carry the security headers", async () => {
      for (const p of ["/live", "/ready", "/metrics"]) {
        const res = await fetch(`${api.base}${p}`);
        await res.text();
        expect(res.headers.get("x-content-type-options"), p).to.equal("nosniff");
        expect(res.headers.get("x-frame-options"), p).to.equal("DENY");
      }
    });

    it("the gate in front of every route leaves unknown paths 404 and the dashboard served", async () => {
      for (const [p, status] of [
        ["/api/v1/nope", 404],
        ["/nope.js", 404],
        ["/", 200],
        ["/app.js", 200],
      ] as const) {
        const res = await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${k.viewerA}` } });
        await res.text();
        expect(res.status, p).to.equal(status);
      }
    });

    it("/metrics on the public port needs a key", async () => {
      const anonymous = await fetch(`${api.base}/metrics`);
      await anonymous.text();
      expect(anonymous.status).to.equal(401);
    });

    it("/metrics answers METRICS_TOKEN and operate keys, not viewers or a wrong token", async () => {
      const as = async (token: string) => {
        const res = await fetch(`${api.base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
        const text = await res.text();
        return { status: res.status, text };
      };
      const scraped = await as(metricsToken);
      expect(scraped.status).to.equal(200);
      expect(scraped.text).to.match(/moleculer_/);
      expect((await as(k.operatorA)).status).to.equal(200);
      expect((await as(k.viewerA)).status).to.equal(403);
      expect((await as(metricsToken.slice(0, -1) + "x")).status).to.equal(401);
      // The token opens /metrics only.
      expect((await fetch(`${api.base}/api/v1/cluster/status`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).to.equal(401);
    });

    it("viewers do not see cluster topology or stream sizes (operator-only)", async () => {
      for (const p of ["/api/v1/cluster/status", "/api/v1/diagnosis-stream/system/status"]) {
        const res = await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${k.viewerA}` } });
        await res.text();
        expect(res.status, p).to.equal(403);
      }
    });

    it("an X-Request-ID that is not a plain token is not echoed", async () => {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/fleet/overview`, {
        headers: { authorization: `Bearer ${k.viewerA}`, "x-request-id": "<script>alert(1)</script>" },
      });
      await res.text();
      expect(res.headers.get("x-request-id") ?? "").to.not.contain("<");
      const plain = await fetch(`${api.base}/live`, { headers: { "x-request-id": "trace-42:abc.DEF_1" } });
      await plain.text();
      expect(plain.headers.get("x-request-id")).to.equal("trace-42:abc.DEF_1");
      const long = await fetch(`${api.base}/live`, { headers: { "x-request-id": "a".repeat(129) } });
      await long.text();
      expect(long.headers.get("x-request-id")).to.not.equal("a".repeat(129));
    });

    it("Socket.IO tells an ingest key that its role may not read", async () => {
      const s = ioClient(api.base, { auth: { token: k.ingestA }, transports: ["websocket"], reconnection: false });
      sockets.push(s);
      const err = await new Promise<Error>((resolve) => s.on("connect_error", resolve));
      expect(err.message).to.match(/role may not read/);
    });
  });

  describe("3. a revoked key loses its live Socket.IO connection", () => {
    it("within 5 s of the revocation", async () => {
      const { key, principal } = await api.store.create("fleetA", "viewer");
      const s = ioClient(api.base, { auth: { token: key }, transports: ["websocket"], reconnection: false });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.on("connect", resolve);
        s.on("connect_error", reject);
      });
      const revoked = await fetch(`${api.base}/api/v1/keys/${principal.keyId}`, { method: "DELETE", headers: { authorization: `Bearer ${k.adminA}` } });
      expect(revoked.status).to.equal(200);
      const t0 = Date.now();
      await waitFor(() => !s.connected, 5000, "the revoked key's socket to be disconnected");
      expect(Date.now() - t0).to.be.at.most(5000);
    });

    it("also when the key is revoked outside the api (npm run keys -- revoke writes Redis directly)", async () => {
      const { key, principal } = await api.store.create("fleetA", "viewer");
      const s = ioClient(api.base, { auth: { token: key }, transports: ["websocket"], reconnection: false });
      sockets.push(s);
      await new Promise<void>((resolve, reject) => {
        s.on("connect", resolve);
        s.on("connect_error", reject);
      });
      expect(await api.store.revoke(principal.keyId), "revoke finds the key").to.equal(true);
      const t0 = Date.now();
      await waitFor(() => !s.connected, 5000, "the socket of a key revoked in Redis to be disconnected");
      expect(Date.now() - t0).to.be.at.most(5000);
    });

    it("on every api replica, and the replica's key cache forgets it at once", async () => {
      const replica = await startApi(tag, "sec-api-replica", { ...apiEnv });
      let s: Socket | undefined;
      try {
        // The event reaches the replicas the revoking api knows: wait until each sees the other.
        await waitFor(
          () => (api.broker.registry.nodes.get("sec-api-replica")?.available && replica.broker.registry.nodes.get("sec-api")?.available) || undefined,
          10_000,
          "both api replicas to see each other",
        );
        const { key, principal } = await api.store.create("fleetA", "viewer");
        s = ioClient(replica.base, { auth: { token: key }, transports: ["websocket"], reconnection: false });
        const socket = s;
        await new Promise<void>((resolve, reject) => {
          socket.on("connect", resolve);
          socket.on("connect_error", reject);
        });
        // The replica has the key cached (verified within the cache TTL).
        expect((await fetch(`${replica.base}/api/v1/diagnosis-stream/fleet/overview`, { headers: { authorization: `Bearer ${key}` } })).status).to.equal(200);
        const revoked = await fetch(`${api.base}/api/v1/keys/${principal.keyId}`, { method: "DELETE", headers: { authorization: `Bearer ${k.adminA}` } });
        expect(revoked.status).to.equal(200);
        const t0 = Date.now();
        await waitFor(() => !socket.connected, 5000, "the revoked key's socket on the other replica to be disconnected");
        expect(Date.now() - t0).to.be.at.most(5000);
        const after = await fetch(`${replica.base}/api/v1/diagnosis-stream/fleet/overview`, { headers: { authorization: `Bearer ${key}` } });
        expect(after.status, "the other replica no longer accepts the revoked key").to.equal(401);
      } finally {
        s?.disconnect(); // an open socket would hold the replica's server open
        await replica.stop();
      }
    });
  });

  describe("9. Redis that lost its data is reported, and the bootstrap key still works", () => {
    it("after losing every key: the admin key answers, /ready says the state was lost", async () => {
      await dropPrefix(api.redis, tag);
      const keys = await fetch(`${api.base}/api/v1/keys?fleet=fleetA`, { headers: { authorization: `Bearer ${adminKey}` } });
      await keys.text();
      expect(keys.status).to.equal(200);
      const ready = await fetch(`${api.base}/ready`);
      const readyBody = (await ready.json()) as { checks?: Record<string, boolean> };
      expect(ready.status).to.equal(503);
      expect(readyBody.checks).to.include({ redis_state: false });
    });
  });
});
