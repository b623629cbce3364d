/**
 * The profile used when a vehicle has none registered (docs/science.md#default-profile): a typical
 * 4-pole-pair PMSM traction motor on a 400 V DC bus, with a 6205-class bearing.
 * Findings made with it say so (`profile: default`) so an operator knows to register the real one.
 */
import type { MotorProfile } from "./types";

export const DEFAULT_MOTOR_PROFILE: Readonly<MotorProfile> = Object.freeze({
  motor_type: "pmsm",
  pole_pairs: 4,
  rated_rpm: 4000,
  rated_current_a: 80,
  rated_voltage_v: 230,
  bearing: Object.freeze({ n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 }),
  insulation_class: "F",
  dc_bus_v: 400,
});
