import { expect } from "chai";
import { Errors, ServiceBroker, type Context } from "moleculer";
import { isNodeFailure, NODE_LOAD_META_KEY, NodeLoadMiddleware } from "../../../broker/node-load.middleware";
import { nodeStatsStoreOf } from "../../../broker/node-stats-store";

describe("NodeLoadMiddleware (two brokers, in-memory Fake transporter)", () => {
  const namespace = `nl-${process.pid}-${Date.now()}`;
  const worker = new ServiceBroker({ namespace, nodeID: "nl-worker", transporter: "Fake", logger: false, middlewares: [NodeLoadMiddleware()] });
  const caller = new ServiceBroker({ namespace, nodeID: "nl-caller", transporter: "Fake", logger: false, middlewares: [NodeLoadMiddleware()] });
  worker.createService({
    name: "nl",
    actions: {
      ok: () => "fine",
      broken: () => {
        throw new Errors.MoleculerError("down", 503);
      },
      invalid: () => {
        throw new Errors.MoleculerClientError("bad input", 422);
      },
    },
  });
  let seenMeta: Record<string, unknown> | undefined;
  caller.createService({
    name: "outer",
    actions: {
      async run(ctx: Context) {
        await ctx.call("nl.ok");
        seenMeta = { ...(ctx.meta as Record<string, unknown>) };
        return "ran";
      },
    },
  });

  before(async () => {
    await Promise.all([worker.start(), caller.start()]);
    await caller.waitForServices("nl");
  });
  after(() => Promise.all([caller.stop(), worker.stop()]));

  it("brings the worker's load report back in the response meta and records the call", async () => {
    await caller.call("nl.ok");
    const s = nodeStatsStoreOf(caller).stats("nl-worker");
    expect(s.successes).to.equal(1);
    expect(s.latencyEwmaMs).to.be.a("number");
    expect(s.memoryRatio).to.be.within(0, 1);
    expect(s.eventLoopDelayMs).to.be.at.least(0);
  });

  it("counts 5xx as node failures but not client errors, and keeps the report out of the caller's meta", async () => {
    await caller.call("nl.broken").catch(() => undefined);
    await caller.call("nl.invalid").catch(() => undefined);
    const s = nodeStatsStoreOf(caller).stats("nl-worker");
    expect(s.failures).to.equal(1);
    expect(s.successes).to.equal(2);
    await caller.call("outer.run");
    expect(seenMeta).to.not.have.property(NODE_LOAD_META_KEY);
  });

  it("isNodeFailure follows the breaker's rule", () => {
    const verdicts = {
      "500": isNodeFailure(new Errors.MoleculerError("x", 500)),
      timeout: isNodeFailure(new Errors.RequestTimeoutError({ action: "a", nodeID: "n" })),
      validation: isNodeFailure(new Errors.ValidationError("x")),
      "no code": isNodeFailure(new Error("no code")),
    };
    expect(verdicts).to.deep.equal({ "500": true, timeout: true, validation: false, "no code": true });
  });
});
