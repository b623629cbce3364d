/**
 * Per-node call statistics as seen by one caller broker: latency EWMA, windowed success/failure counts, in-flight calls,
 * and the last load report a worker piggy-backed on its response meta. Filled by broker/node-load.middleware.ts,
 * read by broker/intelligent.strategy.ts. One store per broker (several brokers may share a process in tests).
 */
import type { EndpointStats } from "./endpoint-score";

/** What a worker reports about itself in `ctx.meta.$nodeLoad` on every response to a remote caller. */
export interface NodeLoadReport {
  nodeID: string;
  /** Process memory use 0..1 (max of heap-used/heap-limit and rss/memory-limit). */
  memoryRatio: number;
  /** Actions executing on the worker at the time it answered (this one excluded). */
  queueLength: number;
  /** Event-loop delay p99 over the last sampling period, ms. */
  eventLoopDelayMs: number;
}

export interface NodeStatsOptions {
  /** EWMA smoothing factor for latency: weight of the newest sample. */
  latencyAlpha: number;
  /** Success/failure window, split into buckets so old outcomes age out (a recovered node is forgiven). */
  windowMs: number;
  buckets: number;
  /** A load report older than this is ignored (the node may have changed since). */
  reportTtlMs: number;
  /** An in-flight call older than this is assumed lost (its promise never settled, e.g. after a timeout). */
  inFlightTtlMs: number;
}

export const DEFAULT_NODE_STATS_OPTIONS: Readonly<NodeStatsOptions> = Object.freeze({
  latencyAlpha: 0.2,
  windowMs: 30_000,
  buckets: 6,
  reportTtlMs: 30_000,
  inFlightTtlMs: 60_000,
});

interface Bucket {
  start: number;
  successes: number;
  failures: number;
}

interface NodeRecord {
  latencyEwmaMs?: number;
  buckets: Bucket[];
  consecutiveFailures: number;
  inFlight: Map<string, number>;
  lastCompletionAt?: number;
  report?: NodeLoadReport;
  reportAt?: number;
}

export type Clock = () => number;

export class NodeStatsStore {
  readonly opts: NodeStatsOptions;
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly now: Clock;

  constructor(opts?: Partial<NodeStatsOptions>, now: Clock = Date.now) {
    this.opts = { ...DEFAULT_NODE_STATS_OPTIONS, ...(opts ?? {}) };
    this.now = now;
  }

  private record(nodeID: string): NodeRecord {
    let rec = this.nodes.get(nodeID);
    if (!rec) {
      rec = { buckets: [], consecutiveFailures: 0, inFlight: new Map() };
      this.nodes.set(nodeID, rec);
    }
    return rec;
  }

  private currentBucket(rec: NodeRecord, t: number): Bucket {
    const width = this.opts.windowMs / this.opts.buckets;
    const start = Math.floor(t / width) * width;
    let last = rec.buckets[rec.buckets.length - 1];
    if (!last || last.start !== start) {
      last = { start, successes: 0, failures: 0 };
      rec.buckets.push(last);
    }
    this.prune(rec, t);
    return last;
  }

  private prune(rec: NodeRecord, t: number): void {
    const oldest = t - this.opts.windowMs;
    while (rec.buckets.length > 0 && rec.buckets[0].start + this.opts.windowMs / this.opts.buckets <= oldest) {
      rec.buckets.shift();
    }
    for (const [id, started] of rec.inFlight) {
      if (t - started > this.opts.inFlightTtlMs) rec.inFlight.delete(id);
    }
  }

  callStarted(nodeID: string, callID: string): void {
    this.record(nodeID).inFlight.set(callID, this.now());
  }

  /** Record the outcome of a call; `ok` false for node-attributable failures only (5xx, timeouts, transport). */
  callFinished(nodeID: string, callID: string, latencyMs: number, ok: boolean): void {
    const rec = this.record(nodeID);
    const t = this.now();
    rec.inFlight.delete(callID);
    rec.lastCompletionAt = t;
    const bucket = this.currentBucket(rec, t);
    if (ok) {
      bucket.successes++;
      rec.consecutiveFailures = 0;
    } else {
      bucket.failures++;
      rec.consecutiveFailures++;
    }
    // Failed calls are often fast (an immediate error) and would make a broken node look quick: only successes
    // update the latency estimate, the failure term carries the rest.
    if (ok && Number.isFinite(latencyMs) && latencyMs >= 0) {
      const a = this.opts.latencyAlpha;
      rec.latencyEwmaMs = rec.latencyEwmaMs == null ? latencyMs : a * latencyMs + (1 - a) * rec.latencyEwmaMs;
    }
  }

  reportLoad(report: NodeLoadReport): void {
    const rec = this.record(report.nodeID);
    rec.report = report;
    rec.reportAt = this.now();
  }

  /** Forget a node (it left the cluster); a node with the same id coming back starts from the prior. */
  forget(nodeID: string): void {
    this.nodes.delete(nodeID);
  }

  /** Statistics for the scorer; `cpuPercent` comes from the registry (heartbeats), not from here. */
  stats(nodeID: string): EndpointStats {
    const rec = this.nodes.get(nodeID);
    if (!rec) return {};
    const t = this.now();
    this.prune(rec, t);
    let successes = 0;
    let failures = 0;
    for (const b of rec.buckets) {
      successes += b.successes;
      failures += b.failures;
    }
    let oldestInFlight = Infinity;
    for (const started of rec.inFlight.values()) oldestInFlight = Math.min(oldestInFlight, started);
    // silent since the later of: the oldest pending call was sent, the node last answered anything
    const stalledMs = rec.inFlight.size > 0 ? t - Math.max(oldestInFlight, rec.lastCompletionAt ?? -Infinity) : 0;
    const fresh = rec.report != null && rec.reportAt != null && t - rec.reportAt <= this.opts.reportTtlMs;
    return {
      latencyEwmaMs: rec.latencyEwmaMs,
      successes,
      failures,
      consecutiveFailures: rec.consecutiveFailures,
      memoryRatio: fresh ? rec.report?.memoryRatio : undefined,
      queueLength: (fresh ? (rec.report?.queueLength ?? 0) : 0) + rec.inFlight.size,
      eventLoopDelayMs: fresh ? rec.report?.eventLoopDelayMs : undefined,
      stalledMs,
    };
  }

  inFlight(nodeID: string): number {
    return this.nodes.get(nodeID)?.inFlight.size ?? 0;
  }

  knownNodes(): string[] {
    return [...this.nodes.keys()];
  }
}

/** One store per broker object; the middleware and the strategy of the same broker meet here. */
const stores = new WeakMap<object, NodeStatsStore>();

export function nodeStatsStoreOf(broker: object, opts?: Partial<NodeStatsOptions>): NodeStatsStore {
  let store = stores.get(broker);
  if (!store) {
    store = new NodeStatsStore(opts);
    stores.set(broker, store);
  }
  return store;
}
