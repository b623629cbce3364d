/** The api's reads of one vehicle (its fleet resolved by the before-hook): 404 until its first diagnosis. */
import type { Redis } from "ioredis";
import type { RedisKeys } from "../contracts/redis-keys";
import { windowFindings } from "../stores/findings-lookup";
import { getVehicleHistory, getVehicleState, type VehicleState } from "../stores/vehicle-state";
import { HttpError } from "./http-errors";

function notDiagnosed(): HttpError {
  return new HttpError(404, "not_found", "no diagnosis for this vehicle yet", "vehicle_id");
}

export async function vehicleHealth(redis: Redis, keys: RedisKeys, fleetId: string, vehicleId: string): Promise<VehicleState> {
  const state = await getVehicleState(redis, keys, fleetId, vehicleId);
  if (!state) throw notDiagnosed();
  return state;
}

export async function vehicleHistory(redis: Redis, keys: RedisKeys, fleetId: string, vehicleId: string, limit: number) {
  const history = await getVehicleHistory(redis, keys, fleetId, vehicleId, { count: limit });
  // Like the health route: a vehicle never diagnosed (in this fleet) is not found, whoever else uses its id.
  if (history.length === 0) throw notDiagnosed();
  return { vehicle_id: vehicleId, history };
}

/** The latest window's five findings with their evidence (for the dashboard's vehicle view). */
export async function vehicleFindings(redis: Redis, keys: RedisKeys, fleetId: string, vehicleId: string) {
  const state = await getVehicleState(redis, keys, fleetId, vehicleId);
  if (!state?.originalMessageId) throw notDiagnosed();
  const entries = await windowFindings(redis, keys.resultsStreamOf(fleetId, vehicleId), state.originalMessageId);
  return {
    vehicle_id: vehicleId,
    message_id: state.originalMessageId,
    updated_at: state.updatedAt,
    findings: entries.map((e) => ({ fault_type: e.faultType, status: e.status, score: e.score, reason: e.reason, evidence: e.evidence, features: e.features })),
  };
}
