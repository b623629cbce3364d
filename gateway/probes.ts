/** /ready and /metrics: readiness of this api (broker, Redis, every fault family registered) and the Prometheus text. */
import { memoryVerdict, readRedisMemory } from "../stores/redis-memory";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { EmbeddablePrometheusReporter } from "../broker/prometheus-reporter";
import { FAULT_SERVICES } from "../contracts/families";
import { hasServiceAnywhere } from "../pipeline/fan-out";
import type { RedisStateMarker } from "./redis-state";

/** `redis_state`: false once Redis lost the data this api saw (gateway/redis-state.ts). */
export async function readiness(
  broker: ServiceBroker,
  redis: Redis,
  marker: RedisStateMarker,
  memory: { alertPct: number; readyPct: number },
): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
  const checks: Record<string, boolean> = { broker: broker.started && !broker.stopping };
  checks.redis = await redis.ping().then(
    (pong) => pong === "PONG",
    () => false,
  );
  checks.redis_state = await marker.intact();
  // Near maxmemory Redis refuses writes: stop taking traffic before it does (an unreadable figure is not a verdict).
  const mem = await readRedisMemory(redis).catch(() => null);
  checks.redis_memory = mem === null || memoryVerdict(mem, memory).ready;
  for (const name of Object.values(FAULT_SERVICES)) checks[name] = hasServiceAnywhere(broker.registry, name);
  return { ready: Object.values(checks).every(Boolean), checks };
}

export function metricsExposition(broker: ServiceBroker): string {
  const reporters = (broker.metrics as unknown as { reporter?: unknown[] }).reporter ?? [];
  const prom = reporters.find((r): r is EmbeddablePrometheusReporter => r instanceof EmbeddablePrometheusReporter);
  return prom ? prom.exposition() : "";
}
