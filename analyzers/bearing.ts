/**
 * Rolling-element bearing defects from one vibration channel by envelope analysis
 * (docs/science.md#bearing-defects; Randall & Antoni, MSSP 25(2), 2011).
 *
 * A local defect strikes once per passage — at BPFO, BPFI, 2×BSF or FTF — and each strike rings
 * a structural resonance of a few kHz. Demodulating a band around that resonance turns the
 * strikes into lines at the defect frequency and its harmonics in the squared-envelope spectrum:
 * 1. spectrum of the record (ends tapered so the circular FFT filters do not wrap a step);
 * 2. demodulation band: the highest spectral-kurtosis bands of a 1/3-binary tree within
 *    500 Hz … 0.8·fs/2 (dsp/spectral-kurtosis.ts); of the top 3, those with significantly
 *    impulsive SK (> 3σ of Gaussian noise) are compared by periodicity — the mean harmonic level
 *    of the best family — because kurtosis alone can pick a band of impulsive noise; with none
 *    significant, the highest-SK band is used;
 * 3. band-pass + analytic signal + squared envelope, Hann, FFT (bearing-envelope.ts);
 * 4. per family, harmonics k = 1..K: peak within ±2 % of k·f over the ±25 % local median, dB;
 *    K = 3 (docs/science.md#bearing-family-rule), or K = 2 when the demodulation range cannot hold the band a third
 *    harmonic needs (a fast shaft at a modest rate, e.g. a 6207 at 5400 rpm sampled at 8192 Hz);
 * 5. family rule [D, docs/science.md#bearing-family-rule, CWRU: healthy ≤ 11 dB, inner/outer race 27–52 dB]:
 *    normal below 12 dB; warning ≥ 15 dB on ≥ 2 of K harmonics; fault ≥ 25 dB on ≥ 2 of K.
 *    "≥ X on 2 of K" is "the second-highest of the K levels ≥ X", which is the severity indicator;
 *    with K = 2 it asks both harmonics to clear X — stricter than 2 of 3, never looser, so the
 *    false-alarm argument of the 2-of-3 rule (one stray line cannot raise a family) still holds.
 *
 * 3×BPFO ≈ 2×BPFI (10.75× vs 10.83× for a 6205) and sidebands fill the ±2 % windows of higher
 * harmonics, so one comb can lift another family. The winner is the family with the worst status
 * and, among equals, the largest sum of its K harmonic levels: a real comb is strong at h1
 * and h2 as well, a borrowed line lifts only one harmonic.
 *
 * Requirements, checked per window because they depend on speed:
 * - rate: the demodulation range 500 Hz … 0.4·fs must hold a band at least twice the highest line
 *   scored (K × the largest of BPFO/BPFI/2×BSF, +2 %); a narrower band's squared envelope has
 *   no flat floor up there (its spectrum falls to zero at the band width). K is the largest of
 *   3, 2 that fits; below 2 the family rule cannot be applied and the answer is insufficient_data;
 * - duration: the Hann main lobe (±2/T Hz) must fit inside the ±2 % slip window of the first
 *   harmonic, T ≥ 2/(0.02·f) = 100/f — 0.93 s for a 107 Hz BPFO (docs/science.md#bearing-window-length: at least ~0.5–1 s); with a
 *   1 s window that is ≥ ~1700 rpm for a 6205-class bearing. The looser T ≥ 50/f was tried and
 *   rejected: a stable line's peak over the local median grows by about 10·log10(T), and at 0.5 s
 *   CWRU inner-race record 105 drops from fault to warning in 14 of 20 windows — the dB rule was
 *   calibrated on records of a second and more.
 *   The cage family (FTF ≈ 0.4·f_r) needs about 8 s at 1800 rpm and is scored only when resolved.
 */
import { bearingFrequencies, defectFamilies, geometryProblem, type BearingFrequencies, type DefectFamily } from "./bearing-frequencies";
import { evaluateBand, MAX_HARMONICS, MIN_HARMONICS, NEIGHBOURHOOD, SLIP_TOLERANCE, type BandEvaluation, type FamilyLevels } from "./bearing-envelope";
import { DEFAULT_MOTOR_PROFILE } from "./default-profile";
import { nextPowerOfTwo, realFft } from "./dsp/fft";
import { candidateBands, chooseBand, isImpulsive, rankBandsByKurtosis, type BandChoice } from "./dsp/spectral-kurtosis";
import { pooledCache } from "./dsp/scratch";
import { kurtosis } from "./dsp/statistics";
import { isoClassForPowerKw, isoZone, severityBand, velocityRmsFromSpectrum, zoneNumber, type IsoClass, type IsoZone } from "./dsp/vibration-severity";
import { insufficientData, severityScore, severityStatus, type SeverityScale } from "./finding";
import { round } from "./round";
import type { Analyzer, BearingGeometry, Evidence, Finding, MotorProfile, SampledSignal, SensorWindow } from "./types";

