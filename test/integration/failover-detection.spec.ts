/**
 * A SIGKILLed worker is dropped from the caller's registry by the heartbeat timeout, and calls keep being served by the
 * surviving worker. How fast is measured by bench/failover.ts, not asserted here.
 */
import { expect } from "chai";
import { DEFAULT_FAILOVER_OPTIONS, runFailover } from "./fixtures/failover-run";

describe("failover after SIGKILL of a worker (Redis transporter, heartbeat 1 s / timeout 4 s)", function () {
  this.timeout(90_000);

  it("detects the dead node and serves calls from the survivor", async () => {
    // observe for longer than the worst-case detection (2 × heartbeatTimeout, see isStalled in endpoint-score.ts)
    const r = await runFailover({ ...DEFAULT_FAILOVER_OPTIONS, callEveryMs: 50, observeMs: 10_000 });
    console.log(`      ${JSON.stringify(r)}`);
    expect(r.detectionMs, "registry never dropped the killed node").to.be.a("number");
    expect(r.recoveredFromMs, "calls never became reliable again").to.be.a("number");
    expect(r.survivorServedAfterDetection).to.be.greaterThan(0);
    expect(r.callsAfterKill - r.failedCalls).to.be.greaterThan(r.failedCalls);
  });
});
