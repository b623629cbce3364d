import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import type { Finding, SensorWindow } from "../../analyzers/types";
import type { AnalyzeMeta } from "../../mixins/analyzer-worker.mixin";
import type { WorkerLoadSnapshot } from "../../broker/worker-load";
import { AnalyzerWorkerMixin } from "../../mixins/analyzer-worker.mixin";
import { makeBroker, REDIS_URL, uniqueName } from "./helpers";

describe("analyzer worker over the Redis transporter (CBOR)", function () {
  this.timeout(20_000);
  const namespace = uniqueName("worker");
  let caller: ServiceBroker;
  let worker: ServiceBroker;
  const seen: { samplesType?: string | undefined } = {};

  before(async () => {
    worker = makeBroker(namespace, "worker-1");
    caller = makeBroker(namespace, "caller-1");
    // A probe analyzer that records what type the samples arrived as, on the far side of the transporter.
    worker.createService({
      name: "fault.probe",
      settings: { redisUrl: REDIS_URL },
      mixins: [
        AnalyzerWorkerMixin({
          faultType: "bearing",
          requirements: { channelsAnyOf: [], minSampleRateHz: 0, minDurationS: 0, scalars: [] },
          analyze(window: SensorWindow): Finding {
            seen.samplesType = window.channels.ia?.samples.constructor.name;
            return { fault_type: "bearing", status: "normal", score: 0, features: { n: window.channels.ia?.samples.length ?? 0 }, evidence: [] };
          },
        }),
      ],
    });
    await Promise.all([worker.start(), caller.start()]);
    await caller.waitForServices(["fault.probe"], 10_000);
  });

  after(async () => {
    await Promise.all([caller.stop(), worker.stop()]);
  });

  it("receives a Float32Array window as a Float32Array and returns the Finding with its load in the meta", async () => {
    const samples = Float32Array.from({ length: 1024 }, (_, i) => Math.sin(i / 10));
    const meta: AnalyzeMeta = {};
    const finding = await caller.call<Finding, { window: SensorWindow }>(
      "fault.probe.analyze",
      { window: { channels: { ia: { samples, rateHz: 1000 } } } },
      { meta },
    );
    expect(seen.samplesType).to.equal("Float32Array");
    expect(finding.features.n).to.equal(1024);
    const load = meta.$workerLoad as WorkerLoadSnapshot;
    expect(load.nodeID).to.equal("worker-1");
    expect(load.processingMs).to.be.a("number").and.at.least(0);
    expect(load.heapRatio).to.be.within(0, 1);
  });

  it("converts plain number arrays (JSON callers) to typed arrays at the boundary", async () => {
    await caller.call("fault.probe.analyze", { window: { channels: { ia: { samples: [1, 2, 3], rateHz: 10 } } } });
    expect(seen.samplesType).to.equal("Float64Array");
  });

  it("rejects a call without a window (params validation)", async () => {
    let err: unknown;
    try {
      await caller.call("fault.probe.analyze", { profile: {} });
    } catch (e) {
      err = e;
    }
    expect((err as { name?: string }).name).to.equal("ValidationError");
  });

  it("reports its load through the `load` action", async () => {
    const load = await caller.call<WorkerLoadSnapshot>("fault.probe.load");
    expect(load.analyses).to.equal(2);
    expect(load.eventLoopP99Ms).to.be.a("number");
  });
});
