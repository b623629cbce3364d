/** Open alarms per vehicle (one hash: fault family → level), read before and written after each window. */
import type Redis from "ioredis";
import { FAULT_TYPES, type FaultType } from "../analyzers/types";
import type { AlarmLevel, AlarmState } from "../pipeline/alarm-transitions";
import { keyNames } from "../contracts/redis-keys";

const alarmsKey = keyNames.vehicleAlarms;

export async function loadAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string): Promise<AlarmState> {
  const raw = await redis.hgetall(alarmsKey(prefix, fleetId, vehicleId));
  const state: AlarmState = {};
  for (const [k, v] of Object.entries(raw)) {
    if ((FAULT_TYPES as readonly string[]).includes(k) && (v === "warning" || v === "fault")) state[k as FaultType] = v as AlarmLevel;
  }
  return state;
}

export async function saveAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string, state: AlarmState): Promise<void> {
  const key = alarmsKey(prefix, fleetId, vehicleId);
  const m = redis.multi().del(key);
  const entries = Object.entries(state);
  if (entries.length > 0) m.hset(key, Object.fromEntries(entries));
  await m.exec();
}
