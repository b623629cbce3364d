/**
 * Synthetic three-phase windows for the turn-fault tests: currents (and optionally voltages)
 * built from phasors, plus a phase-domain circuit model of a turn fault that is solved
 * independently of the analyzer's sequence-domain derivation.
 */
import {
  A_OPERATOR,
  A_SQUARED,
  add,
  complex,
  divide,
  fromPolar,
  multiply,
  phaseQuantities,
  scale,
  subtract,
  type Complex,
} from "../../analyzers/dsp/symmetrical-components";
import type { Phase, SampledSignal, SensorWindow } from "../../analyzers/types";

export interface PhasorSet {
  a: Complex;
  b: Complex;
  c: Complex;
}

export interface WaveOptions {
  rateHz: number;
  durationS: number;
  frequencyHz: number;
  /** Ratio of a 3rd harmonic to each phase's fundamental (supply distortion, saturation). */
  thirdHarmonic?: number;
  /** Gaussian noise RMS in the signal's unit (deterministic, seeded). */
  noiseRms?: number;
  seed?: number;
  /** Constant offset added to every channel (sensor bias). */
  offset?: number;
}

/** Deterministic standard-normal generator (LCG + Box-Muller), so tests are reproducible. */
function gaussian(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** x(t) = |P|·cos(2πft + ∠P) (+ harmonic, noise, offset): the phasor convention of dsp/phasor.ts. */
export function waveform(p: Complex, o: WaveOptions, seedOffset = 0): SampledSignal {
  const n = Math.round(o.rateHz * o.durationS);
  const x = new Float64Array(n);
  const amp = Math.hypot(p.re, p.im),
    phi = Math.atan2(p.im, p.re);
  const noise = gaussian((o.seed ?? 7) + seedOffset);
  for (let i = 0; i < n; i++) {
    const wt = 2 * Math.PI * o.frequencyHz * (i / o.rateHz);
    let v = amp * Math.cos(wt + phi) + (o.offset ?? 0);
    if (o.thirdHarmonic) v += o.thirdHarmonic * amp * Math.cos(3 * (wt + phi));
    if (o.noiseRms) v += o.noiseRms * noise();
    x[i] = v;
  }
  return { samples: x, rateHz: o.rateHz };
}

/** Phasors of a set with the given sequence content: I1 = `positive`, I2 = ratio·I1, I0 = zeroRatio·I1. */
export function setFromSequence(positive: Complex, negativeRatio: Complex = complex(0, 0), zeroRatio: Complex = complex(0, 0)): PhasorSet {
  const [a, b, c] = phaseQuantities({ zero: multiply(zeroRatio, positive), positive, negative: multiply(negativeRatio, positive) });
  return { a, b, c };
}

export function currentWindow(currents: PhasorSet, o: WaveOptions, voltages?: PhasorSet): SensorWindow {
  const w: SensorWindow = {
    channels: { ia: waveform(currents.a, o, 1), ib: waveform(currents.b, o, 2), ic: waveform(currents.c, o, 3) },
  };
  if (voltages) {
    const clean = { ...o, noiseRms: 0, thirdHarmonic: 0, offset: 0 };
    w.channels.va = waveform(voltages.a, clean);
    w.channels.vb = waveform(voltages.b, clean);
    w.channels.vc = waveform(voltages.c, clean);
  }
  return w;
}

/** Balanced phase voltages of amplitude `v`, sequence A-B-C (or A-C-B when `reversed`). */
export function balancedVoltages(v: number, reversed = false): PhasorSet {
  const a = complex(v, 0);
  return reversed ? { a, b: multiply(A_OPERATOR, a), c: multiply(A_SQUARED, a) } : { a, b: multiply(A_SQUARED, a), c: multiply(A_OPERATOR, a) };
}

/**
 * Phase currents of a star-connected winding with an isolated neutral, solved in phase quantities:
 * each phase has impedance Z, the faulted one Z + ΔZ, where the shorted turns (a short-circuited
 * secondary of loop impedance Z_loop and mutual reactance X_M) reflect ΔZ = X_M²/Z_loop.
 * Neutral-point voltage Vn = Σ(V/Z)/Σ(1/Z), then I = (V − Vn)/Z. `severity` = |ΔZ|/|Z|.
 */
export function turnFaultCircuit(opts: {
  voltages: PhasorSet;
  phaseImpedance: Complex;
  faultedPhase?: Phase | undefined;
  severity?: number | undefined;
  loopAngleDeg?: number;
}): PhasorSet {
  const z = opts.phaseImpedance;
  const dzMag = (opts.severity ?? 0) * Math.hypot(z.re, z.im);
  const dz = fromPolar(dzMag, (-(opts.loopAngleDeg ?? 60) * Math.PI) / 180);
  const zOf = (p: Phase) => (opts.faultedPhase === p ? add(z, dz) : z);
  const za = zOf("A"),
    zb = zOf("B"),
    zc = zOf("C");
  const one = complex(1, 0);
  const { a: va, b: vb, c: vc } = opts.voltages;
  const sumY = add(add(divide(one, za), divide(one, zb)), divide(one, zc));
  const sumIv = add(add(divide(va, za), divide(vb, zb)), divide(vc, zc));
  const vn = divide(sumIv, sumY);
  return { a: divide(subtract(va, vn), za), b: divide(subtract(vb, vn), zb), c: divide(subtract(vc, vn), zc) };
}

/** Scales every phasor of a set by per-phase gains (CT gain mismatch). */
export function withGains(s: PhasorSet, gains: readonly [number, number, number]): PhasorSet {
  return { a: scale(s.a, gains[0]), b: scale(s.b, gains[1]), c: scale(s.c, gains[2]) };
}

/** Phase voltages with a supply unbalance: V1 = v∠0 in sequence A-B-C, V2 = (v2OverV1·v)∠v2AngleDeg. */
export function unbalancedVoltages(v: number, v2OverV1: number, v2AngleDeg = 0): PhasorSet {
  return setFromSequence(complex(v, 0), fromPolar(v2OverV1, (v2AngleDeg * Math.PI) / 180));
}

type Matrix3 = Complex[][];

function matMul(x: Matrix3, y: Matrix3): Matrix3 {
  return x.map((row) => [0, 1, 2].map((j) => row.reduce((s, xik, k) => add(s, multiply(xik, y[k][j])), complex(0, 0))));
}

/** Solves A·x = b (complex, small and well-conditioned) by Gaussian elimination with partial pivoting. */
function solve(a: Complex[][], b: Complex[]): Complex[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.hypot(m[r][col].re, m[r][col].im) > Math.hypot(m[pivot][col].re, m[pivot][col].im)) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = divide(m[r][col], m[col][col]);
      for (let c = col; c <= n; c++) m[r][c] = subtract(m[r][c], multiply(factor, m[col][c]));
    }
  }
  return m.map((row, i) => divide(row[n], row[i]));
}

