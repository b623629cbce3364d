import { expect } from "chai";
import {
  candidateCosts,
  DEFAULT_SCORE_OPTIONS,
  drawIndex,
  endpointCost,
  healthFactor,
  isStalled,
  penalties,
  resolveScoreOptions,
  selectionProbabilities,
  smoothedSuccessRate,
  type EndpointStats,
} from "../../../broker/endpoint-score";

/** Fabricated caller-side statistics for three kinds of worker, on the same host (same CPU). */
const fastHealthy: EndpointStats = { latencyEwmaMs: 2, successes: 40, failures: 0, cpuPercent: 30, memoryRatio: 0.2, queueLength: 0 };
const slow: EndpointStats = { ...fastHealthy, latencyEwmaMs: 32 };
const failing: EndpointStats = { ...fastHealthy, latencyEwmaMs: 1, successes: 0, failures: 6, consecutiveFailures: 6 };

function shares(list: EndpointStats[], opts = DEFAULT_SCORE_OPTIONS): number[] {
  return selectionProbabilities(candidateCosts(list, opts), opts.exploration, undefined, opts.sharpness);
}

describe("endpoint-score", () => {
  it("orders shares fast healthy > slow > failing", () => {
    const [a, b, c] = shares([fastHealthy, slow, failing]);
    expect(a).to.be.greaterThan(b);
    expect(b).to.be.greaterThan(c);
    // the failing node keeps only about its exploration share
    expect(c).to.be.lessThan(DEFAULT_SCORE_OPTIONS.exploration);
  });

  it("a failing node is cheap to detect but not condemned by a single failure", () => {
    const once = endpointCost({ ...fastHealthy, successes: 0, failures: 1, consecutiveFailures: 1 });
    const unknown = endpointCost({});
    const repeated = endpointCost(failing);
    expect(once).to.be.lessThan(repeated);
    expect(repeated / once).to.be.greaterThan(5); // the health factor (0.1) applies after a run of failures
    expect(unknown).to.be.lessThan(repeated);
  });

  for (const [field, high] of [
    ["cpuPercent", 95],
    ["memoryRatio", 0.95],
    ["queueLength", 20],
  ] as const) {
    it(`a high ${field} lowers the node's share`, () => {
      const loaded: EndpointStats = { ...fastHealthy, [field]: high };
      const [idle, busy] = shares([fastHealthy, loaded]);
      expect(busy).to.be.lessThan(idle);
    });
  }

  it("respects the weights: with only the CPU weight, latency does not matter", () => {
    const cpuOnly = resolveScoreOptions({ weights: { responseTime: 0, successRate: 0, cpu: 1, memory: 0, queueLength: 0 } });
    const busyButFast: EndpointStats = { ...fastHealthy, cpuPercent: 90 };
    const idleButSlow: EndpointStats = { ...slow, cpuPercent: 10 };
    const [fastShare, slowShare] = shares([busyButFast, idleButSlow], cpuOnly);
    expect(slowShare).to.be.greaterThan(fastShare);
    // and with the default weights the latency difference shows again for equal CPU
    const [f, s] = shares([fastHealthy, slow]);
    expect(f).to.be.greaterThan(s);
  });

  it("scores latency relative to the fastest candidate, whatever the action's time scale", () => {
    const scaled = (k: number) =>
      shares([
        { ...fastHealthy, latencyEwmaMs: 2 * k },
        { ...slow, latencyEwmaMs: 32 * k },
      ]);
    const [a1, b1] = scaled(1);
    const [a100, b100] = scaled(100);
    expect(a1 / b1).to.be.closeTo(a100 / b100, 1e-9);
    expect(a1).to.be.greaterThan(b1);
    // alone, a node's latency is scored on the absolute curve
    expect(penalties({ latencyEwmaMs: 20 }).responseTime).to.equal(0.5);
    expect(penalties({ latencyEwmaMs: 40 }, DEFAULT_SCORE_OPTIONS, 10).responseTime).to.equal(0.75);
  });

  it("weights merge key by key over the defaults", () => {
    const opts = resolveScoreOptions({ weights: { cpu: 0.5 } });
    expect(opts.weights).to.deep.equal({ responseTime: 0.3, successRate: 0.25, cpu: 0.5, memory: 0.15, queueLength: 0.1 });
  });

  it("unknown nodes get a neutral prior: between a proven good node and a proven bad one", () => {
    const unknown = endpointCost({});
    expect(unknown).to.be.greaterThan(endpointCost(fastHealthy));
    expect(unknown).to.be.lessThan(endpointCost(failing));
    expect(smoothedSuccessRate({})).to.equal(1);
    const p = penalties({});
    expect(p.responseTime).to.equal(0.5);
    expect(p.cpu).to.equal(0.5);
    expect(p.queueLength).to.equal(0);
  });

  it("a node silent for longer than stalledAfterMs (or 10× its latency) with calls pending is stalled", () => {
    expect(isStalled({ ...fastHealthy, stalledMs: 1200 }), "silent 1.2 s with calls pending: stalled").to.equal(true);
    expect(isStalled({ ...fastHealthy, stalledMs: 200 })).to.equal(false);
    // a node whose answers usually take 500 ms is not stalled after 1.2 s
    expect(isStalled({ ...fastHealthy, latencyEwmaMs: 500, stalledMs: 1200 })).to.equal(false);
  });

  it("stalled endpoints get no share unless every endpoint is stalled", () => {
    expect(selectionProbabilities([0.2, 0.2, 0.2], 0.05, [false, true, false])).to.deep.equal([0.5, 0, 0.5]);
    const all = selectionProbabilities([0.2, 0.4], 0.05, [true, true]);
    expect(all[0]).to.be.greaterThan(all[1]);
    expect(all[0] + all[1]).to.be.closeTo(1, 1e-12);
  });

  it("event-loop lag degrades a node gradually, down to half its goodness at 3× the threshold", () => {
    expect(healthFactor({ eventLoopDelayMs: 5 })).to.equal(1);
    expect(healthFactor({ eventLoopDelayMs: 100 })).to.equal(1);
    expect(healthFactor({ eventLoopDelayMs: 200 })).to.equal(0.75);
    expect(healthFactor({ eventLoopDelayMs: 300 })).to.equal(0.5);
    expect(healthFactor({ eventLoopDelayMs: 5000 })).to.equal(0.5);
    expect(endpointCost({ ...fastHealthy, eventLoopDelayMs: 300 })).to.equal(2 * endpointCost(fastHealthy));
  });

  it("probabilities sum to 1 and exploration keeps every node reachable", () => {
    const p = selectionProbabilities([0.1, 1, 1000], 0.06);
    expect(p.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-12);
    expect(p[2]).to.be.at.least(0.02);
    expect(selectionProbabilities([], 0.05)).to.deep.equal([]);
  });

  it("sharpness k makes probability ∝ cost^−k", () => {
    const [a1, b1] = selectionProbabilities([1, 2], 0, undefined, 1);
    expect(a1 / b1).to.be.closeTo(2, 1e-12);
    const [a2, b2] = selectionProbabilities([1, 2], 0, undefined, 2);
    expect(a2 / b2).to.be.closeTo(4, 1e-12);
  });

  it("drawIndex maps uniform draws onto the cumulative distribution", () => {
    const p = [0.5, 0.3, 0.2];
    expect(drawIndex(p, 0)).to.equal(0);
    expect(drawIndex(p, 0.49)).to.equal(0);
    expect(drawIndex(p, 0.5)).to.equal(1);
    expect(drawIndex(p, 0.85)).to.equal(2);
    expect(drawIndex(p, 0.999999)).to.equal(2);
  });
});
