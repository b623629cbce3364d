/**
 * After a chaos run: does every accepted window have exactly one result per fault family, is any window in the
 * raw stream twice, is anything left pending or dead-lettered, and how long did each disruption stall the flow.
 */
import type { Redis } from "ioredis";
import { FAULT_TYPES } from "../../contracts/families";
import type { RedisKeys } from "../../contracts/redis-keys";
import { fieldsToObject } from "../../streams/stream-replies";
import type { AcceptedWindow } from "./feeder";

/** Per window (original message id): how many results of each family. */
export type ResultCounts = Map<string, Map<string, number>>;

export interface ResultIndex {
  counts: ResultCounts;
  /** Results-stream time (ms, from the entry id) of the first result of each window. */
  firstResultAt: Map<string, number>;
  /** Results-stream time of the last result of each window. */
  lastResultAt: Map<string, number>;
}

function idMs(id: string): number {
  return Number(id.slice(0, id.indexOf("-")));
}

/** Reads the results stream in pages (it only holds small JSON entries). */
export async function indexResults(redis: Redis, keys: RedisKeys): Promise<ResultIndex> {
  const counts: ResultCounts = new Map();
  const firstResultAt = new Map<string, number>();
  const lastResultAt = new Map<string, number>();
  let start = "-";
  for (;;) {
    const page = await redis.xrange(keys.resultsStream, start, "+", "COUNT", 2000);
    for (const [id, list] of page) {
      const f = fieldsToObject(list);
      const original = f.original_message_id ?? "";
      const perFamily = counts.get(original) ?? new Map<string, number>();
      perFamily.set(f.fault_type ?? "", (perFamily.get(f.fault_type ?? "") ?? 0) + 1);
      counts.set(original, perFamily);
      const t = idMs(id);
      if (!firstResultAt.has(original)) firstResultAt.set(original, t);
      lastResultAt.set(original, t);
    }
    if (page.length < 2000) break;
    start = `(${page[page.length - 1][0]}`;
  }
  return { counts, firstResultAt, lastResultAt };
}

export interface WindowAudit {
  accepted: number;
  /** Accepted windows without all five results. */
  lost: string[];
  /** Accepted windows with some family written more than once, plus windows written to the raw stream twice. */
  duplicatedResults: string[];
  duplicatedEntries: string[];
  complete: number;
}

export function auditWindows(accepted: readonly AcceptedWindow[], index: ResultIndex, rawEntriesPerWindow: Map<string, number>): WindowAudit {
  const lost: string[] = [];
  const duplicatedResults: string[] = [];
  let complete = 0;
  for (const w of accepted) {
    const perFamily = index.counts.get(w.messageId);
    const present = FAULT_TYPES.filter((f) => (perFamily?.get(f) ?? 0) > 0).length;
    if (present < FAULT_TYPES.length) lost.push(w.messageId);
    else complete++;
    if (perFamily && [...perFamily.values()].some((n) => n > 1)) duplicatedResults.push(w.messageId);
  }
  const duplicatedEntries = [...rawEntriesPerWindow].filter(([, n]) => n > 1).map(([k]) => k);
  return { accepted: accepted.length, lost, duplicatedResults, duplicatedEntries, complete };
}

/** Counts raw-stream entries per feeder window key (metadata.window), in pages, to find double writes. */
export async function rawEntriesPerWindow(redis: Redis, keys: RedisKeys): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let start = "-";
  for (;;) {
    const page = await redis.xrange(keys.rawStream, start, "+", "COUNT", 200);
    for (const [, list] of page) {
      const f = fieldsToObject(list);
      let window: string | undefined;
      try {
        window = (JSON.parse(f.metadata ?? "{}") as { window?: string }).window;
      } catch {
        window = undefined;
      }
      if (window) out.set(window, (out.get(window) ?? 0) + 1);
    }
    if (page.length < 200) break;
    start = `(${page[page.length - 1][0]}`;
  }
  return out;
}

export async function pendingCount(redis: Redis, keys: RedisKeys, group = "diagnosis"): Promise<number> {
  const reply = (await redis.xpending(keys.rawStream, group).catch(() => [0])) as [number];
  return Number(reply[0] ?? 0);
}

export async function deadLetterCount(redis: Redis, keys: RedisKeys): Promise<number> {
  return redis.xlen(keys.deadLetterStream).catch(() => 0);
}

export interface Disruption {
  kind: "coordinator" | "worker" | "api" | "redis";
  target: string;
  /** When the process was killed (or Redis shut down). */
  at: number;
  /** When it was started again (for Redis: answering again). */
  restartedAt: number;
  /** Raw entries the killed coordinator held un-acked at the moment of death. */
  orphans: string[];
}

export interface RecoveryFigures {
  disruption: Disruption;
  /** From the kill until the first result of a window accepted after the kill (new input flows end to end). */
  newResultsAfterMs: number | null;
  /** From the kill until the last of the orphaned windows had all its results (coordinator kills). */
  orphansDoneAfterMs: number | null;
}

export function recoveryFigures(d: Disruption, accepted: readonly AcceptedWindow[], index: ResultIndex): RecoveryFigures {
  let firstNew: number | null = null;
  for (const w of accepted) {
    if (idMs(w.messageId) <= d.at) continue;
    const t = index.firstResultAt.get(w.messageId);
    if (t !== undefined && (firstNew === null || t < firstNew)) firstNew = t;
  }
  let orphansDone: number | null = null;
  if (d.orphans.length) {
    const ends = d.orphans.map((id) => index.lastResultAt.get(id));
    orphansDone = ends.every((t): t is number => t !== undefined) ? Math.max(...ends) : null;
  }
  return {
    disruption: d,
    newResultsAfterMs: firstNew === null ? null : firstNew - d.at,
    orphansDoneAfterMs: orphansDone === null ? null : orphansDone - d.at,
  };
}
