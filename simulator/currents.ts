/**
 * The three phase currents (and voltages) as sums of three-phase phasor tones:
 * fundamental with winding asymmetry, supply unbalance and turn fault; 5th/7th harmonics;
 * eccentricity sidebands; broken-bar sidebands. Sensor gain mismatch is applied per phase.
 */
import type { MotorProfile, Phase } from "../analyzers/types";
import {
  BROKEN_BAR_SECOND_PAIR_RELATIVE_DB,
  BROKEN_BAR_USB_RELATIVE_DB,
  ECCENTRICITY_SECOND_FAMILY_DB,
  brokenBarDeltaDb,
  eccentricitySidebandDb,
  turnFaultNegativeSequenceRatio,
} from "./faults";
import type { MotorTraits } from "./motor-traits";
import { NEGATIVE_SEQUENCE_IMPEDANCE_ANGLE_RAD, type OperatingPoint } from "./operating-point";
import type { Prng } from "./prng";
import { balancedTone, type ThreePhaseTone } from "./tones";

/** Per-family severities in effect for one window (0 for families that are not faulted). */
export interface FaultLevels {
  turn: number;
  turnPhase: Phase;
  eccentricity: number;
  brokenBar: number;
  bearing: number;
  insulation: number;
}

export interface ElectricalTones {
  currents: ThreePhaseTone[];
  voltages: ThreePhaseTone[];
  /** Fundamental current, A RMS (for the sensor-noise level). */
  currentRmsA: number;
  voltageRmsV: number;
}

/** Positive-sequence unit phasors of phases a, b, c: 1, a², a with a = e^{j2π/3}. */
const PHASE_ANGLE: Readonly<Record<Phase, number>> = { A: 0, B: (-2 * Math.PI) / 3, C: (2 * Math.PI) / 3 };
const PHASES: readonly Phase[] = ["A", "B", "C"];

function dbToRatio(db: number): number {
  return Math.pow(10, db / 20);
}

/**
 * Fundamental per-phase current phasors.
 *
 * Turn fault: the shorted turns of phase X form a short-circuited secondary (loop impedance Z_loop,
 * mutual reactance X_M) that reflects ΔZ = X_M²/Z_loop in series with that phase. With an isolated
 * star point the negative-sequence network then gives I2/I1 = −ΔZ/(3·Z2 + ΔZ) for phase A, so
 * ∠I2 − ∠I1 = 180° − ∠Z_loop − ∠Z2 (Z2: the machine's negative-sequence impedance), moved by +120°
 * for B and −120° for C (I2 = (Ia + a²Ib + aIc)/3 weights phase B by a², C by a). The severity sets
 * |I2/I1| directly (faults.ts); the Park's-vector 2f ripple (EPVA) follows from that I2.
 *
 * Inherent asymmetry (winding and connection tolerances) appears as a small I2 of its own, fixed per motor.
 * Supply unbalance: V2 drives I2 = (Z1/Z2)·(V2/V1)·I1, lagging V2 by Z2's angle.
 */
