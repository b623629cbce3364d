/**
 * Preloaded (`node --import`) into every service process the cluster bench starts: totals of the GC pauses
 * perf_hooks reports (ms, count, by kind), written as JSON to $BENCH_GC_DIR/<pid>.json on SIGUSR2 and at exit.
 * Plain JavaScript so that it loads without tsx into any checkout (`--tree`), whatever that tree's sources are.
 */
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import { PerformanceObserver, constants } from "node:perf_hooks";

const dir = process.env.BENCH_GC_DIR;
if (dir) {
  const KINDS = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: "minor",
    [constants.NODE_PERFORMANCE_GC_MAJOR]: "major",
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental",
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weakcb",
  };
  const totals = { ms: 0, count: 0, byKind: {} };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = KINDS[entry.detail ? entry.detail.kind : -1] || "other";
      totals.ms += entry.duration;
      totals.count++;
      totals.byKind[kind] = (totals.byKind[kind] || 0) + entry.duration;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  const file = path.join(dir, `${process.pid}.json`);
  // Written whole and renamed, so the bench never reads half a file.
  const write = () => {
    try {
      fs.writeFileSync(`${file}.tmp`, JSON.stringify({ pid: process.pid, atMs: Date.now(), ...totals }));
      fs.renameSync(`${file}.tmp`, file);
    } catch {
      /* the bench may already have removed the directory */
    }
  };
  process.on("SIGUSR2", write);
  process.on("exit", write);
}
