/**
 * The motor's negative-sequence impedance Z2, which sets how much negative-sequence current I2 a
 * supply voltage unbalance V2 drives (I2 = V2/Z2) in a healthy machine. SCIENCE.md §4.
 *
 * Z2 is a machine constant (it hardly depends on load), whereas Z1 = V1/I1 falls with load: so the
 * supply-driven I2/I1 = (V2/V1)·(Z1/Z2) is largest at light load, and no fixed "|Z1/Z2|" can
 * compensate it. Here Z2 comes from the nameplate (typical per-unit values, with their spread) or
 * from a value learned on the healthy motor (Kohler, Sottile & Trutt, IEEE TIA 38(5), 2002:
 * effective Z2 = V2/I2; Lee, Tallam & Habetler, IEEE TPE 18(3), 2003: sequence impedances learned
 * at commissioning).
 *
 * Per-unit convention: rated_voltage_v is the line-to-line RMS voltage and rated_current_a the line
 * RMS current, so Z_base = (rated_voltage_v/√3)/rated_current_a, per phase of the equivalent star.
 * Amplitudes (peak) of phase voltages and currents give the same ratio.
 */
import { complex, fromPolar, magnitude, type Complex } from "./dsp/symmetrical-components";
import type { MotorProfile } from "./types";

/** Typical Z2 of a motor type at rated frequency, in per unit, with its spread across machines. */
export interface TypicalZ2 {
  /** |Z2| at rated frequency, per unit of Z_base. */
  magnitudePu: number;
  /** ∠Z2 at rated frequency, degrees (mostly reactive). */
  angleDeg: number;
  /** The true |Z2| of a given machine lies within ×/÷ this factor of magnitudePu. */
  magnitudeFactor: number;
  /** The true ∠Z2 lies within ± this many degrees. */
  angleToleranceDeg: number;
  /** Where the numbers come from, for the finding's reason. */
  basis: string;
}

/**
 * Induction motor. Under negative sequence the rotor slips at 2 − s ≈ 2, so Z2 ≈ R1 + R2'/2 +
 * j(X1 + X2'): the locked-rotor impedance with half the rotor resistance. |Z_LR| = 1/I_LR(pu), and
 * NEMA MG-1 design B motors draw 6–7× rated current at locked rotor (MG-1 §12.35 code-letter
 * limits; SCIENCE §4 "1 % voltage unbalance gives 6–10× that in current unbalance"): 6.5× →
 * |Z2| ≈ 0.15 pu. Locked-rotor power factor ≈ 0.25–0.4 (∠ 66–75°); halving R2' makes Z2 more
 * reactive, ≈ 75°. Spread: locked-rotor currents of 4.5–10× (designs A–D, traction designs with
 * low leakage) → ×/÷ 1.5; angle ± 10°.
 */
export const INDUCTION_TYPICAL_Z2: TypicalZ2 = {
  magnitudePu: 1 / 6.5,
  angleDeg: 75,
  magnitudeFactor: 1.5,
  angleToleranceDeg: 10,
  basis: "induction: |Z2| ≈ 1/I_LR = 1/6.5 pu (NEMA MG-1 design B), ∠75°",
};

/**
 * PMSM (no damper cage). The negative-sequence field turns at 2ω relative to the rotor and sees
 * the d and q reactances in turn, so X2 = ω(Ld + Lq)/2 (the synchronous-machine X2 = (X"d + X"q)/2
 * with no subtransient circuits). Traction IPMSMs: Xd ≈ 0.3–0.7 pu (the wide constant-power range
 * wants ψm ≈ Ld·I_rated, i.e. Xd ≈ E0 ≈ 0.5–0.8 pu; Soong & Miller, IEE Proc. EPA 141(6), 1994)
 * and saliency Lq/Ld ≈ 2–3, with Xq·Iq ≲ 1 pu at the rated point → Xq ≈ 0.6–1.2 pu; so
 * X2 ≈ 0.45–0.95 pu. We take 0.6 pu and a wider ×/÷ 2 (0.3–1.2 pu): this range is an engineering
 * estimate from those constraints, not a tabulated value. Rs ≈ 0.02–0.05 pu → ∠Z2 ≈ 85° ± 10°.
 */
export const PMSM_TYPICAL_Z2: TypicalZ2 = {
  magnitudePu: 0.6,
  angleDeg: 85,
  magnitudeFactor: 2,
  angleToleranceDeg: 10,
  basis: "PMSM: X2 = ω(Ld+Lq)/2 ≈ 0.6 pu, ∠85°",
};

/** Rated slip of a NEMA design B / traction induction motor, 1–5 %: only refers rated_rpm to the rated supply frequency (a 2 % error here moves Z2 by 2 %). */
export const TYPICAL_RATED_SLIP = 0.03;

/** Z2 at the operating frequency, with the spread the analyzer must allow for. */
export interface NegativeSequenceImpedance {
  /** Ω per phase of the equivalent star (complex). */
  z2: Complex;
  /** True |Z2| within [|z2|/factor, |z2|·factor]; 1 when learned on this motor. */
  magnitudeFactor: number;
  /** True ∠Z2 within ± this, degrees; 0 when learned. */
  angleToleranceDeg: number;
  source: "typical" | "baseline";
  basis: string;
}

