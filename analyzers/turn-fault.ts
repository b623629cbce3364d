/**
 * Inter-turn short circuit (ITSC) from the three phase currents: negative-sequence current
 * I2/I1 at the measured fundamental, compensated for supply unbalance when the phase voltages
 * are present, with the faulted phase from ∠I2 − ∠I1. docs/science.md#inter-turn-short-circuit.
 *
 * Why I2: a shorted turn makes one phase's impedance differ from the other two, and any such
 * asymmetry under a balanced supply draws negative-sequence current. I2/I1 is unit-free, so it
 * needs no current-sensor calibration beyond the (constant) gain mismatch a baseline absorbs.
 *
 * Supply unbalance: a healthy motor draws I2 = V2/Z2 through its negative-sequence impedance Z2,
 * a machine constant, while I1 = V1/Z1 follows the load, so the supply-driven I2/I1 =
 * (V2/V1)·(Z1/Z2) is largest at light load. With phase voltages, that term is removed with Z2
 * learned on this motor (baseline z2_ohm) or typical for its type (negative-sequence-impedance.ts),
 * and what is scored is the least residual over Z2's spread: an I2 some plausible Z2 explains never
 * raises an alarm by itself (at the price of hiding a fault I2 smaller than that spread when it
 * happens to point along V2/Z2). A baseline's i2_over_i1 vector must be learned with the same Z2.
 */
import { estimateFundamental } from "./dsp/fundamental";
import { phasorsAt, refineFrequency, type Phasor } from "./dsp/phasor";
import {
  angle,
  angleDeg360,
  complex,
  divide,
  fromPolar,
  magnitude,
  parkVectorModulation,
  sequenceComponents,
  subtract,
  type Complex,
  type SequenceComponents,
} from "./dsp/symmetrical-components";
import {
  learnedNegativeSequenceImpedance,
  supplyTermBounds,
  typicalNegativeSequenceImpedance,
  type NegativeSequenceImpedance,
} from "./negative-sequence-impedance";
import { insufficientData, severityScore, severityStatus, type SeverityScale } from "./finding";
import { roundToFixed } from "./round";
import type { Analyzer, Evidence, FeatureBaseline, Finding, MotorProfile, Phase, SampledSignal, SensorWindow } from "./types";

/**
 * ≥ 10 fundamental cycles: the Hann main lobe is ±2 bins wide and the tone's own image sits at
 * 2f = 2·cycles bins, so 10 cycles keep the image below −90 dB and the phasor exact to < 0.1 %.
 */
export const MIN_FUNDAMENTAL_CYCLES = 10;
/** ≥ 10 samples per cycle: the phasor is exact at any rate above 2f, but the Park's vector 2f line and the 3rd/5th harmonics need headroom. */
export const MIN_SAMPLES_PER_CYCLE = 10;
/**
 * The line is searched on at most this many samples (a 16k-point padded FFT), then refined over
 * the whole window by the half-to-half phase advance (refineFrequency): same precision as a
 * full-length padded FFT at about half the cost on 1 s, 8 kHz windows. Never less than 1/8 of the
 * window, so the coarse error stays far inside the refinement's ±1/T capture range.
 */
const MAX_SAMPLES_FOR_FREQUENCY = 4096;
/** The fundamental must carry at least a quarter of the current power (RMS ≥ half): otherwise the motor is idle or the record is noise. */
const MIN_FUNDAMENTAL_POWER_SHARE = 0.25;

/**
 * docs/science.md#turn-fault-thresholds, in % of I1. Without a baseline: normal < 4 %, fault > 8 %
 * (healthy ITSC runs 2.3–3.8 %, 20 % shorted turns 8–18 %); the score saturates at 15 %, where
 * docs/science.md#turn-fault-thresholds says to trip or derate at once.
 */
export const ABSOLUTE_SCALE: SeverityScale = { warning: 4, fault: 8, saturation: 15 };
/**
 * With a baseline, the rise of I2/I1 over the vehicle's own healthy value, in % points: warning
 * from +2, fault from +6. docs/science.md#turn-fault-thresholds names +2–4 as the warning band and > +6 as fault; the +4..+6
 * gap is kept as WARNING (the fault threshold is the literature's +6, not +4), with the score
 * still rising linearly through it so the trend shows. Saturation +12 ≈ the 15 % trip level above a typical 3 % healthy value.
 */
