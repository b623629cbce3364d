/**
 * Intelligent load-balancing strategy (the original plan's IntelligentLoadBalancer, on Moleculer's own mechanism).
 *
 * For each call with more than one available endpoint, every endpoint gets a cost from broker/endpoint-score.ts
 * (response time, success rate, CPU, memory, queue length, health factor) and one is drawn with probability ∝ cost^−2
 * (configurable sharpness) plus a uniform exploration share. CPU comes from heartbeats (`ep.node.cpu`); the rest from the per-broker
 * NodeStatsStore filled by broker/node-load.middleware.ts. Without that middleware every node stays at the prior
 * and the draw degrades to CPU-weighted random, which is still safe.
 *
 * Caveats (Moleculer behaviour): select() is skipped when `registry.preferLocal` is true (the default) and a local
 * endpoint exists, so set `preferLocal: false` on nodes that host a worker themselves; endpoints with an open circuit
 * breaker are removed from `list` before select() is called.
 *
 * Wired in moleculer.config.ts: registerIntelligentStrategy(), `registry: { strategy: "Intelligent", preferLocal: false }`
 * and NodeLoadMiddleware() in `middlewares`. (`strategy: IntelligentStrategy` — the class — needs no registration.)
 */
import { Strategies, type Context, type Endpoint, type Registry, type ServiceBroker } from "moleculer";
import {
  drawIndex,
  candidateCosts,
  isStalled,
  resolveScoreOptions,
  selectionProbabilities,
  type EndpointStats,
  type ScoreOptions,
  type ScoreWeights,
} from "./endpoint-score";
import { nodeStatsStoreOf, type NodeStatsStore } from "./node-stats-store";

export const INTELLIGENT_STRATEGY_NAME = "Intelligent";

/** `registry.strategyOptions`: any ScoreOptions field, weights merged key by key. */
export type IntelligentStrategyOptions = Partial<Omit<ScoreOptions, "weights">> & {
  weights?: Partial<ScoreWeights>;
  /** Uniform [0,1) source; injectable so tests can make draws deterministic. */
  random?: () => number;
};

export class IntelligentStrategy extends Strategies.Base {
  // BaseStrategy.d.ts does not declare opts (docs/moleculer.md#typescript-typings)
  declare opts: IntelligentStrategyOptions;
  readonly scoreOptions: ScoreOptions;
  private readonly random: () => number;

  constructor(registry: Registry, broker: ServiceBroker, opts?: IntelligentStrategyOptions) {
    super(registry, broker, opts);
    const { random, ...score } = opts ?? {};
    this.scoreOptions = resolveScoreOptions(score);
    this.random = random ?? Math.random;
  }

  private get store(): NodeStatsStore {
    return nodeStatsStoreOf(this.broker);
  }

  private statsOf(ep: Endpoint): EndpointStats {
    return { ...this.store.stats(ep.id), cpuPercent: ep.node?.cpu ?? null };
  }

  /** Cost of each endpoint, in list order; exposed for the monitor and for tests. */
  costs(list: readonly Endpoint[]): number[] {
    return candidateCosts(
      list.map((ep) => this.statsOf(ep)),
      this.scoreOptions,
    );
  }

  /** Probability of each endpoint being picked next, in list order. */
  probabilities(list: readonly Endpoint[]): number[] {
    const stats = list.map((ep) => this.statsOf(ep));
    return selectionProbabilities(
      candidateCosts(stats, this.scoreOptions),
      this.scoreOptions.exploration,
      stats.map((s) => isStalled(s, this.scoreOptions)),
      this.scoreOptions.sharpness,
    );
  }

  select(list: Endpoint[], _ctx?: Context): Endpoint {
    if (list.length === 1) return list[0];
    return list[drawIndex(this.probabilities(list), this.random())];
  }
}

/** Register under INTELLIGENT_STRATEGY_NAME so config can say `strategy: "Intelligent"`. Idempotent. */
export function registerIntelligentStrategy(): void {
  // Strategies.register is typed to take an instance, though it stores the class (docs/moleculer.md#typescript-typings)
  (Strategies.register as unknown as (name: string, value: typeof IntelligentStrategy) => void)(INTELLIGENT_STRATEGY_NAME, IntelligentStrategy);
}
