/**
 * Decimation with anti-aliasing, like scipy.signal.decimate(x, q, ftype="fir", zero_phase=True):
 * linear-phase Kaiser-windowed-sinc low-pass filters whose group delay is removed (zero phase, ends mirrored),
 * evaluated only at the kept samples. A composite factor runs as a cascade of small stages (largest
 * first): every stage only has to keep aliases out of the *final* band, so the early stages have wide
 * transition bands and a handful of taps, and the cost stays near 100 multiply-adds per output sample
 * instead of growing with the factor.
 *
 * Why: current-signature lines sit within a few hundred Hz of DC, so a long record at 8192 Hz is
 * mostly wasted bandwidth; decimating first makes the long FFT the resolution needs cheap
 * (docs/science.md#decimation: "decimate to about 500–2000 Hz").
 */
import type { Samples } from "../types";
import { pooledCache } from "./scratch";

export interface DecimationOptions {
  /** Stop-band attenuation (and pass-band ripple 10^(−A/20)) of every stage, dB. Default 70: ≥ 60 dB alias rejection with margin. */
  attenuationDb?: number;
  /** Pass-band edge as a fraction of the output Nyquist frequency (scipy's IIR default is 0.8). */
  passbandFraction?: number;
}

const DEFAULT_ATTENUATION_DB = 70;
const DEFAULT_PASSBAND_FRACTION = 0.8;

const kernels = pooledCache<string, Float64Array>("kaiser kernels");

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β < 20). */
function besselI0(x: number): number {
  let sum = 1,
    term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 80; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-17 * sum) break;
  }
  return sum;
}

/**
 * Kaiser-window low-pass FIR (Oppenheim & Schafer §7.6) with pass edge and stop edge in cycles per
 * sample; odd length so the delay is a whole number of samples; unit DC gain.
 */
export function kaiserLowPass(passEdge: number, stopEdge: number, attenuationDb: number): Float64Array {
  return kernels.get(`${passEdge}:${stopEdge}:${attenuationDb}`, () => designKaiserLowPass(passEdge, stopEdge, attenuationDb));
}

function designKaiserLowPass(passEdge: number, stopEdge: number, attenuationDb: number): Float64Array {
  const a = attenuationDb;
  const transition = stopEdge - passEdge;
  const cutoff = 0.5 * (passEdge + stopEdge);
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  let order = Math.max(2, Math.ceil((a - 7.95) / (2.285 * 2 * Math.PI * transition)));
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
  for (let i = 0; i <= order; i++) h[i] /= sum;
  return h;
}

/**
 * Single-stage anti-aliasing filter for decimation by `factor`: pass band to passbandFraction·(fs/2q),
 * stop band from fs/2q, so nothing that would fold below the output Nyquist frequency survives above −A dB.
 */
export function lowPassKernel(factor: number, options: DecimationOptions = {}): Float64Array {
  const stopEdge = 0.5 / factor;
  return kaiserLowPass((options.passbandFraction ?? DEFAULT_PASSBAND_FRACTION) * stopEdge, stopEdge, options.attenuationDb ?? DEFAULT_ATTENUATION_DB);
}

/** Prime factors of q, largest first: the order of the cascade's stages. */
export function stageFactors(q: number): number[] {
  const out: number[] = [];
  let rest = q;
  for (let p = 2; p * p <= rest; p++)
    while (rest % p === 0) {
      out.push(p);
      rest /= p;
    }
  if (rest > 1) out.push(rest);
  return out.sort((x, y) => y - x);
}

/** Index j reflected into [0, n): x[−j] = x[j], x[n−1+j] = x[n−1−j] (clamped for records shorter than the kernel). */
function mirrorIndex(j: number, n: number): number {
  if (j < 0) j = -j;
  if (j >= n) j = 2 * (n - 1) - j;
  return j < 0 ? 0 : j >= n ? n - 1 : j;
}

/**
 * Filters with the symmetric kernel `h` (zero phase) and keeps every `factor`-th sample. The ends are
 * mirrored (x[−j] = x[j]): no step, and unlike odd reflection (2·x[0] − x[j]) no spurious DC offset when
 * x[0] is not representative. No padded copy: fresh memory is slow on these machines (docs/performance.md#fresh-memory).
 */
