/**
 * A worker skips calls whose caller has given up (broker/expired-call.ts): under overload, analysing calls that
 * waited past their timeout would spend the CPU that live calls need, and nothing would ever be diagnosed.
 */
import { expect } from "chai";
import type { ServiceBroker } from "moleculer";
import type { Finding, SensorWindow } from "../../analyzers/types";
import { decodeStreamEntry } from "../../ingest/raw-stream-entry";
import { AnalyzerWorkerMixin } from "../../mixins/analyzer-worker.mixin";
import { makeFleet, nextWindow } from "../../simulator/index";
import { rawEntryRef } from "../../stores/entry-window";
import { rawEntryFields } from "../../streams/raw-stream-writer";
import { useRedisFixture } from "../helpers/redis-fixture";
import { makeBroker, REDIS_URL, uniqueName } from "./helpers";

const ANALYSIS_MS = 150;
const TIMEOUT_MS = 100;

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe("worker: calls whose caller gave up are skipped, not analysed", function () {
  this.timeout(20_000);
  const fx = useRedisFixture("expired-calls");
  let broker: ServiceBroker;
  let analysed = 0;

  before(async () => {
    broker = makeBroker(uniqueName("expired"), "worker-expired");
    broker.createService({
      name: "fault.slow",
      settings: { redisUrl: REDIS_URL },
      mixins: [
        AnalyzerWorkerMixin({
          faultType: "bearing",
          requirements: { channelsAnyOf: [["ia"]], minSampleRateHz: 0, minDurationS: 0, scalars: [] },
          analyze(window: SensorWindow): Finding {
            analysed++;
            busyFor(ANALYSIS_MS); // analysis is synchronous: the calls behind it wait
            return { fault_type: "bearing", status: "normal", score: 0, features: { n: window.channels.ia?.samples.length ?? 0 }, evidence: [] };
          },
        }),
      ],
    });
    await broker.start();
  });

  after(() => broker.stop());

  it("of 8 concurrent calls for one window, only those still within their caller's timeout are analysed", async () => {
    const w = nextWindow(makeFleet({ vehicles: 1, seed: 3, faultyShare: 0, durationS: 0.25, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
    const stream = `${fx.prefix}:raw`;
    const id = (await fx.redis.xadd(stream, "*", ...rawEntryFields({ fleetId: "f", vehicleId: "EV-1", timestamp: new Date(), window: w })))!;
    const [[, fields]] = await fx.redis.xrangeBuffer(stream, id, id);
    const entryRef = rawEntryRef(stream, id, decodeStreamEntry(fields).binary!.layout);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => broker.call<Finding, { entryRef: typeof entryRef }>("fault.slow.analyze", { entryRef }, { timeout: TIMEOUT_MS })),
    );
    // All eight wait on one read of the entry; the first then analyses for 150 ms, past the others' 100 ms timeout.
    expect(analysed, "analyses run").to.equal(1);
    // The analysed call may still answer (its timer could not fire while the analysis held the thread); the rest fail.
    const reasons = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => (o.reason as { name?: string }).name);
    expect(reasons.length, "calls that failed").to.be.at.least(7);
    for (const name of reasons) expect(name).to.be.oneOf(["RequestTimeoutError", "RequestSkippedError"]);
  });
});