export const BASELINE_RISE_SCALE: SeverityScale = { warning: 2, fault: 6, saturation: 12 };

/** docs/science.md#voltage-compensation: gate on V2/V1 < 1 %; above it the compensated index is used but marked lower confidence. */
export const VOLTAGE_UNBALANCE_GATE = 0.01;
/**
 * Z2 = V2/I2 is reported (for a baseline to learn) only from V2/V1 ≥ 0.5 %: there the supply drives
 * I2/I1 ≈ 3–10 % at rated load (6–20× V2/V1), above the ~2–3 % standing asymmetry of a healthy motor.
 */
export const MIN_V2_FOR_Z2_ESTIMATE = 0.005;

/**
 * Where I2 points, relative to I1, for a turn fault in phase A (degrees).
 *
 * Derivation (balanced positive-sequence supply, A-B-C, star with isolated neutral so I0 = 0).
 * Model the fault as an extra series impedance ΔZ in phase A. In sequence quantities a series
 * ΔZ in phase A alone adds ΔZ/3·(I0 + I1 + I2) to every sequence voltage; the negative-sequence
 * supply voltage is zero, so
 *     0 = Z2·I2 + ΔZ/3·(I1 + I2)   ⇒   I2/I1 = −ΔZ / (3·Z2 + ΔZ) ≈ −ΔZ/(3·Z2).
 * The same fault in phase B enters through a²·Ib = a²(a²I1 + aI2) = a·I1 + I2, giving
 * I2/I1 = −a·ΔZ/(3Z2 + ΔZ): the angle moves by +120°; phase C by +240°. So the three phases
 * give three directions 120° apart, in the order A → B → C counter-clockwise.
 * The direction for phase A: the shorted turns are a short-circuited secondary coupled to the
 * phase (mutual reactance X_M), which reflects ΔZ = X_M²/Z_loop into it: ∠ΔZ = −∠Z_loop, i.e.
 * the fault removes reactance and adds loss. Hence ∠(I2/I1) = 180° − ∠Z_loop − ∠Z2. A shorted
 * loop is leakage-reactance dominated but lossy (∠Z_loop ≈ 45–75°) and Z2 of an induction motor
 * is locked-rotor-like (∠Z2 ≈ 45–75° for small, up to ~85° for large machines): phase A lands in
 * about 20–90°; we take 60° and split the circle into ±60° sectors around 60° (A), 180° (B) and
 * 300° (C). Sign conventions: phasor of A·cos(ωt + φ) is A·e^{jφ}; a = e^{+j2π/3}.
 * Check against the ITSC rig (realdata/README.md, ≥ 20 % turns, raw angles): A 48–66° and
 * C 297–324° fall in their sectors; B 172–265° does only up to 240°. The B runs above 240° would be
 * located as C unless the healthy I2 vector is removed with a baseline (the rig's standing I2 of
 * ~3–4 % at ~330° pulls faults toward it). Not re-tuned to that rig.
 */
export const PHASE_A_FAULT_ANGLE_DEG = 60;

const REQUIRED_CURRENTS = ["ia", "ib", "ic"] as const;
const PHASE_VOLTAGES = ["va", "vb", "vc"] as const;

interface ThreePhase {
  a: SampledSignal;
  b: SampledSignal;
  c: SampledSignal;
  rateHz: number;
  length: number;
}

/** The three channels at one common rate, cut to a common length; or why not. */
function threePhaseSet(window: SensorWindow, names: readonly ["ia", "ib", "ic"] | readonly ["va", "vb", "vc"]): ThreePhase | string {
  const missing = names.filter((n) => !window.channels[n] || window.channels[n].samples.length === 0);
  if (missing.length) return `missing channel${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`;
  const [a, b, c] = names.map((n) => window.channels[n] as SampledSignal);
  if (a.rateHz !== b.rateHz || a.rateHz !== c.rateHz) return `${names.join("/")} are sampled at different rates`;
  if (!(a.rateHz > 0)) return `${names[0]} has no valid sample rate`;
  return { a, b, c, rateHz: a.rateHz, length: Math.min(a.samples.length, b.samples.length, c.samples.length) };
}

