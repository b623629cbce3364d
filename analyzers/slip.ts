/**
 * Slip and shaft frequency (docs/science.md#slip-and-shaft-frequency, notation of its header):
 * n_s = 60·f/p, s = (n_s − n)/n_s = 1 − p·f_r/f, f_r = n/60.
 * A PMSM turns synchronously (s = 0, f_r = f/p); a measured speed is only checked against that.
 * Negative slip is generating (regenerative braking) and is physical; its magnitude sets the
 * broken-bar sideband spacing 2|s|f just the same.
 */
import type { MotorProfile } from "./types";

/** Steady-state slip of a traction induction motor stays well below this; beyond it rpm, p or f is wrong. */
export const MAX_PLAUSIBLE_SLIP = 0.1;
/** A PMSM's p·f_r/f must be 1; allow speed-sensor averaging and f-estimate error. */
export const PMSM_SPEED_TOLERANCE = 0.03;

export function synchronousRpm(supplyHz: number, polePairs: number): number {
  return (60 * supplyHz) / polePairs;
}

export function shaftFrequencyHz(rpm: number): number {
  return rpm / 60;
}

/** s = 1 − p·f_r/f. */
export function slipFromSpeed(supplyHz: number, rpm: number, polePairs: number): number {
  return 1 - (polePairs * shaftFrequencyHz(rpm)) / supplyHz;
}

export interface SlipEstimate {
  ok: true;
  /** Signed slip (negative when generating). */
  slip: number;
  shaftHz: number;
  synchronousRpm: number;
  source: "speed" | "pmsm_synchronous";
}

export interface SlipProblem {
  ok: false;
  reason: string;
}

/**
 * Slip and shaft frequency for a motor at electrical frequency `supplyHz`, with the validity checks
 * an analyzer needs before trusting them. Induction motors need `rpm`; a PMSM derives f_r = f/p
 * when it is missing and cross-checks it when present.
 */
export function estimateSlip(profile: Pick<MotorProfile, "motor_type" | "pole_pairs">, supplyHz: number, rpm?: number): SlipEstimate | SlipProblem {
  const p = profile.pole_pairs;
  if (!(Number.isInteger(p) && p >= 1)) return { ok: false, reason: `pole_pairs must be a positive integer, got ${p}` };
  if (!(Number.isFinite(supplyHz) && supplyHz > 0)) return { ok: false, reason: `electrical frequency unknown (${supplyHz} Hz)` };
  const ns = synchronousRpm(supplyHz, p);
  const hasRpm = rpm !== undefined && Number.isFinite(rpm);
  if (hasRpm && !(rpm > 0)) return { ok: false, reason: `rpm ${rpm} is not a running speed` };
  if (profile.motor_type === "pmsm") {
    if (hasRpm) {
      const mismatch = 1 - (p * shaftFrequencyHz(rpm)) / supplyHz;
      if (Math.abs(mismatch) > PMSM_SPEED_TOLERANCE)
        return {
          ok: false,
          reason: `PMSM speed ${rpm.toFixed(0)} rpm disagrees with f/p = ${ns.toFixed(0)} rpm by ${(100 * mismatch).toFixed(1)} % (pole pairs or speed wrong)`,
        };
    }
    return { ok: true, slip: 0, shaftHz: supplyHz / p, synchronousRpm: ns, source: "pmsm_synchronous" };
  }
  if (!hasRpm) return { ok: false, reason: "rpm required to know slip and shaft speed of an induction motor" };
  const slip = slipFromSpeed(supplyHz, rpm, p);
  if (Math.abs(slip) > MAX_PLAUSIBLE_SLIP)
    return {
      ok: false,
      reason: `slip ${(100 * slip).toFixed(1)} % (rpm ${rpm.toFixed(0)}, synchronous ${ns.toFixed(0)} rpm at ${supplyHz.toFixed(2)} Hz, p=${p}) is outside ±${100 * MAX_PLAUSIBLE_SLIP} %: rpm, pole pairs or f inconsistent`,
    };
  return { ok: true, slip, shaftHz: shaftFrequencyHz(rpm), synchronousRpm: ns, source: "speed" };
}
