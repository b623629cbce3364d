/**
 * Broken rotor bars by motor-current signature analysis (docs/science.md#broken-rotor-bars; Kliman et al. 1988,
 * Thomson & Fenger 2001). A broken bar makes the rotor field asymmetric; it induces a stator current
 * line at (1 − 2s)f (LSB) and, through the speed ripple, (1 + 2s)f (USB). Severity is ΔdB, how far the
 * LSB sits below the fundamental in the same spectrum, read against the Thomson & Fenger table.
 *
 * Status mapping without a baseline: load-dependent limits (docs/science.md#broken-bar-thresholds: "thresholds must be load- or
 * slip-dependent"). The sidebands grow with load — the rotor current that a broken bar diverts grows with
 * torque — so one fixed ΔdB limit either alarms healthy motors at full load or misses broken bars at half
 * load. The limits follow the IEEE DataPort rig (Treml et al., 1 hp 4-pole 60 Hz motor; medians of 10 runs
 * per class, analysed in github:amurthy-sunysb/mcsa_tsfm/docs/IEEE_dataset.md), LSB re fundamental:
 *
 *   rotor     0.5 N·m (≈ 12.5 % load)   4 N·m (≈ rated torque of a 1 hp 4-pole motor, 100 %)
 *   healthy   −58.7 dB                  −49.4 dB
 *   1 bar     −54.9 dB                  −42.6 dB
 *   4 bars    −42.9 dB                  −30.0 dB
 *
 * Each curve is interpolated linearly in load fraction between the two measured points and clamped to
 * them (no extrapolation beyond what was measured). With H(L), B1(L) the healthy and 1-bar ΔdB at load L:
 *   ΔdB > (H + B1)/2          normal   — closer to the healthy median than to the 1-bar median;
 *   B1 < ΔdB ≤ (H + B1)/2     warning  — on the way to one broken bar (a crack, a high-resistance joint);
 *   ΔdB ≤ B1                  fault    — at or beyond the 1-bar median;
 * the score reaches 1 at the 4-bar curve. At full load that is normal > 46.0, fault ≤ 42.6 (a healthy rotor
 * reads 49.4: normal); at half load normal > 52.2, fault ≤ 49.6 (1 bar reads 49.6). The Thomson & Fenger
 * row words (a rated-load table) and the bar-count estimate stay in the evidence.
 * The load is the window's load reading or, without one on a fixed supply, slip over rated slip (slip ∝
 * torque). With neither, the full-load limits are used: they are the lowest ΔdB limits, and a healthy
 * rotor reads higher ΔdB at any lighter load, so an unknown load cannot cause a false alarm (only a miss).
 * With a baseline (broken_bar.lsb_delta_db, ideally taken at a similar load) the call follows the trend:
 * a drop of ≥ 6 dB (one table row, ~1 bar on the IEEE rig) warns, ≥ 12 dB (~2 bars) is a fault; an
 * absolute ΔdB ≤ 36 ("multiple broken bars") is a fault whatever the baseline says.
 *
 * Not judged (insufficient_data): PMSM → not_applicable; no speed (slip unknown); speed drifting > 0.5 %
 * within the window; load below 40 %
 * (sidebands too weak and too close to f, §1 pitfalls); a record too short to separate (1−2s)f from f
 * with the Blackman-Harris taper (see minimumRecordSeconds); an LSB lost in a floor too high to certify.
 */
import { CURRENT_SIGNATURE_TAPER, currentSignatureSpectrum, floorHalfWidthHz as floorHalfWidth } from "./current-signature";
import type { CurrentSpectrum } from "./dsp/current-spectrum";
import { MAIN_LOBE_BINS, measureSideband, minimumRecordSeconds, sidebandEvidence, type FrequencyBand, type SidebandMeasurement } from "./dsp/sideband";
import type { TaperName } from "./dsp/window-functions";
import { insufficientData, notApplicable, severityScore, severityStatus, type SeverityScale } from "./finding";
import { round } from "./round";
import { estimateSlip, type SlipEstimate } from "./slip";
import type { Analyzer, Evidence, FeatureBaseline, Finding, MotorProfile, SensorWindow } from "./types";