function variance(x: SampledSignal["samples"], n: number): number {
  let s = 0,
    s2 = 0;
  for (let i = 0; i < n; i++) {
    s += x[i];
    s2 += x[i] * x[i];
  }
  return n ? Math.max(0, s2 / n - (s / n) ** 2) : 0; // NaN or ∞ when a sample is not finite
}

/** Prior for the fundamental search: speed × pole pairs when speed is known, else a fixed supply frequency. */
function expectedFundamentalHz(window: SensorWindow, profile: MotorProfile): number | undefined {
  if (window.rpm !== undefined && Number.isFinite(window.rpm) && window.rpm > 0 && profile.pole_pairs > 0) {
    return (window.rpm * profile.pole_pairs) / 60;
  }
  return profile.supply_hz && profile.supply_hz > 0 ? profile.supply_hz : undefined;
}

/** Index 0/1/2 of the 120° sector around PHASE_A_FAULT_ANGLE_DEG + k·120° that `angleDeg` falls in, and the margin to the sector edge. */
export function faultSector(angleDeg: number): { sector: 0 | 1 | 2; marginDeg: number } {
  const rel = (((angleDeg - PHASE_A_FAULT_ANGLE_DEG + 60) % 360) + 360) % 360;
  const sector = Math.min(2, Math.floor(rel / 120)) as 0 | 1 | 2;
  return { sector, marginDeg: 60 - Math.abs((rel % 120) - 60) };
}

const toPercent = (ratio: number): number => 100 * ratio;
const angleDeg180 = (x: Complex): number => (angle(x) * 180) / Math.PI;

/** What the window provides once every precondition holds: three currents with a clean fundamental. */
interface TurnFaultInputs {
  currents: ThreePhase;
  /** Variance of ia, ib, ic over the common length (total power per phase). */
  variances: number[];
  /** Fundamental frequency, refined over the whole window, Hz. */
  f: number;
  /** Phasors of ia, ib, ic at f. */
  phasors: Phasor[];
}

/** All three phase currents at one rate, finite, with a fundamental below Nyquist (the fundamental itself: fundamentalPreconditions). */
function preconditions(window: SensorWindow, profile: MotorProfile): TurnFaultInputs | Finding {
  const currents = threePhaseSet(window, REQUIRED_CURRENTS);
  if (typeof currents === "string") {
    return insufficientData("turn_fault", currents.startsWith("missing") ? `${currents}: I2/I1 needs all three phase currents` : currents);
  }
  const variances = [currents.a, currents.b, currents.c].map((s) => variance(s.samples, currents.length));
  const corrupt = REQUIRED_CURRENTS.filter((_, i) => !Number.isFinite(variances[i]));
  if (corrupt.length) return insufficientData("turn_fault", `non-finite samples in ${corrupt.join(", ")}`);
  const prior = expectedFundamentalHz(window, profile);
  if (prior !== undefined && prior >= currents.rateHz / 2) {
    return insufficientData("turn_fault", `expected fundamental ${prior.toFixed(1)} Hz is above Nyquist at ${currents.rateHz} Hz`);
  }
  return fundamentalPreconditions(currents, variances, prior);
}

