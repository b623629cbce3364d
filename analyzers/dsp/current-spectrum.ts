/**
 * The low-frequency current spectrum both current-signature analyzers (eccentricity, broken bar)
 * read their sidebands from: each phase current decimated to just above the highest line of
 * interest, tapered, transformed, normalised to its own fundamental and averaged over the phases
 * present (docs/science.md#current-spectrum "average the three phases"; averaging also steadies the floor).
 */
import type { ChannelName, SampledSignal, SensorWindow } from "../types";
import { decimate, decimateThree, decimationFactorFor } from "./decimate";
import { nextPowerOfTwo, previousPowerOfTwo } from "./fft";
import { estimateFundamental } from "./fundamental";
import { amplitudeSpectrum, peakInBand, type AmplitudeSpectrum } from "./spectrum";
import type { TaperName } from "./window-functions";
import { pooledCache } from "./scratch";
import { memoised } from "./window-memo";

export interface CurrentSpectrum {
  /** Phase-averaged amplitude spectrum, each phase divided by its fundamental amplitude (fundamental = 1). */
  spectrum: AmplitudeSpectrum;
  fundamentalHz: number;
  /** Mean fundamental amplitude over the phases used, A. */
  fundamentalA: number;
  /** How far f moved over the window, Hz: twice f(second half) − f(first half), i.e. the whole sweep when it is linear. */
  driftHz: number;
  phases: ChannelName[];
  /** Length of the analysed record, s. */
  durationS: number;
  /** Sample rate after decimation, Hz. */
  rateHz: number;
  decimation: number;
}

export interface CurrentSpectrumOptions {
  /** Expected electrical frequency (fixed supply, or speed × pole pairs); searched ± priorTolerance. */
  priorHz?: number | undefined;
  priorTolerance?: number;
  /** Highest frequency the caller will read, as a multiple of f, plus an absolute margin (its floor band). */
  highestRatio: number;
  marginHz: number;
  taper: TaperName;
  /** Zero-padding factor for the analysis FFT (peak picking between bins). */
  padding?: number;
}

/** Four purposes (three decimated phases, one phase spectrum) at a few window lengths. */
const workBuffers = pooledCache<string, Float64Array>("current spectrum work buffers", 16);

/** A reused buffer of exactly `length` (per purpose; the pool bounds how many sizes are kept). */
function workBuffer(purpose: string, length: number): Float64Array {
  return workBuffers.get(`${purpose} ${length}`, () => new Float64Array(length));
}

/** The fundamental must carry at least this share of the phase current's RMS. */
const DOMINANCE = 0.5;

function rootMeanSquare(x: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (x[i] - mean) ** 2;
  return Math.sqrt(sum / x.length);
}

/** Phase currents present with the same rate as ia (ia first), truncated to a common length. */
export function phaseCurrents(window: SensorWindow): { name: ChannelName; signal: SampledSignal }[] {
  const ia = window.channels.ia;
  if (!ia || ia.samples.length === 0) return [];
  const list: { name: ChannelName; signal: SampledSignal }[] = [{ name: "ia", signal: ia }];
  for (const name of ["ib", "ic"] as const) {
    const s = window.channels[name];
    if (s && s.rateHz === ia.rateHz && s.samples.length > 0) list.push({ name, signal: s });
  }
  const n = Math.min(...list.map((p) => p.signal.samples.length));
  return list.map((p) => ({ name: p.name, signal: { samples: p.signal.samples.subarray(0, n), rateHz: p.signal.rateHz } }));
}

/** Coarse f from at most one second of raw ia, for choosing the decimation when no prior exists. */
function coarseFundamental(ia: SampledSignal): number | null {
  const n = Math.min(ia.samples.length, previousPowerOfTwo(Math.max(2, Math.round(ia.rateHz))));
  const est = estimateFundamental({ samples: ia.samples.subarray(0, n), rateHz: ia.rateHz }, { minHz: 2 });
  return est ? est.frequencyHz : null;
}

/**
 * Memoised per window (dsp/window-memo.ts): analyzers asking with the same options share one computation. The result
 * is shared, so it is read-only. The key holds every option and the phases' rates; ib and ic are checked by identity.
 */
export function currentSpectrum(window: SensorWindow, options: CurrentSpectrumOptions): CurrentSpectrum | { problem: string } {
  const { ia, ib, ic } = window.channels;
  if (!ia) return computeCurrentSpectrum(window, options);
  const key = `currentSpectrum ${ia.rateHz} ${ib?.rateHz} ${ic?.rateHz} ${JSON.stringify(options)}`;
  return memoised(ia.samples, key, () => computeCurrentSpectrum(window, options), [ib?.samples ?? NO_CHANNEL, ic?.samples ?? NO_CHANNEL]);
}

