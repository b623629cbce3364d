/**
 * The five findings of one diagnosed window, with their evidence, read back from `fault_diagnosis_results`.
 * The results writer keeps a dedupe hash per window (family → entry id), so the lookup is one HGETALL and one
 * XRANGE per family instead of a scan of the stream. Entries trimmed away by MAXLEN are simply missing.
 */
import type { Redis } from "ioredis";
import { parseResultEntry, resultDedupeKey, type ResultEntry } from "../streams/results-writer";

export async function windowFindings(redis: Redis, resultsStream: string, originalMessageId: string): Promise<ResultEntry[]> {
  const ids = Object.values(await redis.hgetall(resultDedupeKey(resultsStream, originalMessageId))).filter((id) => /^\d+-\d+$/.test(id));
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.xrange(resultsStream, id, id);
  const replies = (await pipeline.exec()) ?? [];
  const entries: ResultEntry[] = [];
  for (const [err, rows] of replies) {
    if (err || !Array.isArray(rows) || rows.length === 0) continue;
    const [id, fields] = rows[0] as [string, string[]];
    entries.push(parseResultEntry(id, fields));
  }
  return entries;
}
