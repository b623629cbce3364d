/**
 * Open alarms per vehicle (one hash: fault family → level). The coordinator writes them with the rest of a window
 * (stores/window-commit.ts, compare-and-set against the alarms it computed from) and keeps them in process between
 * windows (OpenAlarmCache). The hash carries the vehicle state's TTL, refreshed by every window, so an alarm never
 * outlives, nor silently loses, the state it was raised against.
 */
import type Redis from "ioredis";
import { FAULT_TYPES, type FaultType } from "../analyzers/types";
import type { AlarmState } from "../pipeline/alarm-transitions";
import { DEFAULT_VEHICLE_STATE_TTL_S, keyNames } from "../contracts/redis-keys";
import { ExpiringCache } from "./expiring-cache";
import { luaCommand } from "./lua-command";

/** The open alarms a hash holds (HGETALL pairs), unknown fields and levels ignored. */
export function alarmStateOf(pairs: readonly unknown[]): AlarmState {
  const state: AlarmState = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const [family, level] = [String(pairs[i]), String(pairs[i + 1])];
    if ((FAULT_TYPES as readonly string[]).includes(family) && (level === "warning" || level === "fault")) state[family as FaultType] = level;
  }
  return state;
}

export async function loadAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string): Promise<AlarmState> {
  const raw = await redis.hgetall(keyNames.vehicleAlarms(prefix, fleetId, vehicleId));
  return alarmStateOf(Object.entries(raw).flat());
}

// KEYS: alarms hash, the vehicle's state key. ARGV: fallback TTL (s) when the state has none, then field, level, ...
const saveAlarmsScript = luaCommand({
  name: "vtoxSaveAlarms",
  numberOfKeys: 2,
  lua: `
redis.call('DEL', KEYS[1])
if #ARGV < 3 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return 1
`,
});

/** Rewrites a vehicle's open alarms on their own, with the state's remaining TTL (tools, benches, tests). */
export async function saveAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string, state: AlarmState): Promise<void> {
  const fields = Object.entries(state).flatMap(([family, level]) => [family, String(level)]);
  await saveAlarmsScript.run(
    redis,
    [keyNames.vehicleAlarms(prefix, fleetId, vehicleId), keyNames.vehicleState(prefix, fleetId, vehicleId)],
    [DEFAULT_VEHICLE_STATE_TTL_S, ...fields],
  );
}

/** A coordinator remembers this many vehicles' open alarms, each at most this long. */
export const ALARM_CACHE_CAPACITY = 10_000;
export const ALARM_CACHE_TTL_MS = 60_000;

/**
 * The open alarms this process last wrote or saw per vehicle: only a guess. The rule that keeps it correct under
 * failover: every write is conditional on Redis holding exactly the guessed alarms (the commit's compare-and-set),
 * so a guess made stale by another coordinator costs one more round trip, never a wrong transition. A vehicle not
 * in the cache is guessed to have none, which is right for almost every vehicle.
 */
export class OpenAlarmCache {
  private readonly cache: ExpiringCache<string, AlarmState>;

  constructor(options: { capacity?: number; ttlMs?: number } = {}) {
    this.cache = new ExpiringCache({ capacity: options.capacity ?? ALARM_CACHE_CAPACITY, ttlMs: options.ttlMs ?? ALARM_CACHE_TTL_MS });
  }

  guess(fleetId: string, vehicleId: string): AlarmState {
    return this.cache.get(`${fleetId}/${vehicleId}`) ?? {};
  }

  remember(fleetId: string, vehicleId: string, alarms: AlarmState): void {
    this.cache.set(`${fleetId}/${vehicleId}`, alarms);
  }

  forget(fleetId: string, vehicleId: string): void {
    this.cache.delete(`${fleetId}/${vehicleId}`);
  }
}