function fundamentalPhasors(op: OperatingPoint, voltageAngleRad: number, supplyUnbalance: number, levels: FaultLevels, traits: MotorTraits): Float64Array {
  const iPeak = Math.SQRT2 * op.currentRmsA;
  const i1Angle = voltageAngleRad - op.powerFactorAngleRad;
  const p = new Float64Array(6);
  const r = levels.turn > 0 ? turnFaultNegativeSequenceRatio(levels.turn) : 0;
  const turnShiftRad: Readonly<Record<Phase, number>> = { A: 0, B: (2 * Math.PI) / 3, C: (-2 * Math.PI) / 3 };
  const i2TurnPeak = r * iPeak;
  const i2TurnAngle = i1Angle + Math.PI - traits.shortedLoopAngleRad - NEGATIVE_SEQUENCE_IMPEDANCE_ANGLE_RAD + turnShiftRad[levels.turnPhase];
  const i2SupplyPeak = op.currentUnbalancePerVoltageUnbalance * supplyUnbalance * iPeak;
  const i2SupplyAngle = voltageAngleRad + traits.supplyUnbalanceAngleRad - NEGATIVE_SEQUENCE_IMPEDANCE_ANGLE_RAD;
  const i2InherentPeak = traits.inherentI2Ratio * iPeak;
  const i2InherentAngle = i1Angle + traits.inherentI2AngleRad;
  for (let k = 0; k < 3; k++) {
    const phase = PHASES[k];
    const ang = i1Angle + PHASE_ANGLE[phase];
    p[2 * k] = iPeak * Math.cos(ang);
    p[2 * k + 1] = iPeak * Math.sin(ang);
    // Negative-sequence sets: phase b leads a by 120°.
    const supplyAng = i2SupplyAngle - PHASE_ANGLE[phase];
    const inherentAng = i2InherentAngle - PHASE_ANGLE[phase];
    const turnAng = i2TurnAngle - PHASE_ANGLE[phase];
    p[2 * k] += i2SupplyPeak * Math.cos(supplyAng) + i2InherentPeak * Math.cos(inherentAng) + i2TurnPeak * Math.cos(turnAng);
    p[2 * k + 1] += i2SupplyPeak * Math.sin(supplyAng) + i2InherentPeak * Math.sin(inherentAng) + i2TurnPeak * Math.sin(turnAng);
  }
  // Isolated star point: no zero-sequence current.
  const zr = (p[0] + p[2] + p[4]) / 3,
    zi = (p[1] + p[3] + p[5]) / 3;
  for (let k = 0; k < 3; k++) {
    p[2 * k] -= zr;
    p[2 * k + 1] -= zi;
  }
  // Keep |I1| at the load's value: I1 = (Ia + a·Ib + a²·Ic)/3.
  let i1r = 0,
    i1i = 0;
  for (let k = 0; k < 3; k++) {
    const rot = -PHASE_ANGLE[PHASES[k]];
    const c = Math.cos(rot),
      s = Math.sin(rot);
    i1r += (p[2 * k] * c - p[2 * k + 1] * s) / 3;
    i1i += (p[2 * k] * s + p[2 * k + 1] * c) / 3;
  }
  const scale = iPeak / Math.hypot(i1r, i1i);
  for (let k = 0; k < 6; k++) p[k] *= scale;
  return p;
}

/** Eccentricity sideband frequencies, Hz, first family then second. */
export function eccentricitySidebandFrequencies(profile: MotorProfile, op: OperatingPoint): { first: number[]; second: number[] } {
  const f = op.electricalHz;
  if (profile.motor_type === "induction") {
    // Mixed eccentricity, low-frequency family f ± k·f_r, k = 1, 2 (Dorrell, Thomson & Roach 1997).
    return { first: [f - op.shaftHz, f + op.shaftHz], second: [f - 2 * op.shaftHz, f + 2 * op.shaftHz] };
  }
  // PMSM f(1 ± k/p), k odd (Ebrahimi, Faiz & Roshtkhari 2009); k = 1 equals f ± f_r.
  const p = profile.pole_pairs;
  return { first: [f * (1 - 1 / p), f * (1 + 1 / p)], second: [Math.abs(f * (1 - 3 / p)), f * (1 + 3 / p)] };
}

/** Broken-bar sideband frequencies (1 − 2s)f, (1 + 2s)f, (1 − 4s)f, (1 + 4s)f, Hz (Kliman et al. 1988). */
export function brokenBarSidebandFrequencies(op: OperatingPoint): [number, number, number, number] {
  const f = op.electricalHz,
    s = op.slip;
  return [(1 - 2 * s) * f, (1 + 2 * s) * f, (1 - 4 * s) * f, (1 + 4 * s) * f];
}

