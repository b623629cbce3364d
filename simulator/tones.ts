/**
 * Sums of sinusoids without per-sample trigonometry: each tone is a phasor rotated by a fixed
 * complex factor per sample (a recurrence), re-anchored with an exact cos/sin every BLOCK samples
 * so rounding never accumulates. A three-phase tone carries one complex amplitude per phase,
 * which is how sequence components, asymmetries and faulted phases are expressed.
 */

/** x_k(t) = Re(C_k · e^{j2πft}) for k = a, b, c; amplitudes are peak values. */
export interface ThreePhaseTone {
  freqHz: number;
  aRe: number;
  aIm: number;
  bRe: number;
  bIm: number;
  cRe: number;
  cIm: number;
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
    aRe: amplitude * Math.cos(phaseRad),
    aIm: amplitude * Math.sin(phaseRad),
    bRe: amplitude * Math.cos(pb),
    bIm: amplitude * Math.sin(pb),
    cRe: amplitude * Math.cos(pc),
    cIm: amplitude * Math.sin(pc),
  };
}

/**
 * Adds the tones to a, b, c (same length), sampled at `rateHz` from t = 0. Tones at or above Nyquist
 * are skipped. Two tones share each pass over the buffers (half the memory traffic).
 */
export function addThreePhaseTones(tones: readonly ThreePhaseTone[], rateHz: number, a: Float64Array, b: Float64Array, c: Float64Array): void {
  const live = tones.filter((t) => t.freqHz > 0 && t.freqHz < rateHz / 2);
  const n = a.length;
  for (let k = 0; k < live.length; k += 2) {
    const t1 = live[k];
    const t2 = k + 1 < live.length ? live[k + 1] : null;
    const w1 = (2 * Math.PI * t1.freqHz) / rateHz;
    const w2 = t2 ? (2 * Math.PI * t2.freqHz) / rateHz : 0;
    const c1 = Math.cos(w1),
      s1 = Math.sin(w1),
      c2 = Math.cos(w2),
      s2 = Math.sin(w2);
    const a1r = t1.aRe,
      a1i = t1.aIm,
      b1r = t1.bRe,
      b1i = t1.bIm,
      c1r = t1.cRe,
      c1i = t1.cIm;
    const a2r = t2 ? t2.aRe : 0,
      a2i = t2 ? t2.aIm : 0,
      b2r = t2 ? t2.bRe : 0,
      b2i = t2 ? t2.bIm : 0,
      c2r = t2 ? t2.cRe : 0,
      c2i = t2 ? t2.cIm : 0;
    for (let start = 0; start < n; start += BLOCK) {
      let z1r = Math.cos(w1 * start),
        z1i = Math.sin(w1 * start);
      let z2r = Math.cos(w2 * start),
        z2i = Math.sin(w2 * start);
      const end = Math.min(n, start + BLOCK);
      for (let i = start; i < end; i++) {
        a[i] += a1r * z1r - a1i * z1i + a2r * z2r - a2i * z2i;
        b[i] += b1r * z1r - b1i * z1i + b2r * z2r - b2i * z2i;
        c[i] += c1r * z1r - c1i * z1i + c2r * z2r - c2i * z2i;
        const n1 = z1r * c1 - z1i * s1;
        z1i = z1r * s1 + z1i * c1;
        z1r = n1;
        const n2 = z2r * c2 - z2i * s2;
        z2i = z2r * s2 + z2i * c2;
        z2r = n2;
      }
    }
  }
}

/** Adds single-channel tones to `out`, sampled at `rateHz` from t = 0, two tones per pass. */
export function addTones(tones: readonly Tone[], rateHz: number, out: Float64Array): void {
  const live = tones.filter((t) => t.freqHz > 0 && t.freqHz < rateHz / 2);
  const n = out.length;
  for (let k = 0; k < live.length; k += 2) {
    const t1 = live[k];
    const t2 = k + 1 < live.length ? live[k + 1] : null;
    const w1 = (2 * Math.PI * t1.freqHz) / rateHz;
    const w2 = t2 ? (2 * Math.PI * t2.freqHz) / rateHz : 0;
    const c1 = Math.cos(w1),
      s1 = Math.sin(w1),
      c2 = Math.cos(w2),
      s2 = Math.sin(w2);
    const r1 = t1.re,
      i1 = t1.im,
      r2 = t2 ? t2.re : 0,
      i2 = t2 ? t2.im : 0;
    for (let start = 0; start < n; start += BLOCK) {
      let z1r = Math.cos(w1 * start),
        z1i = Math.sin(w1 * start);
      let z2r = Math.cos(w2 * start),
        z2i = Math.sin(w2 * start);
      const end = Math.min(n, start + BLOCK);
      for (let i = start; i < end; i++) {
        out[i] += r1 * z1r - i1 * z1i + r2 * z2r - i2 * z2i;
        const n1 = z1r * c1 - z1i * s1;
        z1i = z1r * s1 + z1i * c1;
        z1r = n1;
        const n2 = z2r * c2 - z2i * s2;
        z2i = z2r * s2 + z2i * c2;
        z2r = n2;
      }
    }
  }
}

/** A tone of peak `amplitude` and phase `phaseRad`. */
export function tone(freqHz: number, amplitude: number, phaseRad: number): Tone {
  return { freqHz, re: amplitude * Math.cos(phaseRad), im: amplitude * Math.sin(phaseRad) };
}
