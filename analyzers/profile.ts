/**
 * The motor profile JSON of docs/architecture.md#motor-profile-json → MotorProfile, strictly validated: one schema for
 * `PUT /api/v1/vehicles/{id}`, `npm run diagnose -- --profile`, the simulator and the analyzers.
 *
 * Required: motor_type, pole_pairs, rated_rpm, rated_current_a, rated_voltage_v, bearing (all four
 * fields), insulation_class, dc_bus_v — a partly known motor would make the analyzers compute
 * defect frequencies from invented numbers, so there are no per-field defaults.
 * Optional: rotor_bars and supply_hz, and only for induction motors (a PMSM has no bars and is
 * always inverter-fed; an inverter-fed induction motor has no fixed supply frequency).
 * No profile at all → DEFAULT_MOTOR_PROFILE (see profileOrDefault), and the caller says so.
 */
import { DEFAULT_MOTOR_PROFILE } from "./default-profile";
import { InputError } from "../ingest/errors";
import { describeValue, expectNumber, expectObject, joinPath, rejectUnknownKeys, type NumberRange } from "../ingest/validate";
import type { BearingGeometry, InsulationClass, MotorProfile } from "./types";

const PROFILE_KEYS: ReadonlySet<string> = new Set([
  "motor_type",
  "pole_pairs",
  "rated_rpm",
  "rated_current_a",
  "rated_voltage_v",
  "rotor_bars",
  "supply_hz",
  "bearing",
  "insulation_class",
  "dc_bus_v",
]);
const BEARING_KEYS: ReadonlySet<string> = new Set(["n_balls", "ball_diameter_mm", "pitch_diameter_mm", "contact_angle_deg"]);
export const MOTOR_TYPES: readonly MotorProfile["motor_type"][] = ["pmsm", "induction"];
export const INSULATION_CLASSES: readonly InsulationClass[] = ["B", "F", "H", "N", "R"];

/** Ranges: physical limits with a wide margin; they catch unit slips (mm vs m, rpm vs Hz), not rare motors. */
const RANGES = {
  pole_pairs: { min: 1, max: 16, integer: true },
  rated_rpm: { min: 0, max: 100_000, minExclusive: true, unit: "rpm" },
  rated_current_a: { min: 0, max: 10_000, minExclusive: true, unit: "A" },
  rated_voltage_v: { min: 0, max: 15_000, minExclusive: true, unit: "V" },
  // Cage rotors carry from ~16 bars (small motors) to a few hundred; fewer than 4 is not a cage.
  rotor_bars: { min: 4, max: 400, integer: true },
  supply_hz: { min: 1, max: 2000, unit: "Hz" },
  dc_bus_v: { min: 0, max: 2000, minExclusive: true, unit: "V" },
  n_balls: { min: 3, max: 100, integer: true },
  ball_diameter_mm: { min: 0, max: 500, minExclusive: true, unit: "mm" },
  pitch_diameter_mm: { min: 0, max: 3000, minExclusive: true, unit: "mm" },
  // Deep-groove bearings run at 0°; angular-contact ones at 15–40°; beyond 45° is a thrust bearing.
  contact_angle_deg: { min: 0, max: 45, unit: "°" },
} satisfies Record<string, NumberRange>;

function required(obj: Record<string, unknown>, key: string, field: string): unknown {
  if (obj[key] === undefined) throw new InputError(joinPath(field, key), "missing (required)");
  return obj[key];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(field, `expected one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describeValue(value)}`);
}

function parseBearing(value: unknown, field: string): BearingGeometry {
  const obj = expectObject(value, field);
  rejectUnknownKeys(obj, BEARING_KEYS, field);
  const num = (key: keyof typeof RANGES & keyof BearingGeometry): number => expectNumber(required(obj, key, field), joinPath(field, key), RANGES[key]);
  const bearing: BearingGeometry = {
    n_balls: num("n_balls"),
    ball_diameter_mm: num("ball_diameter_mm"),
    pitch_diameter_mm: num("pitch_diameter_mm"),
    contact_angle_deg: num("contact_angle_deg"),
  };
  // The balls sit on the pitch circle, so d < D; and n balls of diameter d must fit around it.
  if (bearing.ball_diameter_mm >= bearing.pitch_diameter_mm) {
    throw new InputError(joinPath(field, "ball_diameter_mm"), `must be smaller than pitch_diameter_mm (${bearing.pitch_diameter_mm})`);
  }
  if (bearing.n_balls * bearing.ball_diameter_mm > Math.PI * bearing.pitch_diameter_mm) {
    throw new InputError(
      joinPath(field, "n_balls"),
      `${bearing.n_balls} balls of ${bearing.ball_diameter_mm} mm do not fit on a ${bearing.pitch_diameter_mm} mm pitch circle`,
    );
  }
  return bearing;
}

/** Validates a profile; `field` prefixes error paths (`profile.pole_pairs`; pass "" for a bare body). */
export function parseMotorProfile(json: unknown, field = "profile"): MotorProfile {
  const obj = expectObject(json, field === "" ? "profile" : field);
  rejectUnknownKeys(obj, PROFILE_KEYS, field);
  const at = (key: string): string => joinPath(field, key);
  const num = (key: keyof typeof RANGES): number => expectNumber(required(obj, key, field), at(key), RANGES[key]);

  const motorType = oneOf(required(obj, "motor_type", field), MOTOR_TYPES, at("motor_type"));
  const profile: MotorProfile = {
    motor_type: motorType,
    pole_pairs: num("pole_pairs"),
    rated_rpm: num("rated_rpm"),
    rated_current_a: num("rated_current_a"),
    rated_voltage_v: num("rated_voltage_v"),
    bearing: parseBearing(required(obj, "bearing", field), at("bearing")),
    insulation_class: oneOf(required(obj, "insulation_class", field), INSULATION_CLASSES, at("insulation_class")),
    dc_bus_v: num("dc_bus_v"),
  };
  for (const key of ["rotor_bars", "supply_hz"] as const) {
    if (obj[key] === undefined) continue;
    if (motorType !== "induction") throw new InputError(at(key), `only for induction motors (motor_type is "${motorType}")`);
    profile[key] = expectNumber(obj[key], at(key), RANGES[key]);
  }
  return profile;
}

export interface ResolvedProfile {
  profile: MotorProfile;
  /** True when no profile was given and DEFAULT_MOTOR_PROFILE stands in. */
  isDefault: boolean;
}

/** A registered profile, validated; or the documented default when there is none (undefined/null). */
export function profileOrDefault(json: unknown, field = "profile"): ResolvedProfile {
  if (json === undefined || json === null) return { profile: DEFAULT_MOTOR_PROFILE, isDefault: true };
  return { profile: parseMotorProfile(json, field), isDefault: false };
}
