/**
 * Pure endpoint scoring for the intelligent load-balancing strategy.
 *
 * Follows the original plan's IntelligentLoadBalancer: a weighted sum over response time (0.30), success rate (0.25),
 * CPU (0.20), memory (0.15) and queue length (0.10), scaled by a health factor. Here every term is a *penalty* in
 * [0, 1] (0 = ideal), the weighted sum plus a small base is the endpoint's cost, the cost is divided by the health
 * factor, and an endpoint is drawn with probability ∝ cost^−sharpness (sharpness 2 by default), blended with a uniform exploration share so that a node
 * that recovered keeps receiving a trickle of traffic and can prove it. No I/O here: the strategy feeds it numbers.
 */

/** What the caller knows about one node; every field may be missing for a node never heard from. */
export interface EndpointStats {
  /** EWMA of remote call latency seen by this caller, ms. */
  latencyEwmaMs?: number | undefined;
  /** Calls that completed in the current window (success, failure). */
  successes?: number;
  failures?: number;
  /** Failures since the last success. */
  consecutiveFailures?: number;
  /** Host CPU 0..100 from the node's heartbeat (`ep.node.cpu`). */
  cpuPercent?: number | null;
  /** Worker memory use 0..1 reported in response meta. */
  memoryRatio?: number | undefined;
  /** Requests the worker was executing when it answered plus this caller's own in-flight calls to it. */
  queueLength?: number;
  /** Event-loop delay (p99, ms) reported by the worker. */
  eventLoopDelayMs?: number | undefined;
  /** How long calls to the node have been outstanding with no answer at all, ms (0 when nothing is pending). */
  stalledMs?: number;
}

export interface ScoreWeights {
  responseTime: number;
  successRate: number;
  cpu: number;
  memory: number;
  queueLength: number;
}

export interface ScoreOptions {
  weights: ScoreWeights;
  /**
   * Latency at which the response-time penalty reaches 0.5 (saturating curve rt / (rt + ref)); used only when no
   * candidate has a latency yet. Otherwise the penalty is relative to the fastest candidate, 1 − best/rt, which is
   * scale-free: right for a 2 ms action and a 200 ms FFT alike.
   */
  referenceLatencyMs: number;
  /** Queue length at which the queue penalty reaches 0.5. */
  referenceQueueLength: number;
  /**
   * Beta-prior pseudo-counts for the success rate: (successes + priorSuccesses) / (n + priorSuccesses + priorFailures).
   * A node never called has the prior mean, and one failure does not condemn a node: the breaker does hard removal.
   */
  priorSuccesses: number;
  priorFailures: number;
  /** Cost floor so that a perfect node does not get an infinite share. */
  baseCost: number;
  /** Health-factor thresholds (see healthFactor). */
  degradedEventLoopDelayMs: number;
  /**
   * Consecutive failures after which a node is unhealthy. Default 5 = the circuit breaker's minRequestCount in
   * moleculer.config.ts: starving a node earlier would keep the breaker from ever tripping (and reporting it), and
   * the node would linger closed, failing its exploration share of calls instead of being cut off.
   */
  unhealthyConsecutiveFailures: number;
  stalledAfterMs: number;
  /** Uniform share 0..1 of picks spread over all endpoints regardless of score. */
  exploration: number;
  /**
   * Exponent k in probability ∝ cost^−k. k = 1 is plain 1/cost; terms all nodes share (same host CPU, the base cost)
   * flatten that a lot, so the default 2 gives a node twice as costly a quarter of the traffic instead of half.
   */
  sharpness: number;
}

export const DEFAULT_WEIGHTS: Readonly<ScoreWeights> = Object.freeze({
  responseTime: 0.3,
  successRate: 0.25,
  cpu: 0.2,
  memory: 0.15,
  queueLength: 0.1,
});

export const DEFAULT_SCORE_OPTIONS: Readonly<ScoreOptions> = Object.freeze({
  weights: DEFAULT_WEIGHTS,
  referenceLatencyMs: 20,
  referenceQueueLength: 4,
  priorSuccesses: 2,
  priorFailures: 0,
  baseCost: 0.1,
  degradedEventLoopDelayMs: 100,
  unhealthyConsecutiveFailures: 5,
  stalledAfterMs: 1000,
  exploration: 0.05,
  sharpness: 2,
});

/** Neutral values for a node we know nothing about: the middle of each penalty's range is not assumed, the prior is. */
const NEUTRAL_LATENCY_PENALTY = 0.5;
const NEUTRAL_CPU_PENALTY = 0.5;
const NEUTRAL_MEMORY_PENALTY = 0.5;

