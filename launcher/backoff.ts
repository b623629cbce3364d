/**
 * Restart delay for a crashed child: exponential (initial × factor^n), capped, and reset once a run has stayed up
 * for `stableAfterMs` — so a process that crashes once a day restarts at once, one in a crash loop is slowed down.
 */
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
	stableAfterMs: 60_000
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
		const delay = Math.min(this.opts.maxMs, this.opts.initialMs * this.opts.factor ** this.crashes);
		this.crashes++;
		return delay;
	}

	/** Consecutive quick crashes so far. */
	get consecutiveCrashes(): number {
		return this.crashes;
	}
}