/** Family rule of docs/science.md#bearing-family-rule, dB of the second-highest harmonic; saturation where CWRU faults sit. */
export const BEARING_SCALE: SeverityScale = { warning: 15, fault: 25, saturation: 45 };
/** Below this every family is plainly normal; 12–15 dB is a grey zone still called normal. */
export const NORMAL_BELOW_DB = 12;
export const DEMOD_MIN_HZ = 500;
export const DEMOD_MAX_FRACTION_OF_NYQUIST = 0.8;
/** How many highest-SK bands the periodicity score chooses among. */
export const TOP_SK_BANDS = 3;
/** Cosine ramps on each record end, as a fraction of the record. */
const EDGE_TAPER = 0.05;

const FEATURE_PREFIX: Readonly<Record<DefectFamily["line"], string>> = { BPFO: "bpfo", BPFI: "bpfi", "2xBSF": "bsf2x", FTF: "ftf" };
const FAMILY_ORDER = ["BPFO", "BPFI", "2xBSF", "FTF"] as const;

interface Workspace {
  half: Float64Array;
  taper: Float64Array;
  taperPower: number;
}
/** Record lengths come from the vehicles: the pool keeps the few recent ones so odd lengths cannot pile up. */
const workspaces = pooledCache<number, Workspace>("bearing workspaces");

/** Buffers and the end-taper for a record length, made once and reused. */
function workspace(n: number, fftSize: number): Workspace {
  const ws = workspaces.get(n, () => {
    const taper = new Float64Array(n);
    const ramp = Math.max(1, Math.floor(EDGE_TAPER * n));
    let power = 0;
    for (let i = 0; i < n; i++) {
      const edge = Math.min(i, n - 1 - i);
      taper[i] = edge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / ramp);
      power += taper[i] * taper[i];
    }
    return { half: new Float64Array(fftSize + 2), taper, taperPower: power };
  });
  return ws;
}

function vibrationChannel(window: SensorWindow): { name: string; signal: SampledSignal } | null {
  for (const name of ["vib_x", "vib_y", "vib_z"] as const) {
    const signal = window.channels[name];
    if (signal && signal.samples.length > 0) return { name, signal };
  }
  return null;
}

/** Demodulation band that scoring harmonics 1..k of a line at `lineHz` needs: twice the highest, +2 % slip. */
function bandForHarmonics(k: number, lineHz: number): number {
  return 2 * k * lineHz * (1 + SLIP_TOLERANCE);
}

/** Most harmonics (≤ 3) whose band fits in the demodulation range; 0 when not even one does. */
export function harmonicsThatFit(demodRangeHz: number, highestLineHz: number): number {
  for (let k = MAX_HARMONICS; k >= 1; k--) if (bandForHarmonics(k, highestLineHz) <= demodRangeHz) return k;
  return 0;
}

/** Sampling rate whose demodulation range 500 Hz … 0.4·fs holds the band k harmonics need. */
export function rateForHarmonics(k: number, highestLineHz: number): number {
  return (2 * (DEMOD_MIN_HZ + bandForHarmonics(k, highestLineHz))) / DEMOD_MAX_FRACTION_OF_NYQUIST;
}

/** Record whose Hann main lobe (±2/T) fits in the ±2 % slip window of a line at `lineHz`. */
export function recordForLine(lineHz: number): number {
  return 2 / (SLIP_TOLERANCE * lineHz);
}

/** Lowest rate (2 harmonics) and shortest record a bearing at `rpm` needs — what analyze() checks per window. */
export function bearingWindowNeeds(geometry: BearingGeometry, rpm: number): { sampleRateHz: number; fullSampleRateHz: number; durationS: number } {
  const raceAndBall = defectFamilies(bearingFrequencies(geometry, rpm / 60)).filter((f) => f.defect !== "cage");
  const highest = Math.max(...raceAndBall.map((f) => f.frequencyHz));
  const lowest = Math.min(...raceAndBall.map((f) => f.frequencyHz));
  return {
    sampleRateHz: rateForHarmonics(MIN_HARMONICS, highest),
    fullSampleRateHz: rateForHarmonics(MAX_HARMONICS, highest),
    durationS: recordForLine(lowest),
  };
}