const FAULT = "broken_bar" as const;
/** −92 dB sidelobes: the fundamental's leakage stays below −70 dB from 3.8 bins on (§1 resolution note). */
const TAPER: TaperName = CURRENT_SIGNATURE_TAPER;
/** Sideband search half-width (§1 step 4: ±0.1–0.2 Hz). */
const TOLERANCE_HZ = 0.2;
/** Sidebands down to −60 dB ("excellent") must be measurable next to the fundamental: leakage 10 dB under that. */
const DYNAMIC_RANGE_DB = 70;
/** §1 step 5: accept a window only when speed is steady (variation < 0.5 %); measured as f drift between halves. */
const MAX_DRIFT = 0.005;
/** §1 pitfalls: "only call a fault above roughly 40–50 % load". */
export const MIN_LOAD_PCT = 40;

/**
 * IEEE DataPort rig (Treml et al.), median LSB ΔdB = −LSB dB re fundamental (docs/science.md#broken-bar-thresholds), at the two
 * measured loads: 0.5 N·m and 4 N·m on a 1 hp 4-pole motor whose rated torque is ≈ 4 N·m.
 */
const RIG_LOAD_FRACTIONS = [0.5 / 4, 1] as const;
const RIG_DELTA_DB = {
  healthy: [58.7, 49.4],
  oneBar: [54.9, 42.6],
  fourBars: [42.9, 30.0],
} as const;

/** Thomson & Fenger (2001) rows, ΔdB lower bound → rotor condition (docs/science.md#broken-bar-thresholds). */
const THOMSON_FENGER: readonly { aboveDb: number; condition: string }[] = [
  { aboveDb: 60, condition: "excellent" },
  { aboveDb: 54, condition: "good" },
  { aboveDb: 48, condition: "moderate" },
  { aboveDb: 42, condition: "bar crack or high-resistance joint" },
  { aboveDb: 36, condition: "1–2 broken bars likely" },
  { aboveDb: 30, condition: "multiple broken bars" },
  { aboveDb: -Infinity, condition: "severe, multiple bars / end rings" },
];

export function thomsonFengerCondition(deltaDb: number): string {
  return (THOMSON_FENGER.find((row) => deltaDb > row.aboveDb) ?? THOMSON_FENGER[THOMSON_FENGER.length - 1]).condition;
}

/** ΔdB limits at one load: normal above warningDeltaDb, fault at or below faultDeltaDb. */
export interface LoadLimits {
  /** Load fraction the rig curves were read at (clamped to the measured 0.125…1). */
  loadFraction: number;
  healthyDeltaDb: number;
  warningDeltaDb: number;
  faultDeltaDb: number;
  /** 4-bar curve: the score saturates here. */
  saturationDeltaDb: number;
}

function interpolate(curve: readonly [number, number], loadFraction: number): number {
  const [l0, l1] = RIG_LOAD_FRACTIONS;
  const t = (Math.min(l1, Math.max(l0, loadFraction)) - l0) / (l1 - l0);
  return curve[0] + (curve[1] - curve[0]) * t;
}

/** The rig's healthy and 1-bar medians at `loadFraction`; warning from their midpoint, fault at the 1-bar curve. */
export function loadDependentLimits(loadFraction: number): LoadLimits {
  const healthy = interpolate(RIG_DELTA_DB.healthy, loadFraction);
  const oneBar = interpolate(RIG_DELTA_DB.oneBar, loadFraction);
  return {
    loadFraction: Math.min(RIG_LOAD_FRACTIONS[1], Math.max(RIG_LOAD_FRACTIONS[0], loadFraction)),
    healthyDeltaDb: healthy,
    warningDeltaDb: (healthy + oneBar) / 2,
    faultDeltaDb: oneBar,
    saturationDeltaDb: interpolate(RIG_DELTA_DB.fourBars, loadFraction),
  };
}

