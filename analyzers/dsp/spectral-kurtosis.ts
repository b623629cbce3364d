/**
 * Choosing the demodulation band for envelope analysis (docs/science.md#demodulation-band).
 *
 * What is computed: a kurtogram in the spirit of Antoni's fast kurtogram (MSSP 21(1), 2007) —
 * the spectral kurtosis of the complex envelope of each band of a 1/3-binary tree,
 *   SK = ⟨|z|⁴⟩ / ⟨|z|²⟩² − 2,
 * which is 0 for Gaussian noise, −1 for a steady tone and large for repetitive impulses. The
 * bands are cut from the window's spectrum (FFT-domain filter bank, see hilbert.ts) instead of
 * Antoni's quadrature-mirror FIR tree; the statistic is the same.
 *
 * Two deliberate restrictions:
 * - the search runs over > 500 Hz and < 0.8·fs/2 (below: shaft and electrical lines; above: the
 *   anti-aliasing roll-off);
 * - no band narrower than `minWidthHz` is a candidate. The squared envelope of a band W Hz wide
 *   holds only frequencies below W, and its noise floor falls linearly to zero at W, so a narrow
 *   band — however impulsive — cannot show the third harmonic of the defect frequency against a
 *   flat floor. The analyzer asks for W ≥ 2 × the highest line it scores.
 *
 * Kurtosis alone can pick the wrong band (impulsive noise, EMI; docs/science.md#demodulation-band cites a CWRU study
 * where it did). So `chooseBand` ranks bands by SK and lets a periodicity score — supplied by the
 * caller, e.g. the mean dB of the harmonic peaks at the candidate defect frequencies — choose
 * among the top few; but only among bands whose SK is significantly above the Gaussian 0, since
 * periodicity alone is fooled the other way (on CWRU record 118 it picked a non-impulsive
 * 500–1575 Hz band whose envelope lines are beats of machine lines, and called a ball fault).
 */
import { bandComplexEnvelope, bandSupportBins, type BandSpec } from "./hilbert";
import { nextPowerOfTwo } from "./fft";

export interface KurtogramBand extends BandSpec {
  /** Tree level as in Antoni's kurtogram: log2 of the number of bands the range is cut into. */
  level: number;
}

export interface RankedBand {
  band: KurtogramBand;
  kurtosis: number;
}

/** Edge ramps as a fraction of a band's width (raised cosine, −6 dB at the nominal edges). */
export const BAND_TRANSITION_FRACTION = 0.1;

/**
 * The 1/3-binary tree over [minHz, maxHz]: the range cut into 1, 2, 3, 4, 6, 8, 12, … equal bands,
 * plus the bands straddling each pair of neighbours (shifted by half a width) so that a resonance
 * on a boundary is not split; levels stop where the width would fall below `minWidthHz`.
 */
export function candidateBands(minHz: number, maxHz: number, minWidthHz: number): KurtogramBand[] {
  const range = maxHz - minHz;
  const bands: KurtogramBand[] = [];
  if (!(range > 0) || range < minWidthHz) return bands;
  for (let m = 1; range / m >= minWidthHz; m = m < 2 ? 2 : (m & (m - 1)) === 0 ? (m * 3) / 2 : (m * 4) / 3) {
    const w = range / m;
    const t = BAND_TRANSITION_FRACTION * w;
    const level = Math.log2(m);
    for (let i = 0; i < m; i++) bands.push({ loHz: minHz + i * w, hiHz: minHz + (i + 1) * w, transitionHz: t, level });
    for (let i = 0; i + 1 < m; i++) bands.push({ loHz: minHz + (i + 0.5) * w, hiHz: minHz + (i + 1.5) * w, transitionHz: t, level });
  }
  return bands;
}

/**
 * SK of a complex envelope (interleaved re, im) over samples [from, to):
 * ⟨|z|⁴⟩/⟨|z|²⟩² − 2. NaN if the stretch is empty or silent.
 */
