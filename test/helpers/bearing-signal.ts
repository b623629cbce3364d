/**
 * Synthetic accelerometer signals of a rolling-element bearing, for tests and benchmarks.
 * A local defect strikes once per passage at the defect frequency; the strike times wander by a
 * random ±jitter of the period (rolling elements slip 1–2 %, Randall & Antoni 2011); each strike
 * rings a damped structural resonance; an inner-race or ball defect is additionally amplitude
 * modulated as it passes through the load zone (once per shaft turn, or per cage turn). Shaft
 * lines and Gaussian noise complete the picture. Deterministic for a given seed.
 */

import { gaussianFrom, mulberry32 } from "../../simulator/prng";

export const seededRandom = mulberry32;
export const gaussian = gaussianFrom;

export interface BearingSignalOptions {
  rateHz: number;
  durationS: number;
  /** Strike rate, Hz (BPFO, BPFI, 2×BSF …); omit for a healthy bearing. */
  defectHz?: number | undefined;
  /** Peak acceleration of one strike's ringing, g. */
  impulseG?: number;
  resonanceHz?: number;
  /** Damping ratio of the resonance (0.05 rings for ~10 cycles). */
  damping?: number;
  /** Random spacing variation as a fraction of the period (uniform ±). */
  jitter?: number;
  /** Load-zone modulation of the strike amplitude: 1 + depth·cos(2π·f·t). */
  modulationHz?: number;
  modulationDepth?: number;
  noiseRmsG?: number;
  /** Shaft speed lines (1× and 2×) of this amplitude, g. */
  shaftHz?: number;
  shaftG?: number;
  seed?: number;
}

export function bearingSignal(o: BearingSignalOptions): Float64Array {
  const n = Math.round(o.rateHz * o.durationS);
  const x = new Float64Array(n);
  const uniform = seededRandom(o.seed ?? 1);
  const normal = gaussian(uniform);
  const noise = o.noiseRmsG ?? 0.05;
  for (let i = 0; i < n; i++) x[i] = noise * normal();
  if (o.shaftHz) {
    const a = o.shaftG ?? 0.02;
    for (let i = 0; i < n; i++) {
      const t = i / o.rateHz;
      x[i] += a * Math.sin(2 * Math.PI * o.shaftHz * t) + 0.5 * a * Math.sin(4 * Math.PI * o.shaftHz * t + 1);
    }
  }
  if (o.defectHz) {
    const fc = o.resonanceHz ?? 3000;
    const zeta = o.damping ?? 0.05;
    const decay = 2 * Math.PI * zeta * fc;
    const ringSamples = Math.ceil((Math.log(1e4) / decay) * o.rateHz);
    const period = 1 / o.defectHz;
    const jitter = o.jitter ?? 0.015;
    const amp = o.impulseG ?? 0.5;
    for (let t0 = uniform() * period; t0 < o.durationS; t0 += period * (1 + jitter * (2 * uniform() - 1))) {
      const m = o.modulationHz ? 1 + (o.modulationDepth ?? 0.5) * Math.cos(2 * Math.PI * o.modulationHz * t0) : 1;
      const start = Math.ceil(t0 * o.rateHz);
      for (let i = start; i < Math.min(n, start + ringSamples); i++) {
        const t = i / o.rateHz - t0;
        x[i] += amp * m * Math.exp(-decay * t) * Math.sin(2 * Math.PI * fc * t);
      }
    }
  }
  return x;
}