/** A fundamental line found, ≥ 10 cycles of it, ≥ 10 samples per cycle, and carrying ≥ 1/4 of the current power. */
function fundamentalPreconditions(currents: ThreePhase, variances: number[], prior: number | undefined): TurnFaultInputs | Finding {
  const { rateHz, length } = currents;
  // Estimate f on the phase with the most signal (a phase may be open or its CT missing).
  const strongest = [currents.a, currents.b, currents.c][variances.indexOf(Math.max(...variances))];
  const fundamental = estimateFundamental(
    { samples: strongest.samples.subarray(0, Math.min(length, Math.max(MAX_SAMPLES_FOR_FREQUENCY, Math.ceil(length / 8)))), rateHz },
    prior !== undefined ? { expectedHz: prior, tolerance: 0.2 } : {},
  );
  if (!fundamental) return insufficientData("turn_fault", "no fundamental current line found");
  const f = refineFrequency(strongest.samples, rateHz, fundamental.frequencyHz, length);
  const cycles = (length * f) / rateHz;
  if (cycles < MIN_FUNDAMENTAL_CYCLES) {
    return insufficientData("turn_fault", `${cycles.toFixed(1)} cycles of ${f.toFixed(2)} Hz in the window; a clean phasor needs ≥ ${MIN_FUNDAMENTAL_CYCLES}`, {
      fundamental_hz: f,
      cycles,
    });
  }
  if (rateHz < MIN_SAMPLES_PER_CYCLE * f) {
    return insufficientData("turn_fault", `sample rate ${rateHz} Hz is below ${MIN_SAMPLES_PER_CYCLE}× the ${f.toFixed(1)} Hz fundamental`, {
      fundamental_hz: f,
    });
  }
  const phasors = phasorsAt([currents.a.samples, currents.b.samples, currents.c.samples], rateHz, f, length);
  const [pa, pb, pc] = phasors;
  const fundamentalPower = (pa.amplitude ** 2 + pb.amplitude ** 2 + pc.amplitude ** 2) / 2;
  const totalPower = variances[0] + variances[1] + variances[2];
  if (!(fundamentalPower > 0) || fundamentalPower < MIN_FUNDAMENTAL_POWER_SHARE * totalPower) {
    return insufficientData(
      "turn_fault",
      `the ${f.toFixed(1)} Hz line carries only ${((100 * fundamentalPower) / (totalPower || 1)).toFixed(0)} % of the current power: motor idle or signal is noise`,
      { fundamental_hz: f },
    );
  }
  return { currents, variances, f, phasors };
}

interface TurnFaultMeasurements {
  f: number;
  /** The motor turns A-C-B: positive and negative sequence swapped, and B/C in the phase map. */
  reversed: boolean;
  /** Complex I2/I1 as measured. */
  rawRatio: Complex;
  /** I2/I1 less the nominal supply-driven part (Z2 at its learned or typical value). */
  compensatedRatio: Complex;
  /** |2f|/DC of the Park's vector modulus. */
  epvaRatio: number;
  supply: SupplyCompensation | null;
  features: Record<string, number>;
  evidence: Evidence[];
  notes: string[];
}

/** Sequence components of the currents at f, the Park's vector 2f line, and the I2 the supply's own unbalance drives. */
function measurements(inputs: TurnFaultInputs, window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): TurnFaultMeasurements {
  const {
    currents,
    f,
    phasors: [pa, pb, pc],
  } = inputs;
  // A motor turning the other way (A-C-B) shows up as |I2| > |I1|: swap the roles, and B/C in the phase map.
  const raw = sequenceComponents(pa, pb, pc);
  const reversed = magnitude(raw.negative) > magnitude(raw.positive);
  const orient = (s: SequenceComponents): SequenceComponents => (reversed ? { zero: s.zero, positive: s.negative, negative: s.positive } : s);
  const seq = orient(raw);
  const i1Amplitude = magnitude(seq.positive);
  const rawRatio = divide(seq.negative, seq.positive); // complex I2/I1
  const epva = parkVectorModulation(currents.a.samples, currents.b.samples, currents.c.samples, currents.rateHz, f, currents.length);

  const features: Record<string, number> = {
    fundamental_hz: roundToFixed(f, 4),
    i1_amplitude: i1Amplitude,
    i2_over_i1_uncompensated: magnitude(rawRatio),
    i0_over_i1: magnitude(seq.zero) / i1Amplitude,
    epva_2f_over_dc: epva.ratio,
    nema_unbalance_pct: nemaUnbalance([pa.amplitude, pb.amplitude, pc.amplitude]),
    phase_sequence_reversed: reversed ? 1 : 0,
  };
  const evidence: Evidence[] = [{ name: "I1 (positive sequence)", frequency_hz: roundToFixed(f, 4), value: i1Amplitude, unit: "peak, signal unit" }];
  const notes: string[] = [];
  const supply = supplyUnbalance(window, profile, baseline, f, seq, orient, { features, evidence, notes });

  // Nominal compensated I2/I1 (Z2 at its learned or typical value): reported, and used for the phase.
  const compensatedRatio = subtract(rawRatio, supply?.explainedRatio ?? complex(0, 0));
  features.i2_over_i1 = magnitude(compensatedRatio);
  features.angle_i2_minus_i1_deg = angleDeg360(compensatedRatio);
  return { f, reversed, rawRatio, compensatedRatio, epvaRatio: epva.ratio, supply, features, evidence, notes };
}

