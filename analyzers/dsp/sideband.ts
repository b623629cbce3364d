/**
 * Measuring one sideband line at a predicted frequency in a spectrum normalised to the fundamental:
 * the largest peak within ±tolerance, its level in dB re the fundamental, and the local noise floor
 * (median of the surrounding bins, other lines excluded). A line that does not stand clear of that
 * floor is not reported as a level: only an upper bound is (docs/science.md#amplitude-spectra-and-db measures dB "relative to
 * the fundamental in the same spectrum").
 */
import { round } from "../round";
import type { Evidence } from "../types";
import { peakInBand, toDb, type AmplitudeSpectrum } from "./spectrum";
import { pooledCache } from "./scratch";
import { scallopingGain, type TaperName } from "./window-functions";

/**
 * Peak-over-median margin for "the line is there". For noise alone, bin amplitudes are Rayleigh
 * distributed and P(peak > 10 dB over the median) = exp(−(3.16·1.177)²/2) ≈ 0.1 % per independent bin.
 */
export const DETECTION_MARGIN_DB = 10;

/** Half-width of the taper's main lobe in resolution bins (first null). */
export const MAIN_LOBE_BINS: Readonly<Record<TaperName, number>> = { hann: 2, "blackman-harris": 4 };

export interface FrequencyBand {
  centerHz: number;
  halfWidthHz: number;
}

export interface SidebandSearch {
  /** The peak is searched within predicted ± tolerance (docs/science.md#sideband-measurement: ±0.1–0.2 Hz). */
  toleranceHz: number;
  /** Half-width of the band whose median is the local floor. */
  floorHalfWidthHz: number;
  /** Other lines (fundamental, other sidebands) kept out of the floor estimate. */
  exclusions?: readonly FrequencyBand[];
  detectionMarginDb?: number;
}

export interface SidebandMeasurement {
  name: string;
  predictedHz: number;
  /** Where the peak was found (the predicted frequency when nothing stood out). */
  frequencyHz: number;
  /** Largest level within the tolerance, dB re fundamental (noise included). */
  peakDb: number;
  /** Local floor (band median), dB re fundamental. */
  floorDb: number;
  /** peakDb − floorDb. */
  prominenceDb: number;
  /** True when the peak stands ≥ detection margin above the floor. */
  detected: boolean;
  /**
   * The level to use: the peak when detected, otherwise floor + margin — any line stronger than
   * that would have been detected, so the true sideband is at most this (an upper bound).
   */
  reportedDb: number;
  isUpperBound: boolean;
}

/** Median of the amplitudes in [loHz, hiHz] outside every exclusion band; 0 when no bin remains. */
export function floorMedian(spectrum: AmplitudeSpectrum, loHz: number, hiHz: number, exclusions: readonly FrequencyBand[]): number {
  const { amplitude, binHz } = spectrum;
  const lo = Math.max(1, Math.ceil(loHz / binHz));
  const hi = Math.min(amplitude.length - 1, Math.floor(hiHz / binHz));
  const values: number[] = [];
  for (let k = lo; k <= hi; k++) {
    const f = k * binHz;
    let excluded = false;
    for (const e of exclusions)
      if (Math.abs(f - e.centerHz) <= e.halfWidthHz) {
        excluded = true;
        break;
      }
    if (!excluded) values.push(amplitude[k]);
  }
  if (values.length === 0) return 0;
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}

/**
 * Measures the line `name` predicted at `predictedHz` in `spectrum`, whose amplitudes are relative to
 * a fundamental of amplitude `fundamentalAmplitude` (1 for a normalised spectrum).
 */
export function measureSideband(
  spectrum: AmplitudeSpectrum,
  fundamentalAmplitude: number,
  name: string,
  predictedHz: number,
  search: SidebandSearch,
): SidebandMeasurement {
  const lobeHz = MAIN_LOBE_BINS[spectrum.taper] * spectrum.resolutionHz;
  const margin = search.detectionMarginDb ?? DETECTION_MARGIN_DB;
  // Never narrower than the bin spacing, or a short record's band could hold no bin at all.
  const halfWidth = Math.max(search.toleranceHz, 0.6 * spectrum.binHz);
  const peak = peakInBand(spectrum, predictedHz - halfWidth, predictedHz + halfWidth);
  const own: FrequencyBand = { centerHz: predictedHz, halfWidthHz: search.toleranceHz + lobeHz };
  const floor = floorMedian(spectrum, predictedHz - search.floorHalfWidthHz, predictedHz + search.floorHalfWidthHz, [own, ...(search.exclusions ?? [])]);
  const peakDb = peak ? toDb(peak.amplitude, fundamentalAmplitude) : -300;
  const floorDb = toDb(floor, fundamentalAmplitude);
  const prominenceDb = peakDb - floorDb;
  const detected = peak !== null && prominenceDb >= margin;
  return {
    name,
    predictedHz,
    frequencyHz: detected && peak ? peak.frequencyHz : predictedHz,
    peakDb,
    floorDb,
    prominenceDb,
    detected,
    reportedDb: detected ? peakDb : peak ? Math.min(peakDb, floorDb + margin) : floorDb + margin,
    isUpperBound: !detected,
  };
}

/** The evidence entry of a measurement: measured level, or the bound with "≤" in its reference. */
export function sidebandEvidence(m: SidebandMeasurement, threshold?: number): Evidence {
  return {
    name: m.name,
    frequency_hz: round(m.frequencyHz, 3),
    level_db: round(m.reportedDb, 1),
    ...(threshold !== undefined ? { threshold } : {}),
    reference: m.isUpperBound
      ? `fundamental (upper bound: no line ${DETECTION_MARGIN_DB} dB above the local floor ${round(m.floorDb, 1)} dB)`
      : `fundamental (local floor ${round(m.floorDb, 1)} dB)`,
  };
}

const leakageCache = pooledCache<string, number>("leakage distances");

/**
 * Distance from a tone, in resolution bins, beyond which the taper's leakage stays below `levelDb`
 * (e.g. −70 dB) — where a weaker line can be measured next to a strong one. From the taper's
 * continuous spectrum (scallopingGain); Blackman-Harris ≈ 3.8 bins at −70 dB, Hann ≈ 10.
 */
export function leakageBins(name: TaperName, levelDb: number): number {
  return leakageCache.get(`${name}:${levelDb}`, () => {
    const limit = 10 ** (levelDb / 20);
    let d = 64;
    // Walk inwards from far out until the leakage first exceeds the limit.
    for (let x = 64; x >= 0; x -= 0.01) {
      if (scallopingGain(name, x) > limit) break;
      d = x;
    }
    return d;
  });
}

/**
 * Record length needed to measure a line `separationHz` from a stronger one `dynamicRangeDb` above it,
 * when its search band reaches `toleranceHz` towards the strong line: the nearest searched frequency
 * must lie beyond the strong line's leakage skirt, (separation − tolerance)·T ≥ leakageBins.
 */
export function minimumRecordSeconds(separationHz: number, toleranceHz: number, name: TaperName, dynamicRangeDb: number): number {
  const clear = Math.abs(separationHz) - toleranceHz;
  if (!(clear > 0)) return Infinity;
  return leakageBins(name, -dynamicRangeDb) / clear;
}
