/** Percentiles of latency samples (ms), sorted once. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples: number[]): { count: number; p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(samples).sort();
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : Number.NaN };
}

/** Epoch milliseconds with sub-millisecond resolution (shared clock between the bench's processes). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
