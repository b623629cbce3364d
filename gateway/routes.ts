/**
 * The routes: path → action (each action declares its permission and params). No body parser: the request gate
 * (gateway/request-gate.ts) authenticates from the headers first and reads a body only for an action that takes one.
 */
import { onAfterCall, onBeforeCall, sendJsonError } from "./http";
import { requestGate } from "./request-gate";
import type { GatewaySettings } from "./settings";

export const API_V1_ALIASES: Readonly<Record<string, string>> = {
  "POST /diagnosis-stream/vehicles/:vehicle_id/data": "api.ingest",
  "POST /diagnosis-stream/batches": "api.ingestBatch",
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

function gate(settings: Pick<GatewaySettings, "bodyLimitBytes" | "bodyTimeoutMs">) {
  return requestGate({ bodyLimitBytes: settings.bodyLimitBytes, bodyTimeoutMs: settings.bodyTimeoutMs });
}

/** Probes and metrics: /live and /ready need no key; /metrics an operate key or METRICS_TOKEN (its `permission`). */
export function probesRoute(settings: Pick<GatewaySettings, "bodyLimitBytes" | "bodyTimeoutMs">): Record<string, unknown> {
  return {
    path: "/",
    authentication: false,
    authorization: true,
    bodyParsers: false,
    use: [gate(settings)],
    mappingPolicy: "restrict",
    aliases: { "GET /live": "api.live", "GET /ready": "api.ready", "GET /metrics": "api.metrics" },
    onBeforeCall,
    onAfterCall,
    onError: sendJsonError,
  };
}

/** Every request needs a key whose role grants the action's permission: checked by the gate, again by authorize(). */
export function apiV1Route(settings: Pick<GatewaySettings, "bodyLimitBytes" | "bodyTimeoutMs">): Record<string, unknown> {
  return {
    path: "/api/v1",
    authentication: false,
    authorization: true,
    mappingPolicy: "restrict",
    bodyParsers: false,
    use: [gate(settings)],
    onBeforeCall,
    onAfterCall,
    onError: sendJsonError,
    aliases: { ...API_V1_ALIASES },
  };
}
