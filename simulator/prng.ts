/**
 * Seeded pseudo-random numbers for the simulator: same seed → same sequence, bit for bit,
 * on every platform (32-bit integer arithmetic only; Math.random is never used).
 * Generator: xoshiro128** (Blackman & Vigna 2018), state seeded through splitmix32 so that
 * neighbouring integer seeds give unrelated streams.
 */

/** One splitmix32 step: a well-mixed 32-bit hash of `x` (used for seeding and for deriving sub-streams). */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seed for an independent sub-stream, e.g. deriveSeed(seed, "vibration-noise"): changing how
 * many numbers one part of the model draws then never shifts the numbers another part sees.
 */
export function deriveSeed(seed: number, label: string | number): number {
  let h = mix32(Math.trunc(seed) ^ 0x5bd1e995);
  // Mix the integer part above 32 bits too, so large seeds (timestamps) stay distinct.
  h = mix32(h ^ Math.trunc(seed / 4294967296));
  const s = String(label);
  for (let i = 0; i < s.length; i++) h = mix32(h ^ s.charCodeAt(i));
  return h;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** Second value of the last Box-Muller pair, used by the next gaussian() call. */
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    let s = Math.trunc(seed) >>> 0;
    s = mix32(s);
    this.a = s;
    s = mix32(s);
    this.b = s;
    s = mix32(s);
    this.c = s;
    s = mix32(s);
    this.d = s;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /**
   * Standard normal draw by the Box-Muller transform in Marsaglia's polar form
   * (no trigonometry; each accepted pair yields two independent values).
   */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number, v: number, r2: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      r2 = u * u + v * v;
    } while (r2 >= 1 || r2 === 0);
    const k = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = v * k;
    this.hasSpare = true;
    return u * k;
  }

  /**
   * Adds zero-mean Gaussian noise of standard deviation `sigma` to every sample of `out`.
   * Bulk noise is the simulator's hot loop, so it draws from a table of 2^16 normal quantiles
   * (two 16-bit indices per 32-bit draw): exact normal shape out to ±4.3σ, about 4× faster than
   * Box-Muller per sample. Individual draws (jitter, motor parameters) use gaussian().
   */
  addGaussianNoise(out: Float64Array, sigma: number): void {
    if (!(sigma > 0)) return;
    const table = normalQuantileTable();
    const n = out.length;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const r = this.nextUint32();
      out[i] += sigma * table[r & 0xffff];
      out[i + 1] += sigma * table[r >>> 16];
    }
    if (i < n) out[i] += sigma * table[this.nextUint32() & 0xffff];
  }
}

let quantiles: Float64Array | null = null;

/** Standard normal quantiles at (i + ½)/2^16, i = 0..2^16−1, scaled to unit variance. */
function normalQuantileTable(): Float64Array {
  if (quantiles) return quantiles;
  const n = 65536;
  const q = new Float64Array(n);
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    q[i] = inverseNormalCdf((i + 0.5) / n);
    sumSq += q[i] * q[i];
  }
  // The table truncates the tails beyond ±4.3σ; rescale so the variance is exactly 1.
  const k = 1 / Math.sqrt(sumSq / n);
  for (let i = 0; i < n; i++) q[i] *= k;
  quantiles = q;
  return q;
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - pLow) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * mulberry32: a tiny seeded uniform generator in [0, 1) for test signals and examples that need
 * only a few thousand draws and a one-line seed (the fleet uses the stronger Prng above).
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller from a uniform source. */
export function gaussianFrom(uniform: () => number): () => number {
  return () => {
    const u = Math.max(uniform(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}
