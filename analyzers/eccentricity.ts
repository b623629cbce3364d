/**
 * Air-gap eccentricity by motor-current signature analysis (docs/science.md#eccentricity; Dorrell, Thomson & Roach
 * 1997; Nandi, Toliyat & Li 2005; Ebrahimi, Faiz & Roshtkhari 2009 for PMSMs).
 * A rotor off-centre modulates the air-gap permeance once per revolution, so the stator current
 * carries lines at f ± k·f_r:
 *   induction: f ± k·f_r, k = 1, 2, f_r = rpm/60 (mixed eccentricity; strong when static and dynamic coexist);
 *   PMSM:      f(1 ± k/p), k odd (1, 3), i.e. f ± k·f_r with f_r = f/p (the rotor turns synchronously).
 * The indicator `sideband_db` is the stronger of the lowest-order pair (f ± f_r), dB re the fundamental.
 * Thresholds (§2, no universal table exists): against the vehicle's baseline (eccentricity.sideband_db)
 * warning at +6 dB and fault at +12 dB; without one, warning above −40 dB and fault above −30 dB, and the
 * finding says no baseline was available. Vibration (vib_x) 2f and 1× lines are reported as supporting
 * evidence only (soft foot, looseness and unbalance make them too).
 */
import { CURRENT_SIGNATURE_TAPER, currentSignatureSpectrum, floorHalfWidthHz as floorHalfWidth } from "./current-signature";
import type { CurrentSpectrum } from "./dsp/current-spectrum";
import { decimate, decimationFactorFor } from "./dsp/decimate";
import { nextPowerOfTwo } from "./dsp/fft";
import { MAIN_LOBE_BINS, measureSideband, minimumRecordSeconds, sidebandEvidence, type FrequencyBand, type SidebandMeasurement } from "./dsp/sideband";
import { amplitudeSpectrum, bandMedian, peakInBand, toDb } from "./dsp/spectrum";
import type { TaperName } from "./dsp/window-functions";
import { insufficientData, severityScore, severityStatus, type SeverityScale } from "./finding";
import { round } from "./round";
import { estimateSlip, type SlipEstimate } from "./slip";
import type { Analyzer, Evidence, FeatureBaseline, Finding, MotorProfile, SampledSignal, SensorWindow } from "./types";

const FAULT = "eccentricity" as const;
const TAPER: TaperName = CURRENT_SIGNATURE_TAPER;
/** Search half-width: 0.2 Hz plus the line's share of a 0.5 % speed error (docs/science.md#defect-frequencies: speed known to ~0.5 %). */
const BASE_TOLERANCE_HZ = 0.2;
const SPEED_UNCERTAINTY = 0.005;
/** Healthy lines sit 50–60 dB down (§2): measure to −60 dB with the fundamental's leakage 10 dB under that. */
const DYNAMIC_RANGE_DB = 70;
const MAX_DRIFT = 0.02;
/** Lines closer than this to DC carry drift and 1/f noise, not eccentricity. */
const MIN_LINE_HZ = 2;

/** Baseline trend: rise of sideband_db over the vehicle's healthy level (§2 practice). */
const TREND: SeverityScale = { warning: 6, fault: 12, saturation: 24 };
/** Absolute, on sideband_db + 60 (0 at −60 dB): warning at −40 dB, fault at −30 dB, score 1 at −10 dB. */
const ABSOLUTE: SeverityScale = { warning: 20, fault: 30, saturation: 50 };
const ABSOLUTE_OFFSET_DB = 60;

interface PredictedLine {
  name: string;
  feature: string;
  k: number;
  hz: number;
}

function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

/** f ± k·f_r for the motor type; lines below DC, near DC or on a supply harmonic are left out. */
export function eccentricityLines(motorType: MotorProfile["motor_type"], f: number, shaftHz: number, keepOutHz: number): PredictedLine[] {
  const orders = motorType === "pmsm" ? [1, 3] : [1, 2];
  const lines: PredictedLine[] = [];
  for (const k of orders) {
    for (const sign of [-1, 1] as const) {
      const hz = f + sign * k * shaftHz;
      if (hz < Math.max(MIN_LINE_HZ, keepOutHz)) continue;
      const harmonic = Math.round(hz / f);
      // On a supply harmonic (e.g. f + f_r = 2f for a 2-pole PMSM) the line cannot be told apart.
      if (harmonic >= 1 && Math.abs(hz - harmonic * f) < keepOutHz) continue;
      if (lines.some((l) => Math.abs(l.hz - hz) < keepOutHz)) continue;
      lines.push({ name: `f${sign < 0 ? "-" : "+"}${k === 1 ? "" : k}fr`, feature: `${sign < 0 ? "lsb" : "usb"}_k${k}_db`, k, hz });
    }
  }
  return lines;
}

