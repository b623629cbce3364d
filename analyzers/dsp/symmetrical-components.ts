/**
 * Fortescue symmetrical components of a three-phase set, and the Extended Park's Vector.
 * docs/science.md#symmetrical-components. With a = e^{j2π/3} and phase sequence A-B-C (B lags A by 120°):
 *   I0 = (Ia + Ib + Ic)/3,  I1 = (Ia + a·Ib + a²·Ic)/3,  I2 = (Ia + a²·Ib + a·Ic)/3.
 * A balanced positive-sequence set (Ib = a²·Ia, Ic = a·Ia) gives I1 = Ia, I2 = I0 = 0.
 */
import type { Samples } from "../types";
import { phasorAt, type Complex } from "./phasor";

export type { Complex } from "./phasor";

export const complex = (re: number, im: number): Complex => ({ re, im });
export const fromPolar = (magnitude: number, angleRad: number): Complex => ({ re: magnitude * Math.cos(angleRad), im: magnitude * Math.sin(angleRad) });
export const add = (x: Complex, y: Complex): Complex => ({ re: x.re + y.re, im: x.im + y.im });
export const subtract = (x: Complex, y: Complex): Complex => ({ re: x.re - y.re, im: x.im - y.im });
export const multiply = (x: Complex, y: Complex): Complex => ({ re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re });
export const scale = (x: Complex, k: number): Complex => ({ re: x.re * k, im: x.im * k });
export function divide(x: Complex, y: Complex): Complex {
  const d = y.re * y.re + y.im * y.im;
  return { re: (x.re * y.re + x.im * y.im) / d, im: (x.im * y.re - x.re * y.im) / d };
}
export const magnitude = (x: Complex): number => Math.hypot(x.re, x.im);
/** Angle in radians, (−π, π]. */
export const angle = (x: Complex): number => Math.atan2(x.im, x.re);
/** Angle in degrees wrapped to [0, 360): the convention the ITSC reference figures use. */
export function angleDeg360(x: Complex): number {
  const d = (angle(x) * 180) / Math.PI;
  return d < 0 ? d + 360 : d;
}

/** The Fortescue operator a = e^{j2π/3} and a². */
export const A_OPERATOR: Complex = fromPolar(1, (2 * Math.PI) / 3);
export const A_SQUARED: Complex = fromPolar(1, (4 * Math.PI) / 3);

export interface SequenceComponents {
  zero: Complex;
  positive: Complex;
  negative: Complex;
}

export function sequenceComponents(a: Complex, b: Complex, c: Complex): SequenceComponents {
  const third = 1 / 3;
  return {
    zero: scale(add(add(a, b), c), third),
    positive: scale(add(add(a, multiply(A_OPERATOR, b)), multiply(A_SQUARED, c)), third),
    negative: scale(add(add(a, multiply(A_SQUARED, b)), multiply(A_OPERATOR, c)), third),
  };
}

/** Inverse transform, Ia = I0 + I1 + I2 etc.: used to build test sets and to check round trips. */
export function phaseQuantities(s: SequenceComponents): [Complex, Complex, Complex] {
  const { zero, positive, negative } = s;
  return [
    add(add(zero, positive), negative),
    add(add(zero, multiply(A_SQUARED, positive)), multiply(A_OPERATOR, negative)),
    add(add(zero, multiply(A_OPERATOR, positive)), multiply(A_SQUARED, negative)),
  ];
}

export interface ParkVectorModulation {
  /** Mean of |i| (≈ √(3/2)·|I1| for sinusoidal currents). */
  dc: number;
  /** Amplitude of the 2f component of |i|. */
  amplitude2f: number;
  /** A_2f / DC: ≈ |I2|/|I1| for a pure negative-sequence unbalance (Cruz & Cardoso 2001). */
  ratio: number;
}

/**
 * Extended Park's Vector Approach (Cardoso, Cruz & Fonseca 1999):
 *   i_D = √(2/3)·ia − ib/√6 − ic/√6,  i_Q = (ib − ic)/√2,  |i| = √(i_D² + i_Q²).
 * A healthy machine traces a circle (|i| constant); a turn fault makes an ellipse, so |i|
 * gains a 2f component. Zero sequence cancels in i_D and i_Q, so CT offsets common to all
 * phases do not enter.
 */
export function parkVectorModulus(ia: Samples, ib: Samples, ic: Samples, length: number, out: Float64Array = new Float64Array(length)): Float64Array {
  const kD = Math.sqrt(2 / 3),
    kBC = 1 / Math.sqrt(6),
    kQ = 1 / Math.SQRT2;
  for (let i = 0; i < length; i++) {
    const d = kD * ia[i] - kBC * (ib[i] + ic[i]);
    const q = kQ * (ib[i] - ic[i]);
    out[i] = Math.sqrt(d * d + q * q);
  }
  return out;
}

/** Reused |i| buffer: first touch of fresh memory is slow (docs/performance.md#fresh-memory), windows recur at one size. */
let modulusScratch = new Float64Array(0);

export function parkVectorModulation(ia: Samples, ib: Samples, ic: Samples, rateHz: number, fundamentalHz: number, length: number): ParkVectorModulation {
  if (modulusScratch.length < length) modulusScratch = new Float64Array(length);
  const modulus = parkVectorModulus(ia, ib, ic, length, modulusScratch);
  let sum = 0;
  for (let i = 0; i < length; i++) sum += modulus[i];
  const dc = length ? sum / length : 0;
  const amplitude2f = phasorAt(modulus, rateHz, 2 * fundamentalHz, length).amplitude;
  return { dc, amplitude2f, ratio: dc > 0 ? amplitude2f / dc : 0 };
}
