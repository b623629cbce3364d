/** Small, independent measurement helpers for checking the simulator's output against its physics. */
import { complexFft, nextPowerOfTwo } from "../../../analyzers/dsp/fft";
import { amplitudeSpectrum, type AmplitudeSpectrum } from "../../../analyzers/dsp/spectrum";
import type { Samples } from "../../../analyzers/types";

export interface Phasor {
  re: number;
  im: number;
}

/** Peak-amplitude phasor of the component at exactly `freqHz` (Hann-weighted DFT at one frequency). */
export function phasorAt(x: Samples, rateHz: number, freqHz: number): Phasor {
  const n = x.length;
  let re = 0,
    im = 0,
    wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
    const ph = (2 * Math.PI * freqHz * i) / rateHz;
    re += w * x[i] * Math.cos(ph);
    im -= w * x[i] * Math.sin(ph);
    wsum += w;
  }
  return { re: (2 * re) / wsum, im: (2 * im) / wsum };
}

const A = { re: Math.cos((2 * Math.PI) / 3), im: Math.sin((2 * Math.PI) / 3) };
const A2 = { re: A.re, im: -A.im };
const mul = (x: Phasor, y: Phasor): Phasor => ({ re: x.re * y.re - x.im * y.im, im: x.re * y.im + x.im * y.re });
const add3 = (x: Phasor, y: Phasor, z: Phasor): Phasor => ({ re: (x.re + y.re + z.re) / 3, im: (x.im + y.im + z.im) / 3 });

/** Fortescue: I1 = (Ia + aIb + a²Ic)/3, I2 = (Ia + a²Ib + aIc)/3. */
export function sequenceComponents(ia: Phasor, ib: Phasor, ic: Phasor): { i1: Phasor; i2: Phasor } {
  return { i1: add3(ia, mul(A, ib), mul(A2, ic)), i2: add3(ia, mul(A2, ib), mul(A, ic)) };
}

export const magnitude = (p: Phasor): number => Math.hypot(p.re, p.im);
export const angleDeg = (p: Phasor): number => (Math.atan2(p.im, p.re) * 180) / Math.PI;

/** Wraps an angle difference to (−180°, 180°]. */
export function wrapDeg(d: number): number {
  let x = d % 360;
  if (x <= -180) x += 360;
  if (x > 180) x -= 360;
  return x;
}

/**
 * Squared-envelope amplitude spectrum of `x` demodulated in [loHz, hiHz]: analytic signal of the band
 * (FFT, keep the band's positive bins, inverse FFT), |·|², mean removed, Hann spectrum zero-padded 4×.
 */
export function squaredEnvelopeSpectrum(x: Samples, rateHz: number, loHz: number, hiHz: number): AmplitudeSpectrum {
  const size = nextPowerOfTwo(x.length);
  const data = new Float64Array(2 * size);
  for (let i = 0; i < x.length; i++) data[2 * i] = x[i];
  const spec = Float64Array.from(complexFft(data));
  const binHz = rateHz / size;
  for (let k = 0; k < size; k++) {
    const f = k * binHz;
    const keep = k < size / 2 && f >= loHz && f <= hiHz;
    if (!keep) {
      spec[2 * k] = 0;
      spec[2 * k + 1] = 0;
    }
  }
  const analytic = complexFft(spec, true);
  const env = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) env[i] = analytic[2 * i] ** 2 + analytic[2 * i + 1] ** 2;
  return amplitudeSpectrum(env, rateHz, { taper: "hann", size: 4 * size });
}
