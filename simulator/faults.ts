/**
 * Severity (0..1) → physical fault level, one mapping per family, each anchored on the published
 * levels quoted in docs/science.md. Exported so that tests and the evaluation know the truth they asked for.
 */

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(x) ? x : 0));
}

/** Linear interpolation through sorted (x, y) knots. */
function interpolate(knots: readonly (readonly [number, number])[], x: number): number {
  if (x <= knots[0][0]) return knots[0][1];
  for (let i = 1; i < knots.length; i++) {
    const [x1, y1] = knots[i];
    if (x <= x1) {
      const [x0, y0] = knots[i - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return knots[knots.length - 1][1];
}

/**
 * Negative-sequence current ratio I2/I1 caused by the turn fault alone (before the machine's
 * inherent 2–3 %). Severity 1 stands for 40 % shorted turns, so 0.25 ≈ 10 %, 0.5 ≈ 20 %;
 * knots follow the ITSC class means of docs/science.md#turn-fault-thresholds (10 %: 5.6–8.7 %, 20 %: 10.2–15.6 %,
 * 40 %: 18.1–22.1 %) minus the inherent share.
 */
const TURN_FAULT_KNOTS = [
  [0, 0],
  [0.25, 0.06],
  [0.5, 0.12],
  [1, 0.19],
] as const;

export function turnFaultNegativeSequenceRatio(severity: number): number {
  return interpolate(TURN_FAULT_KNOTS, clamp01(severity));
}

/** Eccentricity sideband level reached at severity 1, dB re fundamental (docs/science.md#eccentricity: fault above −30 dB). */
export const ECCENTRICITY_SEVERE_DB = -25;

/**
 * Level of the f ± f_r (PMSM f(1 ± 1/p)) sidebands, dB re fundamental: from the motor's healthy
 * level (50–60 dB below the fundamental, docs/science.md#eccentricity) linearly in dB to −25 dB at severity 1.
 */
export function eccentricitySidebandDb(severity: number, healthyDb: number): number {
  const s = clamp01(severity);
  return healthyDb + (ECCENTRICITY_SEVERE_DB - healthyDb) * s;
}

/** Second sideband family (k = 2 induction, k = 3 PMSM) sits this far below the first: dB. */
export const ECCENTRICITY_SECOND_FAMILY_DB = -6;

/** ΔdB of the (1 − 2s)f sideband at full load for several broken bars (docs/science.md#broken-rotor-bars: 36–42 dB = 1–2 bars, 30–36 multiple). */
export const BROKEN_BAR_SEVERE_DELTA_DB = 36;

/**
 * Weakening of the broken-bar sidebands at light load: the IEEE DataPort rig (docs/science.md#broken-rotor-bars) shows
 * the LSB 8–10 dB lower at 0.5 N·m (12.5 % load) than at 4 N·m (full load); taken linear in load.
 */
export const BROKEN_BAR_LIGHT_LOAD_DB_PER_PCT = 9 / 87.5;

/**
 * ΔdB = fundamental − LSB at (1 − 2s)f. At full load it goes linearly from the motor's healthy
 * 55–60 dB (severity 0) through ~47 dB (0.5, one bar) to 36 dB (1.0, several bars); lighter
 * load adds BROKEN_BAR_LIGHT_LOAD_DB_PER_PCT per % below 100 %.
 */
export function brokenBarDeltaDb(severity: number, loadPct: number, healthyDeltaDb: number): number {
  const s = clamp01(severity);
  const atFullLoad = healthyDeltaDb + (BROKEN_BAR_SEVERE_DELTA_DB - healthyDeltaDb) * s;
  const load = Math.min(100, Math.max(0, loadPct));
  return atFullLoad + BROKEN_BAR_LIGHT_LOAD_DB_PER_PCT * (100 - load);
}

/** USB (1 + 2s)f relative to the LSB: it comes from the speed ripple and is damped by inertia, dB. */
export const BROKEN_BAR_USB_RELATIVE_DB = -2;
/** (1 ± 4s)f relative to the LSB: near the noise floor on the IEEE rig (docs/science.md#broken-rotor-bars), dB. */
export const BROKEN_BAR_SECOND_PAIR_RELATIVE_DB = -12;

/**
 * Peak acceleration of one bearing-defect impact's ringing, g: quadratic in severity up to 1 g, the
 * order of the impacts on the CWRU 0.007" records (docs/science.md#bearing-defects). Incipient spalls barely show:
 * 0.3 → 0.09 g (near the 0.02–0.05 g noise), 0.6 → 0.36 g, 1 → 1 g.
 */
export function bearingImpulsePeakG(severity: number): number {
  const s = clamp01(severity);
  return 1.0 * s * s;
}

/**
 * Extra conductance of a degrading insulation path, in units of the legal minimum's conductance
 * (1 / (500 Ω/V × V_dc)): g = 2·s^3.5. Chosen so that severity 0.6 puts R_iso near 3× the legal
 * minimum (inside the 2–5× warning band of docs/science.md#isolation-resistance) and severity 1 at half of it (below UN R100).
 */
export function insulationFaultConductancePu(severity: number): number {
  return 2 * Math.pow(clamp01(severity), 3.5);
}

/** Capacitive leakage / tan δ rise of degraded insulation at severity 1: +60 % (docs/science.md#leakage-current: practice alarms at +20–30 %). */
export function leakageCapacitiveRise(severity: number): number {
  return 0.6 * Math.pow(clamp01(severity), 1.5);
}

/**
 * Winding temperature of a thermal fault, °C: from 15 K below the class limit at severity 0 to
 * 20 K above it at severity 1 (crossing the IEC 60085 limit at severity ≈ 0.43).
 */
export function thermalFaultTemperatureC(severity: number, classLimitC: number): number {
  return classLimitC - 15 + 35 * clamp01(severity);
}

/** Speed ripple at 2sf from broken bars, as 1× vibration sidebands relative to the 1× line (linear). */
export function brokenBarSpeedRipple(severity: number): number {
  return 0.15 * clamp01(severity);
}
