/**
 * Fleet overview for the api and the dashboard: every vehicle's latest state in one MGET per stream partition (a
 * partition's vehicles share one Redis Cluster slot; one partition: one MGET), counted by status.
 */
import type { Redis } from "ioredis";
import type { FaultType, FindingStatus } from "../analyzers/types";
import type { RedisKeys } from "../contracts/redis-keys";
import { listVehicles, type VehicleState } from "./vehicle-state";

export interface FleetOverview {
  fleet_id: string;
  vehicle_count: number;
  by_status: Partial<Record<FindingStatus, number>>;
  /** Mean health over vehicles that have one. */
  mean_health: number | null;
  vehicles: { vehicle_id: string; health: number | null; status: FindingStatus; updated_at: string; families: Partial<Record<FaultType, FindingStatus>> }[];
}

export async function fleetOverview(redis: Redis, keys: RedisKeys, fleetId: string, limit = 1000): Promise<FleetOverview> {
  const ids = await listVehicles(redis, keys, fleetId, { count: limit });
  const raw = await vehicleStates(redis, keys, fleetId, ids);
  const states = raw.map((r) => (r ? (JSON.parse(r) as VehicleState) : null)).filter((s): s is VehicleState => s !== null);
  const byStatus: Partial<Record<FindingStatus, number>> = {};
  for (const s of states) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
  const healths = states.map((s) => s.health).filter((h): h is number => typeof h === "number" && Number.isFinite(h));
  return {
    fleet_id: fleetId,
    vehicle_count: ids.length,
    by_status: byStatus,
    mean_health: healths.length ? healths.reduce((a, b) => a + b, 0) / healths.length : null,
    vehicles: states.map((s) => ({
      vehicle_id: s.vehicleId,
      health: typeof s.health === "number" ? s.health : null,
      status: s.status,
      updated_at: s.updatedAt,
      families: familyStatuses(s),
    })),
  };
}

/** The raw state JSON of each vehicle, in the order of `ids` (null where absent). */
async function vehicleStates(redis: Redis, keys: RedisKeys, fleetId: string, ids: readonly string[]): Promise<(string | null)[]> {
  const byPartition = new Map<number, number[]>();
  ids.forEach((id, i) => {
    const p = keys.partitionOf(fleetId, id);
    const group = byPartition.get(p);
    if (group) group.push(i);
    else byPartition.set(p, [i]);
  });
  const out: (string | null)[] = ids.map(() => null);
  await Promise.all(
    [...byPartition.values()].map(async (indexes) => {
      const values = await redis.mget(indexes.map((i) => keys.vehicleState(fleetId, ids[i])));
      indexes.forEach((i, k) => (out[i] = values[k]));
    }),
  );
  return out;
}

/** Status per fault family, so the overview can show which family raised a vehicle's status. */
function familyStatuses(s: VehicleState): Partial<Record<FaultType, FindingStatus>> {
  return Object.fromEntries(Object.entries(s.findings ?? {}).map(([family, f]) => [family, f?.status]));
}