/** Scale on the drop below the healthy curve, so that status and score follow the load's limits. */
function limitScale(limits: LoadLimits): SeverityScale {
  return {
    warning: limits.healthyDeltaDb - limits.warningDeltaDb,
    fault: limits.healthyDeltaDb - limits.faultDeltaDb,
    saturation: limits.healthyDeltaDb - limits.saturationDeltaDb,
  };
}
/** Trend scale on the drop of ΔdB below the vehicle's baseline. */
const TREND: SeverityScale = { warning: 6, fault: 12, saturation: 24 };
/** "Multiple broken bars" in the table: a fault even when a baseline says this is usual for the motor. */
const ABSOLUTE_FAULT_WITH_BASELINE_DB = 36;
/** A baseline slip this far from today's (relative) was taken at another load: trends would mislead. */
const BASELINE_SLIP_MISMATCH = 0.5;

function fmt(x: number, digits = 1): string {
  return x.toFixed(digits);
}

/** Broken bars, approximately (Thomson & Fenger 2001): n ≈ 2R / (10^(ΔdB/20) + 2p). */
export function brokenBarEstimate(deltaDb: number, rotorBars: number, polePairs: number): number {
  return (2 * rotorBars) / (10 ** (deltaDb / 20) + 2 * polePairs);
}

interface Decision {
  status: "normal" | "warning" | "fault";
  score: number;
  basis: string;
}

function decide(deltaDb: number, baselineDeltaDb: number | undefined, limits: LoadLimits, loadSource: string): Decision {
  const scale = limitScale(limits);
  const belowHealthy = limits.healthyDeltaDb - deltaDb;
  if (baselineDeltaDb === undefined) {
    return {
      status: severityStatus(belowHealthy, scale),
      score: severityScore(belowHealthy, scale),
      basis:
        `load-dependent limits (no baseline) at ${fmt(100 * limits.loadFraction, 0)} % load (${loadSource}): ` +
        `normal > ${fmt(limits.warningDeltaDb)} dB, warning ${fmt(limits.faultDeltaDb)}–${fmt(limits.warningDeltaDb)}, fault ≤ ${fmt(limits.faultDeltaDb)} ` +
        `(IEEE rig medians: healthy ${fmt(limits.healthyDeltaDb)}, 1 bar ${fmt(limits.faultDeltaDb)} dB)`,
    };
  }
  const drop = baselineDeltaDb - deltaDb;
  let status = severityStatus(drop, TREND);
  let score = severityScore(drop, TREND);
  if (deltaDb <= ABSOLUTE_FAULT_WITH_BASELINE_DB) {
    status = "fault";
    score = Math.max(score, severityScore(belowHealthy, scale));
  }
  return { status, score, basis: `baseline ${fmt(baselineDeltaDb)} dB, drop ${fmt(drop)} dB (warning ≥ 6, fault ≥ 12)` };
}

/** What the window and profile provide once every precondition holds. */
interface BrokenBarInputs {
  rpm: number;
  cs: CurrentSpectrum;
  slip: SlipEstimate;
  /** 2sf, the distance of the LSB from f, Hz. */
  spacingHz: number;
  neededS: number;
  floorHalfWidthHz: number;
  load: OperatingLoad;
  features: Record<string, number>;
}

/** The load fraction the limits are read at, and where it came from. */
interface OperatingLoad {
  fraction: number;
  source: string;
}