/**
 * A star-connected motor (isolated neutral) with separate positive- and negative-sequence
 * impedances Z1 (load dependent) and Z2 (a machine constant), solved in phase quantities: the phase
 * impedance matrix is Z_abc = T·diag(Z1, Z1, Z2)·T⁻¹ (T the symmetrical-component transform; a
 * circulant that is not symmetric when Z1 ≠ Z2; Z0 is irrelevant with I0 = 0 and set to Z1), plus
 * a series ΔZ in the faulted phase for shorted turns, ΔZ = severity·|Z2|∠−loopAngle, so that a
 * fault alone gives I2/I1 ≈ severity/3 as in turnFaultCircuit. Unknowns Ia, Ib, Ic and the star
 * point voltage Vn: V_k − Vn = Σ_j Z_kj·I_j + ΔZ_k·I_k and Ia + Ib + Ic = 0.
 */
export function sequenceImpedanceMotor(opts: {
  voltages: PhasorSet;
  z1: Complex;
  z2: Complex;
  faultedPhase?: Phase | undefined;
  severity?: number | undefined;
  loopAngleDeg?: number;
}): PhasorSet {
  const one = complex(1, 0);
  const t: Matrix3 = [
    [one, one, one],
    [one, A_SQUARED, A_OPERATOR],
    [one, A_OPERATOR, A_SQUARED],
  ];
  const tInv: Matrix3 = [
    [one, one, one],
    [one, A_OPERATOR, A_SQUARED],
    [one, A_SQUARED, A_OPERATOR],
  ].map((row) => row.map((x) => scale(x, 1 / 3)));
  const zero = complex(0, 0);
  const zAbc = matMul(
    matMul(t, [
      [opts.z1, zero, zero],
      [zero, opts.z1, zero],
      [zero, zero, opts.z2],
    ]),
    tInv,
  );
  const dz = fromPolar((opts.severity ?? 0) * Math.hypot(opts.z2.re, opts.z2.im), (-(opts.loopAngleDeg ?? 60) * Math.PI) / 180);
  const phases: Phase[] = ["A", "B", "C"];
  phases.forEach((p, k) => {
    if (opts.faultedPhase === p) zAbc[k][k] = add(zAbc[k][k], dz);
  });
  // Rows 0–2: Σ_j Z_kj·I_j + Vn = V_k; row 3: Σ I = 0.
  const a = [...zAbc.map((row) => [...row, one]), [one, one, one, zero]];
  const { a: va, b: vb, c: vc } = opts.voltages;
  const [ia, ib, ic] = solve(a, [va, vb, vc, zero]);
  return { a: ia, b: ib, c: ic };
}
