/**
 * Rolling-element bearing defects from one vibration channel by envelope analysis
 * (SCIENCE.md §3; Randall & Antoni, MSSP 25(2), 2011).
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
 * 4. per family, harmonics k = 1..3: peak within ±2 % of k·f over the ±25 % local median, dB;
 * 5. family rule [D, SCIENCE.md §3, CWRU: healthy ≤ 11 dB, inner/outer race 27–52 dB]:
 *    normal below 12 dB; warning ≥ 15 dB on ≥ 2 of 3 harmonics; fault ≥ 25 dB on ≥ 2 of 3.
 *    "≥ X on 2 of 3" is "the second-highest of the three ≥ X", which is the severity indicator.
 *
 * 3×BPFO ≈ 2×BPFI (10.75× vs 10.83× for a 6205) and sidebands fill the ±2 % windows of higher
 * harmonics, so one comb can lift another family. The winner is the family with the worst status
 * and, among equals, the largest sum of its three harmonic levels: a real comb is strong at h1
 * and h2 as well, a borrowed line lifts only one harmonic.
 *
 * Requirements, checked per window because they depend on speed:
 * - rate: the demodulation range 500 Hz … 0.4·fs must hold a band at least twice the highest line
 *   scored (3 × the largest of BPFO/BPFI/2×BSF, +2 %); a narrower band's squared envelope has
 *   no flat floor up there (its spectrum falls to zero at the band width);
 * - duration: the Hann main lobe (±2/T Hz) must fit inside the ±2 % slip window of the first
 *   harmonic, T ≥ 2/(0.02·f) = 100/f — 0.93 s for a 107 Hz BPFO (SCIENCE: "≥ ~0.5–1 s"); with a
 *   1 s window that is ≥ ~1700 rpm for a 6205-class bearing. The looser T ≥ 50/f was tried and
 *   rejected: a stable line's peak over the local median grows by about 10·log10(T), and at 0.5 s
 *   CWRU inner-race record 105 drops from fault to warning in 14 of 20 windows — the dB rule was
 *   calibrated on records of a second and more.
 *   The cage family (FTF ≈ 0.4·f_r) needs about 8 s at 1800 rpm and is scored only when resolved.
 */
import { bearingFrequencies, defectFamilies, geometryProblem, type DefectFamily } from "./bearing-frequencies";
import { evaluateBand, HARMONICS, NEIGHBOURHOOD, SLIP_TOLERANCE, type BandEvaluation, type FamilyLevels } from "./bearing-envelope";
import { nextPowerOfTwo, realFft } from "./dsp/fft";
import { candidateBands, chooseBand, isImpulsive, rankBandsByKurtosis } from "./dsp/spectral-kurtosis";
import { kurtosis } from "./dsp/statistics";
import { isoClassForPowerKw, isoZone, severityBand, velocityRmsFromSpectrum, zoneNumber } from "./dsp/vibration-severity";
import { insufficientData, severityScore, severityStatus, type SeverityScale } from "./finding";
import type { Analyzer, Evidence, Finding, MotorProfile, SampledSignal, SensorWindow } from "./types";

/** SCIENCE.md §3 family rule, dB of the second-highest harmonic; saturation where CWRU faults sit. */
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
  centred: Float64Array;
  half: Float64Array;
  taper: Float64Array;
  taperPower: number;
}
const workspaces = new Map<number, Workspace>();
/** Record lengths come from the vehicles; keep the few recent ones so odd lengths cannot pile up. */
const MAX_WORKSPACES = 8;

/** Buffers and the end-taper for a record length, made once and reused (least recently used dropped). */
function workspace(n: number, fftSize: number): Workspace {
  let ws = workspaces.get(n);
  if (ws) {
    workspaces.delete(n);
    workspaces.set(n, ws);
  } else {
    if (workspaces.size >= MAX_WORKSPACES) workspaces.delete(workspaces.keys().next().value as number);
    const taper = new Float64Array(n);
    const ramp = Math.max(1, Math.floor(EDGE_TAPER * n));
    let power = 0;
    for (let i = 0; i < n; i++) {
      const edge = Math.min(i, n - 1 - i);
      taper[i] = edge >= ramp ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * (edge + 0.5)) / ramp);
      power += taper[i] * taper[i];
    }
    ws = { centred: new Float64Array(fftSize), half: new Float64Array(fftSize + 2), taper, taperPower: power };
    workspaces.set(n, ws);
  }
  return ws;
}

