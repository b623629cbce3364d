/**
 * The squared-envelope spectrum of one demodulation band and the harmonic levels of each defect
 * family in it (docs/science.md#squared-envelope-spectrum): band-pass + analytic signal (one small inverse FFT from
 * the window's spectrum), |z|² minus its mean, Hann, FFT; then for k = 1..K (K = 3, or 2 when the
 * demodulation band cannot hold a third harmonic, bearing.ts) the largest bin within
 * ±2 % of k·f (rolling elements slip 1–2 %, Randall & Antoni 2011) over the median of the ±25 %
 * neighbourhood, in dB.
 * Buffers are cached per size and reused: the result holds only small plain objects.
 */
import type { DefectFamily } from "./bearing-frequencies";
import { nextPowerOfTwo, realFft } from "./dsp/fft";
import { bandComplexEnvelope, bandSupportBins, type BandSpec } from "./dsp/hilbert";
import { pooledCache, type BoundedCache } from "./dsp/scratch";
import { medianInPlace } from "./dsp/statistics";

/** Peak search half-width as a fraction of the line frequency (rolling-element slip). */
export const SLIP_TOLERANCE = 0.02;
/** Local-median neighbourhood half-width as a fraction of the line frequency. */
export const NEIGHBOURHOOD = 0.25;
/** Harmonics scored per family when the band holds them (docs/science.md#bearing-family-rule: harmonics 1–3). */
export const MAX_HARMONICS = 3;
/** Fewest harmonics the "≥ X dB on 2 of K" family rule can be applied to. */
export const MIN_HARMONICS = 2;

export interface HarmonicLine {
  harmonic: number;
  /** Where the peak was found (bin centre), Hz. */
  frequencyHz: number;
  /** Peak over the local median, dB. */
  levelDb: number;
}

export interface FamilyLevels {
  family: DefectFamily;
  lines: HarmonicLine[];
}

export interface BandEvaluation {
  /** Periodicity score: the best family's mean harmonic level, dB (the geometric mean of its peak ratios). */
  score: number;
  families: FamilyLevels[];
}

export interface EnvelopeContext {
  /** Half spectrum of the tapered record (realFft layout). */
  half: Float64Array;
  fftSize: number;
  rateHz: number;
  /** Samples of the record inside the FFT frame (the rest is zero padding). */
  recordLength: number;
  /** Highest envelope frequency any score looks at, Hz. */
  maxEnvelopeHz: number;
}

const envelopes = pooledCache<number, Float64Array>("squared envelopes");
const amplitudes = pooledCache<number, Float64Array>("envelope spectra");
let medianScratch = new Float64Array(1024);

function cached(cache: BoundedCache<number, Float64Array>, size: number): Float64Array {
  return cache.get(size, () => new Float64Array(size));
}

/** Complex-envelope length that holds the band and keeps |z|² alias-free up to maxEnvelopeHz. */
export function envelopeSize(band: BandSpec, binHz: number, maxEnvelopeHz: number): number {
  return nextPowerOfTwo(bandSupportBins(band, binHz) + Math.ceil(maxEnvelopeHz / binHz) + 1);
}

/**
 * Magnitude of the squared-envelope spectrum of `band`, bins 0..maxEnvelopeHz at the record's
 * bin spacing (rate/fftSize). Returns a view of a cached buffer.
 */
export function squaredEnvelopeSpectrum(ctx: EnvelopeContext, band: BandSpec): { magnitude: Float64Array; binHz: number } {
  const binHz = ctx.rateHz / ctx.fftSize;
  const size = envelopeSize(band, binHz, ctx.maxEnvelopeHz);
  const z = bandComplexEnvelope(ctx.half, ctx.fftSize, ctx.rateHz, band, size);
  // The record covers the first recordLength/fftSize of the frame; the rest is padding.
  const length = Math.min(size, Math.ceil((ctx.recordLength * size) / ctx.fftSize));
  const env = cached(envelopes, size);
  let sum = 0;
  for (let i = 0; i < length; i++) {
    const p = z[2 * i] * z[2 * i] + z[2 * i + 1] * z[2 * i + 1];
    env[i] = p;
    sum += p;
  }
  const m = sum / length;
  // Periodic Hann 0.5 − 0.5·cos(2πi/length), the cosine by rotation: the length follows the
  // record's, so a cached table per length would grow with every odd window size.
  const dc = Math.cos((2 * Math.PI) / length),
    ds = Math.sin((2 * Math.PI) / length);
  let c = 1,
    s = 0;
  for (let i = 0; i < length; i++) {
    env[i] = (env[i] - m) * (0.5 - 0.5 * c);
    const next = c * dc - s * ds;
    s = s * dc + c * ds;
    c = next;
  }
  env.fill(0, length);
  const spec = realFft(env, size);
  const bins = Math.min(size / 2, Math.ceil(ctx.maxEnvelopeHz / binHz) + 2);
  const mag = cached(amplitudes, size / 2 + 1);
  for (let k = 0; k < bins; k++) mag[k] = Math.sqrt(spec[2 * k] * spec[2 * k] + spec[2 * k + 1] * spec[2 * k + 1]);
  return { magnitude: mag.subarray(0, bins), binHz };
}

/** Peak (largest bin) within ±SLIP_TOLERANCE of `targetHz` over the ±NEIGHBOURHOOD median, dB. */
export function lineLevel(magnitude: Float64Array, binHz: number, targetHz: number): { frequencyHz: number; levelDb: number } {
  const last = magnitude.length - 1;
  const pLo = Math.max(1, Math.ceil((targetHz * (1 - SLIP_TOLERANCE)) / binHz));
  const pHi = Math.min(last, Math.floor((targetHz * (1 + SLIP_TOLERANCE)) / binHz));
  let best = pLo;
  for (let k = pLo + 1; k <= pHi; k++) if (magnitude[k] > magnitude[best]) best = k;
  const nLo = Math.max(1, Math.ceil((targetHz * (1 - NEIGHBOURHOOD)) / binHz));
  const nHi = Math.min(last, Math.floor((targetHz * (1 + NEIGHBOURHOOD)) / binHz));
  const count = nHi - nLo + 1;
  if (medianScratch.length < count) medianScratch = new Float64Array(2 * count);
  for (let k = nLo; k <= nHi; k++) medianScratch[k - nLo] = magnitude[k];
  const floor = medianInPlace(medianScratch, count);
  const peak = magnitude[best];
  const levelDb = floor > 0 && peak > 0 ? 20 * Math.log10(peak / floor) : 0;
  return { frequencyHz: best * binHz, levelDb };
}

/** Envelope spectrum of `band` and the levels of harmonics 1..`harmonics` of every family in it. */
export function evaluateBand(ctx: EnvelopeContext, band: BandSpec, families: readonly DefectFamily[], harmonics: number): BandEvaluation {
  const { magnitude, binHz } = squaredEnvelopeSpectrum(ctx, band);
  let score = -Infinity;
  const levels: FamilyLevels[] = [];
  for (const family of families) {
    const lines: HarmonicLine[] = [];
    let sum = 0;
    for (let h = 1; h <= harmonics; h++) {
      const l = lineLevel(magnitude, binHz, h * family.frequencyHz);
      lines.push({ harmonic: h, frequencyHz: l.frequencyHz, levelDb: l.levelDb });
      sum += l.levelDb;
    }
    levels.push({ family, lines });
    score = Math.max(score, sum / harmonics);
  }
  return { score, families: levels };
}