/** An induction motor, a phase current, the speed, a steady one, enough load, and a record that separates (1−2s)f from f. */
function preconditions(window: SensorWindow, profile: MotorProfile): BrokenBarInputs | Finding {
  if (profile.motor_type === "pmsm") return notApplicable(FAULT, "PMSM has no rotor bars");
  if (!window.channels.ia) return insufficientData(FAULT, "no phase current (ia) in the window");
  const rpm = window.rpm;
  if (rpm === undefined || !Number.isFinite(rpm)) return insufficientData(FAULT, "rpm required: slip sets where the (1±2s)f sidebands are");
  if (window.loadPct !== undefined && window.loadPct < MIN_LOAD_PCT)
    return insufficientData(
      FAULT,
      `load ${fmt(window.loadPct, 0)} % < ${MIN_LOAD_PCT} %: slip too small, sidebands too weak and too close to f to judge the rotor`,
    );

  const ia = window.channels.ia;
  const floorHalfWidthHz = floorHalfWidth(ia.samples.length / ia.rateHz);
  // Shared with eccentricity (one computation per window): decimated for the higher of the two families' lines.
  const cs = currentSignatureSpectrum(window, profile, rpm);
  if ("problem" in cs) return insufficientData(FAULT, cs.problem);
  const f = cs.fundamentalHz;
  if (Math.abs(cs.driftHz) > MAX_DRIFT * f)
    return insufficientData(
      FAULT,
      `speed not steady: f moved ${fmt(cs.driftHz, 2)} Hz (${fmt((100 * cs.driftHz) / f, 2)} %) over the window, more than ${100 * MAX_DRIFT} %`,
      { supply_hz: round(f, 3), drift_hz: round(cs.driftHz, 3) },
    );
  const slip = estimateSlip(profile, f, rpm);
  if (!slip.ok) return insufficientData(FAULT, slip.reason, { supply_hz: round(f, 3) });
  return loadAndRecord(window, profile, rpm, cs, slip, floorHalfWidthHz);
}

/** Enough load (read, or inferred from slip on a fixed supply), then a record long enough for this slip. */
function loadAndRecord(
  window: SensorWindow,
  profile: MotorProfile,
  rpm: number,
  cs: CurrentSpectrum,
  slip: SlipEstimate,
  floorHalfWidthHz: number,
): BrokenBarInputs | Finding {
  const f = cs.fundamentalHz;
  const s = slip.slip;
  const spacingHz = 2 * Math.abs(s) * f;
  const neededS = minimumRecordSeconds(spacingHz, TOLERANCE_HZ, TAPER, DYNAMIC_RANGE_DB);
  const features: Record<string, number> = {
    supply_hz: round(f, 3),
    slip: round(s, 5),
    sideband_spacing_hz: round(spacingHz, 3),
    window_s: round(cs.durationS, 3),
    needed_window_s: round(neededS, 2),
  };
  const load = operatingLoad(window, profile, s, f, features);
  if ("status" in load) return load;
  if (cs.durationS < neededS) {
    const need = Number.isFinite(neededS) ? `needs ${fmt(neededS)} s` : "cannot be resolved at any length";
    return insufficientData(
      FAULT,
      `window too short for the slip: 2sf = ${fmt(spacingHz, 2)} Hz at s = ${fmt(100 * s, 2)} % ${need} (Blackman-Harris, ±${TOLERANCE_HZ} Hz search), have ${fmt(cs.durationS)} s`,
      features,
    );
  }
  return { rpm, cs, slip, spacingHz, neededS, floorHalfWidthHz, load, features };
}

/** The window's load reading; else, on a fixed supply, slip over rated slip (slip ∝ torque); else full load, the least sensitive limits. */
function operatingLoad(window: SensorWindow, profile: MotorProfile, s: number, f: number, features: Record<string, number>): OperatingLoad | Finding {
  if (window.loadPct !== undefined) {
    features.load_pct = window.loadPct;
    return { fraction: window.loadPct / 100, source: "load reading" };
  }
  const ratedSlip = profile.supply_hz ? 1 - (profile.pole_pairs * profile.rated_rpm) / (60 * profile.supply_hz) : 0;
  if (!(ratedSlip > 0)) return { fraction: 1, source: "load unknown: full-load limits, the least sensitive" };
  const loadFromSlip = (100 * Math.abs(s) * f) / (ratedSlip * (profile.supply_hz ?? f));
  features.load_from_slip_pct = round(loadFromSlip, 1);
  if (loadFromSlip < MIN_LOAD_PCT)
    return insufficientData(
      FAULT,
      `load ≈ ${fmt(loadFromSlip, 0)} % (slip ${fmt(100 * s, 2)} % of rated ${fmt(100 * ratedSlip, 2)} %) < ${MIN_LOAD_PCT} %: sidebands too weak to judge the rotor`,
      features,
    );
  return { fraction: loadFromSlip / 100, source: "from slip vs rated slip" };
}

