/**
 * Sums of sinusoids without per-sample trigonometry: each tone is a phasor rotated by a fixed
 * complex factor per sample (a recurrence), re-anchored with an exact cos/sin every BLOCK samples
 * so rounding never accumulates. A three-phase tone carries one complex amplitude per phase,
 * which is how sequence components, asymmetries and faulted phases are expressed.
 */

/** x_k(t) = Re(C_k · e^{j2πft}) for k = a, b, c; amplitudes are peak values. */
export interface ThreePhaseTone {
  freqHz: number;
  aRe: number; aIm: number;
  bRe: number; bIm: number;
  cRe: number; cIm: number;
}

/** x(t) = Re(C · e^{j2πft}) = |C|·cos(2πft + ∠C). */
export interface Tone {
  freqHz: number;
  re: number;
  im: number;
}

/** Samples between exact re-anchorings of the recurrence (error stays ~1e-14 relative). */
const BLOCK = 512;

const TWO_PI_OVER_3 = (2 * Math.PI) / 3;

/**
 * A balanced three-phase set of peak `amplitude` and phase `phaseRad` (phase a).
 * sequence +1: b lags a by 120° (positive sequence); −1: b leads a (negative sequence).
 */
export function balancedTone(freqHz: number, amplitude: number, phaseRad: number, sequence: 1 | -1): ThreePhaseTone {
  const pb = phaseRad - sequence * TWO_PI_OVER_3;
  const pc = phaseRad + sequence * TWO_PI_OVER_3;
  return {
    freqHz,
    aRe: amplitude * Math.cos(phaseRad), aIm: amplitude * Math.sin(phaseRad),
    bRe: amplitude * Math.cos(pb), bIm: amplitude * Math.sin(pb),
    cRe: amplitude * Math.cos(pc), cIm: amplitude * Math.sin(pc),
  };
}

/** Adds the tones to a, b, c (same length), sampled at `rateHz` from t = 0. Tones at or above Nyquist are skipped. */
export function addThreePhaseTones(tones: readonly ThreePhaseTone[], rateHz: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  const n = a.length;
  for (const tone of tones) {
    if (!(tone.freqHz > 0) || tone.freqHz >= rateHz / 2) continue;
    const w = (2 * Math.PI * tone.freqHz) / rateHz;
    const wr = Math.cos(w), wi = Math.sin(w);
    const { aRe, aIm, bRe, bIm, cRe, cIm } = tone;
    for (let start = 0; start < n; start += BLOCK) {
      let zr = Math.cos(w * start), zi = Math.sin(w * start);
      const end = Math.min(n, start + BLOCK);
      for (let i = start; i < end; i++) {
        a[i] += aRe * zr - aIm * zi;
        b[i] += bRe * zr - bIm * zi;
        c[i] += cRe * zr - cIm * zi;
        const nr = zr * wr - zi * wi;
        zi = zr * wi + zi * wr;
        zr = nr;
      }
    }
  }
}

/** Adds single-channel tones to `out`, sampled at `rateHz` from t = 0. */
export function addTones(tones: readonly Tone[], rateHz: number, out: Float64Array): void {
  const n = out.length;
  for (const tone of tones) {
    if (!(tone.freqHz > 0) || tone.freqHz >= rateHz / 2) continue;
    const w = (2 * Math.PI * tone.freqHz) / rateHz;
    const wr = Math.cos(w), wi = Math.sin(w);
    const { re, im } = tone;
    for (let start = 0; start < n; start += BLOCK) {
      let zr = Math.cos(w * start), zi = Math.sin(w * start);
      const end = Math.min(n, start + BLOCK);
      for (let i = start; i < end; i++) {
        out[i] += re * zr - im * zi;
        const nr = zr * wr - zi * wi;
        zi = zr * wi + zi * wr;
        zr = nr;
      }
    }
  }
}

/** A tone of peak `amplitude` and phase `phaseRad`. */
export function tone(freqHz: number, amplitude: number, phaseRad: number): Tone {
  return { freqHz, re: amplitude * Math.cos(phaseRad), im: amplitude * Math.sin(phaseRad) };
}
