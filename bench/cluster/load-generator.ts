/**
 * The bench's load generator (a child process of bench/cluster.bench.ts, so its CPU is measured apart from the
 * services). Generation stays out of the measured path: bodies are encoded first (bench/cluster/bodies.ts) and
 * rotated, and requests go out as prepared bytes over keep-alive connections, pipelined up to --pipeline deep
 * (bench/cluster/http-pipeline.ts). Open loop: requests are scheduled at the given rate whatever the responses do,
 * and latency is counted from the scheduled time (a stalled server cannot hide its queueing by slowing the client).
 * Each accepted window's message id and send time go to the parent over IPC; the parent joins them with results.
 *
 * Config: env BENCH_LOAD (JSON LoadConfig). Messages to the parent: "ready", {ids}, {done: LoadReport}.
 */
import { buildBodyPools, type WindowShape } from "./bodies";
import { PipelinedHttpClient, postHead, type HttpAnswer } from "./http-pipeline";
import { acceptedItems, batchItem, LEGACY_BATCH_PATH } from "./legacy-batch";
import { nowMs, summarize } from "./stats";
import { setTimeout as sleep } from "node:timers/promises";

export type { WindowShape } from "./bodies";

export interface LoadConfig {
  url: string;
  key: string;
  vehicles: number;
  /** Messages per second: windows, or legacy 10-row batches (with legacyBatch > 0, requests/s = rate / legacyBatch). */
  rate: number;
  durationS: number;
  warmupS: number;
  shape: WindowShape;
  windowS: number;
  rateHz: number;
  /** Legacy batches per request to the batch endpoint; 0: single POSTs. */
  legacyBatch: number;
  /** Requests in flight per connection (1: keep-alive without pipelining). */
  pipeline: number;
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
  /** Messages accepted (a batch request carries legacyBatch of them). */
  acceptedMessages: number;
  errors: number;
  errorSamples: string[];
  /** Requests not sent because maxOutstanding was reached (the server fell behind the open-loop rate). */
  skipped: number;
  postLatencyMs: { count: number; p50: number; p99: number; max: number };
  measuredFromMs: number;
  measuredToMs: number;
  acceptedInWindow: number;
  acceptedMessagesInWindow: number;
  bodyBytes: number;
  /** Set when the tree under test lacks what this load needs (e.g. 415 to CBOR): the run stopped early. */
  unsupported?: string;
}

function send(msg: unknown): void {
  process.send?.(msg);
}

/** A status that means the tree under test does not have the feature this load needs: stop at once, say why. */
function unsupported(cfg: LoadConfig, status: number): string | undefined {
  if (status === 415 && cfg.shape === "cbor") return "the gateway answered 415 to Content-Type application/cbor: this tree does not accept CBOR windows";
  if (status === 404 && cfg.legacyBatch > 0) return `the gateway answered 404 at ${LEGACY_BATCH_PATH}: this tree has no legacy batch endpoint`;
  return undefined;
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_LOAD ?? "{}") as LoadConfig;
  const { contentType, pools } = buildBodyPools(cfg);
  const batch = cfg.shape === "legacy" ? cfg.legacyBatch : 0;
  const url = new URL(cfg.url);
  const host = `${url.hostname}:${url.port}`;
  const authorization = `Bearer ${cfg.key}`;
  const client = new PipelinedHttpClient(url.hostname, Number(url.port), { connections: 256, depth: Math.max(1, cfg.pipeline) });
  const ids = Array.from({ length: cfg.vehicles }, (_, i) => `${cfg.idPrefix}-${String(i + 1).padStart(6, "0")}`);
  const paths = ids.map((id) => `/api/v1/diagnosis-stream/vehicles/${id}/data`);
  const cursor = new Int32Array(cfg.vehicles);
  const latencies: number[] = [];
  const followIds = cfg.shape !== "legacy";
  let bodyBytesSent = 0;
  const report: LoadReport = {
    sent: 0,
    accepted: 0,
    acceptedMessages: 0,
    errors: 0,
    errorSamples: [],
    skipped: 0,
    postLatencyMs: summarize([]),
    measuredFromMs: 0,
    measuredToMs: 0,
    acceptedInWindow: 0,
    acceptedMessagesInWindow: 0,
    bodyBytes: 0,
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
  const intervalMs = (1000 * Math.max(1, batch)) / cfg.rate;
  let next = start;
  let seq = 0;
  let fatal: string | undefined;

  function nextBody(v: number): Buffer {
    const pool = pools[v % pools.length];
    if (batch === 0) return pool[cursor[v]++ % pool.length];
    const parts: Buffer[] = [Buffer.from("[")];
    for (let i = 0; i < batch; i++) {
      if (i > 0) parts.push(Buffer.from(","));
      parts.push(...batchItem(ids[v], pool[cursor[v]++ % pool.length]));
    }
    parts.push(Buffer.from("]"));
    return Buffer.concat(parts);
  }

  function answered(scheduled: number, answer: HttpAnswer): void {
    outstanding--;
    const done = nowMs();
    const inWindow = scheduled >= report.measuredFromMs && scheduled < report.measuredToMs;
    const messages = batch > 0 ? acceptedItems(answer.status, answer.body, batch) : answer.status === 202 ? 1 : 0;
    if (messages > 0) {
      report.accepted++;
      report.acceptedMessages += messages;
      if (followIds) pendingIds.push([(JSON.parse(answer.body.toString("utf8")) as { message_id: string }).message_id, scheduled]);
      if (inWindow) {
        report.acceptedInWindow++;
        report.acceptedMessagesInWindow += messages;
        latencies.push(done - scheduled);
      }
    }
    if (messages < Math.max(1, batch)) {
      report.errors++;
      if (report.errorSamples.length < 5) report.errorSamples.push(`${answer.status}: ${answer.body.toString("utf8").slice(0, 200)}`);
      fatal ??= unsupported(cfg, answer.status);
    }
  }

  function post(scheduled: number): void {
    const v = seq++ % cfg.vehicles;
    const body = nextBody(v);
    bodyBytesSent += body.length;
    outstanding++;
    report.sent++;
    const head = postHead(host, batch > 0 ? LEGACY_BATCH_PATH : paths[v], contentType, body.length, authorization);
    client.request(head, body).then(
      (answer) => answered(scheduled, answer),
      (err: Error) => {
        outstanding--;
        report.errors++;
        if (report.errorSamples.length < 5) report.errorSamples.push(err.message);
      },
    );
  }

  // Open loop: every tick sends whatever is due by the clock.
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = nowMs();
      while (next <= now && next < end && !fatal) {
        if (outstanding >= cfg.maxOutstanding) report.skipped++;
        else post(next);
        next += intervalMs;
      }
      if (next >= end || fatal) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, next - nowMs())));
    };
    tick();
  });
  const deadline = nowMs() + 30_000;
  while (outstanding > 0 && nowMs() < deadline) await sleep(20);
  clearInterval(flushIds);
  if (pendingIds.length) send({ ids: pendingIds });
  if (fatal) report.unsupported = fatal;
  report.postLatencyMs = summarize(latencies);
  report.bodyBytes = report.sent ? bodyBytesSent / report.sent : 0;
  send({ done: report });
  client.close();
  setTimeout(() => process.exit(0), 200);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
