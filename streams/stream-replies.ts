/**
 * Stream entries as handlers see them, and parsers for the RESP2 replies of XREADGROUP / XAUTOCLAIM /
 * XRANGE / XPENDING / XINFO (ioredis `call` returns `unknown`; these check the shape instead of casting). Bulk strings
 * may arrive as Buffers (`callBuffer`): String(buffer) decodes them as UTF-8.
 */
import { RAW_SAMPLES_FIELD_PREFIX } from "../contracts/streams";

/** One stream entry with its fields read as UTF-8 strings, except binary sample fields. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
  /** The binary `samples:<channel>` fields of our gateway's layout, as bytes (text decoding would corrupt them). */
  samples?: Record<string, Buffer>;
  /** How many times the group has delivered it, this delivery included (1 on a first read). */
  deliveries?: number;
  /** The stream it was read from (a partition's own stream when there are several). */
  stream?: string;
}

/** Field list [k1, v1, k2, v2, ...] → object (a repeated field name keeps its last value). */
export function fieldsToObject(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(list)) return out;
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = String(list[i + 1]);
  return out;
}

/** XINFO GROUPS / CONSUMERS / STREAM row: a flat [name, value, ...] list → object, values as Redis sent them. */
/** A reply value that should be text (a stream id, a name): a string or bytes as text, anything else "". */
export function replyText(value: unknown): string {
  if (typeof value === "string") return value;
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return typeof value === "number" ? String(value) : "";
}

export function pairsToRecord(list: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Array.isArray(list)) for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

/** An entry's field list → text fields and binary sample fields (`samples:<channel>`, kept as bytes). */
export function splitEntryFields(list: unknown): Pick<StreamEntry, "fields" | "samples"> {
  const fields: Record<string, string> = {};
  let samples: Record<string, Buffer> | undefined;
  if (!Array.isArray(list)) return { fields };
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = String(list[i]);
    const value: unknown = list[i + 1];
    if (Buffer.isBuffer(value) && name.startsWith(RAW_SAMPLES_FIELD_PREFIX)) (samples ??= {})[name] = value;
    else fields[name] = String(value);
  }
  return samples ? { fields, samples } : { fields };
}

/** A StreamEntry's fields as one list for XADD (text fields, then sample bytes). */
export function entryFieldList(entry: Pick<StreamEntry, "fields" | "samples">): (string | Buffer)[] {
  const out: (string | Buffer)[] = objectToFields(entry.fields);
  for (const [k, v] of Object.entries(entry.samples ?? {})) out.push(k, v);
  return out;
}

/** Object → field list, in insertion order. */
export function objectToFields(fields: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(fields)) out.push(k, v);
  return out;
}

/** [[id, [k, v, ...]], ...] → entries; an entry whose fields are nil (deleted) is reported separately. */
export function parseEntryList(list: unknown): { entries: StreamEntry[]; missing: string[] } {
  const entries: StreamEntry[] = [];
  const missing: string[] = [];
  if (!Array.isArray(list)) return { entries, missing };
  for (const item of list) {
    if (!Array.isArray(item)) continue;
    const id = String(item[0]);
    if (item[1] === null || item[1] === undefined) missing.push(id);
    else entries.push({ id, ...splitEntryFields(item[1]) });
  }
  return { entries, missing };
}

/** XREADGROUP ... STREAMS one-stream > : [[stream, [[id, fields], ...]]] or null on timeout. */
export function parseReadGroupReply(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: StreamEntry[] = [];
  for (const streamReply of reply) {
    if (Array.isArray(streamReply)) out.push(...parseEntryList(streamReply[1]).entries);
  }
  return out;
}

/** XAUTOCLAIM reply (Redis ≥ 7: [next, entries, deletedIds]; 6.2: [next, entries] with nil fields). */
export function parseAutoClaimReply(reply: unknown): { next: string; entries: StreamEntry[]; deleted: string[] } {
  if (!Array.isArray(reply)) return { next: "0-0", entries: [], deleted: [] };
  const { entries, missing } = parseEntryList(reply[1]);
  const deleted = Array.isArray(reply[2]) ? reply[2].map(String) : [];
  return { next: String(reply[0]), entries, deleted: [...deleted, ...missing] };
}

/** XPENDING extended form: [[id, consumer, idleMs, deliveries], ...] → id → deliveries. */
export function parsePendingCounts(reply: unknown): Map<string, number> {
  const out = new Map<string, number>();
  if (!Array.isArray(reply)) return out;
  for (const row of reply) if (Array.isArray(row)) out.set(String(row[0]), Number(row[3]));
  return out;
}

/** Stream ids compare as (milliseconds, sequence) pairs, not as strings. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split("-");
  const [bm, bs] = b.split("-");
  const dm = Number(am) - Number(bm);
  return dm !== 0 ? Math.sign(dm) : Math.sign(Number(as ?? 0) - Number(bs ?? 0));
}
