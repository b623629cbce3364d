/**
 * The motor's negative-sequence impedance Z2, which sets how much negative-sequence current I2 a
 * supply voltage unbalance V2 drives (I2 = V2/Z2) in a healthy machine. docs/science.md#voltage-compensation.
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
import { complex, divide, fromPolar, magnitude, subtract, type Complex } from "./dsp/symmetrical-components";
import type { MotorProfile } from "./types";

/**
 * Typical Z2 = R2 + jX2 of a motor type, per unit, with its spread across machines and operating
 * states. R and X are kept apart because they behave differently: X ∝ f, R does not depend on f
 * but rises ~0.39 %/K with winding temperature (+40 % from 25 to 125 °C) and differs by design.
 * At low speed an inverter-fed motor's Z2 turns resistive, so a fixed angle would be wrong.
 */
export interface TypicalZ2 {
  /** Resistive part, per unit of Z_base (frequency-independent). */
  resistancePu: number;
  /** Reactive part at rated frequency, per unit (∝ f). */
  reactancePu: number;
  /** The true resistance lies within ×/÷ this factor. */
  resistanceFactor: number;
  /** The true reactance lies within ×/÷ this factor. */
  reactanceFactor: number;
  /** Where the numbers come from, for the finding's reason. */
  basis: string;
}

/**
 * Induction motor. Under negative sequence the rotor slips at 2 − s ≈ 2, so Z2 ≈ R1 + R2'/2 +
 * j(X1 + X2'): the locked-rotor impedance with half the rotor resistance. |Z_LR| = 1/I_LR(pu), and
 * NEMA MG-1 design B motors draw 6–7× rated current at locked rotor (MG-1 §12.35 code-letter
 * limits; docs/science.md#voltage-compensation: "1 % voltage unbalance gives 6–10× that in current unbalance"): 6.5× →
 * X1 + X2' ≈ 0.15 pu. Resistance: R1 ≈ 0.015–0.02 pu (stator copper loss 1.5–2 % of rating) and
 * R2' ≈ rated slip ≈ 0.025 pu, so R1 + R2'/2 ≈ 0.03 pu; at rated f ∠Z2 ≈ 79°, in the 75–85° of a
 * mostly reactive Z2. Spread: X ×/÷ 1.5 (locked-rotor currents 4.5–10×, designs A–D and
 * low-leakage traction designs); R ×/÷ 2 (temperature, design, deep-bar skin effect at 2f).
 */
export const INDUCTION_TYPICAL_Z2: TypicalZ2 = {
  resistancePu: 0.03,
  reactancePu: 0.15,
  resistanceFactor: 2,
  reactanceFactor: 1.5,
  basis: "induction: X2 ≈ 1/I_LR = 1/6.5 pu (NEMA MG-1 design B), R2 ≈ R1 + R2'/2 ≈ 0.03 pu",
};

/**
 * PMSM (no damper cage). The negative-sequence field turns at 2ω relative to the rotor and sees
 * the d and q reactances in turn, so X2 = ω(Ld + Lq)/2 (the synchronous-machine X2 = (X"d + X"q)/2
 * with no subtransient circuits). Traction IPMSMs: Xd ≈ 0.3–0.7 pu (the wide constant-power range
 * wants ψm ≈ Ld·I_rated, i.e. Xd ≈ E0 ≈ 0.5–0.8 pu; Soong & Miller, IEE Proc. EPA 141(6), 1994)
 * and saliency Lq/Ld ≈ 2–3, with Xq·Iq ≲ 1 pu at the rated point → Xq ≈ 0.6–1.2 pu; so
 * X2 ≈ 0.45–0.95 pu. We take 0.6 pu and a wider ×/÷ 2 (0.3–1.2 pu): this range is an engineering
 * estimate from those constraints, not a tabulated value. Rs ≈ 0.02–0.05 pu → 0.03 pu ×/÷ 2
 * (∠Z2 ≈ 87° at rated speed).
 */
export const PMSM_TYPICAL_Z2: TypicalZ2 = {
  resistancePu: 0.03,
  reactancePu: 0.6,
  resistanceFactor: 2,
  reactanceFactor: 2,
  basis: "PMSM: X2 = ω(Ld+Lq)/2 ≈ 0.6 pu, Rs ≈ 0.03 pu",
};

/** Rated slip of a NEMA design B / traction induction motor, 1–5 %: only refers rated_rpm to the rated supply frequency (a 2 % error here moves X2 by 2 %). */
export const TYPICAL_RATED_SLIP = 0.03;

