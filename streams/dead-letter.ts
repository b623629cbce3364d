/**
 * The dead-letter stream (`<raw stream>:dlq`): entries the consumer gave up on (invariant 3), visible and
 * replayable through the API.
 *
 * A DLQ entry is the original entry's fields, in order, followed by the failure record the consumer appends:
 *   error, original_id, original_stream, group, deliveries, failed_at   (see streams/stream-consumer.ts)
 *
 * Public interface (`dlq` / `rawStream` may be every partition's, index = partition: keys.deadLetterStreams, keys.rawStreams):
 *   listDeadLetters(redis, dlq, { count = 50, start = "-", newestFirst = false }): Promise<DeadLetter[]>
 *       with several partitions, each partition's page merged in id (failure time) order
 *   countDeadLetters(redis, dlq): Promise<number>
 *   replayDeadLetter(redis, dlq, rawStream, id, { maxLen? }): Promise<string | null>  — new raw id, null if absent;
 *       a partition's dead letter goes back to that partition's raw stream (the same vehicle, the same slot)
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
import { compareStreamIds } from "./retention";
import { DEFAULT_LEGACY_FLEET, FAILURE_RECORD_FIELDS, RAW_FLEET_FIELD, RAW_SAMPLES_FIELD_PREFIX } from "../contracts/streams";

/** What a dead letter's listing shows for a binary sample field (its layout is in `sensor_layout`). */
export const BINARY_SAMPLES_SHOWN = "(binary samples, see sensor_layout)";

/** Field names the consumer appends to a dead-lettered entry, in order. */

export interface DeadLetter {
  id: string;
  /** The original entry's fleet (`fleet_id`), or the legacy fleet for an older producer's entry. */
  fleetId: string;
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
  /** Only this fleet's dead letters (an operator sees its own fleet's; the root admin passes none). */
  fleetId?: string;
  /** The fleet of entries without a fleet_id (config LEGACY_FLEET). */
  legacyFleetId?: string;
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

export function parseDeadLetter(id: string, list: readonly string[], legacyFleetId = DEFAULT_LEGACY_FLEET): DeadLetter {
  const { original, failure } = splitDeadLetterFields(list);
  const fields = fieldsToObject(original);
  // Read as text, a binary layout's sample bytes would be mangled: name them instead (replay copies the real bytes).
  for (const name of Object.keys(fields)) if (name.startsWith(RAW_SAMPLES_FIELD_PREFIX)) fields[name] = BINARY_SAMPLES_SHOWN;
  return {
    id,
    fleetId: fields[RAW_FLEET_FIELD] ?? legacyFleetId,
    fields,
    error: failure.error ?? "",
    originalId: failure.original_id ?? "",
    originalStream: failure.original_stream ?? "",
    group: failure.group ?? "",
    deliveries: Number(failure.deliveries ?? 0),
    failedAt: failure.failed_at ?? "",
  };
}

/** Pages read at most to fill one fleet's page: the DLQ is bounded, but a fleet's letters may be sparse in it. */
const MAX_PAGES_SCANNED = 20;

export async function listDeadLetters(redis: Redis, dlq: string | readonly string[], opts: ListDeadLettersOptions = {}): Promise<DeadLetter[]> {
  if (typeof dlq === "string") return listOneStream(redis, dlq, opts);
  const pages = await Promise.all(dlq.map((stream) => listOneStream(redis, stream, opts)));
  const order = opts.newestFirst ? -1 : 1;
  return pages
    .flat()
    .sort((a, b) => order * compareStreamIds(a.id, b.id))
    .slice(0, opts.count ?? 50);
}

async function listOneStream(redis: Redis, dlq: string, opts: ListDeadLettersOptions): Promise<DeadLetter[]> {
  const count = opts.count ?? 50;
  const out: DeadLetter[] = [];
  let start = opts.start ?? (opts.newestFirst ? "+" : "-");
  for (let page = 0; page < MAX_PAGES_SCANNED && out.length < count; page++) {
    const rows = opts.newestFirst ? await redis.xrevrange(dlq, start, "-", "COUNT", count) : await redis.xrange(dlq, start, "+", "COUNT", count);
    for (const [id, list] of rows) {
      const letter = parseDeadLetter(id, list, opts.legacyFleetId);
      if (opts.fleetId === undefined || letter.fleetId === opts.fleetId) out.push(letter);
    }
    if (rows.length < count) break;
    start = `(${rows[rows.length - 1][0]}`;
  }
  return out.slice(0, count);
}

export async function countDeadLetters(redis: Redis, dlq: string | readonly string[]): Promise<number> {
  if (typeof dlq === "string") return redis.xlen(dlq);
  return (await Promise.all(dlq.map((s) => redis.xlen(s)))).reduce((a, n) => a + n, 0);
}

// ARGV: id, raw max length, the fleet the caller may replay ('' = any), the legacy fleet
const replayScript = luaCommand({
  name: "vtoxReplayDeadLetterV2",
  numberOfKeys: 2,
  lua: `
local rows = redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])
if #rows == 0 then return false end
local list = rows[1][2]
if ARGV[3] ~= '' then
  local fleet = ARGV[4]
  for i = 1, #list, 2 do
    if list[i] == '${RAW_FLEET_FIELD}' then fleet = list[i + 1]; break end
  end
  -- Another fleet's dead letter does not exist for this caller.
  if fleet ~= ARGV[3] then return false end
end
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
`,
});

export async function replayDeadLetter(
  redis: Redis,
  dlq: string | readonly string[],
  rawStream: string | readonly string[],
  id: string,
  opts: { maxLen?: number; fleetId?: string; legacyFleetId?: string } = {},
): Promise<string | null> {
  if (typeof dlq === "string" && typeof rawStream === "string") return replayOne(redis, dlq, rawStream, id, opts);
  const dlqs = typeof dlq === "string" ? [dlq] : dlq;
  const raws = typeof rawStream === "string" ? [rawStream] : rawStream;
  if (dlqs.length !== raws.length) throw new Error("replayDeadLetter: one raw stream per dead-letter stream");
  // Ids are unique per stream only: the first partition holding the id (visible to this caller) replays it.
  for (const [p, stream] of dlqs.entries()) {
    const replayed = await replayOne(redis, stream, raws[p], id, opts);
    if (replayed !== null) return replayed;
  }
  return null;
}

async function replayOne(
  redis: Redis,
  dlq: string,
  rawStream: string,
  id: string,
  opts: { maxLen?: number; fleetId?: string; legacyFleetId?: string },
): Promise<string | null> {
  const reply = await replayScript.run(
    redis,
    [dlq, rawStream],
    [id, opts.maxLen ?? DEFAULT_RAW_MAXLEN, opts.fleetId ?? "", opts.legacyFleetId ?? DEFAULT_LEGACY_FLEET],
  );
  return typeof reply === "string" ? reply : null;
}

export async function discardDeadLetter(redis: Redis, dlq: string, id: string): Promise<boolean> {
  return (await redis.xdel(dlq, id)) === 1;
}