/** Stands for an absent channel among the memo's co-inputs. */
const NO_CHANNEL = Object.freeze({});

function computeCurrentSpectrum(window: SensorWindow, options: CurrentSpectrumOptions): CurrentSpectrum | { problem: string } {
  const phases = phaseCurrents(window);
  if (phases.length === 0) return { problem: "no phase current (ia) in the window" };
  const ia = phases[0].signal;
  if (ia.samples.length < 64) return { problem: `only ${ia.samples.length} current samples` };
  const tolerance = options.priorTolerance ?? 0.2;
  const prior = options.priorHz ?? coarseFundamental(ia);
  if (!prior) return { problem: "no fundamental found in ia" };
  const highest = prior * (1 + tolerance) * options.highestRatio + options.marginHz;
  if (highest >= 0.45 * ia.rateHz) return { problem: `lines up to ${highest.toFixed(0)} Hz need more than ${ia.rateHz} Hz sampling` };
  const q = decimationFactorFor(ia.rateHz, highest);
  const rateHz = ia.rateHz / q;
  // Consumed before this returns: decimated phases and per-phase spectra live in reused buffers (docs/performance.md#fresh-memory).
  const into = phases.map((p, i) => workBuffer(`decimated ${i}`, Math.ceil(p.signal.samples.length / q)));
  const decimated =
    phases.length === 3
      ? decimateThree(
          phases.map((p) => p.signal.samples),
          q,
          into,
        )
      : phases.map((p, i) => decimate(p.signal.samples, q, {}, into[i]));
  const f = estimateFundamental({ samples: decimated[0], rateHz }, { expectedHz: prior, tolerance });
  if (!f) return { problem: "no fundamental found in ia" };
  // A motor current is dominated by its fundamental; a weak "peak" near the prior means the prior
  // (speed × pole pairs, or supply_hz) is wrong, not that the motor runs there.
  const rms = rootMeanSquare(ia.samples);
  if (!(f.amplitude / Math.SQRT2 >= DOMINANCE * rms))
    return {
      problem: `no dominant line within ±${100 * tolerance} % of the expected ${prior.toFixed(1)} Hz (strongest: ${f.frequencyHz.toFixed(1)} Hz at ${((100 * f.amplitude) / Math.SQRT2 / rms).toFixed(0)} % of the current's RMS): speed, pole pairs or supply_hz inconsistent`,
    };

  const n = decimated[0].length;
  // Steadiness (docs/science.md#current-spectrum): f on each half of the record.
  const halfN = n >> 1;
  const firstHalf = estimateFundamental({ samples: decimated[0].subarray(0, halfN), rateHz }, { expectedHz: f.frequencyHz, tolerance: 0.1 });
  const secondHalf = estimateFundamental({ samples: decimated[0].subarray(halfN), rateHz }, { expectedHz: f.frequencyHz, tolerance: 0.1 });
  const driftHz = firstHalf && secondHalf ? 2 * (secondHalf.frequencyHz - firstHalf.frequencyHz) : 0;
  const size = nextPowerOfTwo(n) * (options.padding ?? 2);
  let sum: Float64Array | null = null;
  let spectrum: AmplitudeSpectrum | null = null;
  let amplitudes = 0;
  let used = 0;
  for (const x of decimated) {
    const s = amplitudeSpectrum(x, rateHz, { taper: options.taper, size }, workBuffer("phase spectrum", size / 2 + 1));
    // The fundamental's own peak in this phase, searched within a few resolution bins of f.
    const peak = peakInBand(s, f.frequencyHz - 2 * s.resolutionHz, f.frequencyHz + 2 * s.resolutionHz);
    if (!peak || !(peak.amplitude > 0)) continue;
    if (!sum) sum = new Float64Array(s.amplitude.length);
    for (let k = 0; k < sum.length; k++) sum[k] += s.amplitude[k] / peak.amplitude;
    amplitudes += peak.amplitude;
    spectrum = s;
    used++;
  }
  if (!sum || !spectrum || used === 0) return { problem: "no fundamental found in the phase currents" };
  for (let k = 0; k < sum.length; k++) sum[k] /= used;
  return {
    spectrum: { ...spectrum, amplitude: sum },
    fundamentalHz: f.frequencyHz,
    fundamentalA: amplitudes / used,
    driftHz,
    phases: phases.map((p) => p.name),
    durationS: ia.samples.length / ia.rateHz,
    rateHz,
    decimation: q,
  };
}
