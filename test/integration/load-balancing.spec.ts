/**
 * Three worker processes run the same service `lbtest` (normal, slowed by 30 ms, always failing); a caller broker in
 * this process with the intelligent strategy, the node-load middleware and a circuit breaker (threshold 0.5,
 * minRequestCount 5) makes at least 120 calls. The caller has no local `lbtest`, so `preferLocal` does not apply here; on a node
 * that hosts an instance itself, `registry.preferLocal: false` is needed or select() is never consulted.
 */
import { expect } from "chai";
import { ServiceBroker, Transporters, type Errors } from "moleculer";
import { IntelligentStrategy } from "../../broker/intelligent.strategy";
import { NodeLoadMiddleware } from "../../broker/node-load.middleware";
import { nodeStatsStoreOf } from "../../broker/node-stats-store";
import { redisUrlForTests, startWorker, stopWorker, uniqueNamespace, type WorkerHandle } from "./fixtures/lb-cluster";
import { waitFor } from "../helpers/wait-for";

/** At least this many calls; more (up to MAX_CALLS) while the breaker is still closed (it needs 5 calls on the
 * failing node, which the strategy already down-weights from the first failure). */
const CALLS = 120;
const MAX_CALLS = 300;
const CONCURRENCY = 3;
const BREAKER_METRIC = "moleculer.circuit-breaker.opened.active";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

interface MetricValue {
  labels: Record<string, string>;
  value: number;
}

describe("load balancing across worker processes (Redis transporter)", function () {
  this.timeout(90_000);
  const namespace = uniqueNamespace("lb");
  const redisUrl = redisUrlForTests();
  const workers: WorkerHandle[] = [];
  let caller: ServiceBroker;

  before(async () => {
    const started = await Promise.all([
      startWorker({ namespace, redisUrl, nodeID: "lb-normal", mode: "normal" }),
      startWorker({ namespace, redisUrl, nodeID: "lb-slowed", mode: "slowed" }),
      startWorker({ namespace, redisUrl, nodeID: "lb-failing", mode: "failing" }),
    ]);
    workers.push(...started);
    caller = new ServiceBroker({
      namespace,
      nodeID: "lb-caller",
      transporter: new Transporters.Redis(redisUrl),
      logger: false,
      heartbeatInterval: 1,
      heartbeatTimeout: 4,
      registry: { strategy: IntelligentStrategy, preferLocal: false },
      circuitBreaker: { enabled: true, threshold: 0.5, minRequestCount: 5, windowTime: 60, halfOpenTime: 60_000 },
      retryPolicy: { enabled: false },
      metrics: { enabled: true, reporter: [] },
      middlewares: [NodeLoadMiddleware()],
    });
    await caller.start();
    await waitFor(() => (caller.registry.getActionEndpoints("lbtest.work")?.endpoints.length ?? 0) >= 3, 20_000, "the three lbtest endpoints");
  });

  after(async () => {
    await caller?.stop();
    await Promise.all(workers.map((w) => stopWorker(w)));
  });

  it("shares calls normal > slowed > failing and opens the breaker on the failing node", async () => {
    const served: Record<string, number> = { "lb-normal": 0, "lb-slowed": 0, "lb-failing": 0 };
    const failures: Record<string, number> = {};
    let done = 0;
    const latencies: Record<string, number[]> = { "lb-normal": [], "lb-slowed": [] };
    const one = async (): Promise<void> => {
      const t0 = performance.now();
      try {
        const res = await caller.call<{ nodeID: string }>("lbtest.work");
        served[res.nodeID]++;
        latencies[res.nodeID]?.push(performance.now() - t0);
      } catch (err) {
        const nodeID = (err as Errors.MoleculerError & { nodeID?: string }).nodeID ?? "unknown";
        served[nodeID] = (served[nodeID] ?? 0) + 1;
        failures[nodeID] = (failures[nodeID] ?? 0) + 1;
      }
    };
    const openBreakers = () =>
      ((caller.metrics.list({ includes: [BREAKER_METRIC] })[0]?.values ?? []) as unknown as MetricValue[])
        .filter((v) => v.value === 1)
        .map((v) => v.labels.affectedNodeID);
    let openedAfter: number | undefined;
    while (done < CALLS || (openedAfter === undefined && done < MAX_CALLS)) {
      await Promise.all(Array.from({ length: CONCURRENCY }, one));
      done += CONCURRENCY;
      if (openedAfter === undefined && openBreakers().length > 0) openedAfter = done;
    }

    const store = nodeStatsStoreOf(caller);
    const stats = Object.fromEntries(["lb-normal", "lb-slowed", "lb-failing"].map((id) => [id, store.stats(id)]));
    const openOn = openBreakers();
    console.log(`      shares over ${done} calls: ${JSON.stringify(served)}; failures ${JSON.stringify(failures)}; breaker opened after call ${openedAfter}`);
    console.log(
      `      latency median ms: normal ${median(latencies["lb-normal"]).toFixed(1)}, slowed ${median(latencies["lb-slowed"]).toFixed(1)}; ` +
        `EWMA ms: normal ${stats["lb-normal"].latencyEwmaMs?.toFixed(1)}, slowed ${stats["lb-slowed"].latencyEwmaMs?.toFixed(1)}; breaker open on ${JSON.stringify(openOn)}`,
    );

    expect(served["lb-normal"]).to.be.greaterThan(served["lb-slowed"]);
    expect(served["lb-slowed"]).to.be.greaterThan(served["lb-failing"]);
    expect(failures["lb-normal"] ?? 0).to.equal(0);
    expect(failures["lb-slowed"] ?? 0).to.equal(0);
    // The breaker needs minRequestCount (5) calls on the failing node, then removes it from the list.
    expect(served["lb-failing"]).to.be.at.least(5);
    expect(openOn).to.deep.equal(["lb-failing"]);
    // The slowed worker's extra 30 ms shows in the caller's view (medians: the box is shared, single calls spike).
    expect(median(latencies["lb-slowed"])).to.be.greaterThan(median(latencies["lb-normal"]) + 15);
    // Workers piggy-backed their load on the responses.
    expect(stats["lb-normal"].memoryRatio).to.be.a("number");
  });
});
