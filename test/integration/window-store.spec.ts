/**
 * The stream entry is the store (docs/architecture.md#raw-stream-layout): the gateway writes a window's samples once,
 * as binary fields of its raw entry; the coordinator sends workers a reference to the entry (no claim-check hash);
 * a worker process hosting five fault services reads it once. Real Redis, real brokers on the Redis transporter.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { ANALYZERS } from "../../analyzers/index";
import { DEFAULT_MOTOR_PROFILE } from "../../analyzers/default-profile";
import { FAULT_TYPES, type FaultType, type Finding, type SensorWindow } from "../../analyzers/types";
import { FAULT_SERVICES, WORKER_UNITS } from "../../contracts/families";
import { redisKeys, type RedisKeys } from "../../contracts/redis-keys";
import { CORE_UNITS } from "../../contracts/service-units";
import type { SubmitResult } from "../../contracts/actions";
import { decodeIngestBody } from "../../ingest/ingest-body";
import { encodeCompact } from "../../ingest/sensor-data";
import { windowReadsOfProcess } from "../../mixins/analyzer-worker.mixin";
import { diagnoseWindow } from "../../pipeline/diagnose-window";
import type { AnalyzeCall } from "../../pipeline/fan-out";
import { makeFleet, nextWindow } from "../../simulator/index";
import { ApiKeyStore } from "../../stores/api-keys";
import { loadEntryWindow, rawEntryRef, type RawEntryRef } from "../../stores/entry-window";
import { WindowGoneError } from "../../stores/sample-store";
import { SharedWindowReads } from "../../stores/shared-window-reads";
import { BINARY_SAMPLES_SHOWN, listDeadLetters, replayDeadLetter } from "../../streams/dead-letter";
import { rawEntryFields } from "../../streams/raw-stream-writer";
import { featuresJson } from "../../streams/results-writer";
import { fieldsToObject } from "../../streams/stream-replies";
import { decodeStreamEntry } from "../../ingest/raw-stream-entry";
import { freePort } from "../../cli/free-port";
import { configuredService, makeBroker, REDIS_URL, uniqueName } from "./helpers";
import { useRedisFixture } from "../helpers/redis-fixture";
import { waitFor } from "../helpers/wait-for";

/** The raw `fault_diagnosis_results` fields that carry a finding, per family. */
type ResultFields = Record<FaultType, { status: string; score: string; features: string }>;

