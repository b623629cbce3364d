/**
 * Open alarms per vehicle (one hash: fault family → level), read before and written after each window.
 * The hash expires with the vehicle's state: saveVehicleState() refreshes its TTL on every window, and saveAlarms()
 * (which rewrites it) gives it the state key's remaining TTL in the same atomic step, so an alarm never outlives, nor
 * silently loses, the state it was raised against.
 */
import type Redis from "ioredis";
import { FAULT_TYPES, type FaultType } from "../analyzers/types";
import type { AlarmState } from "../pipeline/alarm-transitions";
import { DEFAULT_VEHICLE_STATE_TTL_S, keyNames } from "../contracts/redis-keys";
import { luaCommand } from "./lua-command";

const alarmsKey = keyNames.vehicleAlarms;

export async function loadAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string): Promise<AlarmState> {
  const raw = await redis.hgetall(alarmsKey(prefix, fleetId, vehicleId));
  const state: AlarmState = {};
  for (const [k, v] of Object.entries(raw)) {
    if ((FAULT_TYPES as readonly string[]).includes(k) && (v === "warning" || v === "fault")) state[k as FaultType] = v;
  }
  return state;
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

export async function saveAlarms(redis: Redis, prefix: string, fleetId: string, vehicleId: string, state: AlarmState): Promise<void> {
  const fields = Object.entries(state).flatMap(([family, level]) => [family, String(level)]);
  await saveAlarmsScript.run(
    redis,
    [alarmsKey(prefix, fleetId, vehicleId), keyNames.vehicleState(prefix, fleetId, vehicleId)],
    [DEFAULT_VEHICLE_STATE_TTL_S, ...fields],
  );
}