/**
 * Voltage compensation: the I2 the supply's own V2 drives through the motor's Z2 (I2 = V2/Z2; Z2 a
 * machine constant, learned on this motor or typical for its type), with what it adds to the finding.
 */
function supplyUnbalance(
  window: SensorWindow,
  profile: MotorProfile,
  baseline: FeatureBaseline | undefined,
  f: number,
  seq: SequenceComponents,
  orient: (s: SequenceComponents) => SequenceComponents,
  out: Pick<TurnFaultMeasurements, "features" | "evidence" | "notes">,
): SupplyCompensation | null {
  const { features, evidence, notes } = out;
  let supply: SupplyCompensation | null = null;
  const voltages = threePhaseSet(window, PHASE_VOLTAGES);
  if (typeof voltages !== "string") {
    supply = compensateForSupplyUnbalance(voltages, f, seq, orient, negativeSequenceImpedance(profile, f, baseline?.turn_fault));
    if (supply) {
      features.v2_over_v1 = supply.v2OverV1;
      features.i2_explained_by_v2_over_i1 = magnitude(supply.explainedRatio);
      features.i2_explained_uncertainty_over_i1 = supply.uncertaintyOverI1;
      features.z2_ohm_used = magnitude(supply.z2.z2);
      if (supply.v2OverV1 >= MIN_V2_FOR_Z2_ESTIMATE) {
        // Effective Z2 = V2/I2 of Kohler et al.: learn it on the healthy motor (baseline z2_ohm, z2_angle_deg).
        const measuredZ2 = divide(supply.v2, seq.negative);
        features.z2_ohm_estimate = magnitude(measuredZ2);
        features.z2_angle_deg_estimate = roundToFixed(angleDeg180(measuredZ2), 2);
      }
      evidence.push({
        name: "V2/V1 (supply unbalance)",
        value: roundToFixed(toPercent(supply.v2OverV1), 3),
        unit: "%",
        threshold: toPercent(VOLTAGE_UNBALANCE_GATE),
        reference: "V1",
      });
    }
  } else if (PHASE_VOLTAGES.some((n) => window.channels[n])) {
    notes.push(`voltages not used (${voltages})`);
  }
  if (!supply) notes.push("no phase voltages: supply unbalance not compensated");
  return supply;
}

/** What is scored, on which scale, and which I2/I1 vector locates the phase. */
interface Indicator {
  /** % (absolute I2/I1) or % points (rise over the baseline). */
  value: number;
  scale: SeverityScale;
  localisation: Complex;
  basis: string;
  baselineUsed: boolean;
}

/**
 * Rise over the vehicle's own healthy value when known (as a vector when its angle is known too),
 * else absolute limits. The value is the smallest residual any plausible Z2 leaves (worst case for
 * a fault call), so an I2 that the supply unbalance might explain never raises an alarm on its own.
 */
function indicator(m: TurnFaultMeasurements, base: Readonly<Record<string, number>> | undefined): Indicator {
  const { supply, rawRatio, compensatedRatio } = m;
  const leastResidual = (point: Complex): number => (supply ? supplyTermBounds(point, supply.drive, supply.z2).least : magnitude(point));
  const baseRatio = base?.i2_over_i1;
  const baseAngle = base?.angle_i2_minus_i1_deg;
  if (baseRatio === undefined || !Number.isFinite(baseRatio)) {
    return {
      value: toPercent(leastResidual(rawRatio)),
      scale: ABSOLUTE_SCALE,
      localisation: compensatedRatio,
      baselineUsed: false,
      basis: supply ? "I2/I1 least residual over Z2's spread (absolute, no baseline)" : "I2/I1 (absolute, no baseline)",
    };
  }
  if (baseAngle !== undefined && Number.isFinite(baseAngle)) {
    // Subtract the healthy I2 as a vector: sensor gain mismatch and inherent asymmetry are
    // constant phasors, and removing them leaves the I2 the fault added (and its direction).
    const healthy = fromPolar(baseRatio, (baseAngle * Math.PI) / 180);
    return {
      value: toPercent(leastResidual(subtract(rawRatio, healthy))),
      scale: BASELINE_RISE_SCALE,
      localisation: subtract(compensatedRatio, healthy),
      baselineUsed: true,
      basis: `|I2/I1 − baseline ${toPercent(baseRatio).toFixed(2)} %∠${baseAngle.toFixed(0)}°|`,
    };
  }
  return {
    value: toPercent(leastResidual(rawRatio) - baseRatio),
    scale: BASELINE_RISE_SCALE,
    localisation: compensatedRatio,
    baselineUsed: true,
    basis: `I2/I1 − baseline ${toPercent(baseRatio).toFixed(2)} %`,
  };
}

