/**
 * Descriptive statistics of sampled signals, shared by the analyzers: rms, kurtosis, median.
 * Typed arrays in, numbers out; the only allocation is `median`'s copy (use `medianInPlace`
 * on a scratch buffer in hot loops).
 */
import type { Samples } from "../types";

type Numbers = Samples | ArrayLike<number>;

export function mean(x: Numbers): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return x.length ? s / x.length : 0;
}

/** Root mean square, including any DC part. */
export function rms(x: Numbers): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return x.length ? Math.sqrt(s / x.length) : 0;
}

/** Population variance (divides by n). */
export function variance(x: Numbers): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - m;
    s += d * d;
  }
  return x.length ? s / x.length : 0;
}

/**
 * Pearson kurtosis m4/m2² (not excess): 3 for Gaussian noise, 1.5 for a sinusoid, large for
 * impulsive signals. This is the convention of the bearing literature (CWRU healthy ≈ 2.8).
 * NaN for fewer than 4 samples or a constant signal.
 */
export function kurtosis(x: Numbers): number {
  const n = x.length;
  if (n < 4) return NaN;
  const m = mean(x);
  let m2 = 0,
    m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    m2 += d2;
    m4 += d2 * d2;
  }
  m2 /= n;
  m4 /= n;
  return m2 > 0 ? m4 / (m2 * m2) : NaN;
}

/**
 * Median of the first `count` values of `buffer`, found by quickselect (O(n)); reorders them.
 * Averages the two middle values for an even count; NaN when empty.
 */
export function medianInPlace(buffer: Float64Array, count = buffer.length): number {
  if (count <= 0) return NaN;
  const mid = count >> 1;
  const upper = selectKth(buffer, 0, count - 1, mid);
  if (count % 2) return upper;
  // After selection every value left of `mid` is ≤ the upper middle: the lower middle is their max.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) if (buffer[i] > lower) lower = buffer[i];
  return 0.5 * (lower + upper);
}

/** Median without touching the input (copies it once). */
export function median(x: Numbers): number {
  const copy = Float64Array.from(x as ArrayLike<number>);
  return medianInPlace(copy);
}

/** Hoare-style quickselect with median-of-three pivots: the k-th smallest of a[lo..hi]. */
function selectKth(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const m = (lo + hi) >> 1;
    // Order a[lo], a[m], a[hi] so the pivot is their median (guards against sorted input).
    if (a[m] < a[lo]) swap(a, m, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[m]) swap(a, hi, m);
    const pivot = a[m];
    let i = lo,
      j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
