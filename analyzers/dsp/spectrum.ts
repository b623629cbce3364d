/**
 * One-sided amplitude spectrum in physical units (a sinusoid of amplitude A shows a peak of A),
 * dB relative to a reference, and peak search with interpolation between bins.
 * Conventions follow scipy.signal: Hz on the frequency axis, periodic tapers.
 */
import type { Samples } from "../types";
import { nextPowerOfTwo, realFft } from "./fft";
import { scallopingGain, taper, type TaperName } from "./window-functions";

export interface AmplitudeSpectrum {
  /** Amplitude per bin 0..size/2, in the signal's unit. */
  amplitude: Float64Array;
  /** Bin spacing, Hz (rate / FFT size). */
  binHz: number;
  /** Resolution of the analysed record, Hz (rate / samples analysed), coarser than binHz when zero-padded. */
  resolutionHz: number;
  taper: TaperName;
}

export interface SpectrumOptions {
  taper?: TaperName;
  /** FFT size; defaults to the next power of two ≥ the signal length (zero padding). */
  size?: number;
  /** Subtract the mean first, so DC leakage does not mask low-frequency lines (default true). */
  removeMean?: boolean;
}

export function mean(x: Samples | ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}

export function amplitudeSpectrum(
  signal: Samples,
  rateHz: number,
  options: SpectrumOptions = {},
  /** Reuse this array for the result when it has the right length (hot paths). */
  into?: Float64Array,
): AmplitudeSpectrum {
  const n = signal.length;
  const size = options.size ?? nextPowerOfTwo(n);
  const len = Math.min(n, size);
  const name = options.taper ?? "hann";
  const t = taper(name, len);
  const offset = (options.removeMean ?? true) ? mean(signal.subarray(0, len)) : 0;
  const spec = realFft(signal, size, t.values, offset);
  const bins = size / 2 + 1;
  const amplitude = into && into.length === bins ? into : new Float64Array(bins);
  const norm = 2 / (len * t.coherentGain);
  for (let k = 0; k < bins; k++) {
    const re = spec[2 * k],
      im = spec[2 * k + 1];
    amplitude[k] = Math.sqrt(re * re + im * im) * norm;
  }
  amplitude[0] /= 2;
  return { amplitude, binHz: rateHz / size, resolutionHz: rateHz / len, taper: name };
}

/** 20·log10(a / reference); −inf guarded to a floor of −300 dB. */
export function toDb(amplitude: number, reference: number): number {
  if (!(amplitude > 0) || !(reference > 0)) return -300;
  return 20 * Math.log10(amplitude / reference);
}

export interface SpectralPeak {
  frequencyHz: number;
  amplitude: number;
  bin: number;
}

/**
 * Largest bin in [loHz, hiHz], refined by a parabola through the log-magnitudes of
 * the peak bin and its neighbours; the amplitude is corrected for the taper's scalloping
 * loss at that offset. Returns null when the band holds no bin.
 */
export function peakInBand(spectrum: AmplitudeSpectrum, loHz: number, hiHz: number): SpectralPeak | null {
  const { amplitude, binHz } = spectrum;
  const lo = Math.max(1, Math.ceil(loHz / binHz));
  const hi = Math.min(amplitude.length - 2, Math.floor(hiHz / binHz));
  if (hi < lo) return null;
  let best = lo;
  for (let k = lo + 1; k <= hi; k++) if (amplitude[k] > amplitude[best]) best = k;
  const a = Math.log(amplitude[best - 1] + 1e-300);
  const b = Math.log(amplitude[best] + 1e-300);
  const c = Math.log(amplitude[best + 1] + 1e-300);
  const denom = a - 2 * b + c;
  const delta = denom < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / denom)) : 0;
  // Offset in units of the record's own resolution (differs from bins when zero-padded).
  const offset = (delta * binHz) / spectrum.resolutionHz;
  return { frequencyHz: (best + delta) * binHz, amplitude: amplitude[best] / scallopingGain(spectrum.taper, offset), bin: best };
}

/** Median amplitude of the bins in [loHz, hiHz], skipping bins within `excludeHalfWidthHz` of `excludeHz`. */
export function bandMedian(spectrum: AmplitudeSpectrum, loHz: number, hiHz: number, excludeHz?: number, excludeHalfWidthHz = 0): number {
  const { amplitude, binHz } = spectrum;
  const lo = Math.max(1, Math.ceil(loHz / binHz));
  const hi = Math.min(amplitude.length - 1, Math.floor(hiHz / binHz));
  const values: number[] = [];
  for (let k = lo; k <= hi; k++) {
    if (excludeHz !== undefined && Math.abs(k * binHz - excludeHz) <= excludeHalfWidthHz) continue;
    values.push(amplitude[k]);
  }
  if (values.length === 0) return 0;
  values.sort((x, y) => x - y);
  const mid = values.length >> 1;
  return values.length % 2 ? values[mid] : 0.5 * (values[mid - 1] + values[mid]);
}
