/**
 * Regression tests for the holes a security pass found by attacking the running api (two fleets A and B), one
 * `describe` per finding. Each talks HTTP or Socket.IO to a real api on a real Redis.
 */
import { expect } from "chai";
import { request as httpRequest } from "node:http";
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

async function post(url: string, key: string | null, payload: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
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

  before(async () => {
    api = await startApi(tag, "sec-api", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000", VTOX_ADMIN_KEY: adminKey });
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
      const poison = '{"sensor_data":' + JSON.stringify(encodeCompact(window)) + ',+ACI-poison+ACI-:1}';
      const res = await post(ingestUrl(api, "EV-A2"), k.ingestA, poison, { "content-type": "application/json; charset=utf-7" });
      expect(res.status).to.equal(415);
      expect(await api.redis.xlen(api.keys.rawStream)).to.equal(before);
    });
  });

  describe("6. authentication before the body; every request charged", () => {
    it("a request without a key is answered 401 from its headers, before its body has arrived", async () => {
      const url = new URL(ingestUrl(api, "EV-A3"));
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "application/json", "content-length": "1000000" } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on("error", reject);
        req.write("{"); // the rest never comes
      });
      expect(status).to.equal(401);
    });

    it("compressed ingest bodies are refused with 415 (gzip, br and broken gzip alike)", async () => {
      const gz = gzipSync(body);
      for (const [encoding, payload] of [["gzip", gz], ["br", Buffer.from(body)], ["gzip", Buffer.from("not gzip at all")]] as const) {
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
      const long = await post(ingestUrl(api, "EV-I1"), k.ingestA, body, { "idempotency-key": "x".repeat(201) });
      expect(long.status).to.equal(400);
      expect(long.json).to.include({ field: "idempotency-key" });
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

    it("/metrics on the public port needs a key", async () => {
      const anonymous = await fetch(`${api.base}/metrics`);
      await anonymous.text();
      expect(anonymous.status).to.equal(401);
    });

    it("viewers do not see cluster topology or stream sizes (operator-only)", async () => {
      for (const p of ["/api/v1/cluster/status", "/api/v1/diagnosis-stream/system/status"]) {
        const res = await fetch(`${api.base}${p}`, { headers: { authorization: `Bearer ${k.viewerA}` } });
        await res.text();
        expect(res.status, p).to.equal(403);
      }
    });

    it("an X-Request-ID that is not a plain token is not echoed", async () => {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/fleet/overview`, { headers: { authorization: `Bearer ${k.viewerA}`, "x-request-id": "<script>alert(1)</script>" } });
      await res.text();
      expect(res.headers.get("x-request-id") ?? "").to.not.contain("<");
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
      await new Promise<void>((resolve, reject) => { s.on("connect", resolve); s.on("connect_error", reject); });
      const revoked = await fetch(`${api.base}/api/v1/keys/${principal.keyId}`, { method: "DELETE", headers: { authorization: `Bearer ${k.adminA}` } });
      expect(revoked.status).to.equal(200);
      const t0 = Date.now();
      await waitFor(() => !s.connected, 5000, "the revoked key's socket to be disconnected");
      expect(Date.now() - t0).to.be.at.most(5000);
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
