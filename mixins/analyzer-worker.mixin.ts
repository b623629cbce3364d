/**
 * One fault family as a Moleculer service: action `analyze` runs the family's pure analyzer on a decoded
 * window and returns the Finding. The window comes inline (`window`), as a reference to its binary raw stream entry
 * (`entryRef`, stores/entry-window.ts) or as a claim check (`windowRef`, stores/sample-store.ts); a referenced window
 * is read from Redis once per process for all local services (stores/shared-window-reads.ts). The worker's load
 * rides back in the response meta (`$workerLoad`) for the load-balancing strategy, and action `load` reports it on
 * demand (monitor, benchmarks).
 */
import type { Redis } from "ioredis";
import { Errors, type Context, type ServiceSchema } from "moleculer";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import { insufficientData } from "../analyzers/finding";
import type { Analyzer, Finding } from "../analyzers/types";
import type { AnalyzeParams, AnalyzeResult } from "../contracts/actions";
import { FAULT_SERVICES } from "../contracts/families";
import type { RedisClusterNode, VtoxConfig } from "../config";
import { closeRedis, createRedis } from "../stores/redis";
import { channelsRead } from "../stores/sample-store";
import { SharedWindowReads } from "../stores/shared-window-reads";

/** As it arrives: the validator checks the shape, and the handler checks that one of the three is there. */
type AnalyzeWireParams = Partial<Extract<AnalyzeParams, { window: unknown }>> &
  Partial<Extract<AnalyzeParams, { windowRef: unknown }>> &
  Partial<Extract<AnalyzeParams, { entryRef: unknown }>>;
import { asTypedWindow } from "../pipeline/typed-window";
import { WorkerLoad, type WorkerLoadSnapshot } from "../broker/worker-load";
import { callerGaveUp } from "../broker/expired-call";

/** What a worker service is configured with: where claim-checked windows are fetched from. */
export interface AnalyzerWorkerSettings {
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: windows are fetched from this Redis Cluster. */
  clusterNodes?: readonly RedisClusterNode[];
}

export interface AnalyzeMeta {
  $workerLoad?: WorkerLoadSnapshot;
}

interface WorkerVars {
  workerLoad: WorkerLoad;
  /** Opened on the first claim-checked window. */
  windowRedis?: Redis;
}

/** Concurrency cap per worker: analysis is synchronous, so the queue bound is what protects memory. */
const BULKHEAD = { enabled: true, concurrency: 4, maxQueueSize: 200 };

/** Shared by every fault service of this process: a window's samples are read from Redis once here (64 standard windows). */
const sharedReads = new SharedWindowReads({ ttlMs: 10_000, maxEntries: 64, maxBytes: 8 * 1024 * 1024 });

/** Redis reads of windows made by this process so far (tests, bench: one per window). */
export function windowReadsOfProcess(): number {
  return sharedReads.reads;
}

export function AnalyzerWorkerMixin(analyzer: Analyzer): Partial<ServiceSchema> {
  const wanted = channelsRead(analyzer);
  sharedReads.register(wanted);
  const schema: Partial<ServiceSchema<AnalyzerWorkerSettings, Record<string, unknown>, WorkerVars>> = {
    metadata: { faultType: analyzer.faultType },
    actions: {
      analyze: {
        params: {
          window: { type: "object", optional: true, props: { channels: { type: "object" } } },
          windowRef: { type: "object", optional: true, props: { key: { type: "string" }, channels: { type: "object" }, scalars: { type: "object" } } },
          entryRef: {
            type: "object",
            optional: true,
            props: { stream: { type: "string" }, id: { type: "string" }, channels: { type: "object" }, scalars: { type: "object" } },
          },
          profile: { type: "object", optional: true },
          baseline: { type: "object", optional: true },
        },
        bulkhead: BULKHEAD,
        async handler(this: WorkerVars & { settings: AnalyzerWorkerSettings }, ctx: Context<AnalyzeWireParams, AnalyzeMeta>): Promise<AnalyzeResult> {
          const { window: inline, windowRef, entryRef } = ctx.params;
          const stored = entryRef ? { entryRef } : windowRef ? { windowRef } : undefined;
          if (!inline && !stored) {
            throw new Errors.ValidationError("analyze needs a window, an entryRef or a windowRef", "VALIDATION_ERROR", [
              { type: "required", field: "window", message: "window, entryRef or windowRef is required" },
            ]);
          }
          // A fetch failure (Redis down, data expired or trimmed) is thrown: the coordinator retries the window.
          const window = stored
            ? await sharedReads.load(
                (this.windowRedis ??= createRedis(
                  { url: this.settings.redisUrl, ...(this.settings.clusterNodes ? { clusterNodes: this.settings.clusterNodes } : {}) },
                  { connectionName: `${analyzer.faultType}-worker` },
                )),
                stored,
                wanted,
              )
            : asTypedWindow(inline!);
          // Expired while queued: the coordinator has already failed this window and will retry it.
          if (callerGaveUp(ctx)) throw new Errors.RequestSkippedError({ action: ctx.action?.name ?? "analyze", nodeID: ctx.nodeID ?? "" });
          this.workerLoad.begin();
          const t0 = performance.now();
          let finding: Finding;
          try {
            finding = analyzer.analyze(window, ctx.params.profile ?? DEFAULT_MOTOR_PROFILE, ctx.params.baseline);
          } catch (err) {
            // A deterministic analyzer bug would fail on every retry and block the window: answer undecided, loudly.
            const message = err instanceof Error ? err.message : String(err);
            (this as unknown as { logger: { error(...a: unknown[]): void } }).logger.error(`${analyzer.faultType} analyzer threw:`, err);
            finding = insufficientData(analyzer.faultType, `analyzer error: ${message}`);
          }
          const ms = performance.now() - t0;
          this.workerLoad.end(ms);
          ctx.meta.$workerLoad = this.workerLoad.snapshot(ms);
          return finding;
        },
      },
      load: {
        handler(this: WorkerVars): WorkerLoadSnapshot {
          return this.workerLoad.snapshot();
        },
      },
    },
    created(this: WorkerVars & { broker: { nodeID: string } }) {
      this.workerLoad = new WorkerLoad(this.broker.nodeID);
    },
    async started(this: WorkerVars) {
      this.workerLoad.start();
    },
    async stopped(this: WorkerVars) {
      this.workerLoad.stop();
      await closeRedis(this.windowRedis);
    },
  };
  return schema as unknown as Partial<ServiceSchema>;
}

/** One fault family's worker service: its contract name (contracts/families.ts) around the family's analyzer. */
export function faultWorkerService(analyzer: Analyzer, settings: AnalyzerWorkerSettings): ServiceSchema {
  return {
    name: FAULT_SERVICES[analyzer.faultType],
    // Settings travel to every node in the registry: the Redis URL may carry a password.
    settings: { ...settings, $secureSettings: ["redisUrl"] },
    mixins: [AnalyzerWorkerMixin(analyzer)],
  };
}

export function workerSettings(config: VtoxConfig): AnalyzerWorkerSettings {
  return { redisUrl: config.redis.url, ...(config.redis.clusterNodes ? { clusterNodes: config.redis.clusterNodes } : {}) };
}
