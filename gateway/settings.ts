/**
 * What the gateway is configured with (config.ts). Budgets count data, not requests, so a legacy box posting 300
 * 10-row batches a second is not throttled: 262,144 samples/s per vehicle (whatever key it uses) is eight standard
 * windows a second and catches a runaway loop; the per-key request count (1000/s) only guards against floods.
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
  /** Samples (all channels) per second per vehicle. */
  vehicleSamplesPerS: number;
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
    vehicleSamplesPerS: api.vehicleSamplesPerS,
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