/** Second-highest of the harmonic levels: "≥ X dB on ≥ 2 of K" ⇔ indicator ≥ X (K = 2 or 3). */
function familyIndicator(f: FamilyLevels): number {
  const sorted = f.lines.map((l) => l.levelDb).sort((a, b) => b - a);
  return sorted[1] ?? sorted[0] ?? 0;
}

function familySum(f: FamilyLevels): number {
  return f.lines.reduce((s, l) => s + l.levelDb, 0);
}

/** Worst status first, then the larger family sum. */
function rankFamilies(levels: readonly FamilyLevels[]): FamilyLevels[] {
  const rank = (f: FamilyLevels): number => ({ normal: 0, warning: 1, fault: 2 })[severityStatus(familyIndicator(f), BEARING_SCALE)];
  return [...levels].sort((a, b) => rank(b) - rank(a) || familySum(b) - familySum(a));
}

/** Pairs of harmonics of two families that fall within each other's slip windows. */
function coincidentLines(a: FamilyLevels, b: FamilyLevels): string[] {
  const out: string[] = [];
  for (const la of a.lines) {
    for (const lb of b.lines) {
      const fa = la.harmonic * a.family.frequencyHz,
        fb = lb.harmonic * b.family.frequencyHz;
      if (Math.abs(fa - fb) <= SLIP_TOLERANCE * Math.max(fa, fb)) out.push(`${la.harmonic}×${a.family.line} ≈ ${lb.harmonic}×${b.family.line}`);
    }
  }
  return out;
}

/** What the window and profile provide once every precondition holds. */
interface BearingInputs {
  channelName: string;
  samples: SampledSignal["samples"];
  rateHz: number;
  rpm: number;
  /** Mean of the record, removed before the spectrum. */
  mean: number;
  durationS: number;
  freqs: BearingFrequencies;
  /** Families whose first harmonic the record resolves (the cage only on long records). */
  families: DefectFamily[];
  /** Harmonics scored per family: 3, or 2 when the demodulation range cannot hold the third's band. */
  harmonics: number;
  highestFamilyHz: number;
  demodMaxHz: number;
}

/** A vibration channel, the shaft speed, a usable geometry, a rate whose demodulation range holds ≥ 2 harmonics, a record resolving the lowest line, finite samples. */
function preconditions(window: SensorWindow, profile: MotorProfile): BearingInputs | Finding {
  const channel = vibrationChannel(window);
  if (!channel) return insufficientData("bearing", "no vibration channel (vib_x, vib_y or vib_z) in the window");
  const { samples, rateHz } = channel.signal;
  const rpm = window.rpm;
  if (rpm === undefined || !Number.isFinite(rpm) || rpm <= 0) {
    return insufficientData("bearing", "shaft speed (rpm) missing: bearing defect frequencies are orders of the shaft speed");
  }
  const geometry = profile.bearing;
  const problem = geometry ? geometryProblem(geometry) : "motor profile has no bearing geometry";
  if (problem) return insufficientData("bearing", `bearing geometry unusable: ${problem}`);
  if (!(rateHz > 0)) return insufficientData("bearing", `${channel.name} has no valid sampling rate`);

  const durationS = samples.length / rateHz;
  const freqs = bearingFrequencies(geometry, rpm / 60);
  const allFamilies = defectFamilies(freqs);
  const raceAndBall = allFamilies.filter((f) => f.defect !== "cage");
  const highestFamilyHz = Math.max(...raceAndBall.map((f) => f.frequencyHz));
  const demodMaxHz = (DEMOD_MAX_FRACTION_OF_NYQUIST * rateHz) / 2;
  const harmonics = harmonicsThatFit(demodMaxHz - DEMOD_MIN_HZ, highestFamilyHz);
  if (harmonics < MIN_HARMONICS) {
    return insufficientData(
      "bearing",
      `sampling rate ${rateHz} Hz too low: demodulation range ${DEMOD_MIN_HZ}–${demodMaxHz.toFixed(0)} Hz cannot hold the ` +
        `${bandForHarmonics(MIN_HARMONICS, highestFamilyHz).toFixed(0)} Hz band that ${MIN_HARMONICS} harmonics at ${rpm} rpm need ` +
        `(needs ≥ ${Math.ceil(rateForHarmonics(MIN_HARMONICS, highestFamilyHz))} Hz)`,
    );
  }
  // Hann main lobe ±2/T inside the ±2 % slip window of the first harmonic.
  const resolvable = (f: DefectFamily): boolean => durationS >= recordForLine(f.frequencyHz);
  const lowest = raceAndBall.reduce((a, b) => (a.frequencyHz < b.frequencyHz ? a : b));
  if (!resolvable(lowest)) {
    const needed = recordForLine(lowest.frequencyHz);
    return insufficientData(
      "bearing",
      `record of ${durationS.toFixed(3)} s too short: resolving ${lowest.line} = ${lowest.frequencyHz.toFixed(1)} Hz within ±2 % needs ≥ ${needed.toFixed(2)} s`,
    );
  }
  const mean = recordMean(samples);
  if (!Number.isFinite(mean)) return insufficientData("bearing", `${channel.name} holds non-finite samples`);
  return {
    channelName: channel.name,
    samples,
    rateHz,
    rpm,
    mean,
    durationS,
    freqs,
    families: allFamilies.filter(resolvable),
    harmonics,
    highestFamilyHz,
    demodMaxHz,
  };
}

