/**
 * The raw stream's backlog (lag + pending of every consumer group) and whether it grew over the measured interval:
 * "lag not growing" is what makes a throughput figure sustainable. The streams are found by name (SCAN for
 * `*<raw stream>*`), so a partitioned raw stream (one stream per partition, hash-tagged names) is measured too.
 */
import type { Redis } from "ioredis";
import { pairsToRecord } from "../../streams/stream-replies";

export interface BacklogSample {
  /** Seconds since the load started. */
  t: number;
  /** Entries not yet delivered to a group, summed; null when Redis cannot tell for some group (trimmed unread). */
  lag: number | null;
  pending: number;
}

export async function findRawStreams(redis: Redis, rawStream: string): Promise<string[]> {
  const found = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `*${rawStream}*`, "COUNT", 1000, "TYPE", "stream");
    cursor = next;
    for (const k of keys) found.add(k);
  } while (cursor !== "0");
  return [...found].sort();
}

export async function backlog(redis: Redis, streams: readonly string[], t: number): Promise<BacklogSample> {
  let lag: number | null = 0;
  let pending = 0;
  for (const stream of streams) {
    let groups: unknown;
    try {
      groups = await redis.call("XINFO", "GROUPS", stream);
    } catch {
      continue; // trimmed away or not created yet
    }
    for (const g of Array.isArray(groups) ? groups.map(pairsToRecord) : []) {
      pending += Number(g.pending ?? 0);
      lag = lag === null || g.lag === null || g.lag === undefined ? null : lag + Number(g.lag);
    }
  }
  return { t, lag, pending };
}

export interface BacklogVerdict {
  atStart: BacklogSample | null;
  atEnd: BacklogSample | null;
  /** Least-squares slope of lag + pending over the measured interval, entries/s. */
  slopePerS: number | null;
  /** Growth that still counts as steady: one second of arrivals, at least 50 entries (in-flight windows come and go). */
  toleranceEntries: number;
  growing: boolean | null;
}

const total = (s: BacklogSample): number | null => (s.lag === null ? null : s.lag + s.pending);

/** `series`: samples over the measured interval only, oldest first. */
export function judgeBacklog(series: readonly BacklogSample[], arrivalsPerS: number, durationS: number): BacklogVerdict {
  const toleranceEntries = Math.max(50, Math.ceil(arrivalsPerS));
  const known = series.filter((s) => total(s) !== null);
  const atStart = series[0] ?? null;
  const atEnd = series[series.length - 1] ?? null;
  if (known.length < 2 || !atStart || !atEnd || total(atStart) === null || total(atEnd) === null) {
    return { atStart, atEnd, slopePerS: null, toleranceEntries, growing: null };
  }
  const n = known.length;
  const mt = known.reduce((a, s) => a + s.t, 0) / n;
  const my = known.reduce((a, s) => a + (total(s) ?? 0), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of known) {
    num += (s.t - mt) * ((total(s) ?? 0) - my);
    den += (s.t - mt) ** 2;
  }
  const slopePerS = den > 0 ? num / den : 0;
  const grew = (total(atEnd) ?? 0) - (total(atStart) ?? 0);
  return { atStart, atEnd, slopePerS, toleranceEntries, growing: grew > toleranceEntries && slopePerS * durationS > toleranceEntries };
}
