/**
 * Electrical operating point from speed and load: slip, electrical frequency, current,
 * power-factor angle, phase voltage and how strongly a voltage unbalance turns into a current
 * unbalance. Steady state, inverter-fed at constant V/f up to rated speed.
 */
import type { MotorProfile } from "../analyzers/types";

/**
 * Slip at rated torque: 2–4 % for small and medium induction machines (NEMA MG-1 design B);
 * 3 % is the middle. Slip is taken proportional to torque (the linear part of the torque-slip curve).
 */
export const RATED_SLIP = 0.03;

/** No-load (magnetising) current of an induction motor as a fraction of rated current: 30–40 % typical. */
export const MAGNETISING_CURRENT_FRACTION = 0.35;

/** Locked-rotor current ≈ 6× rated (NEMA design B), so the negative-sequence impedance Z2 ≈ Z_rated / 6. */
export const INDUCTION_LOCKED_ROTOR_RATIO = 6;

/** PMSM synchronous reactance ≈ 0.4 p.u. (typical of traction PMSMs), so Z2 ≈ 0.4 Z_rated. */
export const PMSM_SYNCHRONOUS_REACTANCE_PU = 0.4;

/** Z2 is mostly leakage inductance: the negative-sequence current lags V2 by about 75°. */
export const NEGATIVE_SEQUENCE_IMPEDANCE_ANGLE_RAD = (75 * Math.PI) / 180;

/** A PMSM's load angle keeps the current close to the voltage: cos φ ≈ 0.98. */
const PMSM_POWER_FACTOR_ANGLE_RAD = (10 * Math.PI) / 180;

export interface OperatingPoint {
  /** 0 for a PMSM. */
  slip: number;
  /** f, Hz. */
  electricalHz: number;
  /** f_r = rpm/60, Hz (for a fixed-supply induction motor: (1 − s)·supply_hz/p, whatever rpm was asked). */
  shaftHz: number;
  /** Positive-sequence phase current, A RMS. */
  currentRmsA: number;
  /** Angle by which the current lags the phase voltage, rad. */
  powerFactorAngleRad: number;
  /** Phase-to-neutral voltage, V RMS. */
  phaseVoltageRmsV: number;
  /** I2/I1 caused by a 1 (per unit) V2/V1: Z1/Z2 (NEMA: 1 % voltage unbalance → 6–10 % current unbalance). */
  currentUnbalancePerVoltageUnbalance: number;
}

export function clampLoad(loadPct: number): number {
  return Math.min(150, Math.max(0, Number.isFinite(loadPct) ? loadPct : 0));
}

export function operatingPoint(profile: MotorProfile, rpm: number, loadPct: number): OperatingPoint {
  const load = clampLoad(loadPct) / 100;
  const p = profile.pole_pairs;
  const induction = profile.motor_type === "induction";
  const slip = induction ? RATED_SLIP * load : 0;
  let shaftHz = Math.max(0, rpm) / 60;
  // Induction: f = p·f_r/(1 − s) (f_r = (1 − s) f / p); PMSM: synchronous, f = p·f_r.
  let electricalHz = (shaftHz * p) / (1 - slip);
  if (induction && profile.supply_hz) {
    // Fixed supply (docs/architecture.md#motor-profile-json): f is the supply's, and the speed follows from the slip.
    electricalHz = profile.supply_hz;
    shaftHz = ((1 - slip) * electricalHz) / p;
  }
  const ratedHz = induction ? ((profile.rated_rpm / 60) * p) / (1 - RATED_SLIP) : (profile.rated_rpm / 60) * p;

  let currentPu: number, powerFactorAngleRad: number;
  if (induction) {
    // Magnetising (reactive) and torque (active) components add in quadrature; full load → rated current.
    const m = MAGNETISING_CURRENT_FRACTION;
    const torque = Math.sqrt(1 - m * m) * load;
    currentPu = Math.sqrt(m * m + torque * torque);
    powerFactorAngleRad = Math.atan2(m, torque);
  } else {
    // Torque ∝ q-axis current; a small floor stands for the d-axis current an idling drive still carries.
    currentPu = Math.max(0.03, load);
    powerFactorAngleRad = PMSM_POWER_FACTOR_ANGLE_RAD;
  }
  // rated_voltage_v is taken as line-to-line RMS; constant V/f below rated speed, field weakening above.
  const speedPu = ratedHz > 0 ? electricalHz / ratedHz : 1;
  const phaseVoltageRmsV = (profile.rated_voltage_v / Math.sqrt(3)) * Math.min(1, Math.max(0.02, speedPu));
  // I2/I1 = (V2/Z2)/I1 with Z2 ∝ f like V, so the ratio depends only on the current level.
  const z2Pu = induction ? 1 / INDUCTION_LOCKED_ROTOR_RATIO : PMSM_SYNCHRONOUS_REACTANCE_PU;
  const currentUnbalancePerVoltageUnbalance = 1 / (z2Pu * Math.max(0.25, currentPu));
  return {
    slip,
    electricalHz,
    shaftHz,
    currentRmsA: profile.rated_current_a * currentPu,
    powerFactorAngleRad,
    phaseVoltageRmsV,
    currentUnbalancePerVoltageUnbalance,
  };
}
