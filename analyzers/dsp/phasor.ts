/**
 * Complex amplitude (phasor) of one sinusoid at a known, arbitrary frequency: a Hann-windowed
 * DFT evaluated at exactly that frequency (not at an FFT bin), so there is no scalloping loss and
 * no O(N log N) transform. One O(N) pass with a rotating unit phasor (Goertzel-style recurrence).
 *
 * Convention: x(t) = A·cos(2πft + φ) gives the phasor A·e^{jφ}, with t = 0 at the first sample.
 * The mean is removed so a DC offset (sensor bias) cannot leak into the line.
 */
import type { Samples } from "../types";

/** A complex number in Cartesian form; here mostly a phasor (peak amplitude, phase at t = 0). */
export interface Complex {
  re: number;
  im: number;
}

export interface Phasor extends Complex {
  /** |phasor|: peak amplitude in the signal's unit. */
  amplitude: number;
  /** ∠phasor in radians, (−π, π]. */
  phaseRad: number;
}

export function phasorFromComplex(z: Complex): Phasor {
  return { re: z.re, im: z.im, amplitude: Math.hypot(z.re, z.im), phaseRad: Math.atan2(z.im, z.re) };
}

/** Re-normalise the rotating phasor this often: keeps the recurrence's rounding drift below 1e-12. */
const RENORMALISE_EVERY = 1024;

/**
 * Phasor of `samples` at `frequencyHz`. Uses the first `length` samples (default all).
 * Hann window w[n] = 0.5 − 0.5cos(2πn/N) (periodic); the estimate is 2·Σ(x−x̄)·w·e^{−jωn} / Σw.
 * The image of the tone at −f leaks in at 2f away: with ≥ 10 cycles that is ≥ 20 bins, where the
 * Hann sidelobes are below −90 dB, so amplitude and phase stay exact to well under 0.1 %.
 */
export function phasorAt(samples: Samples, rateHz: number, frequencyHz: number, length = samples.length): Phasor {
  const n = Math.min(length, samples.length);
  if (n < 2 || !(rateHz > 0)) return phasorFromComplex({ re: 0, im: 0 });
  const omega = (2 * Math.PI * frequencyHz) / rateHz;
  const stepRe = Math.cos(omega), stepIm = -Math.sin(omega);
  const winStep = (2 * Math.PI) / n;
  const winStepRe = Math.cos(winStep), winStepIm = Math.sin(winStep);
  // rot = e^{−jωi}; win = e^{j2πi/N}, so w[i] = 0.5 − 0.5·Re(win).
  let rotRe = 1, rotIm = 0, winRe = 1, winIm = 0;
  let sumX = 0, sumW = 0;
  let accRe = 0, accIm = 0; // Σ x·w·rot
  let wRotRe = 0, wRotIm = 0; // Σ w·rot, to remove the mean in the same pass
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * winRe;
    const x = samples[i];
    sumX += x;
    sumW += w;
    accRe += x * w * rotRe;
    accIm += x * w * rotIm;
    wRotRe += w * rotRe;
    wRotIm += w * rotIm;
    const r = rotRe * stepRe - rotIm * stepIm;
    rotIm = rotRe * stepIm + rotIm * stepRe;
    rotRe = r;
    const v = winRe * winStepRe - winIm * winStepIm;
    winIm = winRe * winStepIm + winIm * winStepRe;
    winRe = v;
    if ((i + 1) % RENORMALISE_EVERY === 0) {
      const g = 1 / Math.hypot(rotRe, rotIm);
      rotRe *= g; rotIm *= g;
      const h = 1 / Math.hypot(winRe, winIm);
      winRe *= h; winIm *= h;
    }
  }
  const mean = sumX / n;
  const scale = 2 / sumW;
  return phasorFromComplex({ re: (accRe - mean * wRotRe) * scale, im: (accIm - mean * wRotIm) * scale });
}
