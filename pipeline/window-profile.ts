/**
 * The motor profile and feature baseline a window is analysed with: the vehicle's registered profile wins, then a
 * profile sent in the window's `metadata.profile`, then the documented default (stores/vehicle-profiles.ts). A bad
 * `metadata.profile` must not poison the window: it is ignored and `onIgnored` says why.
 */
import { parseMotorProfile } from "../analyzers/profile";
import type { FeatureBaseline, MotorProfile } from "../analyzers/types";
import type { ProfileSource } from "../contracts/actions";
import { resolveProfile, type VehicleProfiles } from "../stores/vehicle-profiles";

export interface WindowProfile {
  profile: MotorProfile;
  source: ProfileSource;
  baseline?: FeatureBaseline | undefined;
}

export async function windowProfile(
  profiles: Pick<VehicleProfiles, "load">,
  vehicle: { fleetId: string; vehicleId: string | undefined },
  metadata: Record<string, unknown> | undefined,
  onIgnored: (message: string) => void,
): Promise<WindowProfile> {
  const { fleetId, vehicleId } = vehicle;
  const stored = vehicleId ? await profiles.load(fleetId, vehicleId) : {};
  const { profile, source } = resolveProfile(stored.profile, profileFromMetadata(vehicleId, metadata, onIgnored));
  return { profile, source, ...(stored.baseline ? { baseline: stored.baseline } : {}) };
}

function profileFromMetadata(
  vehicleId: string | undefined,
  metadata: Record<string, unknown> | undefined,
  onIgnored: (message: string) => void,
): MotorProfile | undefined {
  if (metadata?.profile === undefined) return undefined;
  try {
    return parseMotorProfile(metadata.profile, "metadata.profile");
  } catch (err) {
    onIgnored(`vehicle ${vehicleId ?? "?"}: ignoring metadata.profile (${err instanceof Error ? err.message : String(err)})`);
    return undefined;
  }
}
