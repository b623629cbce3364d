/**
 * monitor: a thin view of the cluster for operators and the api — nodes, services and instances per fault family
 * (from the registry), breaker states, stream length/lag/pending/DLQ depth, rates and latency percentiles (from
 * `diagnosis.completed` events), alerts on CPU/memory/lag, and per-family scaling advice.
 *
 * Redis memory (`monitor.redis`, gauge `vtox_redis_memory_ratio`, alert `redis_memory`): used_memory / maxmemory
 * from INFO memory (stores/redis-memory.ts), refreshed every 5 s and on each call. A warning from
 * REDIS_MEMORY_ALERT_PCT (80 %), critical and `ready: false` from REDIS_MEMORY_READY_PCT (90 %); with noeviction a
 * full Redis refuses writes, so /ready sheds ingest before that.
 */
import type { Redis } from "ioredis";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { FAULT_TYPES, type FaultType } from "../analyzers/types";
import { FAULT_SERVICES } from "../contracts/families";
import { hasServiceAnywhere } from "../pipeline/fan-out";
import { closeRedis, createRedis } from "../stores/redis";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { RollingSamples } from "../broker/rolling-stats";
import { streamsOverview, type StreamsOverview } from "../streams/stream-info";
import { round } from "../pipeline/round";
import { loadConfig, type RedisSettings, type VtoxConfig } from "../config";
import type { DiagnosisEvent } from "../contracts/events";
import { memoryVerdict, readRedisMemory, type MemoryVerdict, type RedisMemory } from "../stores/redis-memory";

/** Prometheus gauge: Redis used_memory / maxmemory (absent when Redis has no maxmemory). */
export const REDIS_MEMORY_RATIO_METRIC = "vtox_redis_memory_ratio";
const REDIS_MEMORY_REFRESH_MS = 5000;

/** What `monitor.redis` answers (the hook of the api's /ready: `ready`). */
export interface RedisMemoryView {
  used_memory: number;
  maxmemory: number | null;
  ratio: number | null;
  policy: string;
  level: MemoryVerdict["level"];
  ready: boolean;
  alert_pct: number;
  ready_pct: number;
}

/** Alert thresholds (the original system's): CPU 80 %, memory 85 %, and a backlog worth minutes of work. */
const CPU_ALERT_PCT = 80;
const MEMORY_ALERT_PCT = 85;
const RATE_WINDOW_MS = 60_000;

type StreamsView = StreamsOverview;

interface NodeView {
  id: string;
  available: boolean;
  cpu: number | null;
  hostname?: string;
  services: string[];
}

interface MonitorVars {
  redis: Redis;
  keys: RedisKeys;
  diagnosed: RollingSamples;
  familyLatency: Record<FaultType, RollingSamples>;
  ingest: { lastAdded: number | null; lastAt: number; ratePerS: number };
}

interface MonitorMethods {
  streamsView(): Promise<StreamsView>;
  redisMemoryView(): Promise<RedisMemoryView>;
  nodesView(): NodeView[];
}

/** lagAlert: stream lag (entries) above which the monitor raises an alert — a backlog worth minutes of work. */
export interface MonitorSettings extends ServiceSettingSchema {
  redis: RedisSettings;
  lagAlert: number;
  /** Redis memory alert and readiness thresholds, % of maxmemory (default 80 and 90). */
  redisMemoryAlertPct?: number;
  redisMemoryReadyPct?: number;
}

export function monitorSettings(config: VtoxConfig): MonitorSettings {
  return {
    redis: config.redis,
    lagAlert: config.monitor.lagAlert,
    redisMemoryAlertPct: config.monitor.redisMemoryAlertPct,
    redisMemoryReadyPct: config.monitor.redisMemoryReadyPct,
  };
}

/** Keeps the vtox_redis_memory_ratio gauge current for scrapes even when nobody calls monitor.redis. */
function redisMemoryRefresh(): Partial<ServiceSchema> {
  const timers = new WeakMap<object, NodeJS.Timeout>();
  return {
    started() {
      const monitor = this as unknown as Pick<MonitorMethods, "redisMemoryView">;
      const timer = setInterval(() => void monitor.redisMemoryView().catch(() => undefined), REDIS_MEMORY_REFRESH_MS);
      timer.unref();
      timers.set(this, timer);
    },
    stopped() {
      clearInterval(timers.get(this));
      timers.delete(this);
    },
  };
}

