/**
 * Radial acceleration at the bearing housing, in g: shaft-order lines (unbalance 1×, misalignment 2×),
 * the electromagnetic twice-line-frequency line, the gear mesh, broadband noise, and — for a bearing
 * defect — an impulse train at the defect frequency ringing a structural resonance
 * (the model of Randall & Antoni 2011, MSSP 25(2), §2).
 */
import type { MotorProfile } from "../analyzers/types";
import { bearingDefectFrequencies } from "./bearing-geometry";
import { bearingImpulsePeakG, brokenBarSpeedRipple } from "./faults";
import type { FaultLevels } from "./currents";
import type { MotorTraits } from "./motor-traits";
import { clampLoad, type OperatingPoint } from "./operating-point";
import type { Prng } from "./prng";
import { scratch } from "./scratch";
import type { SimulatedBearingDefect } from "./types";
import { addTones, tone, type Tone } from "./tones";

/** Random slip of the rolling elements: 1–2 % spread of the impact spacing (Randall & Antoni 2011). */
export const BEARING_SLIP_JITTER = 0.01;

/** Load-zone / cage modulation depth of inner-race and ball impacts (fraction of the peak). */
const MODULATION_DEPTH = 0.7;

export interface VibrationInputs {
  profile: MotorProfile;
  op: OperatingPoint;
  loadPct: number;
  levels: FaultLevels;
  bearingDefect: SimulatedBearingDefect;
  traits: MotorTraits;
  noiseG: number;
}

/** Defect impact rate for a bearing defect, Hz: BPFO, BPFI, or 2×BSF (a ball strikes both races). */
export function bearingImpactRateHz(profile: MotorProfile, shaftHz: number, defect: SimulatedBearingDefect): number {
  const f = bearingDefectFrequencies(profile.bearing, shaftHz);
  return defect === "outer_race" ? f.bpfo : defect === "inner_race" ? f.bpfi : 2 * f.bsf;
}

/**
 * Discrete lines of a running machine. The g levels are model choices of the right order for a
 * small traction motor (no published per-line levels exist); analyzers judge them relative to the
 * same motor's baseline or to each other, never against these numbers.
 */
function machineLines(inp: VibrationInputs, rng: Prng): Tone[] {
  const { op, traits, levels } = inp;
  const fr = op.shaftHz;
  const speedPu = (60 * fr) / inp.profile.rated_rpm;
  const load = clampLoad(inp.loadPct) / 100;
  // Unbalance force ∝ ω² (m·e·ω²); dynamic eccentricity adds a 1× magnetic pull.
  const oneX = traits.unbalanceG * speedPu * speedPu + 0.05 * levels.eccentricity * speedPu;
  const lines: Tone[] = [
    tone(fr, oneX, rng.between(0, 2 * Math.PI)),
    tone(2 * fr, 0.3 * oneX, rng.between(0, 2 * Math.PI)), // residual misalignment
    // Twice line frequency: magnetic pull, raised by static eccentricity (docs/science.md#eccentricity vibration).
    tone(2 * op.electricalHz, 0.005 + 0.12 * levels.eccentricity, rng.between(0, 2 * Math.PI)),
  ];
  // Induction: 1× sidebands at the pole-pass frequency 2sf (speed ripple: broken bars, dynamic eccentricity).
  const polePass = 2 * op.slip * op.electricalHz;
  if (polePass > 0.05) {
    const ripple = 0.02 + brokenBarSpeedRipple(levels.brokenBar) + 0.1 * levels.eccentricity;
    lines.push(tone(fr - polePass, ripple * oneX, rng.between(0, 2 * Math.PI)));
    lines.push(tone(fr + polePass, ripple * oneX, rng.between(0, 2 * Math.PI)));
  }
  // Gear mesh of the reduction pinion with f_r sidebands (shaft run-out): a machine line, not a bearing.
  const mesh = traits.gearTeeth * fr;
  const meshG = traits.gearMeshG * (0.3 + 0.7 * load) * Math.min(1, speedPu);
  lines.push(tone(mesh, meshG, rng.between(0, 2 * Math.PI)));
  lines.push(tone(mesh - fr, 0.1 * meshG, rng.between(0, 2 * Math.PI)));
  lines.push(tone(mesh + fr, 0.1 * meshG, rng.between(0, 2 * Math.PI)));
  return lines;
}

/**
 * Impacts at the defect rate with cumulative 1 % spacing jitter, amplitude-modulated by the load
 * zone at f_r (inner race: the defect rotates with the shaft) or at FTF (ball: it moves with the
 * cage), each ringing a damped resonance y[n] = 2r·cosθ·y[n−1] − r²·y[n−2] + x[n].
 */
function addBearingImpacts(out: Float64Array, rateHz: number, inp: VibrationInputs, rng: Prng): void {
  const peak = bearingImpulsePeakG(inp.levels.bearing);
  const rate = bearingImpactRateHz(inp.profile, inp.op.shaftHz, inp.bearingDefect);
  if (!(peak > 0) || !(rate > 0)) return;
  const n = out.length;
  const { resonanceHz, resonanceDamping } = inp.traits;
  const wn = (2 * Math.PI * resonanceHz) / rateHz;
  const r = Math.exp(-resonanceDamping * wn);
  const theta = wn * Math.sqrt(1 - resonanceDamping * resonanceDamping);
  const a1 = 2 * r * Math.cos(theta),
    a2 = r * r;
  // The unit impulse response peaks near 1/sinθ: scale so one impact rings at `peak` g.
  const inputGain = Math.sin(theta);
  const freqs = bearingDefectFrequencies(inp.profile.bearing, inp.op.shaftHz);
  const modHz = inp.bearingDefect === "inner_race" ? inp.op.shaftHz : inp.bearingDefect === "ball" ? freqs.ftf : 0;
  const modPhase = rng.between(0, 2 * Math.PI);
  const impulses = scratch("impulses", n);
  const period = 1 / rate;
  const duration = n / rateHz;
  for (let t = rng.uniform() * period; t < duration;) {
    const idx = Math.round(t * rateHz);
    if (idx >= n) break;
    let amp = peak * (1 + 0.1 * rng.gaussian()); // impact-to-impact scatter
    if (modHz > 0) amp *= 1 - MODULATION_DEPTH + MODULATION_DEPTH * 0.5 * (1 + Math.cos(2 * Math.PI * modHz * t + modPhase));
    impulses[idx] += amp * inputGain;
    const jitter = Math.max(-3, Math.min(3, rng.gaussian())) * BEARING_SLIP_JITTER;
    t += period * (1 + jitter);
  }
  let y1 = 0,
    y2 = 0;
  for (let i = 0; i < n; i++) {
    const y = a1 * y1 - a2 * y2 + impulses[i];
    out[i] += y;
    y2 = y1;
    y1 = y;
  }
}

/** Returns a scratch buffer: copy it before the next call. */
export function simulateVibration(n: number, rateHz: number, inp: VibrationInputs, rng: Prng, noiseRng: Prng): Float64Array {
  const out = scratch("vib", n);
  addTones(machineLines(inp, rng), rateHz, out);
  addBearingImpacts(out, rateHz, inp, rng);
  noiseRng.addGaussianNoise(out, inp.noiseG);
  return out;
}