function recordMean(samples: SampledSignal["samples"]): number {
  let mean = 0;
  for (let i = 0; i < samples.length; i++) mean += samples[i];
  return mean / samples.length;
}

interface BearingMeasurements {
  choice: BandChoice<BandEvaluation>;
  /** Bands ranked by spectral kurtosis (the chosen one among the top TOP_SK_BANDS). */
  bandsRanked: number;
  velocityRmsMmS: number;
  isoClass: IsoClass;
  zone: IsoZone;
}

/** Squared-envelope harmonic levels of every family in the chosen demodulation band, and the ISO 10816 velocity severity. */
function measurements(inputs: BearingInputs, profile: MotorProfile): BearingMeasurements | Finding {
  const { samples, rateHz, mean, durationS, families, harmonics, highestFamilyHz, demodMaxHz } = inputs;
  const n = samples.length;
  const highestLine = harmonics * highestFamilyHz * (1 + SLIP_TOLERANCE);

  // Spectrum of the mean-free, end-tapered record (realFft removes the mean and tapers as it loads the transform);
  // copied because later transforms reuse the plan.
  const fftSize = nextPowerOfTwo(n);
  const ws = workspace(n, fftSize);
  ws.half.set(realFft(samples, fftSize, ws.taper, mean));
  const half = ws.half;

  const bands = candidateBands(DEMOD_MIN_HZ, demodMaxHz, 2 * highestLine);
  const valid = { from: (EDGE_TAPER * n) / fftSize, to: ((1 - EDGE_TAPER) * n) / fftSize };
  const ranked = rankBandsByKurtosis(half, fftSize, rateHz, bands, valid);
  const ctx = { half, fftSize, rateHz, recordLength: n, maxEnvelopeHz: highestLine * (1 + NEIGHBOURHOOD) };
  const validDuration = (1 - 2 * EDGE_TAPER) * durationS;
  const choice = chooseBand<BandEvaluation>(
    ranked,
    TOP_SK_BANDS,
    (r) => isImpulsive(r, validDuration),
    (band) => evaluateBand(ctx, band, families, harmonics),
  );
  if (!choice) return insufficientData("bearing", "no demodulation band could be formed");

  const velocityRmsMmS = velocityRmsFromSpectrum(half, fftSize, rateHz, ws.taperPower, severityBand(inputs.rpm));
  // Apparent power as an upper bound of shaft power, to pick the ISO 10816-1 class.
  const isoClass = isoClassForPowerKw((Math.sqrt(3) * profile.rated_voltage_v * profile.rated_current_a) / 1000);
  return { choice, bandsRanked: ranked.length, velocityRmsMmS, isoClass, zone: isoZone(velocityRmsMmS, isoClass) };
}

type Status = "normal" | "warning" | "fault";

/** The winning family's comb, in the words of the finding's reason. */
interface Comb {
  winner: FamilyLevels;
  /** Its harmonic levels, "31.2/28.0/19.5". */
  levels: string;
  /** Which harmonics they are, "h1/h2/h3". */
  names: string;
  harmonics: number;
}