/** Status and score on the indicator's scale; when not normal, the faulted phase from the sector ∠I2 − ∠I1 falls in. */
function decision(m: TurnFaultMeasurements, baseline?: FeatureBaseline): Finding {
  const { f, supply, features, notes } = m;
  const ind = indicator(m, baseline?.turn_fault);
  if (ind.baselineUsed) features.i2_over_i1_rise_pct = ind.value;
  if (supply) {
    features.i2_over_i1_least_residual_pct = ind.value;
    notes.push(supplyNote(supply, ind.scale));
    if (supply.v2OverV1 >= VOLTAGE_UNBALANCE_GATE && supply.z2.source === "typical") features.low_confidence = 1;
  }
  const status = severityStatus(ind.value, ind.scale);
  const angleDeg = angleDeg360(ind.localisation);
  const evidence: Evidence[] = [
    ...m.evidence,
    { name: "I2/I1", value: roundToFixed(toPercent(features.i2_over_i1), 3), unit: "%", threshold: ABSOLUTE_SCALE.warning, reference: "I1" },
    {
      name: ind.basis,
      value: roundToFixed(ind.value, 3),
      unit: "%",
      threshold: ind.scale.warning,
      reference: baseline?.turn_fault?.i2_over_i1 !== undefined ? "baseline" : "I1",
    },
    { name: "∠I2 − ∠I1", value: roundToFixed(angleDeg, 1), unit: "deg" },
    { name: "EPVA |i| 2f/DC", frequency_hz: roundToFixed(2 * f, 4), value: roundToFixed(toPercent(m.epvaRatio), 3), unit: "%", reference: "|i| DC" },
  ];

  let faultedPhase: Phase | undefined;
  if (status !== "normal") {
    const { sector, marginDeg } = faultSector(angleDeg);
    const phases: readonly Phase[] = m.reversed ? ["A", "C", "B"] : ["A", "B", "C"];
    faultedPhase = phases[sector];
    features.faulted_phase_margin_deg = marginDeg;
  }

  const summary =
    `${ind.basis} = ${ind.value.toFixed(2)} % → ${status}` +
    (faultedPhase ? `, ∠I2−∠I1 = ${angleDeg.toFixed(0)}° points to phase ${faultedPhase}` : "") +
    (notes.length ? `; ${notes.join("; ")}` : "");
  const finding: Finding = {
    fault_type: "turn_fault",
    status,
    score: severityScore(ind.value, ind.scale),
    features,
    evidence,
    reason: summary,
    baseline_used: ind.baselineUsed,
  };
  if (faultedPhase) finding.faulted_phase = faultedPhase;
  return finding;
}