export function electricalTones(
  profile: MotorProfile,
  op: OperatingPoint,
  loadPct: number,
  levels: FaultLevels,
  traits: MotorTraits,
  harmonicsPct: number,
  supplyUnbalancePct: number,
  rng: Prng,
): ElectricalTones {
  const f = op.electricalHz;
  const iPeak = Math.SQRT2 * op.currentRmsA;
  const voltageAngle = rng.between(0, 2 * Math.PI);
  const i1Angle = voltageAngle - op.powerFactorAngleRad;
  const currents: ThreePhaseTone[] = [];

  const p = fundamentalPhasors(op, voltageAngle, supplyUnbalancePct / 100, levels, traits);
  currents.push({ freqHz: f, aRe: p[0], aIm: p[1], bRe: p[2], bIm: p[3], cRe: p[4], cIm: p[5] });

  // Inverter/saturation harmonics: the 5th rotates backwards (negative sequence), the 7th forwards.
  const h = harmonicsPct / 100;
  currents.push(balancedTone(5 * f, h * iPeak, 5 * i1Angle + traits.harmonicPhaseRad[0], -1));
  currents.push(balancedTone(7 * f, 0.6 * h * iPeak, 7 * i1Angle + traits.harmonicPhaseRad[1], 1));

  // Eccentricity: always some (healthy level), growing with severity.
  const eccDb = eccentricitySidebandDb(levels.eccentricity, traits.healthyEccentricityDb);
  const ecc = eccentricitySidebandFrequencies(profile, op);
  for (const fe of ecc.first) currents.push(balancedTone(fe, iPeak * dbToRatio(eccDb), rng.between(0, 2 * Math.PI), 1));
  for (const fe of ecc.second) {
    currents.push(balancedTone(fe, iPeak * dbToRatio(eccDb + ECCENTRICITY_SECOND_FAMILY_DB), rng.between(0, 2 * Math.PI), 1));
  }

  // Broken bars (induction only): the sidebands need a slip to exist apart from f.
  if (profile.motor_type === "induction" && op.slip * f > 0.01) {
    const delta = brokenBarDeltaDb(levels.brokenBar, loadPct, traits.healthyBrokenBarDeltaDb);
    const lsb = iPeak * dbToRatio(-delta);
    const [f1, f2, f3, f4] = brokenBarSidebandFrequencies(op);
    currents.push(balancedTone(f1, lsb, rng.between(0, 2 * Math.PI), 1));
    currents.push(balancedTone(f2, lsb * dbToRatio(BROKEN_BAR_USB_RELATIVE_DB), rng.between(0, 2 * Math.PI), 1));
    currents.push(balancedTone(f3, lsb * dbToRatio(BROKEN_BAR_SECOND_PAIR_RELATIVE_DB), rng.between(0, 2 * Math.PI), 1));
    currents.push(balancedTone(f4, lsb * dbToRatio(BROKEN_BAR_SECOND_PAIR_RELATIVE_DB), rng.between(0, 2 * Math.PI), 1));
  }

  // Current transducer gain mismatch scales everything a phase's CT sees.
  const [ga, gb, gc] = traits.ctGain;
  for (const t of currents) {
    t.aRe *= ga;
    t.aIm *= ga;
    t.bRe *= gb;
    t.bIm *= gb;
    t.cRe *= gc;
    t.cIm *= gc;
  }

  const vPeak = Math.SQRT2 * op.phaseVoltageRmsV;
  const u = supplyUnbalancePct / 100;
  const voltages: ThreePhaseTone[] = [balancedTone(f, vPeak, voltageAngle, 1)];
  if (u > 0) voltages.push(balancedTone(f, u * vPeak, voltageAngle + traits.supplyUnbalanceAngleRad, -1));
  // Filtered inverter output: a 1 % 5th harmonic.
  voltages.push(balancedTone(5 * f, 0.01 * vPeak, 5 * voltageAngle, -1));
  return { currents: mergeSameFrequency(currents), voltages: mergeSameFrequency(voltages), currentRmsA: op.currentRmsA, voltageRmsV: op.phaseVoltageRmsV };
}

/** Tones at the same frequency add as phasors: one recurrence instead of several. */
function mergeSameFrequency(tones: ThreePhaseTone[]): ThreePhaseTone[] {
  const out: ThreePhaseTone[] = [];
  for (const t of tones) {
    const same = out.find((o) => o.freqHz === t.freqHz);
    if (!same) {
      out.push({ ...t });
      continue;
    }
    same.aRe += t.aRe;
    same.aIm += t.aIm;
    same.bRe += t.bRe;
    same.bIm += t.bIm;
    same.cRe += t.cRe;
    same.cIm += t.cIm;
  }
  return out;
}
