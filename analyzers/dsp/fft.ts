/**
 * The one place that touches the FFT libraries, so backends can be measured without touching the analyzers
 * (docs/performance.md#fft-backends): PFFFT (WASM SIMD, single precision) when it loads and the size suits it,
 * fft.js (double precision) otherwise. Plans and work buffers are cached per size: no allocation per transform.
 */
import FFT from "fft.js";
import type { Samples } from "../types";
import { loadPffft, type Pffft, type PffftPlan } from "./pffft";
import { pooledCache } from "./scratch";

export type FftBackend = "pffft" | "fft.js";

let pffft: Pffft | null = loadPffft();

/** The backend in use for sizes PFFFT accepts (fft.js below them, or when the WASM module could not load). */
export function fftBackend(): FftBackend {
  return pffft ? "pffft" : "fft.js";
}

/** Selects the backend (benchmarks and tests compare them side by side); "pffft" only when it loaded. */
export function useFftBackend(backend: FftBackend): FftBackend {
  pffft = backend === "pffft" ? loadPffft() : null;
  return fftBackend();
}

const pffftPlans = pooledCache<string, PffftPlan>("pffft plans");

function pffftPlanFor(size: number, complex: boolean): PffftPlan | null {
  const backend = pffft;
  if (!backend || size < (complex ? backend.minComplexSize : backend.minRealSize)) return null;
  return pffftPlans.get(`${complex ? "c" : "r"}${size}`, () => backend.plan(size, complex));
}

interface Plan {
  fft: FFT;
  /** Real input, zero-padded to the plan size. */
  input: Float64Array;
  /** Interleaved complex output (re, im), length 2·size. */
  output: Float64Array;
  /** Second complex buffer for inverse transforms. */
  scratch: Float64Array;
}

/** Plans per transform size (fft.js tables plus work buffers), bounded like every size-keyed cache. */
const plans = pooledCache<number, Plan>("fft plans");

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let size = 2;
  while (size < n) size *= 2;
  return size;
}

/** Largest power of two ≤ n (for taking the longest transformable stretch of a record). */
export function previousPowerOfTwo(n: number): number {
  let size = 2;
  while (size * 2 <= n) size *= 2;
  return size;
}

function planFor(size: number): Plan {
  if (!isPowerOfTwo(size)) throw new RangeError(`FFT size must be a power of two, got ${size}`);
  return plans.get(size, () => ({
    fft: new FFT(size),
    input: new Float64Array(size),
    output: new Float64Array(2 * size),
    scratch: new Float64Array(2 * size),
  }));
}

/**
 * Real FFT of (`signal` − `offset`) × `taper`, zero-padded to `size`. The offset lets callers
 * remove the mean without a centred copy. Returns a view of the plan's interleaved complex
 * buffer holding bins 0..size/2; it is overwritten by the next transform of the same size.
 */
export function realFft(signal: Samples | ArrayLike<number>, size: number, taper?: Float64Array, offset = 0): Float64Array {
  const plan = planFor(size);
  const n = Math.min(signal.length, size);
  const wasm = pffftPlanFor(size, false);
  if (wasm) return realFftWasm(wasm, plan.output, signal, n, taper, offset);
  const input = plan.input;
  if (taper) {
    for (let i = 0; i < n; i++) input[i] = (signal[i] - offset) * taper[i];
  } else {
    for (let i = 0; i < n; i++) input[i] = signal[i] - offset;
  }
  input.fill(0, n);
  plan.fft.realTransform(plan.output, input);
  // fft.js fills only the left half; bins above size/2 are the conjugate mirror and unused here.
  return plan.output.subarray(0, size + 2);
}

/**
 * Complex FFT (forward or inverse; inverse is normalised by 1/size as in fft.js).
 * `data` is interleaved (re, im) of length 2·size. The result is a view of a plan buffer.
 */
export function complexFft(data: Float64Array, inverse = false): Float64Array {
  const size = data.length / 2;
  const plan = planFor(size);
  const wasm = pffftPlanFor(size, true);
  if (wasm) return complexFftWasm(wasm, plan.scratch, data, inverse);
  if (inverse) plan.fft.inverseTransform(plan.scratch, data);
  else plan.fft.transform(plan.scratch, data);
  return plan.scratch;
}

/** realFft on PFFFT: tapers straight into WASM memory, then unpacks [DC, Nyquist, re1, im1, ...] to fft.js's layout. */
function realFftWasm(
  plan: PffftPlan,
  output: Float64Array,
  signal: Samples | ArrayLike<number>,
  n: number,
  taper: Float64Array | undefined,
  offset: number,
): Float64Array {
  const size = plan.size;
  const input = plan.input();
  if (taper) {
    for (let i = 0; i < n; i++) input[i] = (signal[i] - offset) * taper[i];
  } else {
    for (let i = 0; i < n; i++) input[i] = signal[i] - offset;
  }
  input.fill(0, n);
  plan.run(false);
  const out = plan.output();
  output[0] = out[0];
  output[1] = 0;
  for (let i = 2; i < size; i++) output[i] = out[i];
  output[size] = out[1];
  output[size + 1] = 0;
  return output.subarray(0, size + 2);
}

/** complexFft on PFFFT (interleaved in and out like fft.js); the inverse is scaled by 1/size as fft.js does. */
function complexFftWasm(plan: PffftPlan, output: Float64Array, data: Float64Array, inverse: boolean): Float64Array {
  const floats = 2 * plan.size;
  plan.input().set(data.subarray(0, floats));
  plan.run(inverse);
  const out = plan.output();
  if (inverse) {
    const scale = 1 / plan.size;
    for (let i = 0; i < floats; i++) output[i] = out[i] * scale;
  } else {
    for (let i = 0; i < floats; i++) output[i] = out[i];
  }
  return output;
}
