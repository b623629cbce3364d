/** The api's Redis connection and the stores over it, opened once per service instance (created()). */
import type { Redis } from "ioredis";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { ApiKeyStore } from "../stores/api-keys";
import { RateLimiter } from "../stores/rate-limiter";
import { createRedis } from "../stores/redis";
import { VehicleProfiles } from "../stores/vehicle-profiles";
import { RedisStateMarker } from "./redis-state";
import type { GatewaySettings } from "./settings";

export interface GatewayStores {
  redis: Redis;
  keys: RedisKeys;
  apiKeys: ApiKeyStore;
  limiter: RateLimiter;
  /** The vehicle budget in samples per second (INGEST_VEHICLE_SAMPLES_PER_S). */
  vehicleSamplesPerS: number;
  /** Per-fleet quotas (FLEET_MAX_VEHICLES, FLEET_INGEST_BYTES_PER_S). */
  fleetQuota: { maxVehicles: number; bytesPerS: number };
  profiles: VehicleProfiles;
  /** Whether Redis kept the data this api saw (/ready `redis_state`). */
  marker: RedisStateMarker;
}

export function openGatewayStores(settings: GatewaySettings, nodeID: string, onError: (err: Error) => void): GatewayStores {
  const keys = redisKeys(settings.redis);
  // Redis down must answer 503 quickly, not hang the request.
  // No ioredis auto-pipelining: it saved 0.23 ms per small legacy POST, but at 140 standard windows/s it cost the
  // api 1.1 ms of CPU per window (mostly GC: a pipeline copies its commands, 128 KiB windows included, into one
  // buffer) and doubled its POST p99 (docs/performance.md#legacy-ingest). The batch endpoint is the fast legacy path.
  const redis = createRedis(settings.redis, {
    connectionName: `api:${nodeID}`,
    commandTimeoutMs: 2000,
    failFastWhenDown: true,
    onError,
  });
  return {
    redis,
    keys,
    apiKeys: new ApiKeyStore(redis, keys.prefix, settings.adminKey === undefined ? {} : { bootstrapKey: settings.adminKey }),
    // Limits come from this instance's settings, so that several api instances in one process (tests) can differ.
    limiter: new RateLimiter(redis, { prefix: keys.prefix, limit: settings.ingestRateLimitPerS, windowS: 1 }),
    vehicleSamplesPerS: settings.vehicleSamplesPerS,
    fleetQuota: { maxVehicles: settings.fleetMaxVehicles, bytesPerS: settings.fleetIngestBytesPerS },
    profiles: new VehicleProfiles(redis, keys.prefix),
    marker: new RedisStateMarker(redis, keys.stateMarker()),
  };
}
