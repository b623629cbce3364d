/**
 * The whole path of a window in one process pair (real Redis, real brokers on the Redis transporter, real HTTP,
 * real Socket.IO clients): gateway broker (api, diagnosis, monitor) and worker broker (five fault services).
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { io as ioClient, type Socket } from "socket.io-client";
import { encodeColumnar, encodeCompact, encodeLegacyRows } from "../../ingest/sensor-data";
import type { SensorWindow } from "../../analyzers/types";
import { VehicleProfiles } from "../../stores/vehicle-profiles";
import { ApiKeyStore } from "../../stores/api-keys";
import { redisKeys, type RedisKeys } from "../../contracts/redis-keys";
import { listDeadLetters } from "../../streams/dead-letter";
import { rawEntryFields } from "../../streams/raw-stream-writer";
import { parseResultEntry, type ResultEntry } from "../../streams/results-writer";
import { makeFleet, nextWindow } from "../../simulator/index";
import { configuredService, makeBroker, REDIS_URL, uniqueName } from "./helpers";
import { nextEvent, waitFor } from "../helpers/wait-for";
import { useRedisFixture } from "../helpers/redis-fixture";
import { CORE_UNITS } from "../../contracts/service-units";
import { WORKER_UNITS } from "../../contracts/families";
import { freePort } from "../../cli/free-port";
import { setTimeout as sleep } from "node:timers/promises";

describe("pipeline: HTTP → stream → coordinator → five workers → results + Socket.IO", function () {
  this.timeout(60_000);
  const tag = uniqueName("pipe");
  let gateway: ServiceBroker;
  let workers: ServiceBroker;
  let redis: Redis;
  let keys: RedisKeys;
  let base: string;
  let ingestA: string;
  let viewerA: string;
  let viewerB: string;
  let operatorA: string;
  const sockets: Socket[] = [];
  let window: SensorWindow;
  const fx = useRedisFixture("pipe", { prefix: tag });
  fx.beforeCleanup(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([gateway?.stop(), workers?.stop()]);
  });

  before(async () => {
    const port = await freePort();
    const env = {
      REDIS_URL,
      VTOX_PREFIX: tag,
      RAW_STREAM: `${tag}:motor_raw_data`,
      RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
      PORT: String(port),
      HOST: "127.0.0.1",
      DIAGNOSIS_CLAIM_IDLE_MS: "1000",
      DIAGNOSIS_MAX_DELIVERIES: "3",
      INGEST_BODY_LIMIT: "2mb",
      ASSEMBLY_TARGET_SAMPLES: "200",
    };
    keys = redisKeys({ prefix: tag, rawStream: env.RAW_STREAM, resultsStream: env.RESULTS_STREAM });
    redis = fx.redis;
    base = `http://127.0.0.1:${port}`;

    gateway = makeBroker(tag, "gateway");
    workers = makeBroker(tag, "workers");
    for (const unit of CORE_UNITS) gateway.createService(configuredService(unit, env));
    for (const unit of WORKER_UNITS) workers.createService(configuredService(unit, env));
    await Promise.all([workers.start(), gateway.start()]);
    await gateway.waitForServices(["fault.turn", "fault.insulation", "fault.bearing", "fault.eccentricity", "fault.broken-bar"], 10_000);

    const store = new ApiKeyStore(redis, tag);
    ingestA = (await store.create("fleetA", "ingest")).key;
    viewerA = (await store.create("fleetA", "viewer")).key;
    viewerB = (await store.create("fleetB", "viewer")).key;
    operatorA = (await store.create("fleetA", "operator")).key;

    const fleet = makeFleet({ vehicles: 1, seed: 7, faultyShare: 0, durationS: 0.5 });
    window = nextWindow(fleet.vehicles[0], 0);
  });

  async function post(vehicleId: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ingestA}`, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  }

  async function resultsFor(messageId: string): Promise<ResultEntry[]> {
    const rows = await redis.xrange(keys.resultsStream, "-", "+");
    return rows.map(([id, f]) => parseResultEntry(id, f)).filter((r) => r.originalMessageId === messageId);
  }

  function connect(key: string): Promise<Socket> {
    const s = ioClient(base, { auth: { token: key }, transports: ["websocket"], reconnection: false });
    sockets.push(s);
    return new Promise((resolve, reject) => {
      s.on("connect", () => resolve(s));
      s.on("connect_error", reject);
    });
  }

  it("answers /live, /ready (all five workers registered) without a key and /metrics to an operator key", async () => {
    expect((await fetch(`${base}/live`)).status).to.equal(200);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).to.equal(200);
    expect(((await ready.json()) as { checks: Record<string, boolean> }).checks).to.include({ "fault.bearing": true, redis_state: true });
    const anonymous = await fetch(`${base}/metrics`);
    await anonymous.text();
    expect(anonymous.status).to.equal(401);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${operatorA}` } });
    expect(await metrics.text()).to.match(/moleculer_request_total/);
    expect(metrics.headers.get("content-type")).to.match(/^text\/plain/);
  });

  it("refuses a Socket.IO handshake without a valid key", async () => {
    const s = ioClient(base, { auth: { token: "vtox_0000000000000000_nope" }, transports: ["websocket"], reconnection: false });
    sockets.push(s);
    const [err] = await nextEvent<[Error]>(s, "connect_error", 5000, "the handshake refused");
    expect(err.message).to.match(/unauthorized/);
  });

  it("diagnoses a POSTed window: five results in the stream, a live event for its fleet only", async () => {
    const a = await connect(viewerA);
    const b = await connect(viewerB);
    // B may follow "EV-PIPE-1" — its own fleet's vehicle of that id, not A's: it must hear nothing of A's window.
    const sub = await new Promise<{ ok: boolean; room?: string }>((resolve) => b.emit("subscribe", "EV-PIPE-1", resolve));
    expect(sub).to.deep.equal({ ok: true, room: "vehicle:fleetB/EV-PIPE-1" });
    const seenA: { message_id: string; fleet_id: string }[] = [];
    const seenB: unknown[] = [];
    a.on("diagnosis", (e: { message_id: string; fleet_id: string }) => seenA.push(e));
    const healthA: { vehicle_id: string; timestamp: string; status: string }[] = [];
    a.on("health", (e: { vehicle_id: string; timestamp: string; status: string }) => healthA.push(e));
    b.on("diagnosis", (e: unknown) => seenB.push(e));

    const res = await post("EV-PIPE-1", { sensor_data: encodeCompact(window), metadata: { trip: 1 } });
    expect(res.status).to.equal(202);
    const { message_id: messageId } = (await res.json()) as { message_id: string };
    expect(messageId).to.match(/^\d+-\d+$/);

    const results = await waitFor(
      async () => {
        const r = await resultsFor(messageId);
        return r.length >= 5 ? r : undefined;
      },
      15_000,
      "five results",
    );
    expect(results.map((r) => r.faultType).sort()).to.deep.equal(["bearing", "broken_bar", "eccentricity", "insulation", "turn_fault"]);
    for (const r of results) expect(r.vehicleId).to.equal("EV-PIPE-1");

    const event = await waitFor(() => seenA.find((e) => e.message_id === messageId), 5000, "diagnosis event at fleet A");
    expect(event.fleet_id).to.equal("fleetA");
    expect(event, "the socket's diagnosis payload is as before: the alarms go out as alarm events").to.not.have.property("alarms");
    // One broker event per window; browsers still get health from it.
    const health = await waitFor(() => healthA.find((e) => e.vehicle_id === "EV-PIPE-1"), 5000, "health event at fleet A");
    expect(health).to.have.keys(["vehicle_id", "fleet_id", "timestamp", "health", "status"]);
    await sleep(300); // the point: nothing reaches fleet B in the 300 ms after fleet A got its event
    expect(seenB).to.have.length(0);

    // A vehicle of fleet A does not exist for fleet B over REST either.
    const other = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-PIPE-1/health`, { headers: { authorization: `Bearer ${viewerB}` } });
    expect(other.status).to.equal(404);
    // Sockets receive only: an action call over Socket.IO is refused.
    const call = await new Promise<{ name?: string }>((resolve) => a.emit("call", "diagnosis.submit", {}, resolve));
    expect(call.name).to.equal("Forbidden");
    const subA = await new Promise<{ ok: boolean }>((resolve) => a.emit("subscribe", "EV-PIPE-1", resolve));
    expect(subA).to.include({ ok: true });
    const mine = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-PIPE-1/health`, { headers: { authorization: `Bearer ${viewerA}` } });
    expect(mine.status).to.equal(200);
    expect(((await mine.json()) as { originalMessageId: string }).originalMessageId).to.equal(messageId);
    expect(mine.headers.get("x-content-type-options")).to.equal("nosniff");
  });

  it("accepts a retried POST with the same Idempotency-Key once, answering the first message id", async () => {
    const body = { sensor_data: encodeCompact(window) };
    const before = await redis.xlen(keys.rawStream);
    const first = (await (await post("EV-PIPE-1", body, { "idempotency-key": "upload-42" })).json()) as { message_id: string };
    const second = (await (await post("EV-PIPE-1", body, { "idempotency-key": "upload-42" })).json()) as { message_id: string };
    expect(second.message_id).to.equal(first.message_id);
    expect(await redis.xlen(keys.rawStream)).to.equal(before + 1);
  });

  it("diagnoses a legacy entry written straight into the raw stream by an old producer", async () => {
    const legacy = encodeLegacyRows(window, { chinese: true, timeColumn: true });
    const id = await redis.xadd(keys.rawStream, "*", ...rawEntryFields({ vehicleId: "EV-LEGACY-1", timestamp: new Date(), sensorData: legacy, metadata: {} }));
    const results = await waitFor(
      async () => {
        const r = await resultsFor(id!);
        return r.length >= 5 ? r : undefined;
      },
      15_000,
      "five results for the legacy entry",
    );
    expect(new Set(results.map((r) => r.faultType)).size).to.equal(5);
  });

  it("assembles legacy 10-row batches into one window and diagnoses it once", async () => {
    const rateHz = 3000;
    const batches: string[] = [];
    const pendingCount = async () => ((await redis.xpending(keys.rawStream, "diagnosis")) as [number, ...unknown[]])[0];
    for (let b = 0; b < 20; b++) {
      const rows = Array.from({ length: 10 }, (_, i) => {
        const t = (b * 10 + i) / rateHz;
        const ph = 2 * Math.PI * 50 * t;
        return { 时间: t, Ia: 10 * Math.sin(ph), Ib: 10 * Math.sin(ph - (2 * Math.PI) / 3), Ic: 10 * Math.sin(ph + (2 * Math.PI) / 3), rpm: 1500, load: 60 };
      });
      batches.push(
        (await redis.xadd(
          keys.rawStream,
          "*",
          ...rawEntryFields({ vehicleId: "EV-BATCH-1", timestamp: new Date(), sensorData: { data: rows, sampling_rate: rateHz }, metadata: {} }),
        ))!,
      );
      if (b === 18) {
        // 19 batches read and buffered, none acknowledged: raw entries are acked only once their window is diagnosed.
        await waitFor(async () => ((await pendingCount()) === 19 ? true : undefined), 10_000, "19 buffered batches pending");
        const group = ((await redis.xinfo("GROUPS", keys.rawStream)) as unknown[][]).map((g) => g.map(String));
        const lag = group[0][group[0].indexOf("lag") + 1];
        expect(lag).to.equal("0");
      }
    }
    // 20 × 10 samples reach the 200-sample target with the last batch: that entry's id keys the window.
    const windowKey = batches[batches.length - 1];
    const results = await waitFor(
      async () => {
        const r = await resultsFor(windowKey);
        return r.length >= 5 ? r : undefined;
      },
      15_000,
      "five results for the assembled window",
    );
    expect(new Set(results.map((r) => r.faultType)).size).to.equal(5);
    for (const id of batches.slice(0, -1)) expect(await resultsFor(id)).to.have.length(0);
    // Every batch is acknowledged once the window is diagnosed.
    await waitFor(async () => ((await pendingCount()) === 0 ? true : undefined), 5000, "no pending entries");
  });

  it("takes a motor profile per vehicle from PUT /api/v1/vehicles/{id} (operator), validated field by field", async () => {
    const auth = { "content-type": "application/json", authorization: `Bearer ${operatorA}` };
    const profile = {
      motor_type: "induction",
      pole_pairs: 2,
      rated_rpm: 1470,
      rated_current_a: 30,
      rated_voltage_v: 400,
      rotor_bars: 28,
      supply_hz: 50,
      bearing: { n_balls: 9, ball_diameter_mm: 9.525, pitch_diameter_mm: 46, contact_angle_deg: 0 },
      insulation_class: "F",
      dc_bus_v: 560,
    };
    const bad = await fetch(`${base}/api/v1/vehicles/EV-PROFILE-1`, { method: "PUT", headers: auth, body: JSON.stringify({ ...profile, pole_pairs: -1 }) });
    expect(bad.status).to.equal(422);
    expect(((await bad.json()) as { field: string }).field).to.match(/pole_pairs/);
    const viewerPut = await fetch(`${base}/api/v1/vehicles/EV-PROFILE-1`, {
      method: "PUT",
      headers: { ...auth, authorization: `Bearer ${viewerA}` },
      body: JSON.stringify(profile),
    });
    expect(viewerPut.status).to.equal(403);
    const submit = () =>
      gateway.call<{ profile: string }, object>("diagnosis.submit", { vehicle_id: "EV-PROFILE-1", fleet_id: "fleetA", sensor_data: encodeColumnar(window) });
    // The coordinator now keeps "no profile registered" in its cache (TTL 10 s) ...
    expect((await submit()).profile).to.equal("default");
    const ok = await fetch(`${base}/api/v1/vehicles/EV-PROFILE-1`, { method: "PUT", headers: auth, body: JSON.stringify(profile) });
    expect(ok.status).to.equal(200);
    // ... and the PUT's event drops it: the next window uses the new profile, long before the TTL.
    await waitFor(async () => ((await submit()).profile === "vehicle" ? true : undefined), 2000, "the registered profile used");
    // Fleet B's "EV-PROFILE-1" is its own vehicle: B's profile for it does not touch fleet A's.
    const store = new ApiKeyStore(redis, tag);
    const operatorB = (await store.create("fleetB", "operator")).key;
    const { rotor_bars: _bars, supply_hz: _supply, ...common } = profile;
    const pmsm = { ...common, motor_type: "pmsm", pole_pairs: 4 };
    const other = await fetch(`${base}/api/v1/vehicles/EV-PROFILE-1`, {
      method: "PUT",
      headers: { ...auth, authorization: `Bearer ${operatorB}` },
      body: JSON.stringify(pmsm),
    });
    expect(other.status).to.equal(200);
    expect((await new VehicleProfiles(redis, tag).load("fleetA", "EV-PROFILE-1")).profile).to.deep.include({ motor_type: "induction", rotor_bars: 28 });
    expect((await new VehicleProfiles(redis, tag).load("fleetB", "EV-PROFILE-1")).profile).to.deep.include({ motor_type: "pmsm" });
  });

  it("answers diagnosis.submit with five findings and the health, without touching the streams", async () => {
    const before = await redis.xlen(keys.resultsStream);
    const res = await gateway.call<
      {
        findings: { fault_type: string }[];
        health: { status: string };
        profile: string;
      },
      object
    >("diagnosis.submit", { sensor_data: encodeColumnar(window) });
    expect(res.findings.map((f) => f.fault_type).sort()).to.deep.equal(["bearing", "broken_bar", "eccentricity", "insulation", "turn_fault"]);
    expect(res.profile).to.equal("default");
    expect(res.health.status).to.be.a("string");
    expect(await redis.xlen(keys.resultsStream)).to.equal(before);
  });

  it("rejects each malformed body with a 4xx naming the field, and adds nothing to the stream", async () => {
    const good = encodeColumnar(window);
    const cases: { name: string; body: unknown; headers?: Record<string, string>; status: number; field: RegExp }[] = [
      { name: "missing sensor_data", body: { metadata: {} }, status: 422, field: /^sensor_data$/ },
      { name: "unknown body key", body: { sensor_data: good, extra: 1 }, status: 422, field: /extra/ },
      {
        name: "channel not an array",
        body: { sensor_data: { ...good, channels: { ...good.channels, ia: "x" } } },
        status: 422,
        field: /sensor_data\.channels\.ia/,
      },
      { name: "negative sampling rate", body: { sensor_data: { ...good, sampling_rate: -5 } }, status: 422, field: /sampling_rate/ },
      { name: "invalid JSON", body: "{ not json", status: 400, field: /^body$/ },
      {
        name: "wrong content type",
        body: JSON.stringify({ sensor_data: good }),
        headers: { "content-type": "text/plain" },
        status: 415,
        field: /content-type/,
      },
      { name: "body too large", body: JSON.stringify({ sensor_data: good, pad: "x".repeat(3 * 1024 * 1024) }), status: 413, field: /^body$/ },
    ];
    const before = await redis.xlen(keys.rawStream);
    for (const c of cases) {
      const res = await post("EV-PIPE-1", c.body, c.headers);
      const body = (await res.json()) as { error: string; field?: string; message: string };
      expect(res.status, c.name).to.equal(c.status);
      expect(body.field ?? "", c.name).to.match(c.field);
      expect(JSON.stringify(body), c.name).not.to.match(/\bat \w+ \(|\.ts:\d+/);
    }
    const noKey = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-PIPE-1/data`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sensor_data: good }),
    });
    expect(noKey.status).to.equal(401);
    const viewerIngest = await post("EV-PIPE-1", { sensor_data: good }, { authorization: `Bearer ${viewerA}` });
    expect(viewerIngest.status).to.equal(403);
    expect(await redis.xlen(keys.rawStream)).to.equal(before);
  });

  it("dead-letters a poison stream entry at once, with the failing field, and keeps the stream moving", async () => {
    const poison = await redis.xadd(
      keys.rawStream,
      "*",
      "vehicle_id",
      "EV-POISON",
      "timestamp",
      new Date().toISOString(),
      "sensor_data",
      "{ not json",
      "metadata",
      "{}",
      "data_type",
      "motor_sensor_data",
      "fleet_id",
      "fleetA",
    );
    const letter = await waitFor(
      async () => (await listDeadLetters(redis, keys.deadLetterStream, { count: 100 })).find((d) => d.originalId === poison),
      10_000,
      "the poison entry in the DLQ",
    );
    expect(letter.error).to.match(/sensor_data/);
    // Visible and replayable through the API, for operators only.
    const auth = { authorization: `Bearer ${operatorA}` };
    expect((await fetch(`${base}/api/v1/diagnosis-stream/dlq`, { headers: { authorization: `Bearer ${viewerA}` } })).status).to.equal(403);
    const listed = (await (await fetch(`${base}/api/v1/diagnosis-stream/dlq`, { headers: auth })).json()) as { entries: { id: string; originalId: string }[] };
    expect(listed.entries.map((e) => e.originalId)).to.include(poison);
    const replay = await fetch(`${base}/api/v1/diagnosis-stream/dlq/${letter.id}/replay`, { method: "POST", headers: auth });
    expect(replay.status).to.equal(202);
    // The replayed copy is still poison: it lands in the DLQ again instead of blocking the stream.
    const { message_id: replayedId } = (await replay.json()) as { message_id: string };
    await waitFor(
      async () => (await listDeadLetters(redis, keys.deadLetterStream, { count: 100 })).find((d) => d.originalId === replayedId),
      10_000,
      "the replayed entry dead-lettered again",
    );
    // The next good window still goes through.
    const res = await post("EV-PIPE-1", { sensor_data: encodeCompact(window) });
    const { message_id: messageId } = (await res.json()) as { message_id: string };
    await waitFor(async () => ((await resultsFor(messageId)).length >= 5 ? true : undefined), 15_000, "results after the poison entry");
  });
});
