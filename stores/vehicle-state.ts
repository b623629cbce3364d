/**
 * Per-vehicle health state, bounded history, per-fleet vehicle index and critical alerts. A vehicle is known by
 * its fleet and its id (ids are unique within a fleet only), which is also the API's isolation (invariant 6): no
 * fleet can name another fleet's vehicle. Keys come from redisKeys() (contracts/redis-keys.ts).
 *
 * The coordinator writes all of it for a window in one script (stores/window-commit.ts); saveVehicleState() is the
 * same write on its own (tools, benches, tests).
 *
 * Public interface:
 *   saveVehicleState(redis, keys, vehicleId, state, { historyLen = 100 }): Promise<void>
 *       one MULTI: SET state JSON EX ttl, LPUSH+LTRIM+EXPIRE history, EXPIRE alarms, ZADD fleet index
 *       (score = updatedAt ms), SADD fleet into the set of indexed fleets; state.fleetId scopes it. ttl =
 *       keys.vehicleStateTtlS (VEHICLE_STATE_TTL_S): a vehicle silent that long loses state, history and alarms; the
 *       periodic retention pass (streams/retention.ts, expireFleetIndexes) removes it from its fleet's index. Profiles
 *       and baselines are configuration, not state: they never expire.
 *   getVehicleState(redis, keys, fleetId, vehicleId): Promise<VehicleState | null>
 *   getVehicleHistory(redis, keys, fleetId, vehicleId, { count = 50, offset = 0 }): Promise<VehicleState[]>   newest first
 *   listVehicles(redis, keys, fleetId, { count = 1000, offset = 0 }): Promise<string[]>      most recently updated first
 *   countVehicles(redis, keys, fleetId): Promise<number>
 *   pushCriticalAlert(redis, keys, fleetId, alert, { maxLen = 1000 }) / listCriticalAlerts(redis, keys, fleetId, { count = 100 })
 */
import type { Redis } from "ioredis";
import type { FaultType, FindingStatus } from "../analyzers/types";
import { execOrThrow } from "./redis";
import { type RedisKeys } from "../contracts/redis-keys";

/** States kept per vehicle, newest first. */
export const HISTORY_LENGTH = 100;
/** Critical alerts kept per fleet, newest first. */
export const CRITICAL_ALERTS_LENGTH = 1000;

export interface FindingSummary {
  status: FindingStatus;
  score: number;
  reason?: string;
}

export interface VehicleState {
  vehicleId: string;
  fleetId: string;
  /** 0..1, 1 = healthy (the coordinator's aggregate). */
  health: number;
  /** The worst decided status across the fault families. */
  status: FindingStatus;
  findings: Partial<Record<FaultType, FindingSummary>>;
  /** ISO 8601. */
  updatedAt: string;
  /** The window the state was computed from. */
  originalMessageId?: string;
}

export interface CriticalAlert {
  vehicleId: string;
  fleetId: string;
  faultType: FaultType;
  status: FindingStatus;
  score: number;
  reason?: string;
  timestamp: string;
  originalMessageId?: string;
}

export async function saveVehicleState(
  redis: Redis,
  keys: RedisKeys,
  vehicleId: string,
  state: Omit<VehicleState, "vehicleId">,
  opts: { historyLen?: number } = {},
): Promise<void> {
  const full: VehicleState = { vehicleId, ...state };
  const json = JSON.stringify(full);
  const updatedMs = Date.parse(full.updatedAt);
  const ttlS = keys.vehicleStateTtlS;
  await execOrThrow(
    redis
      .multi()
      .set(keys.vehicleState(full.fleetId, vehicleId), json, "EX", ttlS)
      .lpush(keys.vehicleHistory(full.fleetId, vehicleId), json)
      .ltrim(keys.vehicleHistory(full.fleetId, vehicleId), 0, (opts.historyLen ?? HISTORY_LENGTH) - 1)
      .expire(keys.vehicleHistory(full.fleetId, vehicleId), ttlS)
      // Open alarms live as long as the state they belong to (stores/alarm-store.ts copies this TTL when it rewrites them).
      .expire(keys.vehicleAlarms(full.fleetId, vehicleId), ttlS)
      .zadd(keys.fleetVehicles(full.fleetId), Number.isFinite(updatedMs) ? updatedMs : Date.now(), vehicleId)
      .sadd(keys.fleets(), full.fleetId)
      .exec(),
  );
}

function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export async function getVehicleState(redis: Redis, keys: RedisKeys, fleetId: string, vehicleId: string): Promise<VehicleState | null> {
  return parseJson<VehicleState>(await redis.get(keys.vehicleState(fleetId, vehicleId)));
}

export async function getVehicleHistory(
  redis: Redis,
  keys: RedisKeys,
  fleetId: string,
  vehicleId: string,
  opts: { count?: number; offset?: number } = {},
): Promise<VehicleState[]> {
  const offset = opts.offset ?? 0;
  const rows = await redis.lrange(keys.vehicleHistory(fleetId, vehicleId), offset, offset + (opts.count ?? 50) - 1);
  return rows.map((r) => parseJson<VehicleState>(r)).filter((s): s is VehicleState => s !== null);
}

export async function listVehicles(redis: Redis, keys: RedisKeys, fleetId: string, opts: { count?: number; offset?: number } = {}): Promise<string[]> {
  const offset = opts.offset ?? 0;
  return redis.zrevrange(keys.fleetVehicles(fleetId), offset, offset + (opts.count ?? 1000) - 1);
}

export async function countVehicles(redis: Redis, keys: RedisKeys, fleetId: string): Promise<number> {
  return redis.zcard(keys.fleetVehicles(fleetId));
}

export async function pushCriticalAlert(redis: Redis, keys: RedisKeys, fleetId: string, alert: CriticalAlert, opts: { maxLen?: number } = {}): Promise<void> {
  const key = keys.criticalAlerts(fleetId);
  await execOrThrow(
    redis
      .multi()
      .lpush(key, JSON.stringify(alert))
      .ltrim(key, 0, (opts.maxLen ?? CRITICAL_ALERTS_LENGTH) - 1)
      .exec(),
  );
}

export async function listCriticalAlerts(
  redis: Redis,
  keys: RedisKeys,
  fleetId: string,
  opts: { count?: number; offset?: number } = {},
): Promise<CriticalAlert[]> {
  const offset = opts.offset ?? 0;
  const rows = await redis.lrange(keys.criticalAlerts(fleetId), offset, offset + (opts.count ?? 100) - 1);
  return rows.map((r) => parseJson<CriticalAlert>(r)).filter((a): a is CriticalAlert => a !== null);
}
