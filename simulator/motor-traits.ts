/**
 * What makes one physical motor differ from its nominal twin, drawn once from the motor seed:
 * sensor gains, winding asymmetry, healthy sideband levels, structural resonance, machine lines,
 * insulation and thermal constants. Fixed across a vehicle's windows, so baselines stay valid.
 */
import type { Imperfections } from "./types";
import { Prng, deriveSeed } from "./prng";

export interface MotorTraits {
  /** Gain of the ia, ib, ic current transducers (1 ± ctGainMismatch). */
  ctGain: readonly [number, number, number];
  /** Inherent negative-sequence current of the healthy machine, I2/I1 (winding and supply-path asymmetry). */
  inherentI2Ratio: number;
  /** Its angle relative to I1, rad. */
  inherentI2AngleRad: number;
  /** Angle of the supply's V2 relative to V1, rad. */
  supplyUnbalanceAngleRad: number;
  /**
   * Impedance angle of the loop a turn fault would short (leakage-reactance dominated but lossy,
   * ≈ 45–75°); it sets where the fault's I2 points relative to I1 (see currents.ts).
   */
  shortedLoopAngleRad: number;
  /** Phases of the 5th and 7th harmonics relative to the fundamental, rad. */
  harmonicPhaseRad: readonly [number, number];
  /** Healthy f ± f_r sideband level, dB re fundamental (docs/science.md#eccentricity: 50–60 dB below). */
  healthyEccentricityDb: number;
  /** Healthy broken-bar ΔdB (docs/science.md#broken-rotor-bars / brief: 55–60 dB). */
  healthyBrokenBarDeltaDb: number;
  /** Bearing-housing structural resonance, Hz, and its damping ratio. */
  resonanceHz: number;
  resonanceDamping: number;
  /** 1× unbalance at rated speed, g. */
  unbalanceG: number;
  /** Teeth of the first reduction-gear pinion on the motor shaft (gear-mesh line at teeth × f_r). */
  gearTeeth: number;
  /** Gear-mesh line at full load, g. */
  gearMeshG: number;
  /** Ambient / coolant temperature, °C. */
  ambientC: number;
  /** Winding insulation resistance to ground at 40 °C, MΩ (IEEE 43: ≫ 5 MΩ when healthy). */
  windingIr40Mohm: number;
  /** Isolation resistance of the rest of the HV system (battery, cables, inverter), MΩ. */
  restOfSystemMohm: number;
  /** Capacitive common-mode leakage at rated bus voltage, mA. */
  capacitiveLeakageMa: number;
}

export const DEFAULT_IMPERFECTIONS: Required<Imperfections> = {
  ctGainMismatchPct: 1.5,
  supplyUnbalancePct: 0,
  harmonicsPct: 3,
  inherentAsymmetryPct: 2.5,
};

export function motorTraits(motorSeed: number, imperfections: Required<Imperfections>, vibRateHz: number): MotorTraits {
  const rng = new Prng(deriveSeed(motorSeed, "motor-traits"));
  const g = imperfections.ctGainMismatchPct / 100;
  const ctGain: [number, number, number] = [1 + rng.between(-g, g), 1 + rng.between(-g, g), 1 + rng.between(-g, g)];
  return {
    ctGain,
    // ITSC healthy motor: I2/I1 = 2.9 ± 0.5 % (docs/science.md#inter-turn-short-circuit); drawn within ±20 % of the nominal share.
    inherentI2Ratio: (imperfections.inherentAsymmetryPct / 100) * rng.between(0.8, 1.2),
    inherentI2AngleRad: rng.between(0, 2 * Math.PI),
    supplyUnbalanceAngleRad: rng.between(0, 2 * Math.PI),
    harmonicPhaseRad: [rng.between(0, 2 * Math.PI), rng.between(0, 2 * Math.PI)],
    healthyEccentricityDb: rng.between(-58, -52),
    healthyBrokenBarDeltaDb: rng.between(55, 60),
    // A few kHz, kept below 0.35·rate so the whole resonance band is sampled (brief: < 0.4·vibRate).
    resonanceHz: Math.min(3000, 0.3 * vibRateHz) * rng.between(0.85, 1.1),
    resonanceDamping: rng.between(0.04, 0.06),
    unbalanceG: rng.between(0.02, 0.05),
    gearTeeth: 17 + rng.int(13),
    gearMeshG: rng.between(0.01, 0.03),
    ambientC: rng.between(20, 35),
    windingIr40Mohm: Math.exp(rng.between(Math.log(500), Math.log(2000))),
    restOfSystemMohm: rng.between(20, 50),
    capacitiveLeakageMa: rng.between(0.2, 0.5),
    // Drawn last so the traits above keep the values existing seeds gave them.
    shortedLoopAngleRad: (rng.between(45, 75) * Math.PI) / 180,
  };
}
