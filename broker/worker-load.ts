/**
 * A fault worker's own load, measured where it happens: requests in flight, analysis time,
 * event-loop delay (perf_hooks histogram) and memory. It travels back to the caller in the
 * response meta, because Moleculer gossips only host CPU (moleculer#1234).
 */
import os from "node:os";
import { monitorEventLoopDelay, type IntervalHistogram } from "node:perf_hooks";
import v8 from "node:v8";

export interface WorkerLoadSnapshot {
  nodeID: string;
  inFlight: number;
  /** Duration of the analysis this response carries (or the last one), ms. */
  processingMs: number;
  /** Mean analysis time over the last interval, ms. */
  meanProcessingMs: number;
  /** V8 heap used / heap limit. */
  heapRatio: number;
  /** Resident set / machine memory. */
  rssRatio: number;
  /** Event-loop delay over the last interval: p99 and max, ms. */
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  analyses: number;
}

const MEMORY_SAMPLE_MS = 250;
const TOTAL_MEMORY = os.totalmem();

export class WorkerLoad {
  private inFlight = 0;
  private lastProcessingMs = 0;
  private sumMs = 0;
  private count = 0;
  private total = 0;
  private readonly histogram: IntervalHistogram;
  private readonly heapLimit = v8.getHeapStatistics().heap_size_limit;
  private resetTimer: NodeJS.Timeout | undefined;
  /** process.memoryUsage() walks every heap space (~12 % of a worker's CPU when called per analysis): sampled. */
  private memory = { heapUsed: 0, rss: 0, at: -Infinity };

  constructor(
    private readonly nodeID: string,
    private readonly intervalMs = 10_000,
  ) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
  }

  start(): void {
    this.histogram.enable();
    // Figures describe the recent past, not the whole life of the process.
    this.resetTimer = setInterval(() => this.resetInterval(), this.intervalMs);
    this.resetTimer.unref();
  }

  stop(): void {
    this.histogram.disable();
    if (this.resetTimer) clearInterval(this.resetTimer);
  }

  begin(): void {
    this.inFlight += 1;
  }

  end(processingMs: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastProcessingMs = processingMs;
    this.sumMs += processingMs;
    this.count += 1;
    this.total += 1;
  }

  snapshot(processingMs = this.lastProcessingMs): WorkerLoadSnapshot {
    const mem = this.memorySample();
    return {
      nodeID: this.nodeID,
      inFlight: this.inFlight,
      processingMs,
      meanProcessingMs: this.count ? this.sumMs / this.count : 0,
      heapRatio: mem.heapUsed / this.heapLimit,
      rssRatio: mem.rss / TOTAL_MEMORY,
      eventLoopP99Ms: nsToMs(this.histogram.percentile(99)),
      eventLoopMaxMs: nsToMs(this.histogram.max),
      analyses: this.total,
    };
  }

  private memorySample(): { heapUsed: number; rss: number } {
    const now = performance.now();
    if (now - this.memory.at >= MEMORY_SAMPLE_MS) {
      this.memory = { heapUsed: v8.getHeapStatistics().used_heap_size, rss: process.memoryUsage.rss(), at: now };
    }
    return this.memory;
  }

  private resetInterval(): void {
    this.histogram.reset();
    this.sumMs = 0;
    this.count = 0;
  }
}

function nsToMs(ns: number): number {
  return Number.isFinite(ns) ? ns / 1e6 : 0;
}