export const turnFaultAnalyzer: Analyzer = {
  faultType: "turn_fault",
  requirements: {
    channelsAnyOf: [REQUIRED_CURRENTS],
    optionalChannels: ["va", "vb", "vc"],
    // Static floor for callers (10 cycles and 10 samples per cycle of a 50 Hz supply); the analyzer
    // checks both against the measured fundamental of each window.
    minSampleRateHz: 500,
    minDurationS: 0.2,
    scalars: [],
  },

  analyze(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding {
    const inputs = preconditions(window, profile);
    if ("status" in inputs) return inputs;
    return decision(measurements(inputs, window, profile, baseline), baseline);
  },
};

/** NEMA MG-1 style magnitude unbalance, %: max deviation from the mean over the mean. For information only (CT gain mismatch dominates it). */
function nemaUnbalance(amplitudes: readonly number[]): number {
  const mean = amplitudes.reduce((s, x) => s + x, 0) / amplitudes.length;
  return mean > 0 ? (100 * Math.max(...amplitudes.map((x) => Math.abs(x - mean)))) / mean : 0;
}

interface SupplyCompensation {
  v2OverV1: number;
  /** Supply negative-sequence voltage phasor, oriented like the currents. */
  v2: Complex;
  /** V2/I1, Ω: the supply-driven I2/I1 is drive/Z2. */
  drive: Complex;
  /** Nominal supply-driven I2/I1 = (V2/Z2)/I1, complex. */
  explainedRatio: Complex;
  /** How far the true supply-driven I2/I1 can lie from the nominal one, given Z2's spread. */
  uncertaintyOverI1: number;
  z2: NegativeSequenceImpedance;
}

/** Z2 learned on this motor (baseline z2_ohm, optional z2_angle_deg and the frequency it was learned at), else typical for its type. */
function negativeSequenceImpedance(profile: MotorProfile, f: number, base: Readonly<Record<string, number>> | undefined): NegativeSequenceImpedance {
  const finite = (x: number | undefined): number | undefined => (x !== undefined && Number.isFinite(x) ? x : undefined);
  const learned = finite(base?.z2_ohm);
  if (learned !== undefined && learned > 0) {
    return learnedNegativeSequenceImpedance(profile, learned, finite(base?.z2_angle_deg), finite(base?.z2_frequency_hz) ?? finite(base?.fundamental_hz), f);
  }
  return typicalNegativeSequenceImpedance(profile, f);
}

/**
 * The I2/I1 that the supply's negative-sequence voltage alone drives through the motor's Z2:
 * I2_V = V2/Z2. Assumes va/vb/vc are phase (line-to-neutral) voltages in volts and the currents in
 * amperes, sampled at the same instants.
 */
function compensateForSupplyUnbalance(
  v: ThreePhase,
  f: number,
  currentSeq: SequenceComponents,
  orient: (s: SequenceComponents) => SequenceComponents,
  z2: NegativeSequenceImpedance,
): SupplyCompensation | null {
  if ((v.length * f) / v.rateHz < MIN_FUNDAMENTAL_CYCLES) return null;
  const [va, vb, vc] = phasorsAt([v.a.samples, v.b.samples, v.c.samples], v.rateHz, f, v.length);
  const vs = orient(sequenceComponents(va, vb, vc));
  const v1 = magnitude(vs.positive);
  if (!(v1 > 0) || !(magnitude(z2.z2) > 0)) return null;
  const drive = divide(vs.negative, currentSeq.positive);
  const explainedRatio = divide(drive, z2.z2);
  return {
    v2OverV1: magnitude(vs.negative) / v1,
    v2: vs.negative,
    drive,
    explainedRatio,
    uncertaintyOverI1: supplyTermBounds(explainedRatio, drive, z2).spread,
    z2,
  };
}

/** The gate of docs/science.md#voltage-compensation, stated in the finding: below 1 % V2/V1, or the compensated index (and how uncertain it is). */
function supplyNote(s: SupplyCompensation, scale: SeverityScale): string {
  const v2 = toPercent(s.v2OverV1).toFixed(2);
  const explained = `supply-driven I2/I1 = ${toPercent(magnitude(s.explainedRatio)).toFixed(2)} ± ${toPercent(s.uncertaintyOverI1).toFixed(2)} % (Z2 ${s.z2.basis})`;
  const gate =
    s.v2OverV1 < VOLTAGE_UNBALANCE_GATE
      ? `V2/V1 = ${v2} % < 1 % gate`
      : `V2/V1 = ${v2} % ≥ 1 % gate: compensated index${s.z2.source === "typical" ? ", lower confidence" : ""}`;
  const dominates =
    toPercent(s.uncertaintyOverI1) >= scale.warning
      ? `; supply unbalance V2/V1 = ${v2} % dominates, residual uncertain: only the I2 no plausible Z2 explains is scored`
      : "";
  return `${gate}; ${explained}${dominates}`;
}
