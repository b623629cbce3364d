/**
 * Zero-phase band-pass and low-pass filters, applied in the frequency domain
 * (scipy's `sosfiltfilt` plays this role in Python).
 *
 * Why the FFT domain rather than Butterworth biquads run forward and backward:
 * - the bearing analyzer already holds the window's spectrum, so filtering a band is
 *   multiplying bins by a gain. The same pass also builds the analytic signal (`hilbert.ts`)
 *   and decimates it, so one small inverse FFT replaces sosfiltfilt + hilbert;
 * - the phase is exactly zero, the pass band is exactly flat (no Butterworth droop near the
 *   edges), and steepness costs nothing;
 * - the edges are raised-cosine ramps rather than brick walls, so the impulse response is short
 *   (it decays within a few 1/transition) and does not ring.
 * The price is circular convolution: the record wraps around. `bandPass`/`lowPass` pad the
 * record with its odd extension first (scipy's default `padtype="odd"`), so the wrap lands in
 * padding that is cut off again. The analyzer tapers its record ends instead (see bearing.ts).
 */
import type { Samples } from "../types";
import { complexFft, nextPowerOfTwo, realFft } from "./fft";

/** Default transition width as a fraction of the band width (or of the cut-off for a low-pass). */
export const DEFAULT_TRANSITION_FRACTION = 0.1;

/**
 * Gain of the band-pass at `fHz`: 1 in the pass band, 0 in the stop band, a raised-cosine ramp
 * of width `transitionHz` centred on each edge (gain 0.5, −6 dB, exactly at `loHz` and `hiHz`).
 * `loHz ≤ 0` means no lower edge (a low-pass).
 */
export function bandPassGain(fHz: number, loHz: number, hiHz: number, transitionHz: number): number {
  const half = transitionHz / 2;
  let g = 1;
  if (loHz > 0) g *= ramp((fHz - (loHz - half)) / transitionHz);
  g *= ramp((hiHz + half - fHz) / transitionHz);
  return g;
}

/** 0 for u ≤ 0, 1 for u ≥ 1, raised cosine in between. */
function ramp(u: number): number {
  if (u <= 0) return 0;
  if (u >= 1) return 1;
  return 0.5 - 0.5 * Math.cos(Math.PI * u);
}

export interface FilterOptions {
  /** Width of each raised-cosine edge, Hz. Default: 10 % of the band width (low-pass: of the cut-off). */
  transitionHz?: number;
}

/** Zero-phase band-pass of a whole record; returns a new array of the same length. */
export function bandPass(x: Samples, rateHz: number, loHz: number, hiHz: number, options: FilterOptions = {}): Float64Array {
  if (!(hiHz > loHz)) throw new RangeError(`band-pass needs hiHz > loHz, got ${loHz}..${hiHz}`);
  const transition = options.transitionHz ?? DEFAULT_TRANSITION_FRACTION * (hiHz - Math.max(0, loHz));
  return applyZeroPhase(x, rateHz, (f) => bandPassGain(f, loHz, hiHz, transition), transition);
}

/** Zero-phase low-pass (e.g. anti-aliasing before decimation); gain 0.5 at `cutoffHz`. */
export function lowPass(x: Samples, rateHz: number, cutoffHz: number, options: FilterOptions = {}): Float64Array {
  const transition = options.transitionHz ?? DEFAULT_TRANSITION_FRACTION * cutoffHz;
  return applyZeroPhase(x, rateHz, (f) => bandPassGain(f, 0, cutoffHz, transition), transition);
}

/**
 * Pads with the odd extension, multiplies the spectrum by the real gain, transforms back and
 * cuts the padding off. The padding covers about four time constants of the ramp's impulse
 * response (4/transition s), after which it has decayed far below the signal.
 */
function applyZeroPhase(x: Samples, rateHz: number, gain: (fHz: number) => number, transitionHz: number): Float64Array {
  const n = x.length;
  if (n < 2) return Float64Array.from(x);
  const pad = Math.min(n - 1, Math.ceil((4 * rateHz) / Math.max(transitionHz, 1e-9)));
  const total = n + 2 * pad;
  const size = nextPowerOfTwo(total);
  const extended = new Float64Array(size);
  for (let i = 0; i < pad; i++) extended[i] = 2 * x[0] - x[pad - i];
  for (let i = 0; i < n; i++) extended[pad + i] = x[i];
  for (let i = 0; i < pad; i++) extended[pad + n + i] = 2 * x[n - 1] - x[n - 2 - i];
  const spectrum = realFft(extended, size);
  const full = new Float64Array(2 * size);
  const binHz = rateHz / size;
  for (let k = 0; k <= size / 2; k++) {
    const g = gain(k * binHz);
    const re = spectrum[2 * k] * g,
      im = spectrum[2 * k + 1] * g;
    full[2 * k] = re;
    full[2 * k + 1] = im;
    if (k > 0 && k < size / 2) {
      // Hermitian mirror: the inverse of a real signal's spectrum.
      full[2 * (size - k)] = re;
      full[2 * (size - k) + 1] = -im;
    }
  }
  const y = complexFft(full, true);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = y[2 * (pad + i)];
  return out;
}