interface BrokenBarMeasurements {
  /** LSB (1−2s)f, USB (1+2s)f, (1−4s)f, (1+4s)f, in that order. */
  sidebands: SidebandMeasurement[];
  lsb: SidebandMeasurement;
  /** How far the LSB sits below the fundamental; a lower bound when the LSB is buried in the floor. */
  deltaDb: number;
}

/** The (1 ± 2s)f and (1 ± 4s)f lines over their local floor. */
function measurements(inputs: BrokenBarInputs): BrokenBarMeasurements {
  const { cs, slip, floorHalfWidthHz, features } = inputs;
  const f = cs.fundamentalHz;
  const s = slip.slip;
  const lobeHz = MAIN_LOBE_BINS[TAPER] * cs.spectrum.resolutionHz;
  const family = [
    { name: "LSB (1-2s)f", hz: (1 - 2 * s) * f },
    { name: "USB (1+2s)f", hz: (1 + 2 * s) * f },
    { name: "(1-4s)f", hz: (1 - 4 * s) * f },
    { name: "(1+4s)f", hz: (1 + 4 * s) * f },
  ];
  // Keep the fundamental, the whole family and the eccentricity pair f ± f_r out of the floor estimate.
  const shaftHz = slip.shaftHz;
  const exclusions: FrequencyBand[] = [f, f - shaftHz, f + shaftHz, ...family.map((l) => l.hz)].map((centerHz) => ({
    centerHz,
    halfWidthHz: lobeHz + TOLERANCE_HZ,
  }));
  const sidebands = family.map((l) => measureSideband(cs.spectrum, 1, l.name, l.hz, { toleranceHz: TOLERANCE_HZ, floorHalfWidthHz, exclusions }));
  const [lsb, usb] = sidebands;
  const deltaDb = -lsb.reportedDb;
  features.lsb_delta_db = round(deltaDb, 2);
  features.usb_delta_db = round(-usb.reportedDb, 2);
  features.lsb_floor_db = round(lsb.floorDb, 1);
  features.lsb_detected = lsb.detected ? 1 : 0;
  return { sidebands, lsb, deltaDb };
}

/** The baseline's ΔdB, unless it was taken at a slip (load) too far from today's for a trend to mean anything. */
function usableBaseline(baseline: FeatureBaseline | undefined, s: number): { deltaDb: number | undefined; note: string } {
  const base = baseline?.broken_bar;
  const deltaDb = base?.lsb_delta_db;
  if (deltaDb !== undefined && base?.slip !== undefined && base.slip !== 0 && Math.abs(Math.abs(s) / Math.abs(base.slip) - 1) > BASELINE_SLIP_MISMATCH) {
    return { deltaDb: undefined, note: `; baseline taken at slip ${fmt(100 * base.slip, 2)} % (other load), absolute thresholds used` };
  }
  return { deltaDb, note: "" };
}