export function createMonitorService(settings: MonitorSettings): ServiceSchema {
  const schema: ServiceSchema<MonitorSettings, MonitorMethods, MonitorVars> = {
    name: "monitor",
    // Settings travel to every node in the registry: the Redis URL may carry a password.
    settings: { ...settings, $secureSettings: ["redis"] },
    mixins: [redisMemoryRefresh()],

    actions: {
      cluster: {
        handler() {
          const nodes = this.nodesView();
          const families = Object.fromEntries(
            FAULT_TYPES.map((f) => {
              const action = `${FAULT_SERVICES[f]}.analyze`;
              const list = this.broker.registry.getActionEndpoints(action);
              const endpoints = list ? list.endpoints.map((ep) => ({ nodeID: ep.id, available: ep.state })) : [];
              // An endpoint whose circuit breaker is open has state false.
              return [f, { service: FAULT_SERVICES[f], instances: endpoints.length, open_breakers: endpoints.filter((e) => !e.available).length, endpoints }];
            }),
          );
          return { namespace: this.broker.namespace, nodes, families };
        },
      },

      streams: {
        handler() {
          return this.streamsView();
        },
      },

      /** Redis memory against maxmemory; `ready: false` from REDIS_MEMORY_READY_PCT (the api's /ready hook). */
      redis: {
        handler() {
          return this.redisMemoryView();
        },
      },

      rates: {
        async handler() {
          await this.streamsView().catch(() => null); // refreshes the ingest-rate sample
          const perFamily = Object.fromEntries(
            FAULT_TYPES.map((f) => {
              const s = this.familyLatency[f];
              return [f, { p50_ms: round(s.percentile(50)), p95_ms: round(s.percentile(95)), p99_ms: round(s.percentile(99)), samples: s.count() }];
            }),
          );
          return {
            window_s: RATE_WINDOW_MS / 1000,
            ingest_per_s: round(this.ingest.ratePerS),
            diagnosed_per_s: round(this.diagnosed.rate()),
            window_latency_ms: {
              p50: round(this.diagnosed.percentile(50)),
              p95: round(this.diagnosed.percentile(95)),
              p99: round(this.diagnosed.percentile(99)),
            },
            families: perFamily,
          };
        },
      },

      alerts: {
        async handler(ctx: Context) {
          const alerts: { level: "warning" | "critical"; kind: string; message: string; nodeID?: string }[] = [];
          for (const n of this.nodesView()) {
            if (n.available && n.cpu !== null && n.cpu > CPU_ALERT_PCT)
              alerts.push({ level: "warning", kind: "cpu", nodeID: n.id, message: `CPU ${n.cpu.toFixed(0)} % > ${CPU_ALERT_PCT} %` });
          }
          // Memory is not in heartbeats: ask each node's $node.health, briefly.
          const health = await Promise.all(
            this.nodesView()
              .filter((n) => n.available)
              .map((n) =>
                ctx.call<{ mem?: { percent?: number } }, object>("$node.health", {}, { nodeID: n.id, timeout: 1000 }).then(
                  (h) => ({ id: n.id, h }),
                  () => null,
                ),
              ),
          );
          for (const r of health) {
            const pct = r?.h.mem?.percent;
            // os.freemem-based: this is host memory, as the original system measured it.
            if (r && typeof pct === "number" && 100 - pct > MEMORY_ALERT_PCT)
              alerts.push({ level: "warning", kind: "memory", nodeID: r.id, message: `memory ${(100 - pct).toFixed(0)} % used > ${MEMORY_ALERT_PCT} %` });
          }
          const streams = await this.streamsView().catch(() => null);
          if (!streams) alerts.push({ level: "critical", kind: "redis", message: "Redis unreachable" });
          for (const g of streams?.raw.groups ?? []) {
            if ((g.lag ?? 0) > this.settings.lagAlert)
              alerts.push({ level: "critical", kind: "lag", message: `group ${g.name} lags ${g.lag} entries behind ${streams!.raw.stream}` });
            if (g.consumers === 0) alerts.push({ level: "critical", kind: "consumers", message: `group ${g.name} has no consumers` });
          }
          const memory = await this.redisMemoryView().catch(() => null);
          if (memory && (memory.level === "warning" || memory.level === "critical")) {
            alerts.push({
              level: memory.level,
              kind: "redis_memory",
              message: `Redis memory ${(100 * memory.ratio!).toFixed(0)} % of maxmemory (${(memory.used_memory / 1048576).toFixed(0)} of ${(memory.maxmemory! / 1048576).toFixed(0)} MB) ≥ ${memory.level === "critical" ? memory.ready_pct : memory.alert_pct} %${memory.level === "critical" ? ": not ready, ingest is shed" : ""}`,
            });
          }
          if (memory && memory.level === "unbounded")
            alerts.push({
              level: "warning",
              kind: "redis_memory",
              message: "Redis has no maxmemory: its memory is bounded only by the host (set maxmemory with noeviction)",
            });
          if (streams && streams.dead_letter.length > 0)
            alerts.push({ level: "warning", kind: "dead_letters", message: `${streams.dead_letter.length} entries in ${streams.dead_letter.stream}` });
          for (const f of FAULT_TYPES) {
            if (!hasServiceAnywhere(this.broker.registry, FAULT_SERVICES[f]))
              alerts.push({ level: "critical", kind: "worker", message: `no ${FAULT_SERVICES[f]} instance` });
          }
          return { alerts };
        },
      },

      scaling: {
        async handler() {
          const streams = await this.streamsView().catch(() => null);
          const lag = Math.max(0, ...(streams?.raw.groups.map((g) => g.lag ?? 0) ?? [0]));
          const nodes = this.nodesView();
          const advice = Object.fromEntries(
            FAULT_TYPES.map((f) => {
              const hosts = nodes.filter((n) => n.available && n.services.includes(FAULT_SERVICES[f]));
              const cpus = hosts.map((n) => n.cpu ?? 0);
              const meanCpu = cpus.length ? cpus.reduce((a, b) => a + b, 0) / cpus.length : 0;
              const p95 = this.familyLatency[f].percentile(95);
              let action: "scale_out" | "scale_in" | "keep" = "keep";
              let why = "load within bounds";
              if (hosts.length === 0) [action, why] = ["scale_out", "no instance"];
              else if (lag > this.settings.lagAlert && meanCpu > 70) [action, why] = ["scale_out", `lag ${lag} with CPU ${meanCpu.toFixed(0)} %`];
              else if (meanCpu > CPU_ALERT_PCT) [action, why] = ["scale_out", `CPU ${meanCpu.toFixed(0)} %`];
              else if (hosts.length > 1 && lag === 0 && meanCpu < 20) [action, why] = ["scale_in", `CPU ${meanCpu.toFixed(0)} % and no lag`];
              return [f, { instances: hosts.length, mean_cpu: round(meanCpu, 1), p95_ms: round(p95), action, why }];
            }),
          );
          return { lag, families: advice };
        },
      },
    },

    events: {
      "diagnosis.completed"(ctx: Context<DiagnosisEvent>) {
        this.diagnosed.add(ctx.params.processing_ms);
        for (const [f, ms] of Object.entries(ctx.params.latency_ms ?? {}) as [FaultType, number][]) this.familyLatency[f]?.add(ms);
      },
    },

    methods: {
      async redisMemoryView(): Promise<RedisMemoryView> {
        const mem: RedisMemory = await readRedisMemory(this.redis);
        const alertPct = this.settings.redisMemoryAlertPct ?? 80;
        const readyPct = this.settings.redisMemoryReadyPct ?? 90;
        const verdict = memoryVerdict(mem, { alertPct, readyPct });
        if (mem.ratio !== null) this.broker.metrics.set(REDIS_MEMORY_RATIO_METRIC, mem.ratio);
        return {
          used_memory: mem.usedBytes,
          maxmemory: mem.maxBytes,
          ratio: mem.ratio,
          policy: mem.policy,
          level: verdict.level,
          ready: verdict.ready,
          alert_pct: alertPct,
          ready_pct: readyPct,
        };
      },

      async streamsView(): Promise<StreamsView> {
        // Every partition's streams, summed (STREAM_PARTITIONS; one partition: today's single streams).
        const view = await streamsOverview(this.redis, this.keys);
        const added = view.raw.entries_added;
        // Ingest rate from the stream's own counter, sampled between calls (no extra bookkeeping on the hot path).
        const now = Date.now();
        if (added !== null && this.ingest.lastAdded !== null && now - this.ingest.lastAt > 500) {
          this.ingest.ratePerS = (added - this.ingest.lastAdded) / ((now - this.ingest.lastAt) / 1000);
        }
        if (added !== null && (this.ingest.lastAdded === null || now - this.ingest.lastAt > 500)) {
          this.ingest.lastAdded = added;
          this.ingest.lastAt = now;
        }
        return view;
      },

      nodesView(): NodeView[] {
        const list = this.broker.registry.getNodeList({ onlyAvailable: false, withServices: true }) as unknown as {
          id: string;
          available: boolean;
          cpu: number | null;
          hostname?: string;
          services?: { name: string }[];
        }[];
        return list.map((n) => ({
          id: n.id,
          available: n.available,
          cpu: n.cpu ?? null,
          ...(n.hostname ? { hostname: n.hostname } : {}),
          services: (n.services ?? []).map((s) => s.name).filter((s) => !s.startsWith("$")),
        }));
      },
    },

    created() {
      this.keys = redisKeys(settings.redis);
      this.redis = createRedis(settings.redis, { connectionName: `monitor:${this.broker.nodeID}`, commandTimeoutMs: 2000, onError: () => undefined });
      this.diagnosed = new RollingSamples(RATE_WINDOW_MS);
      this.familyLatency = Object.fromEntries(FAULT_TYPES.map((f) => [f, new RollingSamples(RATE_WINDOW_MS)])) as Record<FaultType, RollingSamples>;
      this.ingest = { lastAdded: null, lastAt: 0, ratePerS: 0 };
      this.broker.metrics.register({
        type: "gauge",
        name: REDIS_MEMORY_RATIO_METRIC,
        description: "Redis used_memory / maxmemory (INFO memory)",
        unit: "ratio",
      });
    },

    async stopped() {
      await closeRedis(this.redis);
    },
  };
  return schema as unknown as ServiceSchema;
}

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return createMonitorService(monitorSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
