/**
 * What the gateway is configured with (config.ts). Budgets: a telematics box sends a window every few seconds, so
 * 50/s per key is generous, and 5/s per vehicle (whatever key it uses) catches a runaway loop.
 */
import type { RedisSettings, VtoxConfig } from "../config";

export interface GatewaySettings {
  port: number;
  ip: string;
  redis: RedisSettings;
  bodyLimitBytes: number;
  /** A body not received within this time is 408 (INGEST_BODY_TIMEOUT_MS). */
  bodyTimeoutMs: number;
  ingestRateLimitPerS: number;
  vehicleRateLimitPerS: number;
  /** Per-fleet quotas: vehicles, and ingest body bytes per second. */
  fleetMaxVehicles: number;
  fleetIngestBytesPerS: number;
  rawStreamMaxLen: number;
  /** The fleet of raw entries without a fleet_id (an older producer's): whose dead letters they are. */
  legacyFleetId: string;
  /** /ready turns 503 when Redis memory passes this share of maxmemory (REDIS_MEMORY_READY_PCT). */
  redisMemoryReadyPct: number;
  redisMemoryAlertPct: number;
  /** Bootstrap admin key; never leaves this node ($secureSettings). */
  adminKey?: string;
  /** Bearer token accepted by /metrics besides operate keys; never leaves this node ($secureSettings). */
  metricsToken?: string;
}

export function gatewaySettings(config: VtoxConfig): GatewaySettings {
  const { api } = config;
  return {
    port: api.port,
    ip: api.host,
    redis: config.redis,
    bodyLimitBytes: api.bodyLimitBytes,
    bodyTimeoutMs: api.bodyTimeoutMs,
    ingestRateLimitPerS: api.ingestRateLimitPerS,
    vehicleRateLimitPerS: api.vehicleRateLimitPerS,
    fleetMaxVehicles: api.fleetMaxVehicles,
    fleetIngestBytesPerS: api.fleetIngestBytesPerS,
    rawStreamMaxLen: api.rawStreamMaxLen,
    legacyFleetId: config.legacyFleetId,
    redisMemoryReadyPct: config.monitor.redisMemoryReadyPct,
    redisMemoryAlertPct: config.monitor.redisMemoryAlertPct,
    ...(api.adminKey ? { adminKey: api.adminKey } : {}),
    ...(api.metricsToken ? { metricsToken: api.metricsToken } : {}),
  };
}
