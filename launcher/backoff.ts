/**
 * Exponential backoff, the one formula for every retry loop: `backoffDelayMs` (Redis reconnects, the stream
 * consumer's transient retries, the chaos feeder's re-posts) and `RestartBackoff`, the restart delay for a crashed
 * child: exponential (initial × factor^n), capped, and reset once a run has stayed up for `stableAfterMs` — so a
 * process that crashes once a day restarts at once, one in a crash loop is slowed down.
 */
export interface BackoffDelay {
  /** 0 for the first retry. */
  attempt: number;
  initialMs: number;
  factor: number;
  maxMs: number;
  /** Relative spread j: the delay is scaled by a uniform factor in [1 − j, 1 + j] and rounded (default 0: none). */
  jitter?: number | undefined;
}

/** min(maxMs, initialMs × factor^attempt), optionally jittered so that many clients do not retry in step. */
export function backoffDelayMs({ attempt, initialMs, factor, maxMs, jitter = 0 }: BackoffDelay): number {
  const base = Math.min(maxMs, initialMs * factor ** attempt);
  return jitter > 0 ? Math.round(base * (1 - jitter + Math.random() * 2 * jitter)) : base;
}

export interface BackoffOptions {
  initialMs: number;
  factor: number;
  maxMs: number;
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialMs: 500,
  factor: 2,
  maxMs: 30_000,
  stableAfterMs: 60_000,
});

export class RestartBackoff {
  readonly opts: BackoffOptions;
  private crashes = 0;

  constructor(opts?: Partial<BackoffOptions>) {
    this.opts = { ...DEFAULT_BACKOFF, ...(opts ?? {}) };
  }

  /** Delay before restarting a process that just exited after `uptimeMs`. */
  nextDelay(uptimeMs: number): number {
    if (uptimeMs >= this.opts.stableAfterMs) this.crashes = 0;
    const delay = backoffDelayMs({ ...this.opts, attempt: this.crashes });
    this.crashes++;
    return delay;
  }

  /** Consecutive quick crashes so far. */
  get consecutiveCrashes(): number {
    return this.crashes;
  }
}