function vibrationChannel(window: SensorWindow): { name: string; signal: SampledSignal } | null {
  for (const name of ["vib_x", "vib_y", "vib_z"] as const) {
    const signal = window.channels[name];
    if (signal && signal.samples.length > 0) return { name, signal };
  }
  return null;
}

/** Second-highest of the harmonic levels: "≥ X dB on ≥ 2 of 3" ⇔ indicator ≥ X. */
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
  for (let i = 1; i <= HARMONICS; i++) {
    for (let j = 1; j <= HARMONICS; j++) {
      const fa = i * a.family.frequencyHz, fb = j * b.family.frequencyHz;
      if (Math.abs(fa - fb) <= SLIP_TOLERANCE * Math.max(fa, fb)) out.push(`${i}×${a.family.line} ≈ ${j}×${b.family.line}`);
    }
  }
  return out;
}

function analyzeBearing(window: SensorWindow, profile: MotorProfile): Finding {
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

  const n = samples.length;
  const duration = n / rateHz;
  const freqs = bearingFrequencies(geometry, rpm / 60);
  const allFamilies = defectFamilies(freqs);
  const raceAndBall = allFamilies.filter((f) => f.defect !== "cage");
  const highestLine = HARMONICS * Math.max(...raceAndBall.map((f) => f.frequencyHz)) * (1 + SLIP_TOLERANCE);
  const minBandHz = 2 * highestLine;
  const demodMaxHz = DEMOD_MAX_FRACTION_OF_NYQUIST * rateHz / 2;
  if (demodMaxHz - DEMOD_MIN_HZ < minBandHz) {
    const neededRate = (2 * (DEMOD_MIN_HZ + minBandHz)) / DEMOD_MAX_FRACTION_OF_NYQUIST;
    return insufficientData(
      "bearing",
      `sampling rate ${rateHz} Hz too low: demodulation range ${DEMOD_MIN_HZ}–${demodMaxHz.toFixed(0)} Hz cannot hold the ` +
        `${minBandHz.toFixed(0)} Hz band that 3 harmonics at ${rpm} rpm need (needs ≥ ${Math.ceil(neededRate)} Hz)`,
    );
  }
  // Hann main lobe ±2/T inside the ±2 % slip window of the first harmonic.
  const resolvable = (f: DefectFamily): boolean => duration >= 2 / (SLIP_TOLERANCE * f.frequencyHz);
  const lowest = raceAndBall.reduce((a, b) => (a.frequencyHz < b.frequencyHz ? a : b));
  if (!resolvable(lowest)) {
    const needed = 2 / (SLIP_TOLERANCE * lowest.frequencyHz);
    return insufficientData(
      "bearing",
      `record of ${duration.toFixed(3)} s too short: resolving ${lowest.line} = ${lowest.frequencyHz.toFixed(1)} Hz within ±2 % needs ≥ ${needed.toFixed(2)} s`,
    );
  }
  const families = allFamilies.filter(resolvable);

  // Spectrum of the mean-free, end-tapered record; copied because later transforms reuse the plan.
  const fftSize = nextPowerOfTwo(n);
  const ws = workspace(n, fftSize);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += samples[i];
  mean /= n;
  if (!Number.isFinite(mean)) return insufficientData("bearing", `${channel.name} holds non-finite samples`);
  for (let i = 0; i < n; i++) ws.centred[i] = (samples[i] - mean) * ws.taper[i];
  ws.half.set(realFft(ws.centred, fftSize));
  const half = ws.half;

  const bands = candidateBands(DEMOD_MIN_HZ, demodMaxHz, minBandHz);
  const valid = { from: (EDGE_TAPER * n) / fftSize, to: ((1 - EDGE_TAPER) * n) / fftSize };
  const ranked = rankBandsByKurtosis(half, fftSize, rateHz, bands, valid);
  const ctx = { half, fftSize, rateHz, recordLength: n, maxEnvelopeHz: highestLine * (1 + NEIGHBOURHOOD) };
  const validDuration = (1 - 2 * EDGE_TAPER) * duration;
  const choice = chooseBand<BandEvaluation>(
    ranked,
    TOP_SK_BANDS,
    (r) => isImpulsive(r, validDuration),
    (band) => evaluateBand(ctx, band, families),
  );
  if (!choice) return insufficientData("bearing", "no demodulation band could be formed");
  const band = choice.chosen.band;

  const ordered = rankFamilies(choice.evaluation.families);
  const winner = ordered[0];
  const indicator = familyIndicator(winner);
  const status = severityStatus(indicator, BEARING_SCALE);

  const velocity = velocityRmsFromSpectrum(half, fftSize, rateHz, ws.taperPower, severityBand(rpm));
  // Apparent power as an upper bound of shaft power, to pick the ISO 10816-1 class.
  const isoClass = isoClassForPowerKw((Math.sqrt(3) * profile.rated_voltage_v * profile.rated_current_a) / 1000);
  const zone = isoZone(velocity, isoClass);

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
  Object.assign(features, {
    indicator_db: round(indicator, 2),
    // 0 BPFO/outer race, 1 BPFI/inner race, 2 2×BSF/ball, 3 FTF/cage — reported even when normal.
    winning_family: FAMILY_ORDER.indexOf(winner.family.line),
    kurtosis: round(kurtosis(samples), 3),
    velocity_rms_mm_s: round(velocity, 3),
    iso_zone: zoneNumber(zone),
    iso_class: ["I", "II", "III", "IV"].indexOf(isoClass) + 1,
    demod_lo_hz: round(band.loHz, 1),
    demod_hi_hz: round(band.hiHz, 1),
    demod_sk: round(choice.chosen.kurtosis, 3),
    demod_sk_rank: choice.skRank,
    periodicity_db: round(choice.evaluation.score, 2),
    envelope_resolution_hz: round(1 / duration, 4),
    cage_resolved: families.some((f) => f.defect === "cage") ? 1 : 0,
  });

  const threshold = status === "fault" ? BEARING_SCALE.fault : BEARING_SCALE.warning;
  const evidence: Evidence[] = winner.lines.map((l) => ({
    name: `${winner.family.line} h${l.harmonic}`,
    frequency_hz: round(l.frequencyHz, 2),
    level_db: round(l.levelDb, 2),
    threshold,
    reference: `local median ±${NEIGHBOURHOOD * 100}% in the squared-envelope spectrum`,
  }));
  evidence.push(
    {
      name: `demodulation band ${band.loHz.toFixed(0)}–${band.hiHz.toFixed(0)} Hz`,
      frequency_hz: round((band.loHz + band.hiHz) / 2, 1),
      value: round(choice.chosen.kurtosis, 3),
      unit: "spectral kurtosis",
      reference: `rank ${choice.skRank + 1} by SK of ${ranked.length} bands; ${choice.compared} compared by periodicity`,
    },
    { name: "velocity RMS 10–1000 Hz", value: round(velocity, 3), unit: "mm/s", reference: `ISO 10816-1 class ${isoClass}, zone ${zone}` },
  );

  const levels = winner.lines.map((l) => l.levelDb.toFixed(1)).join("/");
  let reason =
    status !== "normal"
      ? `${winner.family.defect.replace("_", " ")} defect: ${winner.family.line} harmonics ${levels} dB over the local median`
      : indicator >= NORMAL_BELOW_DB
        ? `grey zone, watch: ${winner.family.line} at ${levels} dB (h1/h2/h3), ${NORMAL_BELOW_DB}–${BEARING_SCALE.warning} dB on 2 of 3`
        : `no defect comb: strongest family ${winner.family.line} at ${levels} dB (h1/h2/h3) over the local median`;
  const runnerUp = ordered[1];
  if (status !== "normal" && runnerUp && severityStatus(familyIndicator(runnerUp), BEARING_SCALE) !== "normal") {
    const shared = coincidentLines(winner, runnerUp);
    reason += `; ${runnerUp.family.line} also raised (${runnerUp.lines.map((l) => l.levelDb.toFixed(1)).join("/")} dB)` +
      (shared.length ? `, sharing ${shared.join(", ")}` : "") + `, weaker as a family`;
  }
  reason += `; band ${band.loHz.toFixed(0)}–${band.hiHz.toFixed(0)} Hz`;

  const finding: Finding = {
    fault_type: "bearing",
    status,
    score: severityScore(indicator, BEARING_SCALE),
    features,
    evidence,
    reason,
  };
  if (status !== "normal") finding.bearing_defect = winner.family.defect;
  return finding;
}

function round(x: number, digits: number): number {
  const p = 10 ** digits;
  return Math.round(x * p) / p;
}

export const bearingAnalyzer: Analyzer = {
  faultType: "bearing",
  requirements: {
    channelsAnyOf: [["vib_x"], ["vib_y"], ["vib_z"]],
    // Floors only: the band and duration actually needed depend on speed and are checked per window.
    minSampleRateHz: 4096,
    minDurationS: 0.5,
    scalars: ["rpm"],
  },
  analyze: (window, profile) => analyzeBearing(window, profile),
};