/** 2f and 1× lines of vib_x: amplitude (g) and prominence over the local median, as supporting evidence. */
function vibrationEvidence(vib: SampledSignal, f: number, shaftHz: number, features: Record<string, number>): Evidence[] {
  const highest = 2 * f + 10;
  if (vib.samples.length < 64 || highest >= 0.45 * vib.rateHz) return [];
  const q = decimationFactorFor(vib.rateHz, highest);
  const x = decimate(vib.samples, q);
  const rate = vib.rateHz / q;
  const s = amplitudeSpectrum(x, rate, { taper: "hann", size: nextPowerOfTwo(x.length) * 2 });
  const out: Evidence[] = [];
  for (const [name, key, hz] of [
    ["vibration 2f", "vib_2f", 2 * f],
    ["vibration 1x", "vib_1x", shaftHz],
  ] as const) {
    const tol = Math.max(0.2, 2 * s.resolutionHz);
    const peak = peakInBand(s, hz - tol, hz + tol);
    if (!peak) continue;
    const floor = bandMedian(s, Math.max(0.5, hz - 10 * tol), hz + 10 * tol, hz, 2 * tol);
    const prominence = toDb(peak.amplitude, floor);
    features[`${key}_g`] = round(peak.amplitude, 5);
    features[`${key}_prominence_db`] = round(prominence, 1);
    out.push({
      name,
      frequency_hz: round(peak.frequencyHz, 2),
      value: round(peak.amplitude, 5),
      unit: "g",
      level_db: round(prominence, 1),
      reference: "local median of the vibration spectrum (supporting evidence only)",
    });
  }
  return out;
}

/** What the window and profile provide once every precondition holds. */
interface EccentricityInputs {
  rpm: number | undefined;
  cs: CurrentSpectrum;
  slip: SlipEstimate;
  /** Half-width of the neighbourhood whose median is a line's floor, Hz. */
  floorHalfWidthHz: number;
  /** Main-lobe half-width of the taper at this record's resolution, Hz. */
  lobeHz: number;
  lines: PredictedLine[];
  features: Record<string, number>;
}

/** Search half-width of the k-th order line: the line moves k× as far as f_r when speed is off by 0.5 %. */
function speedToleranceHz(k: number, slip: SlipEstimate): number {
  return BASE_TOLERANCE_HZ + (slip.source === "speed" ? k * SPEED_UNCERTAINTY * slip.shaftHz : 0);
}

/** A phase current, f_r (from rpm for induction, f/p for PMSM), a steady speed, a record that resolves f ± f_r, and a line clear of DC and f's harmonics. */
function preconditions(window: SensorWindow, profile: MotorProfile): EccentricityInputs | Finding {
  if (!window.channels.ia) return insufficientData(FAULT, "no phase current (ia) in the window");
  const rpm = window.rpm !== undefined && Number.isFinite(window.rpm) ? window.rpm : undefined;
  if (profile.motor_type === "induction" && rpm === undefined) return insufficientData(FAULT, "rpm required: the shaft frequency f_r sets where f ± k·f_r lie");
  const ia = window.channels.ia;
  const floorHalfWidthHz = floorHalfWidth(ia.samples.length / ia.rateHz);
  // Shared with broken bar (one computation per window); it reaches f + 2f_r (induction) or f + 3f_r (PMSM).
  const cs = currentSignatureSpectrum(window, profile, rpm);
  if ("problem" in cs) return insufficientData(FAULT, cs.problem);
  const f = cs.fundamentalHz;
  // A drifting speed smears f ± k·f_r; beyond ~2 % in a window the lines leave their search bands.
  if (Math.abs(cs.driftHz) > MAX_DRIFT * f)
    return insufficientData(
      FAULT,
      `speed not steady: f moved ${fmt(cs.driftHz, 2)} Hz (${fmt((100 * cs.driftHz) / f, 2)} %) over the window, more than ${100 * MAX_DRIFT} %`,
      { supply_hz: round(f, 3), drift_hz: round(cs.driftHz, 3) },
    );
  const slip = estimateSlip(profile, f, rpm);
  if (!slip.ok) return insufficientData(FAULT, slip.reason, { supply_hz: round(f, 3) });
  return resolvableLines(profile, rpm, cs, slip, floorHalfWidthHz);
}