describe("window store: the binary raw entry is the store, read once per worker process", function () {
  this.timeout(60_000);
  const tag = uniqueName("wstore");
  let gateway: ServiceBroker;
  let workers: ServiceBroker;
  let redis: Redis;
  let keys: RedisKeys;
  let base: string;
  let ingestKey: string;
  let window: SensorWindow;
  const fx = useRedisFixture("wstore", { prefix: tag });
  fx.beforeCleanup(async () => {
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
      INGEST_VEHICLE_RATE_LIMIT: "100000",
      ASSEMBLY_TARGET_SAMPLES: "200",
    };
    keys = redisKeys({ prefix: tag, rawStream: env.RAW_STREAM, resultsStream: env.RESULTS_STREAM });
    redis = fx.redis;
    base = `http://127.0.0.1:${port}`;
    gateway = makeBroker(tag, "gateway");
    workers = makeBroker(tag, "workers");
    for (const unit of CORE_UNITS) gateway.createService(configuredService(unit, env));
    // One process hosting all five fault services: the case the per-process read is for.
    for (const unit of WORKER_UNITS) workers.createService(configuredService(unit, env));
    await Promise.all([workers.start(), gateway.start()]);
    await gateway.waitForServices(Object.values(FAULT_SERVICES), 10_000);
    ingestKey = (await new ApiKeyStore(redis, tag).create("fleetA", "ingest")).key;
    // A standard window: 1 s of ia, ib, ic at 8192 Hz and vib_x.
    window = nextWindow(makeFleet({ vehicles: 1, seed: 11, faultyShare: 0, durationS: 1, rateHz: 8192, vibRateHz: 8192 }).vehicles[0], 0);
  });

  async function post(vehicleId: string, body: unknown): Promise<string> {
    const res = await fetch(`${base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
      body: JSON.stringify(body),
    });
    expect(res.status).to.equal(202);
    return ((await res.json()) as { message_id: string }).message_id;
  }

  /** The five result entries of a window, once all are written. */
  function resultsOf(messageId: string): Promise<ResultFields> {
    return waitFor(
      async () => {
        const rows = (await redis.xrange(keys.resultsStream, "-", "+")).map(([, f]) => fieldsToObject(f)).filter((f) => f.original_message_id === messageId);
        if (rows.length < 5) return undefined;
        return Object.fromEntries(rows.map((f) => [f.fault_type, { status: f.status, score: f.score, features: f.features }])) as ResultFields;
      },
      20_000,
      `five results for ${messageId}`,
    );
  }

  /** What the results stream would hold for these findings. */
  function asResultFields(findings: readonly Finding[]): ResultFields {
    return Object.fromEntries(findings.map((f) => [f.fault_type, { status: f.status, score: String(f.score), features: featuresJson(f) }])) as ResultFields;
  }

  it("a POSTed window is written as binary fields and diagnosed from the entry: findings identical to the same window inline, one read by the worker process", async () => {
    const body = { sensor_data: encodeCompact(window) };
    const readsBefore = windowReadsOfProcess();
    const id = await post("EV-BIN-1", body);

    const [[, list]] = await redis.xrangeBuffer(keys.rawStream, id, id);
    const names = list.filter((_, i) => i % 2 === 0).map(String);
    expect(names).to.include.members(["sensor_layout", "samples:ia", "samples:ib", "samples:ic", "samples:vib_x"]).and.not.include("sensor_data");
    const decoded = decodeIngestBody(body).window;
    const ia = decoded.channels.ia!.samples;
    expect(
      list[names.indexOf("samples:ia") * 2 + 1].equals(Buffer.from(ia.buffer, ia.byteOffset, ia.byteLength)),
      "samples:ia holds the float32 bytes",
    ).to.equal(true);

    const results = await resultsOf(id);
    expect(windowReadsOfProcess() - readsBefore, "Redis reads of the window in the worker process").to.equal(1);
    expect(await redis.exists(keys.windowSamples(id)), "no claim-check hash").to.equal(0);
    const inline = await gateway.call<SubmitResult, object>("diagnosis.submit", { window: decoded });
    expect(results).to.deep.equal(asResultFields(inline.findings));
  });

  it("an older producer's JSON entry (the original layout) is still diagnosed, with the same findings", async () => {
    const body = { sensor_data: encodeCompact(window) };
    const id = await redis.xadd(
      keys.rawStream,
      "*",
      ...rawEntryFields({ vehicleId: "EV-OLD-1", timestamp: new Date(), sensorData: body.sensor_data, metadata: {} }),
    );
    const results = await resultsOf(id!);
    const inline = await gateway.call<SubmitResult, object>("diagnosis.submit", { window: decodeIngestBody(body).window });
    expect(results).to.deep.equal(asResultFields(inline.findings));
  });

  it("legacy 10-row batches POSTed to the gateway are written binary (f64le), assembled into one window and diagnosed", async () => {
    const rateHz = 3000;
    const ids: string[] = [];
    for (let b = 0; b < 20; b++) {
      const rows = Array.from({ length: 10 }, (_, i) => {
        const ph = 2 * Math.PI * 50 * ((b * 10 + i) / rateHz);
        return {
          时间: (b * 10 + i) / rateHz,
          Ia: 10 * Math.sin(ph),
          Ib: 10 * Math.sin(ph - (2 * Math.PI) / 3),
          Ic: 10 * Math.sin(ph + (2 * Math.PI) / 3),
          rpm: 1500,
        };
      });
      ids.push(await post("EV-ROWS-1", { sensor_data: { data: rows, sampling_rate: rateHz } }));
    }
    const [[, list]] = await redis.xrangeBuffer(keys.rawStream, ids[0], ids[0]);
    const layout = JSON.parse(String(list[list.map(String).indexOf("sensor_layout") + 1])) as { channels: Record<string, { type: string; samples: number }> };
    expect(layout.channels.ia).to.include({ type: "f64le", samples: 10 });
    // 20 × 10 samples reach the 200-sample target with the last batch: that entry's id keys the window.
    expect(Object.keys(await resultsOf(ids[ids.length - 1]))).to.have.length(5);
  });

  it("bad binary fields are dead-lettered at once with a reason naming the field, bytes intact, and the stream keeps moving", async () => {
    const good = rawEntryFields({
      fleetId: "fleetA",
      vehicleId: "EV-BAD-1",
      timestamp: new Date(),
      window: decodeIngestBody({ sensor_data: encodeCompact(window) }).window,
    });
    const at = (name: string): number => good.findIndex((v, i) => i % 2 === 0 && v === name) + 1;
    const shortIa = [...good];
    shortIa[at("samples:ia")] = (good[at("samples:ia")] as Buffer).subarray(8);
    const unknownType = [...good];
    const layout = JSON.parse(String(good[at("sensor_layout")])) as { channels: Record<string, { type: string }> };
    layout.channels.ib.type = "f16le";
    unknownType[at("sensor_layout")] = JSON.stringify(layout);
    const missingIc = good.filter((_, i) => i !== at("samples:ic") && i !== at("samples:ic") - 1);
    const bad = {
      [(await redis.xadd(keys.rawStream, "*", ...shortIa))!]: /^samples:ia: holds 32760 bytes, expected 32768/,
      [(await redis.xadd(keys.rawStream, "*", ...unknownType))!]: /^sensor_layout\.channels\.ib\.type: unknown sample type/,
      [(await redis.xadd(keys.rawStream, "*", ...missingIc))!]: /^samples:ic: missing/,
    };
    const after = await redis.xadd(keys.rawStream, "*", ...good);

    const letters = await waitFor(
      async () => {
        const all = (await listDeadLetters(redis, keys.deadLetterStream, { count: 100 })).filter((d) => d.originalId in bad);
        return all.length === 3 ? all : undefined;
      },
      15_000,
      "three dead letters",
    );
    for (const d of letters) expect(d.error).to.match(bad[d.originalId]);
    expect(letters[0].fields["samples:ib"], "listed without mangled bytes").to.equal(BINARY_SAMPLES_SHOWN);
    // The copy keeps the sample bytes as bytes, so a replay after a fix reads the same window.
    const copy = letters.find((d) => bad[d.originalId].source.includes("type"))!;
    const [[, dlqFields]] = await redis.xrangeBuffer(keys.deadLetterStream, copy.id, copy.id);
    const dlqNames = dlqFields.map(String);
    expect(dlqFields[dlqNames.indexOf("samples:ia") + 1].equals(good[at("samples:ia")] as Buffer)).to.equal(true);
    expect(Object.keys(await resultsOf(after!))).to.have.length(5);

    // A sound binary entry dead-lettered (e.g. after repeated worker timeouts) replays byte for byte and is diagnosed.
    const record = [
      "error",
      "timeout",
      "original_id",
      "0-1",
      "original_stream",
      keys.rawStream,
      "group",
      "diagnosis",
      "deliveries",
      "5",
      "failed_at",
      new Date().toISOString(),
    ];
    const letter = (await redis.xadd(keys.deadLetterStream, "*", ...good, ...record))!;
    const replayed = await replayDeadLetter(redis, keys.deadLetterStream, keys.rawStream, letter);
    const [[, replayedFields]] = await redis.xrangeBuffer(keys.rawStream, replayed!, replayed!);
    expect(replayedFields.map((v) => v.toString("hex"))).to.deep.equal(good.map((v) => Buffer.from(v).toString("hex")));
    expect(Object.keys(await resultsOf(replayed!))).to.have.length(5);
  });
});

describe("diagnoseWindow with a binary entry: no claim-check hash, nothing deleted", function () {
  this.timeout(30_000);
  const fx = useRedisFixture("wstore-pipe");

  it("sends the workers a reference to the entry, writes and unlinks no hash, and leaves the entry in the stream", async () => {
    const redis = fx.redis;
    const keys = redisKeys({ prefix: fx.prefix, rawStream: `${fx.prefix}:raw`, resultsStream: `${fx.prefix}:results` });
    const w = nextWindow(makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 0.5 }).vehicles[0], 0);
    const id = (await redis.xadd(keys.rawStream, "*", ...rawEntryFields({ fleetId: "f", vehicleId: "EV-1", timestamp: new Date(), window: w })))!;
    const [[, list]] = await redis.xrangeBuffer(keys.rawStream, id, id);
    const decoded = decodeStreamEntry(list);
    const refs: RawEntryRef[] = [];
    const hashesSeen: number[] = [];
    const analyzeCall: AnalyzeCall = async (action, params) => {
      if (!("entryRef" in params)) throw new Error(`${action} got no entryRef`);
      refs.push(params.entryRef);
      hashesSeen.push(await redis.exists(keys.windowSamples(id)));
      const faultType = FAULT_TYPES.find((t) => `${FAULT_SERVICES[t]}.analyze` === action)!;
      return ANALYZERS[faultType].analyze(await loadEntryWindow(redis, params.entryRef), params.profile, params.baseline);
    };
    const out = await diagnoseWindow(
      {
        fleetId: "f",
        vehicleId: "EV-1",
        messageId: id,
        timestamp: new Date().toISOString(),
        get window(): SensorWindow {
          throw new Error("the coordinator viewed the samples");
        },
        metadata: {},
        entryRef: rawEntryRef(keys.rawStream, id, decoded.binary!.layout),
      },
      {
        redis,
        keys,
        settings: { windowTransport: "claim-check", windowDataTtlS: 60, resultsStreamMaxLen: 1000, analyzeTimeoutMs: 5000 },
        analyzeCall,
        broadcast: () => undefined,
        profileFor: async () => ({ profile: DEFAULT_MOTOR_PROFILE, source: "default" as const, baseline: undefined }),
      },
    );
    expect(out.findings).to.have.length(5);
    expect(refs.map((r) => [r.stream, r.id])).to.deep.equal(FAULT_TYPES.map(() => [keys.rawStream, id]));
    expect(hashesSeen, "no claim-check hash while the workers ran").to.deep.equal([0, 0, 0, 0, 0]);
    const [, windowKeys] = await redis.scan("0", "MATCH", `${fx.prefix}:window:*`, "COUNT", 1000);
    expect(windowKeys).to.deep.equal([]);
    expect(await redis.xlen(keys.rawStream), "the entry stays (retention trims it after the ack)").to.equal(1);
  });
});

describe("shared reads of binary entries", () => {
  const fx = useRedisFixture("wstore-reads");
  const w = nextWindow(makeFleet({ vehicles: 1, seed: 5, faultyShare: 0, durationS: 0.25, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);

  async function entry(stream: string): Promise<RawEntryRef> {
    const id = (await fx.redis.xadd(stream, "*", ...rawEntryFields({ fleetId: "f", vehicleId: "EV-1", timestamp: new Date(), window: w })))!;
    const [[, list]] = await fx.redis.xrangeBuffer(stream, id, id);
    return rawEntryRef(stream, id, decodeStreamEntry(list).binary!.layout);
  }

  it("five local services asking at once cause one XRANGE and get the same typed-array instances", async () => {
    const reads = new SharedWindowReads({ ttlMs: 10_000, maxEntries: 8, maxBytes: 1 << 24 });
    const ref = await entry(`${fx.prefix}:raw`);
    const asks = [["ia", "ib", "ic"], ["vib_x"], [], ["ia", "ib", "ic"], ["ia", "ib", "ic", "vib_x"]] as const;
    const got = await Promise.all(asks.map((wanted) => reads.load(fx.redis, { entryRef: ref }, wanted)));
    expect(reads.reads).to.equal(1);
    for (const [i, wanted] of asks.entries()) expect(Object.keys(got[i].channels).sort()).to.deep.equal([...wanted].sort());
    expect(got[0].channels.ia!.samples).to.equal(got[3].channels.ia!.samples).and.equal(got[4].channels.ia!.samples);
    expect(got[1].channels.vib_x!.samples).to.equal(got[4].channels.vib_x!.samples);
    expect(Array.from(got[4].channels.ic!.samples)).to.deep.equal(Array.from(w.channels.ic!.samples));
  });

  it("a trimmed entry is a WindowGoneError and is not kept; windows held are bounded in bytes", async () => {
    const reads = new SharedWindowReads({ ttlMs: 10_000, maxEntries: 64, maxBytes: 20 * 1024 });
    const gone = await entry(`${fx.prefix}:raw2`);
    await fx.redis.xdel(gone.stream, gone.id);
    const error = await reads.load(fx.redis, { entryRef: gone }, ["ia"]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WindowGoneError);
    expect(reads.size, "the failed read was dropped").to.equal(0);
    for (let i = 0; i < 4; i++) await reads.load(fx.redis, { entryRef: await entry(`${fx.prefix}:raw2`) }, ["ia"]);
    // Each window holds 4 channels × 1024 float32 = 16 KiB: at most one fits in 20 KiB.
    expect(reads.size).to.equal(1);
    expect(reads.bytes).to.equal(16 * 1024);
  });
});
