/**
 * Failover measurement (not a test): two worker processes behind the intelligent strategy; SIGKILL one and report how
 * long the caller's registry needs to drop it (heartbeatInterval 1 s / heartbeatTimeout 4 s) and from when on calls
 * are served by the survivor without failures. Needs Redis (REDIS_URL, default redis://127.0.0.1:6379).
 *   npm run bench:failover            (one run)
 *   npm run bench:failover -- 3       (three runs)
 */
import { parseCommandLine } from "../cli/args";
import { DEFAULT_FAILOVER_OPTIONS, runFailover } from "../test/integration/fixtures/failover-run";

const { positionals } = parseCommandLine("bench:failover", "npm run bench:failover [-- RUNS]", { allowPositionals: true, options: {} }, { maxPositionals: 1 });

async function main(): Promise<void> {
  const runs = Math.max(1, Number(positionals[0] ?? 1) || 1);
  const o = DEFAULT_FAILOVER_OPTIONS;
  console.log(
    `failover: heartbeat ${o.heartbeatInterval} s / timeout ${o.heartbeatTimeout} s, requestTimeout ${o.requestTimeoutMs} ms, a call every ${o.callEveryMs} ms, observe ${o.observeMs} ms after SIGKILL`,
  );
  for (let i = 1; i <= runs; i++) {
    const r = await runFailover(o);
    console.log(
      `run ${i}: registry dropped the killed node after ${r.detectionMs ?? "—"} ms; ` +
        `last failed call ended at ${r.lastFailureMs ?? "—"} ms; all calls started from ${r.recoveredFromMs ?? "—"} ms on succeeded; ` +
        `${r.failedCalls}/${r.callsAfterKill} calls failed ${JSON.stringify(r.errorsByCode)}; ` +
        `${r.survivorServedAfterDetection} served by the survivor after detection`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