/** Status by decide(); an LSB never seen above its floor cannot raise a warning (undecided instead); the bar count when one was seen. */
function decision(inputs: BrokenBarInputs, m: BrokenBarMeasurements, profile: MotorProfile, baseline?: FeatureBaseline): Finding {
  const { cs, slip, spacingHz, neededS, load, features } = inputs;
  const { lsb, deltaDb } = m;
  const s = slip.slip;
  const base = usableBaseline(baseline, s);
  const limits = loadDependentLimits(load.fraction);
  features.limit_load_pct = round(100 * limits.loadFraction, 1);
  features.warning_delta_db = round(limits.warningDeltaDb, 2);
  features.fault_delta_db = round(limits.faultDeltaDb, 2);
  const verdict = decide(deltaDb, base.deltaDb, limits, load.source);
  const condition = thomsonFengerCondition(deltaDb);
  const evidence = brokenBarEvidence(inputs, m, base.deltaDb, limits, condition);

  if (lsb.isUpperBound && verdict.status !== "normal")
    return {
      ...insufficientData(
        FAULT,
        `LSB (1-2s)f at ${fmt(lsb.predictedHz, 2)} Hz not above the local floor (${fmt(lsb.floorDb)} dB): ΔdB ≥ ${fmt(deltaDb)} only, too little to clear the rotor`,
        features,
      ),
      evidence,
    };

  const barsText: string[] = [];
  if (profile.rotor_bars && lsb.detected) {
    const n = brokenBarEstimate(deltaDb, profile.rotor_bars, profile.pole_pairs);
    features.broken_bars_estimate = round(n, 2);
    if (verdict.status !== "normal") barsText.push(`≈ ${fmt(n)} broken bar(s) (R = ${profile.rotor_bars})`);
  }
  const level = lsb.isUpperBound ? `below the floor, ΔdB ≥ ${fmt(deltaDb)}` : `ΔdB = ${fmt(deltaDb)}`;
  const reason =
    `LSB (1-2s)f at ${fmt(lsb.frequencyHz, 2)} Hz: ${level} (s = ${fmt(100 * s, 2)} %, 2sf = ${fmt(spacingHz, 2)} Hz, ` +
    `window ${fmt(cs.durationS)} s ≥ ${fmt(neededS)} s needed); ${verdict.basis}${base.note}; ` +
    `Thomson & Fenger: ${condition}${lsb.isUpperBound ? " or better" : ""}` +
    (barsText.length ? `; ${barsText.join(", ")}` : "");
  return {
    fault_type: FAULT,
    status: verdict.status,
    score: verdict.score,
    features,
    evidence,
    reason,
    baseline_used: base.deltaDb !== undefined,
  };
}

/** f, s, the four sidebands (the LSB against the threshold in force, with its Thomson & Fenger row) and the record length. */
function brokenBarEvidence(
  inputs: BrokenBarInputs,
  m: BrokenBarMeasurements,
  baselineDeltaDb: number | undefined,
  limits: LoadLimits,
  condition: string,
): Evidence[] {
  const { cs, slip, rpm, spacingHz, neededS } = inputs;
  return [
    {
      name: "fundamental f",
      frequency_hz: round(cs.fundamentalHz, 3),
      value: round(cs.fundamentalA, 4),
      unit: "A",
      reference: `phases ${cs.phases.join(",")}`,
    },
    { name: "slip s", value: round(slip.slip, 5), reference: `speed ${fmt(rpm, 0)} rpm, synchronous ${fmt(slip.synchronousRpm, 0)} rpm` },
    ...m.sidebands.map((sb, i) => {
      if (i > 0) return sidebandEvidence(sb);
      const e = sidebandEvidence(sb, baselineDeltaDb === undefined ? -round(limits.warningDeltaDb, 1) : -(baselineDeltaDb - TREND.warning));
      return { ...e, reference: `${e.reference}; Thomson & Fenger (rated load): ${condition}` };
    }),
    {
      name: "record length",
      value: round(cs.durationS, 2),
      unit: "s",
      threshold: round(neededS, 2),
      reference: `needed to resolve 2sf = ${fmt(spacingHz, 2)} Hz`,
    },
  ];
}

function analyze(window: SensorWindow, profile: MotorProfile, baseline?: FeatureBaseline): Finding {
  const inputs = preconditions(window, profile);
  if ("status" in inputs) return inputs;
  return decision(inputs, measurements(inputs), profile, baseline);
}

export const brokenBarAnalyzer: Analyzer = {
  faultType: FAULT,
  requirements: {
    channelsAnyOf: [["ia"]],
    optionalChannels: ["ib", "ic"],
    minSampleRateHz: 500,
    // Only high slip (≥ 4 % at 50 Hz) is resolvable in 1 s; the real need, (3.8 bins)/(2sf − 0.2 Hz), is checked per window.
    minDurationS: 1,
    scalars: ["rpm"],
  },
  analyze,
};
