/**
 * Vibration severity as ISO 10816 / 20816 defines it: RMS vibration velocity in mm/s over
 * 10–1000 Hz, from an accelerometer reading in g (docs/science.md#vibration-severity).
 * Velocity comes from integrating in the frequency domain, V(f) = A(f)/(j2πf): no integration
 * drift, and the 10–1000 Hz band limit is just the set of bins summed.
 * The zones are a sanity alarm only: vehicle motors are not machines on foundations.
 */
import type { Samples } from "../types";
import { nextPowerOfTwo, realFft } from "./fft";
import { hann } from "./window-functions";

export const STANDARD_GRAVITY = 9.80665;

/** ISO 10816-1 Annex B machine classes. */
export type IsoClass = "I" | "II" | "III" | "IV";
/** A new machine; B unrestricted operation; C short-term only, plan action; D damage likely. */
export type IsoZone = "A" | "B" | "C" | "D";

export interface ZoneBoundaries {
  ab: number;
  bc: number;
  cd: number;
}

/** ISO 10816-1 Annex B (informative), mm/s RMS, as tabulated in docs/science.md#vibration-severity [L]. */
export const ISO_10816_1_ZONES: Readonly<Record<IsoClass, ZoneBoundaries>> = {
  I: { ab: 0.71, bc: 1.8, cd: 4.5 }, // small machines, ≤ 15 kW
  II: { ab: 1.12, bc: 2.8, cd: 7.1 }, // medium, 15–75 kW
  III: { ab: 1.8, bc: 4.5, cd: 11.2 }, // large, rigid supports
  IV: { ab: 2.8, bc: 7.1, cd: 18.0 }, // large, soft supports
};

export function isoZone(velocityRmsMmS: number, cls: IsoClass): IsoZone {
  const z = ISO_10816_1_ZONES[cls];
  if (velocityRmsMmS < z.ab) return "A";
  if (velocityRmsMmS < z.bc) return "B";
  if (velocityRmsMmS < z.cd) return "C";
  return "D";
}

/** Zone as a number for feature vectors: A = 1 … D = 4. */
export function zoneNumber(zone: IsoZone): number {
  return "ABCD".indexOf(zone) + 1;
}

/** Class by rated power (ISO 10816-1 Annex B): ≤ 15 kW I, ≤ 75 kW II, larger III (rigid). */
export function isoClassForPowerKw(kw: number): IsoClass {
  if (kw <= 15) return "I";
  if (kw <= 75) return "II";
  return "III";
}

export interface SeverityBand {
  loHz: number;
  hiHz: number;
}

/** 10–1000 Hz; ISO asks for 2–1000 Hz below 600 rpm. */
export function severityBand(rpm?: number): SeverityBand {
  return { loHz: rpm !== undefined && rpm < 600 ? 2 : 10, hiHz: 1000 };
}

/**
 * Velocity RMS (mm/s) in [loHz, hiHz] from the half spectrum of a tapered acceleration record in g.
 * By Parseval, the mean square of a tapered record is (2/N)·Σ|X_k|² / Σw² over the one-sided
 * bins; dividing each bin by (2πf_k)² turns acceleration into velocity.
 * `taperPower` is Σw² over the record's samples; `fftSize` the transform length.
 */
export function velocityRmsFromSpectrum(half: Float64Array, fftSize: number, rateHz: number, taperPower: number, band: SeverityBand = severityBand()): number {
  const binHz = rateHz / fftSize;
  const lo = Math.max(1, Math.ceil(band.loHz / binHz));
  const hi = Math.min(fftSize / 2 - 1, Math.floor(band.hiHz / binHz));
  let sum = 0;
  for (let k = lo; k <= hi; k++) {
    const w = 2 * Math.PI * k * binHz;
    sum += (half[2 * k] * half[2 * k] + half[2 * k + 1] * half[2 * k + 1]) / (w * w);
  }
  const meanSquare = (2 * sum) / (fftSize * taperPower);
  return Math.sqrt(meanSquare) * STANDARD_GRAVITY * 1000;
}

/** Velocity RMS (mm/s, 10–1000 Hz by default) of an acceleration record in g, Hann-tapered. */
export function velocityRms(accelerationG: Samples, rateHz: number, band: SeverityBand = severityBand()): number {
  const n = accelerationG.length;
  const t = hann(n).values;
  let m = 0;
  for (let i = 0; i < n; i++) m += accelerationG[i];
  m /= n || 1;
  const centred = new Float64Array(n);
  let power = 0;
  for (let i = 0; i < n; i++) {
    centred[i] = accelerationG[i] - m;
    power += t[i] * t[i];
  }
  const size = nextPowerOfTwo(n);
  return velocityRmsFromSpectrum(realFft(centred, size, t), size, rateHz, power, band);
}
