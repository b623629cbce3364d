/**
 * Motor profiles the simulator's fleet and the evaluation draw from: traction PMSMs and
 * traction induction motors, in the motor-profile JSON of docs/architecture.md#motor-profile-json.
 */
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import type { MotorProfile } from "../analyzers/types";

/** The default profile: 4-pole-pair PMSM, 4000 rpm, 400 V bus, 6205-class bearing. */
export const PMSM_400V: Readonly<MotorProfile> = DEFAULT_MOTOR_PROFILE;

/** A 3-pole-pair PMSM on an 800 V bus with a 6207-class bearing (n = 9, d = 11.1 mm, D = 53.5 mm). */
export const PMSM_800V: Readonly<MotorProfile> = Object.freeze({
  motor_type: "pmsm",
  pole_pairs: 3,
  rated_rpm: 6000,
  rated_current_a: 200,
  rated_voltage_v: 400,
  bearing: Object.freeze({ n_balls: 9, ball_diameter_mm: 11.112, pitch_diameter_mm: 53.5, contact_angle_deg: 0 }),
  insulation_class: "H",
  dc_bus_v: 800,
});

/** A 2-pole-pair cage induction traction motor, 28 bars, inverter-fed (the profile example of docs/architecture.md#motor-profile-json). */
export const INDUCTION_400V: Readonly<MotorProfile> = Object.freeze({
  motor_type: "induction",
  pole_pairs: 2,
  rated_rpm: 3000,
  rated_current_a: 120,
  rated_voltage_v: 230,
  rotor_bars: 28,
  bearing: Object.freeze({ n_balls: 9, ball_diameter_mm: 9.525, pitch_diameter_mm: 46.0, contact_angle_deg: 0 }),
  insulation_class: "H",
  dc_bus_v: 400,
});

/** A 3-pole-pair cage induction motor, 36 bars, with an angular-contact bearing (15°). */
export const INDUCTION_600V: Readonly<MotorProfile> = Object.freeze({
  motor_type: "induction",
  pole_pairs: 3,
  rated_rpm: 2000,
  rated_current_a: 90,
  rated_voltage_v: 400,
  rotor_bars: 36,
  bearing: Object.freeze({ n_balls: 12, ball_diameter_mm: 12.7, pitch_diameter_mm: 65.0, contact_angle_deg: 15 }),
  insulation_class: "F",
  dc_bus_v: 600,
});

/** Alternating motor types, so any two consecutive fleet vehicles include one of each. */
export const SIMULATED_PROFILES: readonly Readonly<MotorProfile>[] = [PMSM_400V, INDUCTION_400V, PMSM_800V, INDUCTION_600V];
