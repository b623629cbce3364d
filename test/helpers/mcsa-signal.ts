/**
 * Synthetic motor-current windows for the current-signature analyzer tests: a fundamental, spectral
 * lines at stated levels in dB re the fundamental (sidebands), supply harmonics, and white Gaussian
 * noise at a stated SNR, from a seeded PRNG so every run sees the same signal. Three phases carry the
 * same lines shifted by ∓120° (positive sequence) and independent noise.
 * Only for tests: the fleet simulator is a separate module.
 */
import type { SampledSignal, SensorWindow } from "../../analyzers/types";

import { gaussianFrom, mulberry32 } from "../../simulator/prng";

export { mulberry32 };
export const gaussian = gaussianFrom;

export interface SpectralLine {
  frequencyHz: number;
  /** Amplitude in dB re the fundamental. */
  levelDb: number;
  phaseRad?: number;
}

export interface McsaSignalSpec {
  rateHz: number;
  durationS: number;
  fundamentalHz: number;
  /** Fundamental amplitude (peak), A. */
  amplitudeA: number;
  lines?: readonly SpectralLine[];
  /** Supply harmonics as (order, dB re fundamental), e.g. 5th at −30 dB. */
  harmonics?: readonly { order: number; levelDb: number }[];
  /** Fundamental power over total noise power in the full band, dB (white Gaussian noise). */
  snrDb: number;
  seed: number;
  /** 1 → ia only, 3 → ia, ib, ic. */
  phaseCount?: 1 | 3;
  /** Speed change over the window as a fraction (0.02: every line sweeps up by 2 % linearly), as in an accelerating vehicle. */
  sweep?: number;
}

export function mcsaPhaseCurrents(spec: McsaSignalSpec): Partial<Record<"ia" | "ib" | "ic", SampledSignal>> {
  const n = Math.round(spec.rateHz * spec.durationS);
  const noise = gaussian(mulberry32(spec.seed));
  const sigma = Math.sqrt((spec.amplitudeA ** 2 / 2) * 10 ** (-spec.snrDb / 10));
  const parts: { f: number; a: number; phi: number }[] = [{ f: spec.fundamentalHz, a: spec.amplitudeA, phi: 0 }];
  for (const l of spec.lines ?? []) parts.push({ f: l.frequencyHz, a: spec.amplitudeA * 10 ** (l.levelDb / 20), phi: l.phaseRad ?? 0.3 });
  for (const h of spec.harmonics ?? []) parts.push({ f: h.order * spec.fundamentalHz, a: spec.amplitudeA * 10 ** (h.levelDb / 20), phi: 0.1 * h.order });
  const out: Partial<Record<"ia" | "ib" | "ic", SampledSignal>> = {};
  const names = (spec.phaseCount ?? 3) === 3 ? (["ia", "ib", "ic"] as const) : (["ia"] as const);
  names.forEach((name, index) => {
    const shift = (-2 * Math.PI * index) / 3;
    const x = new Float32Array(n);
    const sweepRate = (spec.sweep ?? 0) / spec.durationS;
    for (let i = 0; i < n; i++) {
      const t = i / spec.rateHz;
      // Phase of a line whose frequency grows linearly: f·(t + r·t²/2).
      const warped = t + (sweepRate * t * t) / 2;
      let v = 0;
      for (const p of parts) v += p.a * Math.cos(2 * Math.PI * p.f * warped + p.phi + shift);
      x[i] = v + sigma * noise();
    }
    out[name] = { samples: x, rateHz: spec.rateHz };
  });
  return out;
}

export interface InductionOperatingPoint {
  supplyHz: number;
  slip: number;
  polePairs: number;
}

/** rpm of an induction motor at this supply and slip: n = (1 − s)·60f/p. */
export function inductionRpm(op: InductionOperatingPoint): number {
  return ((1 - op.slip) * 60 * op.supplyHz) / op.polePairs;
}

/** Broken-bar lines: LSB (1−2s)f at lsbDb, USB (1+2s)f at usbDb, (1±4s)f 20 dB lower than the LSB (near the floor, docs/science.md#broken-rotor-bars). */
export function brokenBarLines(op: InductionOperatingPoint, lsbDb: number, usbDb = lsbDb - 3): SpectralLine[] {
  const f = op.supplyHz,
    s = op.slip;
  return [
    { frequencyHz: (1 - 2 * s) * f, levelDb: lsbDb, phaseRad: 0.4 },
    { frequencyHz: (1 + 2 * s) * f, levelDb: usbDb, phaseRad: 1.1 },
    { frequencyHz: (1 - 4 * s) * f, levelDb: lsbDb - 20, phaseRad: 2.0 },
    { frequencyHz: (1 + 4 * s) * f, levelDb: usbDb - 20, phaseRad: 2.7 },
  ];
}

/** Mixed-eccentricity lines f ± k·f_r (k = 1, 2), the k = 2 pair 6 dB under the k = 1 pair. */
export function eccentricityLines(fundamentalHz: number, shaftHz: number, levelDb: number): SpectralLine[] {
  return [
    { frequencyHz: fundamentalHz - shaftHz, levelDb, phaseRad: 0.2 },
    { frequencyHz: fundamentalHz + shaftHz, levelDb: levelDb - 1, phaseRad: 0.9 },
    { frequencyHz: fundamentalHz - 2 * shaftHz, levelDb: levelDb - 6, phaseRad: 1.7 },
    { frequencyHz: fundamentalHz + 2 * shaftHz, levelDb: levelDb - 7, phaseRad: 2.5 },
  ].filter((l) => l.frequencyHz > 0);
}

/** A window of phase currents plus the scalars the current-signature analyzers read. */
export function mcsaWindow(spec: McsaSignalSpec, scalars: { rpm?: number | undefined; loadPct?: number | undefined } = {}): SensorWindow {
  return {
    channels: mcsaPhaseCurrents(spec),
    ...(scalars.rpm !== undefined ? { rpm: scalars.rpm } : {}),
    ...(scalars.loadPct !== undefined ? { loadPct: scalars.loadPct } : {}),
  };
}
