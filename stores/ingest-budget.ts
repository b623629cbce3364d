/**
 * Everything ingest checks in Redis before a window is written, in one script (one round trip, atomic across api
 * replicas): the vehicle's samples budget and the fleet's bytes budget (GCRA, stores/rate-limiter.ts) and the fleet's
 * vehicle quota. Nothing is charged unless all three admit the window, so a refused window costs no budget and a
 * refused vehicle is not counted.
 *
 * The quota: a vehicle counts from its first accepted window (it enters the fleet's index, which the coordinator
 * keeps up to date and retention trims of vehicles silent past VEHICLE_STATE_TTL_S); a new vehicle beyond
 * FLEET_MAX_VEHICLES is refused, a known one never is. One script, so replicas cannot race past the quota.
 */
import type { Redis } from "ioredis";
import { keyNames, type RedisKeys } from "../contracts/redis-keys";
import { LUA_GCRA } from "./rate-limiter";
import { luaCommand } from "./lua-command";

// KEYS: vehicle bucket, fleet bucket, fleet's vehicle index
// ARGV: window ms, vehicle limit, vehicle cost, fleet limit, fleet cost, vehicle id, max vehicles
// → {0} admitted | {1, wait ms} vehicle budget | {2, wait ms} fleet budget | {3} vehicle quota
const admitScript = luaCommand({
  name: "vtoxIngestBudgetsV1",
  numberOfKeys: 3,
  lua: `${LUA_GCRA}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local vTat, vWait = gcra(KEYS[1], now, tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))
if vWait > 0 then return {1, vWait} end
local fTat, fWait = gcra(KEYS[2], now, tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[5]))
if fWait > 0 then return {2, fWait} end
if not redis.call('ZSCORE', KEYS[3], ARGV[6]) then
  if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[7]) then return {3} end
  redis.call('ZADD', KEYS[3], 'NX', now, ARGV[6])
end
redis.call('SET', KEYS[1], tostring(vTat), 'PX', math.ceil(vTat - now) + 1)
redis.call('SET', KEYS[2], tostring(fTat), 'PX', math.ceil(fTat - now) + 1)
return {0}
`,
});

export interface IngestBudgets {
  prefix: string;
  windowS: number;
  vehicleSamplesPerS: number;
  fleetBytesPerS: number;
  maxVehicles: number;
}

export type IngestAdmission =
  { admitted: true } | { admitted: false; refusedBy: "vehicle_samples" | "fleet_bytes"; retryAfterS: number } | { admitted: false; refusedBy: "vehicle_quota" };

/** The vehicle's budget bucket (samples) and the fleet's (bytes): the rate limiter's key names. */
export const vehicleSamplesBucket = (fleetId: string, vehicleId: string): string => `vehicle-samples:${fleetId}:${vehicleId}`;
export const fleetBytesBucket = (fleetId: string): string => `fleet-bytes:${fleetId}`;

/** A window larger than a whole budget passes only on a full bucket, and empties it (it must pass some time). */
export const budgetCost = (units: number, budget: number): number => Math.max(1, Math.min(units, budget));

/** Charges `samples` to the vehicle and `bytes` to the fleet (0: already charged) and admits the vehicle, or nothing. */
export async function admitWindow(
  redis: Redis,
  keys: Pick<RedisKeys, "fleetVehicles">,
  budgets: IngestBudgets,
  window: { fleetId: string; vehicleId: string; samples: number; bytes: number },
): Promise<IngestAdmission> {
  const reply = (await admitScript.run(
    redis,
    [
      keyNames.rateLimit(budgets.prefix, vehicleSamplesBucket(window.fleetId, window.vehicleId)),
      keyNames.rateLimit(budgets.prefix, fleetBytesBucket(window.fleetId)),
      keys.fleetVehicles(window.fleetId),
    ],
    [budgets.windowS * 1000, budgets.vehicleSamplesPerS, window.samples, budgets.fleetBytesPerS, window.bytes, window.vehicleId, budgets.maxVehicles],
  )) as number[];
  const [verdict, waitMs] = reply;
  if (verdict === 0) return { admitted: true };
  if (verdict === 3) return { admitted: false, refusedBy: "vehicle_quota" };
  return { admitted: false, refusedBy: verdict === 1 ? "vehicle_samples" : "fleet_bytes", retryAfterS: Math.max(1, Math.ceil(waitMs / 1000)) };
}
