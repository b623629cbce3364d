/**
 * A short chaos run (tools/chaos/run.ts): separate processes on a private AOF Redis, a fleet posting over HTTP, one
 * SIGKILL + restart each of a worker, a coordinator and an api replica, and a Redis restart. Asserts only what must
 * hold whatever the machine's load: nothing accepted is lost, nothing is duplicated, nothing is left pending or
 * dead-lettered. Timings are printed (npm run chaos reports them in full), never asserted.
 */
import { expect } from "chai";
import fs from "node:fs";
import { formatChaosReport } from "../../tools/chaos/report";
import { redisServerInstalled } from "../../tools/chaos/private-redis";
import { runChaos } from "../../tools/chaos/run";

describe("chaos: kills and a Redis restart under load lose and duplicate nothing", function () {
  this.timeout(240_000);

  it("every accepted window has exactly one result per fault family", async function () {
    if (!redisServerInstalled()) this.skip();
    const report = await runChaos({
      durationS: 15,
      killEveryS: 4,
      killPlan: ["worker", "coordinator", "api"],
      redisRestartBeforeEndS: 4,
      ratePerS: 3,
      vehicles: 6,
      windowS: 0.25,
      rateHz: 4096,
      splitWorkers: false,
      drainTimeoutS: 60,
      seed: 5,
    });
    console.log(
      formatChaosReport(report)
        .split("\n")
        .map((l) => `      ${l}`)
        .join("\n"),
    );
    expect(report.audit.accepted).to.be.greaterThan(0);
    expect(report.audit.lost, "lost windows").to.deep.equal([]);
    expect(report.audit.duplicatedResults, "windows with a family twice").to.deep.equal([]);
    expect(report.audit.duplicatedEntries, "windows written twice").to.deep.equal([]);
    expect(report.pending, "pending entries").to.equal(0);
    expect(report.deadLetters, "dead letters").to.equal(0);
    // Process logs are kept only when something needs a look (a failing run, a process that died by itself).
    if (report.unexpectedExits.length === 0) fs.rmSync(report.logDir, { recursive: true, force: true });
    expect(new Set(report.recoveries.map((r) => r.disruption.kind))).to.deep.equal(new Set(["api", "coordinator", "redis", "worker"]));
  });
});