function defectReason(c: Comb, thresholdDb: number): string {
  return (
    `${c.winner.family.defect.replace("_", " ")} defect: ${c.winner.family.line} harmonics ${c.levels} dB over the local median, ` +
    `≥ ${thresholdDb} dB on 2 of ${c.harmonics}`
  );
}

/**
 * The family rule on the winner's indicator (second-highest harmonic, dB over the local median):
 * the first row whose floor it reaches decides (step 5 of the header; CWRU: healthy ≤ 11 dB, races 27–52 dB).
 * `thresholdDb` is the limit its evidence is shown against.
 */
const FAMILY_RULES: readonly { fromDb: number; status: Status; thresholdDb: number; reason: (c: Comb) => string }[] = [
  { fromDb: BEARING_SCALE.fault, status: "fault", thresholdDb: BEARING_SCALE.fault, reason: (c) => defectReason(c, BEARING_SCALE.fault) },
  { fromDb: BEARING_SCALE.warning, status: "warning", thresholdDb: BEARING_SCALE.warning, reason: (c) => defectReason(c, BEARING_SCALE.warning) },
  {
    fromDb: NORMAL_BELOW_DB,
    status: "normal",
    thresholdDb: BEARING_SCALE.warning,
    reason: (c) =>
      `grey zone, watch: ${c.winner.family.line} at ${c.levels} dB (${c.names}), ${NORMAL_BELOW_DB}–${BEARING_SCALE.warning} dB on 2 of ${c.harmonics}`,
  },
  {
    fromDb: -Infinity,
    status: "normal",
    thresholdDb: BEARING_SCALE.warning,
    reason: (c) => `no defect comb: strongest family ${c.winner.family.line} at ${c.levels} dB (${c.names}) over the local median`,
  },
];

/** First rule whose floor the indicator reaches (a NaN indicator reaches none: the last, "no defect comb"). */
function familyRule(indicatorDb: number): (typeof FAMILY_RULES)[number] {
  return FAMILY_RULES.find((r) => indicatorDb >= r.fromDb) ?? FAMILY_RULES[FAMILY_RULES.length - 1];
}

/** The winning family by the family rule; the reason names a raised runner-up and any lines the two share. */
function decision(inputs: BearingInputs, m: BearingMeasurements): Finding {
  const ordered = rankFamilies(m.choice.evaluation.families);
  const winner = ordered[0];
  const indicator = familyIndicator(winner);
  const rule = familyRule(indicator);
  const comb: Comb = {
    winner,
    levels: winner.lines.map((l) => l.levelDb.toFixed(1)).join("/"),
    names: winner.lines.map((l) => `h${l.harmonic}`).join("/"),
    harmonics: inputs.harmonics,
  };
  let reason = rule.reason(comb);
  const runnerUp = ordered[1];
  if (rule.status !== "normal" && runnerUp && severityStatus(familyIndicator(runnerUp), BEARING_SCALE) !== "normal") {
    const shared = coincidentLines(winner, runnerUp);
    reason +=
      `; ${runnerUp.family.line} also raised (${runnerUp.lines.map((l) => l.levelDb.toFixed(1)).join("/")} dB)` +
      (shared.length ? `, sharing ${shared.join(", ")}` : "") +
      `, weaker as a family`;
  }
  const band = m.choice.chosen.band;
  reason += `; band ${band.loHz.toFixed(0)}–${band.hiHz.toFixed(0)} Hz`;
  if (inputs.harmonics < MAX_HARMONICS) {
    reason +=
      `; ${inputs.harmonics} harmonics scored: the ${DEMOD_MIN_HZ}–${inputs.demodMaxHz.toFixed(0)} Hz demodulation range at ${inputs.rateHz} Hz cannot hold ` +
      `the ${bandForHarmonics(MAX_HARMONICS, inputs.highestFamilyHz).toFixed(0)} Hz band ${MAX_HARMONICS} need at ${inputs.rpm} rpm`;
  }

  const finding: Finding = {
    fault_type: "bearing",
    status: rule.status,
    score: severityScore(indicator, BEARING_SCALE),
    features: bearingFeatures(inputs, m, winner, indicator),
    evidence: bearingEvidence(m, winner, rule.thresholdDb),
    reason,
  };
  if (rule.status !== "normal") finding.bearing_defect = winner.family.defect;
  return finding;
}

