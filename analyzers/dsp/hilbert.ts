/**
 * Analytic signal and squared envelope by the FFT method (scipy.signal.hilbert): transform,
 * keep DC and Nyquist, double the positive frequencies, zero the negative ones, transform back.
 * The squared envelope |x_a|² is what envelope analysis of bearings demodulates
 * (Randall & Antoni 2011, docs/science.md#squared-envelope-spectrum).
 *
 * `bandComplexEnvelope` fuses band-pass, analytic signal and decimation for the analyzer: it
 * takes the bins of one band from an already computed spectrum, shifts them to baseband and
 * runs one small inverse FFT, so demodulating a 1 kHz band of a 1 s record costs a 2–4k-point
 * transform instead of two 8k-point ones.
 */
import type { Samples } from "../types";
import { complexFft, nextPowerOfTwo, realFft } from "./fft";
import { bandPassGain } from "./filters";
import { pooledCache } from "./scratch";

/**
 * Analytic signal of `x` as interleaved (re, im), length 2·x.length. Lengths that are not a power
 * of two are zero-padded to one, which bends the envelope near the end of the record.
 */
export function analyticSignal(x: Samples): Float64Array {
  const n = x.length;
  const size = nextPowerOfTwo(n);
  const half = realFft(x, size);
  const full = new Float64Array(2 * size);
  full[0] = half[0];
  full[1] = half[1];
  for (let k = 1; k < size / 2; k++) {
    full[2 * k] = 2 * half[2 * k];
    full[2 * k + 1] = 2 * half[2 * k + 1];
  }
  full[size] = half[size];
  full[size + 1] = half[size + 1];
  const y = complexFft(full, true);
  return y.slice(0, 2 * n);
}

/** |x_a|² minus its mean: the squared envelope as envelope analysis uses it. */
export function squaredEnvelope(x: Samples): Float64Array {
  const a = analyticSignal(x);
  const n = x.length;
  const e = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = a[2 * i] * a[2 * i] + a[2 * i + 1] * a[2 * i + 1];
    e[i] = v;
    sum += v;
  }
  const m = n ? sum / n : 0;
  for (let i = 0; i < n; i++) e[i] -= m;
  return e;
}

export interface BandSpec {
  loHz: number;
  hiHz: number;
  /** Raised-cosine edge width, Hz (see filters.bandPassGain). */
  transitionHz: number;
}

/** Number of bins the band occupies, edges included: the smallest `outSize` that holds it. */
export function bandSupportBins(band: BandSpec, binHz: number): number {
  const lo = Math.max(1, Math.ceil((band.loHz - band.transitionHz / 2) / binHz));
  const hi = Math.floor((band.hiHz + band.transitionHz / 2) / binHz);
  return Math.max(0, hi - lo + 1);
}

const inputs = pooledCache<number, Float64Array>("complex envelope inputs");

/**
 * Complex envelope (analytic signal shifted to baseband) of one band of a real signal, from its
 * half spectrum `half` (realFft output, bins 0..fftSize/2, interleaved) — decimated to `outSize`
 * complex samples spanning the same time as the fftSize input samples (rate rateHz·outSize/fftSize).
 * Its modulus is the band-passed signal's envelope in the signal's unit. It is returned
 * complex-conjugated: a forward FFT of the conjugated bins is the conjugate of the inverse FFT, which
 * saves fft.js's conjugation passes, and envelope analysis uses only |z|.
 * `outSize` must be a power of two ≥ bandSupportBins; to keep the squared envelope alias-free
 * up to F Hz it must also cover (band support + F)/binHz.
 * Returns a view of an FFT plan buffer: consume it before the next transform of that size.
 */
export function bandComplexEnvelope(half: Float64Array, fftSize: number, rateHz: number, band: BandSpec, outSize: number): Float64Array {
  const binHz = rateHz / fftSize;
  const lo = Math.max(1, Math.ceil((band.loHz - band.transitionHz / 2) / binHz));
  const hi = Math.min(fftSize / 2 - 1, Math.floor((band.hiHz + band.transitionHz / 2) / binHz));
  if (hi - lo + 1 > outSize) throw new RangeError(`band of ${hi - lo + 1} bins does not fit ${outSize} output samples`);
  const buf = inputs.get(outSize, () => new Float64Array(2 * outSize));
  buf.fill(0);
  const centre = Math.round((band.loHz + band.hiHz) / 2 / binHz);
  // Doubling (analytic signal) and 1/fftSize of the inverse transform of the full-length record.
  const scale = 2 / fftSize;
  for (let k = lo; k <= hi; k++) {
    const g = scale * bandPassGain(k * binHz, band.loHz, band.hiHz, band.transitionHz);
    let j = (k - centre) % outSize;
    if (j < 0) j += outSize;
    buf[2 * j] = half[2 * k] * g;
    buf[2 * j + 1] = -half[2 * k + 1] * g;
  }
  return complexFft(buf, false);
}
