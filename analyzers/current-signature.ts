/**
 * The one current spectrum both current-signature families (eccentricity, broken bar) read for a window. They ask
 * with the same options, the highest line either needs, so the per-window memo computes it once
 * (docs/science.md#current-spectrum, docs/performance.md#shared-computation-per-window).
 */
import { currentSpectrum, type CurrentSpectrum } from "./dsp/current-spectrum";
import type { MotorProfile, SensorWindow } from "./types";

/** −92 dB sidelobes: the fundamental's leakage stays below −70 dB from 3.8 bins on (both families' sidebands). */
export const CURRENT_SIGNATURE_TAPER = "blackman-harris" as const;
/** Broken bar reads up to (1 + 2s)f plus its floor band; 1.25 f covers slips up to 12.5 %. */
const BROKEN_BAR_HIGHEST_RATIO = 1.25;

/** Highest line either family reads, as a multiple of f: eccentricity f + 2f_r ≤ f(1 + 2/p) (induction), f(1 + 3/p) (PMSM). */
export function highestLineRatio(profile: MotorProfile): number {
  const eccentricity = 1 + (profile.motor_type === "pmsm" ? 3 : 2) / profile.pole_pairs;
  return profile.motor_type === "induction" ? Math.max(eccentricity, BROKEN_BAR_HIGHEST_RATIO) : eccentricity;
}

/** Half-width of the neighbourhood whose median is a line's floor, Hz: ±4 Hz, or 20 resolution bins on short records. */
export function floorHalfWidthHz(durationS: number): number {
  return Math.max(4, 20 / durationS);
}

/** The phase currents' low-frequency spectrum for this window, shared by eccentricity and broken bar. */
export function currentSignatureSpectrum(window: SensorWindow, profile: MotorProfile, rpm: number | undefined): CurrentSpectrum | { problem: string } {
  const ia = window.channels.ia;
  if (!ia) return { problem: "no phase current (ia) in the window" };
  const floorHz = floorHalfWidthHz(ia.samples.length / ia.rateHz);
  const prior = profile.supply_hz ?? (rpm !== undefined ? (rpm * profile.pole_pairs) / 60 : undefined);
  return currentSpectrum(window, {
    priorHz: prior,
    priorTolerance: 0.15,
    highestRatio: highestLineRatio(profile),
    marginHz: floorHz + 2,
    taper: CURRENT_SIGNATURE_TAPER,
  });
}