/** Z2 at the operating frequency, with the spread the analyzer must allow for. */
export interface NegativeSequenceImpedance {
  /** Nominal Z2, Ω per phase of the equivalent star (complex). */
  z2: Complex;
  /** True resistance within [re/factor, re·factor]; 1 when learned on this motor. */
  resistanceFactor: number;
  /** True reactance within [im/factor, im·factor]; 1 when learned. */
  reactanceFactor: number;
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

/** Refers an impedance known at `fromHz` to `toHz`: the resistance stays, the reactance scales with frequency. */
export function atFrequency(z: Complex, fromHz: number, toHz: number): Complex {
  return complex(z.re, (z.im * toHz) / fromHz);
}

export function typicalNegativeSequenceImpedance(
  profile: Pick<MotorProfile, "motor_type" | "pole_pairs" | "rated_rpm" | "supply_hz" | "rated_voltage_v" | "rated_current_a">,
  frequencyHz: number,
): NegativeSequenceImpedance {
  const typical = profile.motor_type === "induction" ? INDUCTION_TYPICAL_Z2 : PMSM_TYPICAL_Z2;
  const zBase = baseImpedanceOhm(profile);
  const atRated = complex(typical.resistancePu * zBase, typical.reactancePu * zBase);
  return {
    z2: atFrequency(atRated, ratedFrequencyHz(profile), frequencyHz),
    resistanceFactor: typical.resistanceFactor,
    reactanceFactor: typical.reactanceFactor,
    source: "typical",
    basis: `${typical.basis}; R ×/÷${typical.resistanceFactor}, X ×/÷${typical.reactanceFactor}`,
  };
}

/**
 * Z2 learned on this motor when healthy (|V2/I2| and, if known, its angle, at `learnedAtHz` if
 * known): no spread beyond the measurement's. Without an angle the typical rated one is assumed.
 */
export function learnedNegativeSequenceImpedance(
  profile: Pick<MotorProfile, "motor_type">,
  z2Ohm: number,
  angleDeg: number | undefined,
  learnedAtHz: number | undefined,
  frequencyHz: number,
): NegativeSequenceImpedance {
  const typical = profile.motor_type === "induction" ? INDUCTION_TYPICAL_Z2 : PMSM_TYPICAL_Z2;
  const typicalAngle = (Math.atan2(typical.reactancePu, typical.resistancePu) * 180) / Math.PI;
  const learned = fromPolar(z2Ohm, ((angleDeg ?? typicalAngle) * Math.PI) / 180);
  const z2 = learnedAtHz !== undefined && learnedAtHz > 0 ? atFrequency(learned, learnedAtHz, frequencyHz) : learned;
  return {
    z2,
    resistanceFactor: 1,
    reactanceFactor: 1,
    source: "baseline",
    basis: `learned on this motor: |Z2| = ${magnitude(z2).toPrecision(3)} Ω${angleDeg === undefined ? ` (typical ∠${typicalAngle.toFixed(0)}°)` : ""}`,
  };
}

/** Boundary samples per edge of the (R, X) rectangle: the image of each edge is a circular arc, whose nearest and farthest points a 64-step scan plus refinement finds to < 0.1 % of the arc. */
const EDGE_STEPS = 64;

/**
 * Where the supply-driven I2/I1 = drive/Z2 (drive = V2/I1) can lie, given Z2's spread, relative to
 * a measured `point`: the least distance (the part of the measured I2/I1 no plausible Z2 explains)
 * and the greatest distance of the set from the nominal drive/Z2 (how uncertain the compensation is).
 */
export function supplyTermBounds(point: Complex, drive: Complex, z2: NegativeSequenceImpedance): { least: number; spread: number } {
  const nominal = divide(drive, z2.z2);
  const { resistanceFactor: kr, reactanceFactor: kx } = z2;
  const r0 = z2.z2.re,
    x0 = z2.z2.im;
  if (kr === 1 && kx === 1) return { least: magnitude(subtract(point, nominal)), spread: 0 };
  // Inside the set: the Z2 that would explain the point exactly lies in the rectangle.
  const needed = magnitude(point) > 0 ? divide(drive, point) : undefined;
  const inside = needed !== undefined && needed.re >= r0 / kr && needed.re <= r0 * kr && needed.im >= x0 / kx && needed.im <= x0 * kx;
  const corners: Complex[] = [complex(r0 / kr, x0 / kx), complex(r0 * kr, x0 / kx), complex(r0 * kr, x0 * kx), complex(r0 / kr, x0 * kx)];
  let least = Infinity,
    spread = 0;
  const at = (z: Complex) => divide(drive, z);
  for (let e = 0; e < 4; e++) {
    const from = corners[e],
      to = corners[(e + 1) % 4];
    const along = (t: number) => complex(from.re + (to.re - from.re) * t, from.im + (to.im - from.im) * t);
    let bestT = 0,
      bestD = Infinity;
    for (let i = 0; i <= EDGE_STEPS; i++) {
      const t = i / EDGE_STEPS;
      const s = at(along(t));
      const d = magnitude(subtract(point, s));
      if (d < bestD) {
        bestD = d;
        bestT = t;
      }
      spread = Math.max(spread, magnitude(subtract(s, nominal)));
    }
    // Golden-section refinement between the neighbouring samples.
    let lo = Math.max(0, bestT - 1 / EDGE_STEPS),
      hi = Math.min(1, bestT + 1 / EDGE_STEPS);
    const dist = (t: number) => magnitude(subtract(point, at(along(t))));
    for (let k = 0; k < 30; k++) {
      const m1 = hi - (hi - lo) * 0.618,
        m2 = lo + (hi - lo) * 0.618;
      if (dist(m1) < dist(m2)) hi = m2;
      else lo = m1;
    }
    least = Math.min(least, bestD, dist((lo + hi) / 2));
  }
  return { least: inside ? 0 : least, spread };
}
