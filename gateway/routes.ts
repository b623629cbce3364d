/** The REST routes under /api/v1: path → action (each action declares its permission and params), body parsing, hooks. */
import { keepRawBody, onAfterCall, onBeforeCall, sendJsonError } from "./http";

export const API_V1_ALIASES: Readonly<Record<string, string>> = {
  "POST /diagnosis-stream/vehicles/:vehicle_id/data": "api.ingest",
  "GET /diagnosis-stream/vehicles/:vehicle_id/health": "api.vehicleHealth",
  "GET /diagnosis-stream/vehicles/:vehicle_id/diagnosis-history": "api.vehicleHistory",
  "GET /diagnosis-stream/vehicles/:vehicle_id/findings": "api.vehicleFindings",
  "GET /diagnosis-stream/system/performance": "api.systemPerformance",
  "GET /diagnosis-stream/system/status": "api.systemStatus",
  "GET /diagnosis-stream/fleet/overview": "api.fleetOverview",
  "GET /diagnosis-stream/alerts/critical": "api.criticalAlerts",
  "GET /diagnosis-stream/dlq": "api.dlqList",
  "POST /diagnosis-stream/dlq/:id/replay": "api.dlqReplay",
  "GET /cluster/status": "api.clusterStatus",
  "PUT /vehicles/:vehicle_id": "api.putVehicleProfile",
  "PUT /vehicles/:vehicle_id/baseline": "api.putVehicleBaseline",
  "POST /keys": "api.createKey",
  "GET /keys": "api.listKeys",
  "DELETE /keys/:key_id": "api.revokeKey",
};

/** Every request needs a key (authenticate) whose role grants the action's permission (authorize). */
export function apiV1Route(bodyLimit: string): Record<string, unknown> {
  return {
    path: "/api/v1",
    authentication: true,
    authorization: true,
    mappingPolicy: "restrict",
    bodyParsers: { json: { limit: bodyLimit, strict: true, verify: keepRawBody } },
    onBeforeCall,
    onAfterCall,
    onError: sendJsonError,
    aliases: { ...API_V1_ALIASES },
  };
}
