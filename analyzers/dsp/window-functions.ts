/**
 * Tapers for spectral analysis, named as in scipy.signal.windows (periodic/"DFT-even" form,
 * which is what spectral analysis wants). Cached per length because the same window sizes recur.
 */

export type TaperName = "hann" | "blackman-harris";

export interface Taper {
  values: Float64Array;
  /** Mean of the window: divide a windowed sinusoid's DFT magnitude by N·gain to recover its amplitude. */
  coherentGain: number;
  /** Equivalent noise bandwidth in bins (1.5 Hann, 2.0 four-term Blackman-Harris). */
  enbwBins: number;
}

import { pooledCache } from "./scratch";

const cache = pooledCache<string, Taper>("tapers");

/**
 * Cosine-sum coefficients: w[i] = Σ (−1)^m a_m cos(2π m i / N).
 * 4-term Blackman-Harris (Harris 1978) has −92 dB sidelobes, enough for −60 dB sidebands.
 */
const COEFFICIENTS: Readonly<Record<TaperName, readonly number[]>> = {
  hann: [0.5, 0.5],
  "blackman-harris": [0.35875, 0.48829, 0.14128, 0.01168],
};

function build(name: TaperName, n: number): Float64Array {
  const a = COEFFICIENTS[name];
  const w = new Float64Array(n);
  const k = (2 * Math.PI) / n;
  for (let i = 0; i < n; i++) {
    let v = 0;
    for (let m = 0; m < a.length; m++) v += (m % 2 ? -a[m] : a[m]) * Math.cos(m * k * i);
    w[i] = v;
  }
  return w;
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/**
 * Gain of the taper's main lobe at `offsetBins` from a tone's true frequency, relative to
 * its centre (1 at 0; Hann 0.849 = −1.42 dB at half a bin). Dividing a peak bin's amplitude by
 * this removes the scalloping loss.
 */
export function scallopingGain(name: TaperName, offsetBins: number): number {
  const a = COEFFICIENTS[name];
  let g = a[0] * sinc(offsetBins);
  for (let m = 1; m < a.length; m++) g += (a[m] / 2) * (sinc(offsetBins - m) + sinc(offsetBins + m));
  return Math.abs(g) / a[0];
}

export function taper(name: TaperName, n: number): Taper {
  return cache.get(`${name}:${n}`, () => {
    const values = build(name, n);
    let sum = 0,
      sumSq = 0;
    for (let i = 0; i < n; i++) {
      sum += values[i];
      sumSq += values[i] * values[i];
    }
    return { values, coherentGain: sum / n, enbwBins: (n * sumSq) / (sum * sum) };
  });
}

export const hann = (n: number): Taper => taper("hann", n);
export const blackmanHarris = (n: number): Taper => taper("blackman-harris", n);
