/**
 * What the gateway is configured with (config.ts). Budgets: a telematics box sends a window every few seconds, so
 * 50/s per key is generous, and 5/s per vehicle (whatever key it uses) catches a runaway loop.
 */
import type { RedisSettings, VtoxConfig } from "../config";

export interface GatewaySettings {
  port: number;
  ip: string;
  redis: RedisSettings;
  bodyLimit: string;
  ingestRateLimitPerS: number;
  vehicleRateLimitPerS: number;
  rawStreamMaxLen: number;
  /** The fleet of raw entries without a fleet_id (an older producer's): whose dead letters they are. */
  legacyFleetId: string;
  /** Bootstrap admin key; never leaves this node ($secureSettings). */
  adminKey?: string;
}

export function gatewaySettings(config: VtoxConfig): GatewaySettings {
  const { api } = config;
  return {
    port: api.port, ip: api.host, redis: config.redis, bodyLimit: api.bodyLimit, ingestRateLimitPerS: api.ingestRateLimitPerS,
    vehicleRateLimitPerS: api.vehicleRateLimitPerS, rawStreamMaxLen: api.rawStreamMaxLen, legacyFleetId: config.legacyFleetId,
    ...(api.adminKey ? { adminKey: api.adminKey } : {}),
  };
}