/** Z_base = (V_LL,rms/√3)/I_rated,rms, Ω. */
export function baseImpedanceOhm(profile: Pick<MotorProfile, "rated_voltage_v" | "rated_current_a">): number {
  return profile.rated_voltage_v / Math.sqrt(3) / profile.rated_current_a;
}

/** Electrical frequency at rated speed: p·n/60, over (1 − s_rated) for an induction motor; a fixed supply is its rated frequency. */
export function ratedFrequencyHz(profile: Pick<MotorProfile, "motor_type" | "pole_pairs" | "rated_rpm" | "supply_hz">): number {
  if (profile.motor_type === "induction" && profile.supply_hz && profile.supply_hz > 0) return profile.supply_hz;
  const synchronous = (profile.rated_rpm * profile.pole_pairs) / 60;
  return profile.motor_type === "induction" ? synchronous / (1 - TYPICAL_RATED_SLIP) : synchronous;
}

/**
 * Refers an impedance known at `fromHz` to `toHz`: the resistance stays, the reactance scales with
 * frequency (at low speed an inverter-fed motor's Z2 turns resistive, so a fixed angle would be wrong).
 */
export function atFrequency(z: Complex, fromHz: number, toHz: number): Complex {
  return complex(z.re, (z.im * toHz) / fromHz);
}

export function typicalNegativeSequenceImpedance(
  profile: Pick<MotorProfile, "motor_type" | "pole_pairs" | "rated_rpm" | "supply_hz" | "rated_voltage_v" | "rated_current_a">,
  frequencyHz: number,
): NegativeSequenceImpedance {
  const typical = profile.motor_type === "induction" ? INDUCTION_TYPICAL_Z2 : PMSM_TYPICAL_Z2;
  const atRated = fromPolar(typical.magnitudePu * baseImpedanceOhm(profile), (typical.angleDeg * Math.PI) / 180);
  return {
    z2: atFrequency(atRated, ratedFrequencyHz(profile), frequencyHz),
    magnitudeFactor: typical.magnitudeFactor,
    angleToleranceDeg: typical.angleToleranceDeg,
    source: "typical",
    basis: `${typical.basis}, ×/÷${typical.magnitudeFactor} ±${typical.angleToleranceDeg}°`,
  };
}

/**
 * Z2 learned on this motor when healthy (|V2/I2| and, if known, its angle, at `learnedAtHz` if
 * known): no spread beyond the measurement's. Without an angle the typical one is assumed.
 */
export function learnedNegativeSequenceImpedance(
  profile: Pick<MotorProfile, "motor_type">,
  z2Ohm: number, angleDeg: number | undefined, learnedAtHz: number | undefined, frequencyHz: number,
): NegativeSequenceImpedance {
  const typicalAngle = (profile.motor_type === "induction" ? INDUCTION_TYPICAL_Z2 : PMSM_TYPICAL_Z2).angleDeg;
  const learned = fromPolar(z2Ohm, ((angleDeg ?? typicalAngle) * Math.PI) / 180);
  const z2 = learnedAtHz !== undefined && learnedAtHz > 0 ? atFrequency(learned, learnedAtHz, frequencyHz) : learned;
  return {
    z2,
    magnitudeFactor: 1,
    angleToleranceDeg: 0,
    source: "baseline",
    basis: `learned on this motor: |Z2| = ${magnitude(z2).toPrecision(3)} Ω${angleDeg === undefined ? ` (typical ∠${typicalAngle}°)` : ""}`,
  };
}

/**
 * Distance from `point` to the set { c·e^{jδ}·s : c ∈ [1/k, k], |δ| ≤ Δ } — an annular sector
 * around the nominal supply-driven vector s. It is the smallest residual any plausible Z2 leaves,
 * i.e. the part of the measured I2 no plausible supply contribution explains.
 */
export function distanceToUncertainVector(point: Complex, s: Complex, factor: number, toleranceDeg: number): number {
  const sMag = magnitude(s);
  if (!(sMag > 0)) return magnitude(point);
  // Work in coordinates where s = 1: q = point/s.
  const q = complex((point.re * s.re + point.im * s.im) / (sMag * sMag), (point.im * s.re - point.re * s.im) / (sMag * sMag));
  const rho = magnitude(q), phi = Math.atan2(q.im, q.re);
  const lo = 1 / factor, hi = factor, tol = (toleranceDeg * Math.PI) / 180;
  const clamp = (x: number) => Math.min(hi, Math.max(lo, x));
  if (Math.abs(phi) <= tol) return sMag * Math.abs(rho - clamp(rho));
  // Outside the angular range the nearest point lies on one of the two radial edges.
  let best = Infinity;
  for (const edge of [tol, -tol]) {
    const t = clamp(rho * Math.cos(phi - edge));
    best = Math.min(best, Math.hypot(q.re - t * Math.cos(edge), q.im - t * Math.sin(edge)));
  }
  return sMag * best;
}

/** Largest |c·e^{jδ} − 1| over the set: how far the true supply-driven vector can lie from the nominal one, relative to it. */
export function relativeUncertainty(factor: number, toleranceDeg: number): number {
  const tol = (toleranceDeg * Math.PI) / 180;
  return Math.max(...[factor, 1 / factor].map((c) => Math.hypot(c * Math.cos(tol) - 1, c * Math.sin(tol))));
}
