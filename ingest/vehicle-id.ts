/**
 * The vehicle and fleet id rules, shared by the REST path `/vehicles/{vehicle_id}`, the stream field
 * `vehicle_id`, Redis key names and Socket.IO rooms: 1–64 characters of [A-Za-z0-9._:-].
 * The alphabet keeps ids safe inside Redis keys, URLs and room names without escaping (no
 * spaces, slashes, braces or glob characters); 64 covers VINs (17) and UUIDs (36) with room.
 */
import { InputError } from "./errors";
import { describeValue } from "./validate";

export const VEHICLE_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;
export const VEHICLE_ID_MAX_LENGTH = 64;

export function isValidVehicleId(value: unknown): value is string {
  return typeof value === "string" && VEHICLE_ID_PATTERN.test(value);
}

export function expectVehicleId(value: unknown, field = "vehicle_id"): string {
  if (isValidVehicleId(value)) return value;
  const found = typeof value === "string" && value.length > 0 ? `"${value.slice(0, 70)}${value.length > 70 ? "…" : ""}"` : describeValue(value);
  throw new InputError(field, `invalid vehicle id ${found}: must be 1-${VEHICLE_ID_MAX_LENGTH} characters of A-Z a-z 0-9 . _ : -`);
}

/** A fleet id: 1–64 characters of [A-Za-z0-9._-] (no colon, so "<fleet>/<vehicle>" and key names stay unambiguous). */
export const FLEET_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function expectFleetId(value: unknown, field = "fleet_id"): string {
  if (typeof value === "string" && FLEET_ID_PATTERN.test(value)) return value;
  throw new InputError(field, `invalid fleet id ${describeValue(value)}: must be 1-64 characters of A-Z a-z 0-9 . _ -`);
}