function bearingFeatures(inputs: BearingInputs, m: BearingMeasurements, winner: FamilyLevels, indicator: number): Record<string, number> {
  const { freqs, durationS } = inputs;
  const { choice } = m;
  const band = choice.chosen.band;
  const features: Record<string, number> = {
    shaft_hz: freqs.shaftHz,
    bpfo_hz: freqs.bpfo,
    bpfi_hz: freqs.bpfi,
    bsf2x_hz: freqs.twoBsf,
    ftf_hz: freqs.ftf,
  };
  for (const f of choice.evaluation.families) {
    for (const l of f.lines) features[`${FEATURE_PREFIX[f.family.line]}_h${l.harmonic}_db`] = round(l.levelDb, 2);
  }
  return Object.assign(features, {
    indicator_db: round(indicator, 2),
    // 0 BPFO/outer race, 1 BPFI/inner race, 2 2×BSF/ball, 3 FTF/cage — reported even when normal.
    winning_family: FAMILY_ORDER.indexOf(winner.family.line),
    kurtosis: round(kurtosis(inputs.samples), 3),
    velocity_rms_mm_s: round(m.velocityRmsMmS, 3),
    iso_zone: zoneNumber(m.zone),
    iso_class: ["I", "II", "III", "IV"].indexOf(m.isoClass) + 1,
    demod_lo_hz: round(band.loHz, 1),
    demod_hi_hz: round(band.hiHz, 1),
    demod_sk: round(choice.chosen.kurtosis, 3),
    demod_sk_rank: choice.skRank,
    periodicity_db: round(choice.evaluation.score, 2),
    envelope_resolution_hz: round(1 / durationS, 4),
    cage_resolved: inputs.families.some((f) => f.defect === "cage") ? 1 : 0,
    harmonics_scored: inputs.harmonics,
  });
}

/** The winner's harmonics against the threshold in force, the demodulation band, and the ISO 10816 velocity. */
function bearingEvidence(m: BearingMeasurements, winner: FamilyLevels, thresholdDb: number): Evidence[] {
  const { choice } = m;
  const band = choice.chosen.band;
  return [
    ...winner.lines.map((l) => ({
      name: `${winner.family.line} h${l.harmonic}`,
      frequency_hz: round(l.frequencyHz, 2),
      level_db: round(l.levelDb, 2),
      threshold: thresholdDb,
      reference: `local median ±${NEIGHBOURHOOD * 100}% in the squared-envelope spectrum`,
    })),
    {
      name: `demodulation band ${band.loHz.toFixed(0)}–${band.hiHz.toFixed(0)} Hz`,
      frequency_hz: round((band.loHz + band.hiHz) / 2, 1),
      value: round(choice.chosen.kurtosis, 3),
      unit: "spectral kurtosis",
      reference: `rank ${choice.skRank + 1} by SK of ${m.bandsRanked} bands; ${choice.compared} compared by periodicity`,
    },
    { name: "velocity RMS 10–1000 Hz", value: round(m.velocityRmsMmS, 3), unit: "mm/s", reference: `ISO 10816-1 class ${m.isoClass}, zone ${m.zone}` },
  ];
}

function analyzeBearing(window: SensorWindow, profile: MotorProfile): Finding {
  const inputs = preconditions(window, profile);
  if ("status" in inputs) return inputs;
  const m = measurements(inputs, profile);
  if ("status" in m) return m;
  return decision(inputs, m);
}

/**
 * Informational: what a window needs for the default profile's 6205-class bearing at its rated speed
 * (4000 rpm): the rate for 2 harmonics of BPFI (~4.9 kHz; 3 need ~6.8 kHz) and the record that resolves
 * BPFO within ±2 % (~0.42 s). Both scale with speed — a slower shaft needs a longer record (T ∝ 1/rpm),
 * a faster one a higher rate — so analyze() checks them per window against the window's rpm and profile.
 */
const REFERENCE_NEEDS = bearingWindowNeeds(DEFAULT_MOTOR_PROFILE.bearing, DEFAULT_MOTOR_PROFILE.rated_rpm);

export const bearingAnalyzer: Analyzer = {
  faultType: "bearing",
  requirements: {
    channelsAnyOf: [["vib_x"], ["vib_y"], ["vib_z"]],
    minSampleRateHz: Math.ceil(REFERENCE_NEEDS.sampleRateHz),
    minDurationS: Math.ceil(100 * REFERENCE_NEEDS.durationS) / 100,
    scalars: ["rpm"],
  },
  analyze: (window, profile) => analyzeBearing(window, profile),
};