export function envelopeKurtosis(z: Float64Array, from: number, to: number): number {
  let s2 = 0,
    s4 = 0;
  for (let i = from; i < to; i++) {
    const p = z[2 * i] * z[2 * i] + z[2 * i + 1] * z[2 * i + 1];
    s2 += p;
    s4 += p * p;
  }
  const n = to - from;
  if (n <= 0 || !(s2 > 0)) return NaN;
  const m2 = s2 / n;
  return s4 / n / (m2 * m2) - 2;
}

/** Where in the FFT frame the record's trustworthy samples lie, as fractions of the frame. */
export interface ValidSpan {
  from: number;
  to: number;
}

/**
 * SK of every band, highest first. `half` is the realFft output of the (tapered) record of
 * `fftSize` points; `valid` excludes zero padding and tapered ends from the moments.
 */
export function rankBandsByKurtosis(half: Float64Array, fftSize: number, rateHz: number, bands: readonly KurtogramBand[], valid: ValidSpan): RankedBand[] {
  const binHz = rateHz / fftSize;
  const ranked: RankedBand[] = [];
  for (const band of bands) {
    const size = nextPowerOfTwo(bandSupportBins(band, binHz));
    const z = bandComplexEnvelope(half, fftSize, rateHz, band, size);
    const k = envelopeKurtosis(z, Math.floor(valid.from * size), Math.ceil(valid.to * size));
    ranked.push({ band, kurtosis: Number.isFinite(k) ? k : -Infinity });
  }
  ranked.sort((a, b) => b.kurtosis - a.kurtosis);
  return ranked;
}

/**
 * Standard deviation of the SK estimate on Gaussian noise from N independent complex envelope
 * samples: 2/√N (delta method with |z|² exponential: E|z|⁴ = 2, E|z|⁶ = 6, E|z|⁸ = 24 in units of
 * E|z|²). A band W Hz wide observed for T s holds about N = W·T independent samples.
 */
export function skNoiseStd(widthHz: number, durationS: number): number {
  return 2 / Math.sqrt(Math.max(1, widthHz * durationS));
}

/** SK this many noise standard deviations above 0 counts as impulsive (false alarm ≈ 0.1 % per band). */
export const SK_SIGNIFICANCE_SIGMAS = 3;

/** Whether a band's SK shows impulsiveness beyond what Gaussian noise would give by chance. */
export function isImpulsive(r: RankedBand, durationS: number): boolean {
  return r.kurtosis > SK_SIGNIFICANCE_SIGMAS * skNoiseStd(r.band.hiHz - r.band.loHz, durationS);
}

export interface BandChoice<T> {
  chosen: RankedBand;
  /** The caller's periodicity evaluation of the chosen band (e.g. its envelope analysis). */
  evaluation: T;
  /** Where the chosen band stood in the SK ranking (0 = highest SK). */
  skRank: number;
  /** How many top-SK bands were compared by periodicity. */
  compared: number;
}

/**
 * Among the `topK` highest-SK bands that are impulsive (`impulsive`), the one whose
 * `evaluate(band).score` is highest; ties keep the higher SK. When none is impulsive the highest-SK
 * band is taken as it is: a band without impulses cannot carry bearing strikes, and the envelope
 * lines it does show come from discrete components (gear or machine lines beating together), which
 * is exactly where a periodicity score would be fooled.
 * `evaluate` runs once per compared band, so its result is handed back for reuse.
 */
export function chooseBand<T extends { score: number }>(
  ranked: readonly RankedBand[],
  topK: number,
  impulsive: (r: RankedBand) => boolean,
  evaluate: (band: KurtogramBand) => T,
): BandChoice<T> | null {
  if (ranked.length === 0) return null;
  const candidates: number[] = [];
  for (let i = 0; i < Math.min(topK, ranked.length); i++) if (impulsive(ranked[i])) candidates.push(i);
  if (candidates.length === 0) candidates.push(0);
  let best: BandChoice<T> | null = null;
  for (const i of candidates) {
    const evaluation = evaluate(ranked[i].band);
    if (!best || evaluation.score > best.evaluation.score) best = { chosen: ranked[i], evaluation, skRank: i, compared: candidates.length };
  }
  return best;
}
