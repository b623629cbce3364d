import { expect } from "chai";
import { ServiceBroker, type Endpoint } from "moleculer";
import { NodeStatsStore, nodeStatsStoreOf } from "../../../broker/node-stats-store";
import { IntelligentStrategy } from "../../../broker/intelligent.strategy";

describe("NodeStatsStore", () => {
  it("keeps a latency EWMA of successful calls only", () => {
    const store = new NodeStatsStore({ latencyAlpha: 0.5 });
    store.callStarted("a", "1");
    store.callFinished("a", "1", 10, true);
    store.callStarted("a", "2");
    store.callFinished("a", "2", 30, true);
    store.callStarted("a", "3");
    store.callFinished("a", "3", 0.1, false);
    const s = store.stats("a");
    expect(s.latencyEwmaMs).to.equal(20);
    expect(s.successes).to.equal(2);
    expect(s.failures).to.equal(1);
    expect(s.consecutiveFailures).to.equal(1);
  });

  it("counts in-flight calls into the queue length", () => {
    const store = new NodeStatsStore();
    store.callStarted("a", "1");
    store.callStarted("a", "2");
    store.reportLoad({ nodeID: "a", memoryRatio: 0.3, queueLength: 3, eventLoopDelayMs: 4 });
    expect(store.stats("a").queueLength).to.equal(5);
    store.callFinished("a", "1", 1, true);
    expect(store.inFlight("a")).to.equal(1);
  });

  it("ages outcomes out of the window, so a recovered node is forgiven", () => {
    let now = 1_000_000;
    const store = new NodeStatsStore({ windowMs: 30_000, buckets: 6 }, () => now);
    for (let i = 0; i < 5; i++) store.callFinished("a", `${i}`, 1, false);
    expect(store.stats("a").failures).to.equal(5);
    now += 20_000;
    expect(store.stats("a").failures).to.equal(5);
    now += 16_000;
    expect(store.stats("a").failures).to.equal(0);
  });

  it("measures how long a node has been silent with calls pending", () => {
    let now = 0;
    const store = new NodeStatsStore({}, () => now);
    store.callStarted("a", "1");
    now = 300;
    store.callStarted("a", "2");
    now = 1500;
    expect(store.stats("a").stalledMs).to.equal(1500);
    store.callFinished("a", "1", 1500, true);
    now = 1600;
    // it answered 100 ms ago; call 2 started before that answer
    expect(store.stats("a").stalledMs).to.equal(100);
    store.callFinished("a", "2", 1300, true);
    expect(store.stats("a").stalledMs).to.equal(0);
  });

  it("ignores stale load reports and lost in-flight calls", () => {
    let now = 0;
    const store = new NodeStatsStore({ reportTtlMs: 1000, inFlightTtlMs: 5000 }, () => now);
    store.reportLoad({ nodeID: "a", memoryRatio: 0.9, queueLength: 7, eventLoopDelayMs: 300 });
    store.callStarted("a", "lost");
    now = 2000;
    const s = store.stats("a");
    expect(s.memoryRatio).to.equal(undefined);
    expect(s.queueLength).to.equal(1);
    now = 6000;
    expect(store.stats("a").queueLength).to.equal(0);
  });

  it("gives each broker its own store and forgets nodes", () => {
    const a = {};
    const b = {};
    nodeStatsStoreOf(a).callFinished("x", "1", 1, true);
    expect(nodeStatsStoreOf(b).knownNodes()).to.deep.equal([]);
    nodeStatsStoreOf(a).forget("x");
    expect(nodeStatsStoreOf(a).stats("x")).to.deep.equal({});
  });
});

describe("IntelligentStrategy.select", () => {
  const broker = new ServiceBroker({ logger: false, nodeID: "caller" });
  const fakeEndpoint = (id: string, cpu: number) => ({ id, node: { cpu } }) as unknown as Endpoint;

  it("draws with probability ∝ cost^−k using the broker's store and heartbeat CPU", () => {
    const store = nodeStatsStoreOf(broker);
    for (let i = 0; i < 20; i++) {
      store.callFinished("fast", `f${i}`, 2, true);
      store.callFinished("slow", `s${i}`, 40, true);
    }
    const list = [fakeEndpoint("fast", 20), fakeEndpoint("slow", 20)];
    let u = 0;
    const strategy = new IntelligentStrategy(broker.registry, broker, { exploration: 0, random: () => u });
    const [fastCost, slowCost] = strategy.costs(list);
    const k = strategy.scoreOptions.sharpness;
    const pFast = fastCost ** -k / (fastCost ** -k + slowCost ** -k);
    expect(strategy.probabilities(list)[0]).to.be.closeTo(pFast, 1e-12);
    u = pFast - 1e-6;
    expect(strategy.select(list).id).to.equal("fast");
    u = pFast + 1e-6;
    expect(strategy.select(list).id).to.equal("slow");
  });

  it("returns the only endpoint without drawing", () => {
    const strategy = new IntelligentStrategy(broker.registry, broker, {
      random: () => {
        throw new Error("no draw expected");
      },
    });
    const only = fakeEndpoint("solo", 99);
    expect(strategy.select([only])).to.equal(only);
  });
});
