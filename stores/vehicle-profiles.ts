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

const { vehicleProfile: profileKey, vehicleBaseline: baselineKey } = keyNames;

import type { ProfileSource } from "../contracts/actions";

export type { ProfileSource };

export interface ResolvedProfile {
  profile: MotorProfile;
  source: ProfileSource;
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
  async load(fleetId: string, vehicleId: string): Promise<{ profile?: MotorProfile; baseline?: FeatureBaseline }> {
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
