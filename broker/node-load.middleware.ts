/**
 * Node-load middleware: the data source of the intelligent strategy.
 *
 * Caller side (`remoteAction`): per target node, time each call (latency EWMA), count successes and node-attributable
 * failures in a sliding window, track in-flight calls, and read the load report the worker attached to the response.
 * Callee side (`localAction`): when the caller is another node, attach `ctx.meta.$nodeLoad` = { nodeID, memoryRatio,
 * queueLength, eventLoopDelayMs }. Moleculer 0.15 sends the callee's ctx.meta back with the response (success and
 * error alike) and merges it into the caller's ctx.meta (transit.js `_responseHandler`: Object.assign(req.ctx.meta,
 * packet.meta)), so the report costs no extra message. Heartbeats only carry CPU (moleculer#1234).
 *
 * Wired in moleculer.config.ts (`middlewares`). User middlewares wrap innermost, so each retry attempt is measured on its own node.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import v8 from "node:v8";
import os from "node:os";
import type { Context, Middleware, ServiceBroker } from "moleculer";
import { nodeStatsStoreOf, type NodeLoadReport, type NodeStatsOptions } from "./node-stats-store";

export const NODE_LOAD_META_KEY = "$nodeLoad";

export interface NodeLoadMiddlewareOptions {
  stats?: Partial<NodeStatsOptions>;
  /** How often the event-loop delay histogram is read and reset, ms. */
  eventLoopSampleMs?: number;
}

/** Moleculer calls wrapped handlers as plain functions of the context. */
type ContextHandler = (ctx: Context) => Promise<unknown>;

interface CodedError {
  code?: unknown;
}

/** Same rule as the circuit breaker's default `check`: 5xx, timeouts and transport errors count against the node. */
export function isNodeFailure(err: unknown): boolean {
  const code = (err as CodedError | null)?.code;
  return typeof code !== "number" || code >= 500;
}

/** Memory use 0..1: the tighter of the V8 heap limit and the container/host memory limit. */
let memorySample = { ratio: 0, at: -Infinity };
/** Reading heap statistics and RSS per call cost ~10 % of a worker's CPU (cluster bench profile): sampled every 250 ms. */
export function memoryRatio(): number {
  const now = performance.now();
  if (now - memorySample.at < 250) return memorySample.ratio;
  memorySample = { ratio: measureMemoryRatio(), at: now };
  return memorySample.ratio;
}

function measureMemoryRatio(): number {
  const heap = v8.getHeapStatistics();
  const rss = process.memoryUsage.rss();
  const constrained = typeof process.constrainedMemory === "function" ? process.constrainedMemory() : 0;
  const limit = constrained && constrained > 0 && constrained < os.totalmem() ? constrained : os.totalmem();
  return Math.min(1, Math.max(heap.used_heap_size / heap.heap_size_limit, rss / limit));
}

function isLoadReport(value: unknown): value is NodeLoadReport {
  if (value == null || typeof value !== "object") return false;
  const r = value as Record<string, unknown>;
  return typeof r.nodeID === "string" && typeof r.memoryRatio === "number" && typeof r.queueLength === "number" && typeof r.eventLoopDelayMs === "number";
}

export function NodeLoadMiddleware(opts: NodeLoadMiddlewareOptions = {}): Middleware {
  const sampleMs = opts.eventLoopSampleMs ?? 5000;
  let localInFlight = 0;
  let histogram: IntervalHistogram | undefined;
  let sampler: NodeJS.Timeout | undefined;
  let lastLoopDelayMs = 0;
  let callSeq = 0;

  function sampleLoopDelay(): void {
    if (!histogram) return;
    // percentile() is in ns; NaN/0 before the first sample
    const p99 = histogram.percentile(99) / 1e6;
    lastLoopDelayMs = Number.isFinite(p99) ? p99 : 0;
    histogram.reset();
  }

  return {
    name: "NodeLoad",

    created(broker: ServiceBroker) {
      nodeStatsStoreOf(broker, opts.stats);
      histogram = monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
      sampler = setInterval(sampleLoopDelay, sampleMs);
      sampler.unref();
      // A node that left is forgotten, so a restarted node with the same id is judged afresh.
      broker.localBus.on("$node.disconnected", (payload: { node?: { id?: string } }) => {
        const id = payload?.node?.id;
        if (id) nodeStatsStoreOf(broker).forget(id);
      });
    },

    async stopped() {
      if (sampler) clearInterval(sampler);
      histogram?.disable();
    },

    localAction(this: ServiceBroker, nextHandler, _action) {
      const broker = this;
      const next = nextHandler as unknown as ContextHandler;
      return function nodeLoadCallee(ctx: Context) {
        localInFlight++;
        const remoteCaller = ctx.nodeID != null && ctx.nodeID !== broker.nodeID;
        const attach = () => {
          localInFlight--;
          if (!remoteCaller) return;
          const report: NodeLoadReport = {
            nodeID: broker.nodeID,
            memoryRatio: memoryRatio(),
            queueLength: localInFlight,
            eventLoopDelayMs: lastLoopDelayMs,
          };
          (ctx.meta as Record<string, unknown>)[NODE_LOAD_META_KEY] = report;
        };
        return Promise.resolve(next(ctx)).then(
          (res) => {
            attach();
            return res;
          },
          (err) => {
            attach();
            throw err;
          },
        );
      };
    },

    remoteAction(this: ServiceBroker, nextHandler, _action) {
      const broker = this;
      const next = nextHandler as unknown as ContextHandler;
      const store = () => nodeStatsStoreOf(broker);
      return function nodeLoadCaller(ctx: Context) {
        const nodeID = ctx.nodeID;
        const meta = ctx.meta as Record<string, unknown>;
        // A report merged into a parent context by an earlier call must not be read as this node's answer.
        delete meta[NODE_LOAD_META_KEY];
        if (!nodeID) return next(ctx);
        const callID = `${ctx.id ?? "call"}#${++callSeq}`;
        const started = process.hrtime.bigint();
        store().callStarted(nodeID, callID);
        const finish = (ok: boolean) => {
          const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
          store().callFinished(nodeID, callID, latencyMs, ok);
          const report = meta[NODE_LOAD_META_KEY];
          if (isLoadReport(report) && report.nodeID === nodeID) store().reportLoad(report);
          // Keep the report out of the caller's meta so it never travels on to other calls.
          delete meta[NODE_LOAD_META_KEY];
        };
        return Promise.resolve(next(ctx)).then(
          (res) => {
            finish(true);
            return res;
          },
          (err) => {
            finish(!isNodeFailure(err));
            throw err;
          },
        );
      };
    },
  };
}
