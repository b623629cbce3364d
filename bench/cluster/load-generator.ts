/**
 * The bench's load generator (a child process of bench/cluster.bench.ts, so its CPU is measured apart from the
 * services). Generation stays out of the measured path: a pool of encoded bodies per vehicle is built first and
 * rotated. Then open-loop: requests are scheduled at the given rate whatever the responses do, and latency is
 * counted from the scheduled time (a stalled server cannot hide its queueing by slowing the client down).
 * Each accepted message id and its send time go to the parent over IPC; the parent joins them with results.
 *
 * Config: env BENCH_LOAD (JSON LoadConfig). Messages to the parent: "ready", {ids}, {done: LoadReport}.
 */
import http from "node:http";
import { encodeColumnar, encodeCompact, encodeLegacyRows } from "../../ingest/encode";
import type { SensorWindow } from "../../analyzers/types";
import { makeFleet, nextWindow } from "../../simulator/index";
import { nowMs, summarize } from "./stats";
import { setTimeout as sleep } from "node:timers/promises";

export type WindowShape = "standard" | "columnar" | "legacy";

export interface LoadConfig {
  url: string;
  key: string;
  vehicles: number;
  /** Requests per second (legacy: batches per second). */
  rate: number;
  durationS: number;
  warmupS: number;
  shape: WindowShape;
  windowS: number;
  rateHz: number;
  /** Distinct encoded windows per vehicle (rotated). */
  poolPerVehicle: number;
  /** Distinct vehicles whose windows are generated; others reuse them under their own id. */
  generatedVehicles: number;
  maxOutstanding: number;
  idPrefix: string;
}

export interface LoadReport {
  sent: number;
  accepted: number;
  errors: number;
  errorSamples: string[];
  /** Requests not sent because maxOutstanding was reached (the server fell behind the open-loop rate). */
  skipped: number;
  postLatencyMs: { count: number; p50: number; p99: number; max: number };
  measuredFromMs: number;
  measuredToMs: number;
  acceptedInWindow: number;
  bodyBytes: number;
}

const LEGACY_ROWS_PER_BATCH = 10;

function trimmed(w: SensorWindow): SensorWindow {
  // The standard window: ia, ib, ic, vib_x plus scalars.
  const { ia, ib, ic, vib_x } = w.channels;
  return { ...w, channels: { ...(ia ? { ia } : {}), ...(ib ? { ib } : {}), ...(ic ? { ic } : {}), ...(vib_x ? { vib_x } : {}) } };
}

function sliceWindow(w: SensorWindow, from: number, to: number): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const [name, s] of Object.entries(w.channels)) {
    if (s) channels[name as keyof SensorWindow["channels"]] = { rateHz: s.rateHz, samples: s.samples.subarray(from, to) };
  }
  return { ...w, channels };
}

/** Encoded `sensor_data` JSON texts: one pool per generated vehicle. */
function buildPools(cfg: LoadConfig): Buffer[][] {
  const fleet = makeFleet({
    vehicles: cfg.generatedVehicles,
    seed: 42,
    faultyShare: 0.3,
    durationS: cfg.windowS,
    rateHz: cfg.rateHz,
    vibRateHz: cfg.rateHz,
    idPrefix: cfg.idPrefix,
  });
  return fleet.vehicles.map((v) => {
    const pool: Buffer[] = [];
    for (let k = 0; k < cfg.poolPerVehicle; k++) {
      const w = trimmed(nextWindow(v, k * cfg.windowS));
      if (cfg.shape === "standard") pool.push(Buffer.from(JSON.stringify(encodeCompact(w))));
      else if (cfg.shape === "columnar") pool.push(Buffer.from(JSON.stringify(encodeColumnar(w))));
      else {
        const n = w.channels.ia?.samples.length ?? 0;
        for (let at = 0; at + LEGACY_ROWS_PER_BATCH <= n; at += LEGACY_ROWS_PER_BATCH) {
          pool.push(Buffer.from(JSON.stringify(encodeLegacyRows(sliceWindow(w, at, at + LEGACY_ROWS_PER_BATCH)))));
        }
      }
    }
    return pool;
  });
}

function send(msg: unknown): void {
  process.send?.(msg);
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_LOAD ?? "{}") as LoadConfig;
  const pools = buildPools(cfg);
  const bodyBytes = pools.flat().reduce((s, b) => s + b.length, 0) / pools.flat().length;
  const url = new URL(cfg.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const ids = Array.from({ length: cfg.vehicles }, (_, i) => `${cfg.idPrefix}-${String(i + 1).padStart(6, "0")}`);
  const cursor = new Int32Array(cfg.vehicles);
  const latencies: number[] = [];
  const report: LoadReport = {
    sent: 0,
    accepted: 0,
    errors: 0,
    errorSamples: [],
    skipped: 0,
    postLatencyMs: summarize([]),
    measuredFromMs: 0,
    measuredToMs: 0,
    acceptedInWindow: 0,
    bodyBytes,
  };
  let outstanding = 0;
  let pendingIds: [string, number][] = [];
  const flushIds = setInterval(() => {
    if (pendingIds.length) send({ ids: pendingIds });
    pendingIds = [];
  }, 100);

  send("ready");
  await new Promise<void>((resolve) => process.once("message", () => resolve()));

  const start = nowMs();
  report.measuredFromMs = start + cfg.warmupS * 1000;
  report.measuredToMs = start + (cfg.warmupS + cfg.durationS) * 1000;
  const end = report.measuredToMs;
  const intervalMs = 1000 / cfg.rate;
  let next = start;
  let seq = 0;

  function post(scheduled: number): void {
    const v = seq++ % cfg.vehicles;
    const pool = pools[v % pools.length];
    const sensor = pool[cursor[v]++ % pool.length];
    const head = Buffer.from(`{"metadata":{"bench_sent_ms":${scheduled.toFixed(3)}},"sensor_data":`);
    const length = head.length + sensor.length + 1;
    outstanding++;
    report.sent++;
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: "POST",
        agent,
        path: `/api/v1/diagnosis-stream/vehicles/${ids[v]}/data`,
        headers: { "content-type": "application/json", "content-length": length, authorization: `Bearer ${cfg.key}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          outstanding--;
          const done = nowMs();
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode === 202) {
            report.accepted++;
            const id = (JSON.parse(text) as { message_id: string }).message_id;
            pendingIds.push([id, scheduled]);
            if (scheduled >= report.measuredFromMs && scheduled < report.measuredToMs) {
              report.acceptedInWindow++;
              latencies.push(done - scheduled);
            }
          } else {
            report.errors++;
            if (report.errorSamples.length < 5) report.errorSamples.push(`${res.statusCode}: ${text.slice(0, 200)}`);
          }
        });
      },
    );
    req.on("error", (err) => {
      outstanding--;
      report.errors++;
      if (report.errorSamples.length < 5) report.errorSamples.push(err.message);
    });
    req.write(head);
    req.write(sensor);
    req.end("}");
  }

  // Open loop: every tick sends whatever is due by the clock.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = nowMs();
      while (next <= now && next < end) {
        if (outstanding >= cfg.maxOutstanding) report.skipped++;
        else post(next);
        next += intervalMs;
      }
      if (next >= end) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, next - nowMs())));
    };
    tick();
  });
  const deadline = nowMs() + 30_000;
  while (outstanding > 0 && nowMs() < deadline) await sleep(20);
  clearInterval(flushIds);
  if (pendingIds.length) send({ ids: pendingIds });
  report.postLatencyMs = summarize(latencies);
  send({ done: report });
  agent.destroy();
  setTimeout(() => process.exit(0), 200);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
