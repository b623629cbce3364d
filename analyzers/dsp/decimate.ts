/**
 * Decimation with anti-aliasing, like scipy.signal.decimate(x, q, ftype="fir", zero_phase=True):
 * a linear-phase Kaiser-windowed-sinc low-pass whose group delay is removed (so zero phase),
 * evaluated only at the kept output samples (polyphase cost: taps × outputs, about 45 MACs
 * per input sample whatever the factor).
 *
 * Why: current-signature lines sit within a few hundred Hz of DC, so a long record at
 * 8192 Hz is mostly wasted bandwidth; decimating first makes the long FFT the resolution
 * needs cheap (SCIENCE.md §1 step 3: "decimate to about 500–2000 Hz").
 */
import type { SampledSignal, Samples } from "../types";

export interface DecimationOptions {
  /** Stop-band attenuation (and pass-band ripple 10^(−A/20)), dB. Default 70: ≥ 60 dB alias rejection with margin. */
  attenuationDb?: number;
  /** Pass-band edge as a fraction of the output Nyquist frequency (scipy's IIR default is 0.8). */
  passbandFraction?: number;
}

const DEFAULT_ATTENUATION_DB = 70;
const DEFAULT_PASSBAND_FRACTION = 0.8;

const kernels = new Map<string, Float64Array>();

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β < 20). */
function besselI0(x: number): number {
  let sum = 1, term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 60; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * Low-pass FIR for decimation by `factor`: pass band up to passbandFraction·(fs/2q), stop band from fs/2q,
 * so nothing that would fold back below the output Nyquist frequency survives with more than −A dB.
 * Kaiser's design formulas (Oppenheim & Schafer §7.6); odd length so the delay is a whole sample count.
 */
export function lowPassKernel(factor: number, options: DecimationOptions = {}): Float64Array {
  const attenuation = options.attenuationDb ?? DEFAULT_ATTENUATION_DB;
  const passband = options.passbandFraction ?? DEFAULT_PASSBAND_FRACTION;
  const key = `${factor}:${attenuation}:${passband}`;
  const cached = kernels.get(key);
  if (cached) return cached;
  const stopEdge = 0.5 / factor; // cycles per input sample
  const passEdge = passband * stopEdge;
  const transition = stopEdge - passEdge;
  const cutoff = 0.5 * (passEdge + stopEdge);
  const beta = attenuation > 50 ? 0.1102 * (attenuation - 8.7) : attenuation >= 21 ? 0.5842 * (attenuation - 21) ** 0.4 + 0.07886 * (attenuation - 21) : 0;
  let order = Math.ceil((attenuation - 7.95) / (2.285 * 2 * Math.PI * transition));
  if (order % 2) order++;
  const half = order / 2;
  const h = new Float64Array(order + 1);
  const norm = besselI0(beta);
  let sum = 0;
  for (let i = 0; i <= order; i++) {
    const m = i - half;
    const sinc = m === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * m) / (Math.PI * m);
    const r = m / half;
    h[i] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / norm);
    sum += h[i];
  }
  for (let i = 0; i <= order; i++) h[i] /= sum; // unit DC gain
  kernels.set(key, h);
  return h;
}

/**
 * Keeps every `factor`-th sample of the low-passed signal; output length ceil(n / factor), output
 * sample m aligned with input sample m·factor (zero phase). The ends are extended by odd reflection
 * (2·x[0] − x[j], as scipy's filtfilt padtype "odd") so the filter does not see a step at the edges.
 */
export function decimate(signal: Samples | ArrayLike<number>, factor: number, options: DecimationOptions = {}): Float64Array {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
  const n = signal.length;
  if (factor === 1) return Float64Array.from(signal as ArrayLike<number>);
  const h = lowPassKernel(factor, options);
  const half = (h.length - 1) / 2;
  const padded = new Float64Array(n + 2 * half);
  for (let i = 0; i < n; i++) padded[half + i] = signal[i];
  const first = signal[0], last = signal[n - 1];
  for (let j = 1; j <= half; j++) {
    padded[half - j] = 2 * first - signal[Math.min(j, n - 1)];
    padded[half + n - 1 + j] = 2 * last - signal[Math.max(n - 1 - j, 0)];
  }
  const outLength = Math.ceil(n / factor);
  const out = new Float64Array(outLength);
  const taps = h.length;
  for (let m = 0; m < outLength; m++) {
    // Output m is centred on input m·factor, i.e. padded index m·factor + half; the kernel spans ±half.
    const start = m * factor;
    let acc = 0;
    for (let i = 0; i < taps; i++) acc += h[i] * padded[start + i];
    out[m] = acc;
  }
  return out;
}

/** Largest integer factor that keeps `highestHz` inside the pass band of the decimated signal (1 when none does). */
export function decimationFactorFor(rateHz: number, highestHz: number, options: DecimationOptions = {}): number {
  const passband = options.passbandFraction ?? DEFAULT_PASSBAND_FRACTION;
  if (!(highestHz > 0) || !(rateHz > 0)) return 1;
  return Math.max(1, Math.floor((passband * rateHz) / (2 * highestHz)));
}

export function decimateSignal(signal: SampledSignal, factor: number, options: DecimationOptions = {}): SampledSignal {
  return { samples: decimate(signal.samples, factor, options), rateHz: signal.rateHz / factor };
}