/** The record must separate f ± f_r from f, and at least one predicted line must stay clear of DC and the supply harmonics. */
function resolvableLines(
  profile: MotorProfile,
  rpm: number | undefined,
  cs: CurrentSpectrum,
  slip: SlipEstimate,
  floorHalfWidthHz: number,
): EccentricityInputs | Finding {
  const f = cs.fundamentalHz;
  const shaftHz = slip.shaftHz;
  const neededS = minimumRecordSeconds(shaftHz, speedToleranceHz(1, slip), TAPER, DYNAMIC_RANGE_DB);
  const features: Record<string, number> = {
    supply_hz: round(f, 3),
    shaft_hz: round(shaftHz, 3),
    slip: round(slip.slip, 5),
    window_s: round(cs.durationS, 3),
    needed_window_s: round(neededS, 2),
  };
  if (cs.durationS < neededS)
    return insufficientData(
      FAULT,
      `window too short to separate f ± f_r from f: f_r = ${fmt(shaftHz, 2)} Hz needs ${Number.isFinite(neededS) ? `${fmt(neededS, 2)} s` : "a running shaft"} (Blackman-Harris), have ${fmt(cs.durationS, 2)} s`,
      features,
    );
  const lobeHz = MAIN_LOBE_BINS[TAPER] * cs.spectrum.resolutionHz;
  const keepOutHz = lobeHz + speedToleranceHz(2, slip);
  const lines = eccentricityLines(profile.motor_type, f, shaftHz, keepOutHz);
  if (lines.length === 0)
    return insufficientData(
      FAULT,
      `no f ± k·f_r line clear of DC and the supply harmonics (f = ${fmt(f, 2)} Hz, f_r = ${fmt(shaftHz, 2)} Hz, p = ${profile.pole_pairs})`,
      features,
    );
  return { rpm, cs, slip, floorHalfWidthHz, lobeHz, lines, features };
}

interface EccentricityMeasurements {
  measured: { line: PredictedLine; m: SidebandMeasurement }[];
  /** Order of the lowest lines present (normally 1: f ± f_r); they carry the indicator. */
  lowestK: number;
  /** The stronger line of the lowest order. */
  strongest: SidebandMeasurement;
  /** vib_x 2f and 1× lines, supporting evidence only. */
  vibration: Evidence[];
}

/** Each predicted line over its local floor (all predicted lines and f's harmonics kept out of the floor), and the strongest of the lowest order. */
function measurements(inputs: EccentricityInputs, window: SensorWindow): EccentricityMeasurements {
  const { cs, slip, lines, lobeHz, floorHalfWidthHz, features } = inputs;
  const f = cs.fundamentalHz;
  const exclusions: FrequencyBand[] = [...lines.map((l) => ({ centerHz: l.hz, halfWidthHz: lobeHz + speedToleranceHz(l.k, slip) }))];
  for (let h = 1; h * f <= cs.rateHz / 2; h++) exclusions.push({ centerHz: h * f, halfWidthHz: lobeHz + BASE_TOLERANCE_HZ });
  const measured = lines.map((line) => ({
    line,
    m: measureSideband(cs.spectrum, 1, `${line.name} (k=${line.k})`, line.hz, { toleranceHz: speedToleranceHz(line.k, slip), floorHalfWidthHz, exclusions }),
  }));
  for (const { line, m } of measured) features[line.feature] = round(m.reportedDb, 2);

  const lowestK = Math.min(...lines.map((l) => l.k));
  const primary = measured.filter((x) => x.line.k === lowestK).map((x) => x.m);
  const strongest = primary.reduce((a, b) => (b.reportedDb > a.reportedDb ? b : a));
  features.sideband_db = round(strongest.reportedDb, 2);
  features.sideband_detected = strongest.detected ? 1 : 0;
  const vib = window.channels.vib_x;
  const vibration = vib ? vibrationEvidence(vib, f, slip.shaftHz, features) : [];
  return { measured, lowestK, strongest, vibration };
}

