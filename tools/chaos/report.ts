/** The chaos report as text, and the verdict (lost or duplicated windows, anything pending or dead-lettered). */
import type { ChaosReport } from "./run";

export function chaosFailed(r: ChaosReport): boolean {
  return r.audit.lost.length > 0 || r.audit.duplicatedResults.length > 0 || r.audit.duplicatedEntries.length > 0 || r.pending > 0 || r.deadLetters > 0;
}

function ms(v: number | null): string {
  return v === null ? "—" : `${v} ms`;
}

export function formatChaosReport(r: ChaosReport): string {
  const o = r.options;
  const lines = [
    `chaos run: ${o.durationS} s feed, ${o.vehicles} vehicles, ${o.ratePerS} windows/s offered (${o.windowS} s at ${o.rateHz} Hz, compact f32le-base64), ${o.splitWorkers ? "one process per worker instance" : "two worker processes × five fault services"}, seed ${o.seed}`,
    `windows: ${r.audit.accepted} accepted (2xx), ${r.feeder.rejected} rejected${
      r.feeder.rejected
        ? ` (${Object.entries(r.feeder.rejectedBy)
            .map(([k, v]) => `${k} ×${v}`)
            .join(", ")})`
        : ""
    }, ${r.audit.complete} complete with 5 results, ${r.audit.lost.length} lost, ${r.audit.duplicatedResults.length} with duplicated results, ${r.audit.duplicatedEntries.length} written twice to the stream`,
    `client retries (same Idempotency-Key): ${
      Object.entries(r.feeder.retries)
        .map(([k, v]) => `${k} ×${v}`)
        .join(", ") || "none"
    }`,
    `after the drain (${r.drainedInMs === null ? "NOT drained within the bound" : `${r.drainedInMs} ms after the feed stopped`}): ${r.pending} pending, ${r.deadLetters} dead-lettered; ~${r.processedPerS.toFixed(1)} windows/s diagnosed`,
    "disruptions (recovery = from the kill until the first result of a window accepted after it; orphans = entries the dead coordinator held):",
    ...r.recoveries.map((x) => {
      const d = x.disruption;
      const down = d.restartedAt - d.at;
      const extra =
        d.kind === "redis"
          ? `, down ${down} ms, results ${ms(x.newResultsAfterMs === null ? null : x.newResultsAfterMs - down)} after it was back`
          : d.orphans.length
            ? `, ${d.orphans.length} orphans all diagnosed ${ms(x.orphansDoneAfterMs)} after the kill`
            : "";
      const worst = Math.max(x.newResultsAfterMs ?? Infinity, x.orphansDoneAfterMs ?? 0) - (d.kind === "redis" ? down : 0);
      return `  ${d.kind.padEnd(11)} ${d.target.padEnd(14)} new results after ${ms(x.newResultsAfterMs)}${extra} [goal ≤ 5 s: ${worst <= 5000 ? "met" : "MISSED"}]`;
    }),
    ...(r.unexpectedExits.length ? [`unexpected process exits: ${r.unexpectedExits.join(", ")}`] : []),
    ...(r.audit.lost.length ? [`lost (first 10): ${r.audit.lost.slice(0, 10).join(" ")}`] : []),
    ...(r.audit.duplicatedEntries.length ? [`written twice (first 10): ${r.audit.duplicatedEntries.slice(0, 10).join(" ")}`] : []),
    `process logs: ${r.logDir}`,
    chaosFailed(r) ? "VERDICT: FAILED (lost, duplicated, pending or dead-lettered windows)" : "VERDICT: OK (nothing lost, nothing duplicated)",
  ];
  return lines.join("\n");
}
