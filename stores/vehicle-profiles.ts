/**
 * Per-vehicle motor profile and feature baseline in Redis.
 * The profile is set by an operator (PUT /api/v1/vehicles/{id}) and validated there; the baseline
 * (the vehicle's healthy feature values, FeatureBaseline) is set the same way — it is never learned
 * silently, so a vehicle that is already faulty when first seen cannot become its own "healthy" reference.
 */
import type Redis from "ioredis";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import type { FeatureBaseline, MotorProfile } from "../analyzers/types";
import { keyNames } from "../contracts/redis-keys";
import { ExpiringCache } from "./expiring-cache";

const { vehicleProfile: profileKey, vehicleBaseline: baselineKey } = keyNames;

import type { ProfileSource } from "../contracts/actions";

export type { ProfileSource };

export interface ResolvedProfile {
  profile: MotorProfile;
  source: ProfileSource;
}

/** What a vehicle has registered: either may be absent. */
export interface StoredProfile {
  profile?: MotorProfile;
  baseline?: FeatureBaseline;
}

export class VehicleProfiles {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async setProfile(fleetId: string, vehicleId: string, profile: MotorProfile): Promise<void> {
    await this.redis.set(profileKey(this.prefix, fleetId, vehicleId), JSON.stringify(profile));
  }

  async setBaseline(fleetId: string, vehicleId: string, baseline: FeatureBaseline): Promise<void> {
    await this.redis.set(baselineKey(this.prefix, fleetId, vehicleId), JSON.stringify(baseline));
  }

  /** Profile and baseline in one round trip. */
  async load(fleetId: string, vehicleId: string): Promise<StoredProfile> {
    const [profile, baseline] = await this.redis.mget(profileKey(this.prefix, fleetId, vehicleId), baselineKey(this.prefix, fleetId, vehicleId));
    return {
      ...(profile ? { profile: JSON.parse(profile) as MotorProfile } : {}),
      ...(baseline ? { baseline: JSON.parse(baseline) as FeatureBaseline } : {}),
    };
  }
}

/** The registered profile wins, then one sent in the window's metadata, then the documented default. */
export function resolveProfile(registered: MotorProfile | undefined, fromMetadata: MotorProfile | undefined): ResolvedProfile {
  if (registered) return { profile: registered, source: "vehicle" };
  if (fromMetadata) return { profile: fromMetadata, source: "metadata" };
  return { profile: DEFAULT_MOTOR_PROFILE, source: "default" };
}

/** A coordinator keeps this many vehicles' profiles, each at most this long (a missed invalidation heals by then). */
export const PROFILE_CACHE_CAPACITY = 10_000;
export const PROFILE_CACHE_TTL_MS = 10_000;

/**
 * Profiles and baselines are configuration, read on every window and written rarely (PUT by an operator): the
 * coordinator keeps them in process. The api broadcasts `vehicle.profile.changed` after each PUT and invalidate()
 * drops the entry; the TTL bounds how long a coordinator that missed the event keeps the old one. The cache holds
 * the read's promise, inserted before the read is sent: concurrent windows of a vehicle share one read, and an
 * invalidation arriving while a read is in flight drops it, so no read older than the PUT is ever kept.
 */
export class ProfileCache {
  private readonly cache: ExpiringCache<string, Promise<StoredProfile>>;

  constructor(
    private readonly source: Pick<VehicleProfiles, "load">,
    options: { capacity?: number; ttlMs?: number; now?: () => number } = {},
  ) {
    this.cache = new ExpiringCache({ capacity: options.capacity ?? PROFILE_CACHE_CAPACITY, ttlMs: options.ttlMs ?? PROFILE_CACHE_TTL_MS, ...pickNow(options) });
  }

  load(fleetId: string, vehicleId: string): Promise<StoredProfile> {
    const key = cacheKey(fleetId, vehicleId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const loading = this.source.load(fleetId, vehicleId);
    this.cache.set(key, loading);
    // A failed read is not remembered: the next window reads again.
    loading.catch(() => this.cache.delete(key));
    return loading;
  }

  invalidate(fleetId: string, vehicleId: string): void {
    this.cache.delete(cacheKey(fleetId, vehicleId));
  }
}

function cacheKey(fleetId: string, vehicleId: string): string {
  return `${fleetId}/${vehicleId}`;
}

function pickNow(options: { now?: () => number }): { now?: () => number } {
  return options.now ? { now: options.now } : {};
}
