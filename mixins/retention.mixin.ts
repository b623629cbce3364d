/**
 * RetentionMixin(settings): runs the retention pass of streams/retention.ts every `retention.intervalS` seconds from
 * the service that owns the raw stream's consumer group (the coordinator, `diagnosis`): trims diagnosed raw entries
 * older than RAW_STREAM_RETENTION_S (never a pending or undelivered one), keeps the dead-letter stream within
 * DLQ_MAX_BYTES and DLQ_RETENTION_S, and removes vehicles silent longer than VEHICLE_STATE_TTL_S from fleet indexes.
 *
 * Any number of coordinator instances may carry it: a pass takes a lease (`SET <prefix>:retention:lease NX PX
 * interval`), so the cluster runs about one pass per interval whatever its size; the pass is idempotent anyway, and a
 * dead instance's lease lapses after one interval. A Redis full to maxmemory refuses the lease (OOM): the pass runs
 * anyway, since it is what frees memory. Its own Redis connection (the pass never waits behind the
 * consumer's commands), errors logged at most every 30 s, never thrown out of the timer.
 *
 * With STREAM_PARTITIONS > 1 one pass trims every partition's raw stream and dead letters (streams/retention.ts).
 *
 * Method added to the service: getRetentionStats(): RetentionStats (passes, entries trimmed, last outcome / error).
 * The redis-stream-consumer mixin includes this one when given `retention` (how the coordinator gets it).
 */
import type { Redis } from "ioredis";
import type { Service, ServiceSchema } from "moleculer";
import { loadConfig, type RedisSettings, type RetentionSettings } from "../config";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { createRedis } from "../stores/redis";
import { runLeasedRetentionPass, type RetentionPassOutcome } from "../streams/retention";

export interface RetentionMixinOptions {
  redis: RedisSettings;
  /** Absent: the documented defaults (config.ts). */
  retention?: RetentionSettings;
}

export interface RetentionStats {
  passes: number;
  /** Passes skipped because another instance held the lease. */
  leasedElsewhere: number;
  rawTrimmed: number;
  deadLettersTrimmed: number;
  vehiclesUnindexed: number;
  errors: number;
  last?: RetentionPassOutcome & { at: string; ms: number };
  lastError?: { message: string; at: string };
}

interface RetentionState {
  redis: Redis;
  keys: RedisKeys;
  settings: RetentionSettings;
  timer?: NodeJS.Timeout;
  running: Promise<void>;
  stopped: boolean;
  lastLoggedErrorAt: number;
  stats: RetentionStats;
}

const states = new WeakMap<Service, RetentionState>();

/** One pass under the lease; never throws. */
async function tick(svc: Service, st: RetentionState): Promise<void> {
  try {
    const leaseMs = Math.max(500, st.settings.intervalS * 1000 - 200);
    const t0 = performance.now();
    const out = await runLeasedRetentionPass(
      st.redis,
      st.keys,
      { ...st.settings, vehicleStateTtlS: st.keys.vehicleStateTtlS },
      { owner: svc.broker.nodeID, leaseMs },
    );
    const ms = performance.now() - t0;
    if (out === null) {
      st.stats.leasedElsewhere++;
      return;
    }
    st.stats.passes++;
    st.stats.rawTrimmed += out.raw.trimmed;
    st.stats.deadLettersTrimmed += out.deadLetters.trimmedByAge + out.deadLetters.trimmedByBytes;
    st.stats.vehiclesUnindexed += out.fleetIndexes.removed;
    st.stats.last = { ...out, at: new Date().toISOString(), ms };
    if (out.raw.trimmed > 0 || out.deadLetters.trimmedByBytes > 0) {
      svc.logger.debug(
        `retention: ${out.raw.trimmed} raw entries trimmed (bound: ${out.raw.boundBy}${out.raw.group ? ` of ${out.raw.group}` : ""}), ` +
          `${out.deadLetters.trimmedByAge + out.deadLetters.trimmedByBytes} dead letters, ${out.fleetIndexes.removed} silent vehicles unindexed in ${ms.toFixed(1)} ms`,
      );
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    st.stats.errors++;
    st.stats.lastError = { message, at: new Date().toISOString() };
    if (Date.now() - st.lastLoggedErrorAt > 30_000) {
      st.lastLoggedErrorAt = Date.now();
      svc.logger.warn(`retention pass failed (retried every ${st.settings.intervalS} s): ${message}`);
    }
  }
}

function schedule(svc: Service, st: RetentionState): void {
  if (st.stopped) return;
  st.timer = setTimeout(() => {
    st.running = tick(svc, st).finally(() => schedule(svc, st));
  }, st.settings.intervalS * 1000);
  st.timer.unref();
}

export function RetentionMixin(opts: RetentionMixinOptions): Partial<ServiceSchema> {
  const settings = opts.retention ?? loadConfig({}).diagnosis.retention;
  const keys = redisKeys(opts.redis);
  const schema: Partial<ServiceSchema> = {
    methods: {
      getRetentionStats(this: Service): RetentionStats {
        const st = states.get(this);
        return st ? { ...st.stats } : { passes: 0, leasedElsewhere: 0, rawTrimmed: 0, deadLettersTrimmed: 0, vehiclesUnindexed: 0, errors: 0 };
      },
    },
    started(this: Service) {
      if (states.has(this)) return;
      const redis = createRedis(opts.redis, {
        connectionName: `retention:${this.broker.nodeID}`,
        commandTimeoutMs: 10_000,
        onError: (err) => this.logger.debug("retention redis:", err.message),
      });
      const st: RetentionState = {
        redis,
        keys,
        settings,
        running: Promise.resolve(),
        stopped: false,
        lastLoggedErrorAt: 0,
        stats: { passes: 0, leasedElsewhere: 0, rawTrimmed: 0, deadLettersTrimmed: 0, vehiclesUnindexed: 0, errors: 0 },
      };
      states.set(this, st);
      schedule(this, st);
    },
    async stopped(this: Service) {
      const st = states.get(this);
      if (!st) return;
      st.stopped = true;
      clearTimeout(st.timer);
      await st.running;
      await st.redis.quit().catch(() => st.redis.disconnect());
      states.delete(this);
    },
  };
  return schema;
}