function filterAndDownsample(x: Float64Array, h: Float64Array, factor: number, out: Float64Array): Float64Array {
  const n = x.length;
  const half = (h.length - 1) / 2;
  const centre = h[half];
  // Outputs whose kernel lies wholly inside the record: m·factor ∈ [half, n − 1 − half].
  const firstInterior = Math.ceil(half / factor);
  const lastInterior = Math.floor((n - 1 - half) / factor);
  for (let m = 0; m < out.length; m++) {
    if (m === firstInterior && firstInterior <= lastInterior) {
      // Interior: fold the symmetric taps (half the multiplications), no index checks.
      for (; m <= lastInterior; m++) {
        const c = m * factor;
        let acc = centre * x[c];
        for (let i = 1; i <= half; i++) acc += h[half + i] * (x[c - i] + x[c + i]);
        out[m] = acc;
      }
      if (m >= out.length) break;
    }
    out[m] = mirroredSample(x, h, m * factor);
  }
  return out;
}

/** One output near the ends, where the kernel reaches past the record (mirrored indices). */
function mirroredSample(x: Float64Array, h: Float64Array, c: number): number {
  const n = x.length;
  const half = (h.length - 1) / 2;
  let acc = h[half] * x[c];
  for (let i = 1; i <= half; i++) acc += h[half + i] * (x[mirrorIndex(c - i, n)] + x[mirrorIndex(c + i, n)]);
  return acc;
}

/**
 * filterAndDownsample of three records of one length in one pass: each tap is loaded once for the three. Every
 * output takes the same terms in the same order as the single-record loop, so the results are identical.
 */
function filterAndDownsampleThree(x: readonly Float64Array[], h: Float64Array, factor: number, out: readonly Float64Array[]): void {
  const [x0, x1, x2] = x;
  const [o0, o1, o2] = out;
  const n = x0.length;
  const half = (h.length - 1) / 2;
  const centre = h[half];
  const firstInterior = Math.ceil(half / factor);
  const lastInterior = Math.floor((n - 1 - half) / factor);
  for (let m = 0; m < o0.length; m++) {
    if (m === firstInterior && firstInterior <= lastInterior) {
      for (; m <= lastInterior; m++) {
        const c = m * factor;
        let a0 = centre * x0[c],
          a1 = centre * x1[c],
          a2 = centre * x2[c];
        for (let i = 1; i <= half; i++) {
          const t = h[half + i];
          a0 += t * (x0[c - i] + x0[c + i]);
          a1 += t * (x1[c - i] + x1[c + i]);
          a2 += t * (x2[c - i] + x2[c + i]);
        }
        o0[m] = a0;
        o1[m] = a1;
        o2[m] = a2;
      }
      if (m >= o0.length) break;
    }
    const c = m * factor;
    o0[m] = mirroredSample(x0, h, c);
    o1[m] = mirroredSample(x1, h, c);
    o2[m] = mirroredSample(x2, h, c);
  }
}

/**
 * decimate() of three records of one length (the phase currents) sharing each stage's pass over the kernel;
 * identical to three decimate() calls. Results go to `into[k]` when it has room, as in decimate().
 */
export function decimateThree(signals: readonly (Samples | ArrayLike<number>)[], factor: number, into: readonly Float64Array[]): Float64Array[] {
  const n = signals[0].length;
  if (signals.length !== 3 || factor === 1 || n === 0 || signals.some((s) => s.length !== n)) return signals.map((s, k) => decimate(s, factor, {}, into[k]));
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
  const finalNyquist = 0.5 / factor;
  const passEdge = DEFAULT_PASSBAND_FRACTION * finalNyquist;
  let x = signals.map((s, k) => {
    const input = scratch(3 + k, n);
    for (let i = 0; i < n; i++) input[i] = s[i];
    return input;
  });
  let rate = 1;
  const stages = stageFactors(factor);
  for (let index = 0; index < stages.length; index++) {
    const q = stages[index];
    const outRate = rate / q;
    const h = kaiserLowPass(passEdge / rate, (outRate - finalNyquist) / rate, DEFAULT_ATTENUATION_DB);
    const length = Math.ceil(x[0].length / q);
    const last = index === stages.length - 1;
    const out = [0, 1, 2].map((k) =>
      last ? (into[k] && into[k].length >= length ? into[k].subarray(0, length) : new Float64Array(length)) : scratch(6 + 2 * k + (index % 2), length),
    );
    filterAndDownsampleThree(x, h, q, out);
    x = out;
    rate = outRate;
  }
  return x;
}

