/** The readable table of one run (or of the median of several), printed by bench/cluster.bench.ts. */
import type { RunResult } from "./run";

/** A worker using less of its quota than this was waiting on something else (the rest of the pipeline, the machine). */
export const QUOTA_SATURATED = 0.85;

function fmt(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : x.toFixed(digits);
}

function kb(bytes: number | null): string {
  return bytes === null ? "–" : `${(bytes / 1024).toFixed(1)} KB`;
}

function backlogText(r: RunResult): string {
  const b = r.backlog;
  const at = (s: RunResult["backlog"]["atStart"]) => (s ? `${s.lag ?? "?"}+${s.pending}` : "–");
  const verdict = b.growing === null ? "unknown (lag not measurable)" : b.growing ? "GROWING" : "not growing";
  return `${at(b.atStart)} → ${at(b.atEnd)} (lag+pending), trend ${fmt(b.slopePerS)} entries/s: ${verdict}`;
}

export function formatRun(r: RunResult, title: string): string {
  const c = r.config;
  const load =
    c.shape === "legacy"
      ? `legacy 10-row batches, ${Number(c.legacyBatch) > 0 ? `${String(c.legacyBatch)} per request to the batch endpoint` : "one per POST"}`
      : `${String(c.shape)} windows of ${String(c.windowS)} s`;
  const lines = [
    `\n${title}: ${load} (${fmt(Number(c.bodyKB))} KB body), ${String(c.vehicles)} vehicles, open loop ${String(c.rate)} messages/s, ` +
      `warm-up ${String(c.warmupS)} s + measured ${String(c.durationS)} s, layout ${String(c.layout)}, ${String(c.workerProcesses)} worker process(es)` +
      `${c.cpuQuotaCores !== null ? ` limited to ${String(c.cpuQuotaCores)} core each (cgroup ${String(c.cgroup)})` : ""}, pipeline ${String(c.pipeline)}, ` +
      `malloc ${String(c.malloc)}, tree ${String(c.tree)}`,
  ];
  if (r.unsupported) return [...lines, `  UNSUPPORTED: ${r.unsupported}`].join("\n");
  const m = r.machine;
  const noisy = m.otherCores !== null && m.otherCores > 0.2 ? "  ← other load on the machine: CPU per window stays comparable, rates and latencies do not" : "";
  // Legacy loads count per accepted message (windows complete only every few hundred of them).
  const per = r.unit === "message" ? "message" : "window";
  const units = r.unit === "message" ? r.acceptedMessagesPerS * Number(c.durationS) : r.diagnosedWindows;
  const rows: [string, string][] = [
    ["accepted requests/s (messages/s)", `${fmt(r.acceptedPerS)} (${fmt(r.acceptedMessagesPerS)})`],
    ["diagnosed windows/s", fmt(r.diagnosedWindowsPerS)],
    ["machine: busy cores / outside the bench", `${fmt(m.busyCores, 2)} / ${fmt(m.otherCores, 2)} of ${m.nproc}${noisy}`],
    ["backlog over the measured interval", backlogText(r)],
    ["POST latency p50 / p99 ms", `${fmt(r.postLatencyMs.p50)} / ${fmt(r.postLatencyMs.p99)}`],
    ["window→result p50 / p99 ms", `${fmt(r.windowToResultMs.p50)} / ${fmt(r.windowToResultMs.p99)} (${r.windowToResultMs.count} windows)`],
    ["errors / skipped by client", `${r.errors} / ${r.skippedByClient}`],
    ["lost windows / dead-lettered", `${r.lostWindows ?? "n/a"} / ${r.deadLettered}`],
    [
      `Redis per ${per}${r.redis.private ? "" : " (SHARED Redis: includes other clients)"}`,
      `in ${kb(r.redis.bytesInPerWindow)}, out ${kb(r.redis.bytesOutPerWindow)}, ${fmt(r.redis.commandsPerWindow)} commands`,
    ],
    [
      `  top commands per ${per}`,
      (r.redis.traffic?.topCommands ?? [])
        .slice(0, 6)
        .map((t) => `${t.command} ${fmt(units > 0 ? t.calls / units : null, 2)}`)
        .join(", "),
    ],
    ["Redis memory Δ", `${fmt(r.redisMemory.deltaBytes / 1048576)} MB`],
  ];
  if (c.cpuQuotaCores !== null) {
    const quotaPct = 100 * Number(c.cpuQuotaCores);
    const use = r.processes.filter((p) => p.process.startsWith("workers")).map((p) => (p.cpuPct ?? 0) / quotaPct);
    const least = Math.min(...use);
    rows.push([
      "worker quota used",
      `${use.map((u) => `${(100 * u).toFixed(0)} %`).join(", ")}${least < QUOTA_SATURATED ? "  ← below saturation: the worker tier was not the bottleneck here" : ""}`,
    ]);
  }
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${v}`);

  lines.push(`  ${`CPU ms per ${r.unit === "message" ? "accepted message" : "diagnosed window"}`.padEnd(30)}   total    main  backgr.     GC   CPU %   RSS MB`);
  const row = (name: string, total: number | null, main: number | null, bg: number | null, gc: number | null, pct: number | null, rss: number | null) =>
    `  ${name.padEnd(30)} ${fmt(total, 2).padStart(7)} ${fmt(main, 2).padStart(7)} ${fmt(bg, 2).padStart(8)} ${fmt(gc, 2).padStart(6)} ${fmt(pct, 0).padStart(7)} ${fmt(rss, 0).padStart(8)}`;
  for (const p of r.processes.filter((x) => x.role !== "loadgen")) {
    lines.push(row(p.process, p.cpuMsPerWindow, p.mainMsPerWindow, p.backgroundMsPerWindow, p.gcMsPerWindow, p.cpuPct, p.rssMb));
  }
  const wp = r.wholePipeline;
  lines.push(
    row("= whole pipeline", wp.cpuMsPerWindow, wp.mainMsPerWindow, wp.backgroundMsPerWindow, null, wp.coresUsed === null ? null : wp.coresUsed * 100, null),
  );
  for (const p of r.processes.filter((x) => x.role === "loadgen")) {
    lines.push(row("load generator (not included)", p.cpuMsPerWindow, p.mainMsPerWindow, p.backgroundMsPerWindow, null, p.cpuPct, p.rssMb));
    if (r.acceptedMessagesPerS > 0 && p.cpuPct !== null)
      lines.push(`  (load generator: ${fmt((10_000 * p.cpuPct) / r.acceptedMessagesPerS, 1)} µs of CPU per accepted message)`);
  }
  return lines.join("\n");
}