/** How sideband_db is read: a rise over the vehicle's own level when a baseline exists, else absolute limits (§2). */
interface Reading {
  scale: SeverityScale;
  indicator: number;
  /** sideband_db from which a warning is raised. */
  warnAtDb: number;
  basis: string;
  baselineUsed: boolean;
}

function reading(sidebandDb: number, baselineDb: number | undefined): Reading {
  if (baselineDb !== undefined && Number.isFinite(baselineDb)) {
    const indicator = sidebandDb - baselineDb;
    return {
      scale: TREND,
      indicator,
      warnAtDb: baselineDb + TREND.warning,
      basis: `baseline ${fmt(baselineDb)} dB, rise ${fmt(indicator)} dB (warning ≥ +6, fault ≥ +12)`,
      baselineUsed: true,
    };
  }
  return {
    scale: ABSOLUTE,
    indicator: sidebandDb + ABSOLUTE_OFFSET_DB,
    warnAtDb: ABSOLUTE.warning - ABSOLUTE_OFFSET_DB,
    basis: "no baseline: absolute limits (warning above −40 dB, fault above −30 dB re fundamental)",
    baselineUsed: false,
  };
}

/**
 * Status and score from the reading's scale; but a line that was never above its floor (an upper
 * bound only) cannot raise a warning: such a window is undecided, not faulty.
 */
function decision(inputs: EccentricityInputs, m: EccentricityMeasurements, baseline?: FeatureBaseline): Finding {
  const { cs, slip, rpm, features } = inputs;
  const { strongest } = m;
  const baselineDb = baseline?.eccentricity?.sideband_db;
  const r = reading(strongest.reportedDb, baselineDb);
  const status = severityStatus(r.indicator, r.scale);
  const evidence: Evidence[] = [
    {
      name: "fundamental f",
      frequency_hz: round(cs.fundamentalHz, 3),
      value: round(cs.fundamentalA, 4),
      unit: "A",
      reference: `phases ${cs.phases.join(",")}`,
    },
    {
      name: "shaft frequency f_r",
      frequency_hz: round(slip.shaftHz, 3),
      reference: slip.source === "speed" ? `speed ${fmt(rpm ?? 0, 0)} rpm` : "f/p (synchronous)",
    },
    ...m.measured.map(({ line, m: s }) => sidebandEvidence(s, line.k === m.lowestK ? round(r.warnAtDb, 1) : undefined)),
    ...m.vibration,
  ];
  const which = `${strongest.name} at ${fmt(strongest.frequencyHz, 2)} Hz`;
  if (strongest.isUpperBound && status !== "normal")
    return {
      ...insufficientData(
        FAULT,
        `${which}: no line above the local floor (${fmt(strongest.floorDb)} dB), and that floor is too high to clear the air gap (${r.basis})`,
        features,
      ),
      evidence,
    };
  const level = strongest.isUpperBound ? `below the floor (≤ ${fmt(strongest.reportedDb)} dB)` : `${fmt(strongest.reportedDb)} dB re fundamental`;
  return {
    fault_type: FAULT,
    status,
    score: severityScore(r.indicator, r.scale),
    features,
    evidence,
    reason: `${which}: ${level}; ${r.basis}; f_r = ${fmt(slip.shaftHz, 2)} Hz, window ${fmt(cs.durationS, 2)} s`,
    baseline_used: r.baselineUsed,
  };
}

function analyze(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding {
  const inputs = preconditions(window, profile);
  if ("status" in inputs) return inputs;
  return decision(inputs, measurements(inputs, window), baseline);
}

export const eccentricityAnalyzer: Analyzer = {
  faultType: FAULT,
  requirements: {
    channelsAnyOf: [["ia"]],
    optionalChannels: ["ib", "ic", "vib_x"],
    minSampleRateHz: 500,
    // f_r is several Hz from f (§2): 1 s resolves it down to ~5 Hz shaft speed (300 rpm); checked per window.
    minDurationS: 1,
    // rpm is required for induction motors only (a PMSM's f_r is f/p), so it is not listed as mandatory.
    scalars: [],
  },
  analyze,
};