/**
 * Output length ceil(n / factor); output sample m aligned with input sample m·factor (zero phase).
 * Each stage protects the final band [0, fs/(2·factor)]: its stop band starts where an alias would
 * land inside it (stage output rate − final Nyquist), its pass band ends at the final pass edge.
 */
export function decimate(
  signal: Samples | ArrayLike<number>,
  factor: number,
  options: DecimationOptions = {},
  /** Write the result here when it has room (a view of it is returned): hot paths that consume it at once. */
  into?: Float64Array,
): Float64Array {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`decimation factor must be a positive integer, got ${factor}`);
  if (factor === 1 || signal.length === 0) return Float64Array.from(signal as ArrayLike<number>);
  const attenuation = options.attenuationDb ?? DEFAULT_ATTENUATION_DB;
  const finalNyquist = 0.5 / factor; // cycles per input sample
  const passEdge = (options.passbandFraction ?? DEFAULT_PASSBAND_FRACTION) * finalNyquist;
  // Copy the input into a reused Float64Array: the filter loop then sees one array type only
  // (a Float32Array/Float64Array mix made it polymorphic and several times slower).
  const input = scratch(2, signal.length);
  for (let i = 0; i < signal.length; i++) input[i] = signal[i];
  let x: Float64Array = input;
  let rate = 1; // current rate in units of the input rate
  const stages = stageFactors(factor);
  for (let index = 0; index < stages.length; index++) {
    const q = stages[index];
    const outRate = rate / q;
    // Edges in cycles per sample of this stage's input.
    const h = kaiserLowPass(passEdge / rate, (outRate - finalNyquist) / rate, attenuation);
    const length = Math.ceil(x.length / q);
    // Intermediate stages write into reused buffers (alternating, so a stage never reads its own output).
    const last = index === stages.length - 1;
    const out = last ? (into && into.length >= length ? into.subarray(0, length) : new Float64Array(length)) : scratch(index % 2, length);
    x = filterAndDownsample(x, h, q, out);
    rate = outRate;
  }
  return x;
}

/**
 * Work buffers for the input copy and intermediate stages, kept between calls: first-touch of fresh memory runs at only
 * ~300 MB/s on these machines (docs/performance.md#fresh-memory), which cost more than the filtering itself.
 * Slots 0–2 serve decimate(), 3–11 decimateThree() (three inputs, two alternating stage buffers per record).
 */
const scratchBuffers: Float64Array[] = Array.from({ length: 12 }, () => new Float64Array(0));
function scratch(slot: number, length: number): Float64Array {
  if (scratchBuffers[slot].length < length) scratchBuffers[slot] = new Float64Array(length);
  return scratchBuffers[slot].subarray(0, length);
}

/**
 * Factor that keeps `highestHz` inside the pass band of the decimated signal (1 when none does),
 * restricted to products of 2 and 3 so the cascade stays cheap.
 */
export function decimationFactorFor(rateHz: number, highestHz: number, options: DecimationOptions = {}): number {
  const passband = options.passbandFraction ?? DEFAULT_PASSBAND_FRACTION;
  if (!(highestHz > 0) || !(rateHz > 0)) return 1;
  const limit = Math.max(1, Math.floor((passband * rateHz) / (2 * highestHz)));
  let best = 1;
  for (let two = 1; two <= limit; two *= 2) for (let q = two; q <= limit; q *= 3) best = Math.max(best, q);
  return best;
}
