/**
 * The dead-letter stream (`<raw stream>:dlq`): entries the consumer gave up on (invariant 3), visible and
 * replayable through the API.
 *
 * A DLQ entry is the original entry's fields, in order, followed by the failure record the consumer appends:
 *   error, original_id, original_stream, group, deliveries, failed_at   (see streams/stream-consumer.ts)
 *
 * Public interface:
 *   listDeadLetters(redis, dlq, { count = 50, start = "-", newestFirst = false }): Promise<DeadLetter[]>
 *   countDeadLetters(redis, dlq): Promise<number>
 *   replayDeadLetter(redis, dlq, rawStream, id, { maxLen? }): Promise<string | null>  — new raw id, null if absent
 *   discardDeadLetter(redis, dlq, id): Promise<boolean>
 *
 * Replay runs as one Lua script: read the DLQ entry, XADD its original fields (the failure record stripped) to
 * the raw stream, XDEL it from the DLQ. Atomic, so a crash can neither lose the entry nor replay it twice.
 * The replayed entry gets a new id: results are idempotent per original id, so a replay is diagnosed afresh.
 */
import type { Redis } from "ioredis";
import { luaCommand } from "../stores/lua-command";
import { DEFAULT_RAW_MAXLEN } from "./raw-stream-writer";
import { fieldsToObject } from "./stream-replies";
import { FAILURE_RECORD_FIELDS } from "../contracts/streams";

/** Field names the consumer appends to a dead-lettered entry, in order. */

export interface DeadLetter {
  id: string;
  /** The original entry's fields (failure record removed). */
  fields: Record<string, string>;
  error: string;
  originalId: string;
  originalStream: string;
  group: string;
  deliveries: number;
  failedAt: string;
}

export interface ListDeadLettersOptions {
  count?: number;
  /** Id to start at (inclusive), or "(" + id to continue after a page; "-" / "+" for the ends. */
  start?: string;
  newestFirst?: boolean;
}

/** Splits a DLQ field list into the original fields and the failure record (the trailing block). */
export function splitDeadLetterFields(list: readonly string[]): { original: string[]; failure: Record<string, string> } {
  const tail = FAILURE_RECORD_FIELDS.length * 2;
  const names = list.slice(-tail).filter((_, i) => i % 2 === 0);
  const hasRecord = list.length >= tail && FAILURE_RECORD_FIELDS.every((n, i) => names[i] === n);
  const original = hasRecord ? list.slice(0, list.length - tail) : [...list];
  return { original, failure: hasRecord ? fieldsToObject(list.slice(-tail)) : {} };
}

export function parseDeadLetter(id: string, list: readonly string[]): DeadLetter {
  const { original, failure } = splitDeadLetterFields(list);
  return {
    id,
    fields: fieldsToObject(original),
    error: failure.error ?? "",
    originalId: failure.original_id ?? "",
    originalStream: failure.original_stream ?? "",
    group: failure.group ?? "",
    deliveries: Number(failure.deliveries ?? 0),
    failedAt: failure.failed_at ?? "",
  };
}

export async function listDeadLetters(redis: Redis, dlq: string, opts: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  const count = opts.count ?? 50;
  const rows = opts.newestFirst
    ? await redis.xrevrange(dlq, opts.start ?? "+", "-", "COUNT", count)
    : await redis.xrange(dlq, opts.start ?? "-", "+", "COUNT", count);
  return rows.map(([id, list]) => parseDeadLetter(id, list));
}

export async function countDeadLetters(redis: Redis, dlq: string): Promise<number> {
  return redis.xlen(dlq);
}

const replayScript = luaCommand({ name: "vtoxReplayDeadLetter", numberOfKeys: 2, lua: `
local rows = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #rows == 0 then return false end
local list = rows[1][2]
local names = {${FAILURE_RECORD_FIELDS.map((n) => `'${n}'`).join(", ")}}
local tail = #names * 2
local keep = #list
if #list >= tail then
  local match = true
  for i = 1, #names do
    if list[#list - tail + (i - 1) * 2 + 1] ~= names[i] then match = false end
  end
  if match then keep = #list - tail end
end
if keep == 0 then return redis.error_reply('dead letter ' .. ARGV[1] .. ' has no original fields') end
local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(list, 1, keep))
redis.call('XDEL', KEYS[1], ARGV[1])
return id
` });

export async function replayDeadLetter(
  redis: Redis, dlq: string, rawStream: string, id: string, opts: { maxLen?: number } = {},
): Promise<string | null> {
  const reply = await replayScript.run(redis, [dlq, rawStream], [id, opts.maxLen ?? DEFAULT_RAW_MAXLEN]);
  return typeof reply === "string" ? reply : null;
}

export async function discardDeadLetter(redis: Redis, dlq: string, id: string): Promise<boolean> {
  return (await redis.xdel(dlq, id)) === 1;
}