function clamp01(x: number): number {
  if (!Number.isFinite(x)) return 1;
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function saturating(value: number, reference: number): number {
  return value <= 0 ? 0 : value / (value + reference);
}

/** Success rate with the Beta prior, so unknown nodes get the prior mean rather than 0 or 1. */
export function smoothedSuccessRate(stats: EndpointStats, opts: ScoreOptions = DEFAULT_SCORE_OPTIONS): number {
  const s = stats.successes ?? 0;
  const f = stats.failures ?? 0;
  const denom = s + f + opts.priorSuccesses + opts.priorFailures;
  return denom > 0 ? (s + opts.priorSuccesses) / denom : 1;
}

export interface Penalties {
  responseTime: number;
  successRate: number;
  cpu: number;
  memory: number;
  queueLength: number;
}

function latencyPenalty(latencyMs: number | undefined, bestLatencyMs: number | undefined, opts: ScoreOptions): number {
  if (latencyMs == null) return NEUTRAL_LATENCY_PENALTY;
  if (bestLatencyMs != null && bestLatencyMs > 0 && latencyMs > 0) return clamp01(1 - bestLatencyMs / latencyMs);
  return saturating(latencyMs, opts.referenceLatencyMs);
}

/** `bestLatencyMs`: the lowest latency among the candidates (relative scoring); omit for the absolute curve. */
export function penalties(stats: EndpointStats, opts: ScoreOptions = DEFAULT_SCORE_OPTIONS, bestLatencyMs?: number): Penalties {
  return {
    responseTime: latencyPenalty(stats.latencyEwmaMs, bestLatencyMs, opts),
    successRate: clamp01(1 - smoothedSuccessRate(stats, opts)),
    cpu: stats.cpuPercent == null ? NEUTRAL_CPU_PENALTY : clamp01(stats.cpuPercent / 100),
    memory: stats.memoryRatio == null ? NEUTRAL_MEMORY_PENALTY : clamp01(stats.memoryRatio),
    // An unknown queue is taken as empty: queue length only ever adds cost once observed.
    queueLength: saturating(stats.queueLength ?? 0, opts.referenceQueueLength),
  };
}

/**
 * Health factor in (0, 1]: 0.1 unhealthy (a run of consecutive failures); otherwise 1, lowered linearly to 0.5 as the
 * worker's event-loop delay goes from degradedEventLoopDelayMs to 3× that (a lagging loop answers and heartbeats
 * late: moleculer#484). A ramp rather than a step, because p99 loop delay on a busy host hovers near any threshold.
 * Multiplies the "goodness", i.e. divides the cost.
 */
export function healthFactor(stats: EndpointStats, opts: ScoreOptions = DEFAULT_SCORE_OPTIONS): number {
  if ((stats.consecutiveFailures ?? 0) >= opts.unhealthyConsecutiveFailures) return 0.1;
  const lag = stats.eventLoopDelayMs ?? 0;
  const over = clamp01((lag - opts.degradedEventLoopDelayMs) / (2 * opts.degradedEventLoopDelayMs));
  return 1 - 0.5 * over;
}

/**
 * Stalled: calls are pending and the node has answered nothing for max(stalledAfterMs, 10 × its usual latency).
 * A SIGKILLed or hung node looks like this until the heartbeat timeout removes it from the registry (4–8 s with a
 * 4 s timeout, since Moleculer checks every heartbeatTimeout), so it is skipped meanwhile; its pending calls are the
 * probe that tells whether it is back.
 */
export function isStalled(stats: EndpointStats, opts: ScoreOptions = DEFAULT_SCORE_OPTIONS): boolean {
  const limit = Math.max(opts.stalledAfterMs, 10 * (stats.latencyEwmaMs ?? 0));
  return (stats.stalledMs ?? 0) >= limit;
}

/** Cost of sending the next call to this endpoint: lower is better, always > 0. */
export function endpointCost(stats: EndpointStats, opts: ScoreOptions = DEFAULT_SCORE_OPTIONS, bestLatencyMs?: number): number {
  const p = penalties(stats, opts, bestLatencyMs);
  const w = opts.weights;
  const weighted = w.responseTime * p.responseTime + w.successRate * p.successRate + w.cpu * p.cpu + w.memory * p.memory + w.queueLength * p.queueLength;
  return (opts.baseCost + weighted) / healthFactor(stats, opts);
}

/** Costs of a candidate list, latency scored relative to the fastest candidate that has a latency. */
export function candidateCosts(list: readonly EndpointStats[], opts: ScoreOptions = DEFAULT_SCORE_OPTIONS): number[] {
  const known = list.map((s) => s.latencyEwmaMs).filter((x): x is number => x != null && x > 0);
  const best = known.length > 0 ? Math.min(...known) : undefined;
  return list.map((s) => endpointCost(s, opts, best));
}

/**
 * Selection probabilities: (1 − exploration)·cost^−k/Σcost^−k + exploration/n over the eligible endpoints; the
 * excluded ones (stalled) get 0 unless every endpoint is excluded, in which case all are eligible. Sums to 1.
 */
export function selectionProbabilities(costs: readonly number[], exploration: number, excluded?: readonly boolean[], sharpness = 1): number[] {
  if (costs.length === 0) return [];
  const allExcluded = excluded != null && costs.every((_, i) => excluded[i]);
  const eligible = costs.map((_, i) => allExcluded || !excluded?.[i]);
  const n = eligible.filter(Boolean).length;
  const inv = costs.map((c, i) => (eligible[i] ? Math.max(c, 1e-9) ** -sharpness : 0));
  const total = inv.reduce((a, b) => a + b, 0);
  const e = clamp01(exploration);
  return inv.map((v, i) => (eligible[i] ? (1 - e) * (v / total) + e / n : 0));
}

/** Index drawn from the probabilities with `u` uniform in [0, 1). */
export function drawIndex(probabilities: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < probabilities.length; i++) {
    acc += probabilities[i];
    if (u < acc) return i;
  }
  return probabilities.length - 1;
}

/** Merge user options (e.g. from `registry.strategyOptions`) over the defaults; weights merge key by key. */
export function resolveScoreOptions(partial?: Partial<Omit<ScoreOptions, "weights">> & { weights?: Partial<ScoreWeights> }): ScoreOptions {
  return {
    ...DEFAULT_SCORE_OPTIONS,
    ...(partial ?? {}),
    weights: { ...DEFAULT_WEIGHTS, ...(partial?.weights ?? {}) },
  };
}
