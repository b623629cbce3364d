/** Samples over a sliding time window (rates and latency percentiles for the monitor). */
export class RollingSamples {
  private readonly times: number[] = [];
  private readonly values: number[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxSamples = 100_000,
  ) {}

  add(value: number, now = Date.now()): void {
    this.times.push(now);
    this.values.push(value);
    if (this.times.length > this.maxSamples) {
      this.times.shift();
      this.values.shift();
    }
  }

  private prune(now: number): void {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.times.length && this.times[drop] < cutoff) drop++;
    if (drop > 0) {
      this.times.splice(0, drop);
      this.values.splice(0, drop);
    }
  }

  /** Events per second over the window. */
  rate(now = Date.now()): number {
    this.prune(now);
    return this.times.length / (this.windowMs / 1000);
  }

  count(now = Date.now()): number {
    this.prune(now);
    return this.times.length;
  }

  /** Nearest-rank percentile of the values in the window; null when empty. */
  percentile(p: number, now = Date.now()): number | null {
    this.prune(now);
    if (this.values.length === 0) return null;
    const sorted = [...this.values].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
  }
}
