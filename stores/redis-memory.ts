/**
 * How full Redis is, from INFO memory: used_memory against maxmemory. With `maxmemory` and `noeviction`
 * (docker-compose.yml, k8s/redis-statefulset.yaml) a full Redis refuses writes — ingest answers 503 — instead of
 * evicting stream entries or state; this is what warns before that and what /ready uses to shed ingest.
 *
 * Public interface:
 *   parseMemoryInfo(text): RedisMemory                                  pure (the INFO memory text)
 *   readRedisMemory(redis): Promise<RedisMemory>                        one INFO memory round trip (O(1) in Redis)
 *   memoryVerdict(mem, { alertPct, readyPct }): MemoryVerdict           pure: level and readiness
 */
import type { Redis } from "ioredis";

export interface RedisMemory {
  usedBytes: number;
  /** null when maxmemory is 0 (no limit: Redis grows until the host or container kills it). */
  maxBytes: number | null;
  /** usedBytes / maxBytes, null without a limit. */
  ratio: number | null;
  policy: string;
}

export interface MemoryVerdict {
  /** ok below alertPct, warning from alertPct, critical from readyPct; unbounded without maxmemory. */
  level: "ok" | "warning" | "critical" | "unbounded";
  /** False from readyPct of maxmemory: /ready should answer 503 so that load balancers shed ingest. */
  ready: boolean;
}

export function parseMemoryInfo(text: string): RedisMemory {
  const field = (name: string): string | undefined => new RegExp(`^${name}:(\\S+)`, "m").exec(text)?.[1];
  const usedBytes = Number(field("used_memory") ?? Number.NaN);
  const max = Number(field("maxmemory") ?? 0);
  const maxBytes = Number.isFinite(max) && max > 0 ? max : null;
  return {
    usedBytes,
    maxBytes,
    ratio: maxBytes === null || !Number.isFinite(usedBytes) ? null : usedBytes / maxBytes,
    policy: field("maxmemory_policy") ?? "",
  };
}

export async function readRedisMemory(redis: Redis): Promise<RedisMemory> {
  return parseMemoryInfo(await redis.info("memory"));
}

export function memoryVerdict(mem: RedisMemory, t: { alertPct: number; readyPct: number }): MemoryVerdict {
  if (mem.ratio === null) return { level: "unbounded", ready: true };
  const pct = mem.ratio * 100;
  if (pct >= t.readyPct) return { level: "critical", ready: false };
  return { level: pct >= t.alertPct ? "warning" : "ok", ready: true };
}
