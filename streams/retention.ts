/**
 * Retention: what keeps Redis bounded in bytes, not only in entries (README "Retention and sizing").
 *
 * Public interface:
 *   rawTrimMinId({ nowMs, retentionS, groups }): RawTrimBound                         pure: the MINID, and what bound it
 *   compareStreamIds(a, b): number                                                   pure: -1 / 0 / 1
 *   readGroupPositions(redis, stream): Promise<GroupPosition[]>                      XINFO GROUPS, XPENDING, XRANGE
 *   trimRawStream(redis, stream, { retentionS }): Promise<RawTrimOutcome>            the reads above + guarded XTRIM MINID
 *   trimDeadLetters(redis, dlq, { retentionS, maxBytes }): Promise<DeadLetterTrimOutcome>
 *   expireFleetIndexes(redis, keys, { ttlS }): Promise<FleetIndexOutcome>           ZREMRANGEBYSCORE per fleet index
 *   runRetentionPass(redis, keys, settings): Promise<RetentionPassOutcome>            all three, for the periodic job
 *   runLeasedRetentionPass(redis, keys, settings, { owner, leaseMs }): Promise<RetentionPassOutcome | null>
 *       the same under a lease (null: another instance holds it); a Redis full to maxmemory (noeviction refuses
 *       the lease's SET with OOM) runs the pass anyway, since trimming is what frees memory and XTRIM is allowed
 *
 * Raw stream. A diagnosed window's entry is trimmed once it is older than `retentionS`, never an entry some consumer
 * group has not finished: the MINID (XTRIM removes ids below it) is at most
 *   - now − retention (Redis' own clock: TIME),
 *   - for every group, the oldest entry of its PEL (delivered, not acknowledged: windows being diagnosed, retries,
 *     and short legacy batches, which stay pending until the window they were assembled into is diagnosed),
 *   - for every group, the first entry after its last-delivered-id (the lag: not read yet).
 * With no consumer group at all nothing is trimmed by age (nobody has diagnosed anything).
 * The reads and the trim are separate round trips, so the trim runs as a Lua script that first checks that the groups
 * are still the ones read and that no last-delivered-id moved backwards (XGROUP CREATE / SETID in between); otherwise
 * it trims nothing and the next pass recomputes. Nothing else can put an older entry back into a PEL (XCLAIM works on
 * PEL entries only; the consumer never uses FORCE). Idempotent: any number of coordinators may run it at once.
 *
 * Dead letters. Trimmed by age (`XTRIM MINID now − retention`; a dead letter's id is when it failed) and by bytes:
 * `MEMORY USAGE dlq SAMPLES 0` sums the stream's listpack nodes inside Redis — no entry is copied to the client,
 * the cost is one step per node (≤ DLQ count cap) — whereas summing field lengths would transfer up to the whole
 * budget (dead letters carry the window, up to 4 MB each) on every pass. Above the budget the oldest are trimmed
 * (XTRIM MAXLEN to the share of entries the budget holds at the measured mean size) and the usage measured again,
 * until it fits (entries differ in size, so one step may not be enough).
 *
 * Partitions (STREAM_PARTITIONS > 1): the raw stream and the dead letters of each partition are trimmed on their own
 * (each stream's groups bound its own MINID); DLQ_MAX_BYTES is shared evenly, so the sum stays within it. The pass
 * outcome carries the totals and, per partition, each stream's own.
 *
 * Vehicles. State, history and alarms carry a TTL refreshed by every window (stores/vehicle-state.ts); here the
 * vehicles silent longer than that leave their fleet's index (score = last update in ms). Fleets are found in the
 * set `keys.fleets()`; indexes written before that set existed are found once per process by SCAN.
 */
import type { Redis } from "ioredis";
import type { RedisKeys } from "../contracts/redis-keys";
import { LUA_ID_LESS, luaCommand } from "../stores/lua-command";
import { execOrThrow } from "../stores/redis";
import { pairsToRecord } from "./stream-replies";

// ---- pure ---------------------------------------------------------------------------------------------------------

function parseId(id: string): [bigint, bigint] {
  const dash = id.indexOf("-");
  return dash < 0 ? [BigInt(id), 0n] : [BigInt(id.slice(0, dash)), BigInt(id.slice(dash + 1))];
}

/** Orders stream ids "ms-seq" numerically (string order is wrong: "9-0" > "10-0"). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = parseId(a);
  const [bm, bs] = parseId(b);
  if (am !== bm) return am < bm ? -1 : 1;
  if (as !== bs) return as < bs ? -1 : 1;
  return 0;
}

/** Where one consumer group stands in the stream. */
export interface GroupPosition {
  name: string;
  lastDeliveredId: string;
  /** Oldest entry delivered to the group and not acknowledged (null: PEL empty). */
  oldestPendingId: string | null;
  /** First entry after lastDeliveredId (null: the group has read everything). */
  firstUndeliveredId: string | null;
}

export type TrimBoundKind = "age" | "pending" | "undelivered";

export interface RawTrimBound {
  /** XTRIM MINID argument (ids below it are removed), or null: trim nothing. */
  minId: string | null;
  /** What set the MINID ("no-group": no consumer group, nothing may be trimmed). */
  boundBy: TrimBoundKind | "no-group";
  /** The group whose PEL or lag set it. */
  group?: string;
}

/** The MINID: min(now − retention, every group's oldest pending entry, every group's first undelivered entry). */
export function rawTrimMinId(input: { nowMs: number; retentionS: number; groups: readonly GroupPosition[] }): RawTrimBound {
  if (input.groups.length === 0) return { minId: null, boundBy: "no-group" };
  let best: RawTrimBound = { minId: `${Math.max(0, Math.floor(input.nowMs - input.retentionS * 1000))}-0`, boundBy: "age" };
  for (const g of input.groups) {
    for (const [id, kind] of [
      [g.oldestPendingId, "pending"],
      [g.firstUndeliveredId, "undelivered"],
    ] as const) {
      if (id !== null && compareStreamIds(id, best.minId!) < 0) best = { minId: id, boundBy: kind, group: g.name };
    }
  }
  return best;
}

/**
 * How many of the newest `length` dead letters to keep so that `usedBytes` (measured) falls to `maxBytes`, assuming
 * entries of the mean size; at least one fewer than now while over budget, so a pass always progresses.
 */
export function deadLettersToKeep(length: number, usedBytes: number, maxBytes: number): number {
  if (usedBytes <= maxBytes || length === 0) return length;
  const fit = Math.floor((length * maxBytes) / usedBytes);
  return Math.max(0, Math.min(length - 1, fit));
}

// ---- Redis --------------------------------------------------------------------------------------------------------

/** Every group of `stream` with its PEL head and first undelivered entry (one pipeline after XINFO GROUPS). */
export async function readGroupPositions(redis: Redis, stream: string): Promise<GroupPosition[]> {
  let reply: unknown;
  try {
    reply = await redis.call("XINFO", "GROUPS", stream);
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return [];
    throw err;
  }
  const text = (v: unknown, fallback: string): string => (typeof v === "string" ? v : Buffer.isBuffer(v) ? v.toString() : fallback);
  const groups = (Array.isArray(reply) ? reply : [])
    .map(pairsToRecord)
    .map((g) => ({ name: text(g.name, ""), lastDeliveredId: text(g["last-delivered-id"], "0-0") }));
  if (groups.length === 0) return [];
  const p = redis.pipeline();
  for (const g of groups) {
    p.call("XPENDING", stream, g.name);
    p.call("XRANGE", stream, `(${g.lastDeliveredId}`, "+", "COUNT", "1");
  }
  const replies = await execOrThrow(p.exec());
  return groups.map((g, i) => {
    const summary = replies[2 * i] as [number, string | null, string | null, unknown] | null;
    const next = replies[2 * i + 1] as [string, unknown][] | null;
    return {
      ...g,
      oldestPendingId: summary && Number(summary[0]) > 0 && summary[1] ? String(summary[1]) : null,
      firstUndeliveredId: next && next.length > 0 ? String(next[0][0]) : null,
    };
  });
}

/** Redis' clock (ms): entry ids come from it, so ages are measured on it too. */
async function redisNowMs(redis: Redis): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

// KEYS: stream. ARGV: minid, number of groups, then name, last-delivered-id per group as read.
// Trims only if the groups are the same and none moved back; returns the number trimmed, or -1 (changed: skipped).
const guardedTrimScript = luaCommand({
  name: "vtoxRetentionTrim",
  numberOfKeys: 1,
  lua: `${LUA_ID_LESS}local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok then return -1 end
if #groups ~= tonumber(ARGV[2]) then return -1 end
local now = {}
for _, g in ipairs(groups) do
  local name, last
  for i = 1, #g, 2 do
    if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
  end
  if name then now[name] = last end
end
for i = 3, #ARGV, 2 do
  local last = now[ARGV[i]]
  if not last or id_less(last, ARGV[i + 1]) then return -1 end
end
return redis.call('XTRIM', KEYS[1], 'MINID', ARGV[1])
`,
});

export interface RawTrimOutcome extends RawTrimBound {
  /** Entries removed (0 when nothing was old enough or the groups changed meanwhile). */
  trimmed: number;
  /** True when the groups changed between the reads and the trim (nothing was trimmed; the next pass retries). */
  skipped: boolean;
}

/**
 * XTRIM MINID `minId`, unless the groups differ from `groupsAsRead` (one added or removed, or a last-delivered-id
 * moved back): then nothing, and `null`. Otherwise the number of entries removed.
 */
export async function trimBelow(
  redis: Redis,
  stream: string,
  minId: string,
  groupsAsRead: readonly Pick<GroupPosition, "name" | "lastDeliveredId">[],
): Promise<number | null> {
  const n = Number(await guardedTrimScript.run(redis, [stream], [minId, groupsAsRead.length, ...groupsAsRead.flatMap((g) => [g.name, g.lastDeliveredId])]));
  return n < 0 ? null : n;
}

export async function trimRawStream(redis: Redis, stream: string, opts: { retentionS: number; nowMs?: number }): Promise<RawTrimOutcome> {
  const [groups, nowMs] = await Promise.all([readGroupPositions(redis, stream), opts.nowMs ?? redisNowMs(redis)]);
  const bound = rawTrimMinId({ nowMs, retentionS: opts.retentionS, groups });
  if (bound.minId === null) return { ...bound, trimmed: 0, skipped: false };
  const n = await trimBelow(redis, stream, bound.minId, groups);
  return { ...bound, trimmed: n ?? 0, skipped: n === null };
}

export interface DeadLetterTrimOutcome {
  trimmedByAge: number;
  trimmedByBytes: number;
  /** MEMORY USAGE of the dead-letter stream after the pass (0 when absent). */
  bytes: number;
  length: number;
}

async function streamBytes(redis: Redis, key: string): Promise<number> {
  const n = await redis.call("MEMORY", "USAGE", key, "SAMPLES", "0");
  return n === null ? 0 : Number(n);
}

export async function trimDeadLetters(
  redis: Redis,
  dlq: string,
  opts: { retentionS: number; maxBytes: number; nowMs?: number; maxSteps?: number },
): Promise<DeadLetterTrimOutcome> {
  const nowMs = opts.nowMs ?? (await redisNowMs(redis));
  const trimmedByAge = Number(await redis.xtrim(dlq, "MINID", `${Math.max(0, Math.floor(nowMs - opts.retentionS * 1000))}-0`));
  let trimmedByBytes = 0;
  let bytes = await streamBytes(redis, dlq);
  let length = await redis.xlen(dlq);
  for (let step = 0; step < (opts.maxSteps ?? 20) && bytes > opts.maxBytes && length > 0; step++) {
    const keep = deadLettersToKeep(length, bytes, opts.maxBytes);
    trimmedByBytes += Number(await redis.xtrim(dlq, "MAXLEN", keep));
    [bytes, length] = await Promise.all([streamBytes(redis, dlq), redis.xlen(dlq)]);
  }
  return { trimmedByAge, trimmedByBytes, bytes, length };
}

export interface FleetIndexOutcome {
  fleets: number;
  /** Vehicle ids removed from fleet indexes (their state keys expire by TTL). */
  removed: number;
}

/** Prefixes whose pre-existing fleet indexes have been registered in keys.fleets() by this process. */
const seeded = new Set<string>();

/** Registers fleet indexes written before the fleets set existed (once per process and prefix; SCAN, not KEYS). */
async function seedFleets(redis: Redis, keys: Pick<RedisKeys, "prefix" | "fleets">): Promise<void> {
  if (seeded.has(keys.prefix)) return;
  const head = `${keys.prefix}:fleet:`;
  const tail = ":vehicles";
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${head}*${tail}`, "COUNT", 1000);
    cursor = next;
    const fleets = found.filter((k) => k.startsWith(head) && k.endsWith(tail)).map((k) => k.slice(head.length, -tail.length));
    if (fleets.length > 0) await redis.sadd(keys.fleets(), ...fleets);
  } while (cursor !== "0");
  seeded.add(keys.prefix);
}

export async function expireFleetIndexes(
  redis: Redis,
  keys: Pick<RedisKeys, "prefix" | "fleets" | "fleetVehicles">,
  opts: { ttlS: number; nowMs?: number },
): Promise<FleetIndexOutcome> {
  await seedFleets(redis, keys);
  const nowMs = opts.nowMs ?? (await redisNowMs(redis));
  const fleets = await redis.smembers(keys.fleets());
  if (fleets.length === 0) return { fleets: 0, removed: 0 };
  // Separate commands sent without waiting for each other, not one pipeline: a cluster pipeline must stay in one slot.
  const counts = await Promise.all(fleets.map((f) => redis.zremrangebyscore(keys.fleetVehicles(f), "-inf", `(${nowMs - opts.ttlS * 1000}`)));
  const removed = counts.reduce<number>((a, n) => a + Number(n), 0);
  return { fleets: fleets.length, removed };
}

export interface RetentionPassSettings {
  rawStreamRetentionS: number;
  dlqMaxBytes: number;
  dlqRetentionS: number;
  vehicleStateTtlS: number;
}

export interface PartitionRetentionOutcome {
  stream: string;
  raw: RawTrimOutcome;
  deadLetters: DeadLetterTrimOutcome;
}

export interface RetentionPassOutcome {
  /** Totals over the partitions; the trim bound (minId, boundBy, group) is partition 0's (each in `partitions`). */
  raw: RawTrimOutcome;
  deadLetters: DeadLetterTrimOutcome;
  /** Present with more than one partition. */
  partitions?: PartitionRetentionOutcome[];
  fleetIndexes: FleetIndexOutcome;
}

/** Redis refused a write because used_memory reached maxmemory (policy noeviction). */
export function isOutOfMemory(err: unknown): boolean {
  return err instanceof Error && /^OOM /.test(err.message);
}

export async function runLeasedRetentionPass(
  redis: Redis,
  keys: RedisKeys,
  s: RetentionPassSettings,
  lease: { owner: string; leaseMs: number },
): Promise<RetentionPassOutcome | null> {
  try {
    if ((await redis.set(keys.retentionLease(), lease.owner, "PX", lease.leaseMs, "NX")) === null) return null;
  } catch (err) {
    if (!isOutOfMemory(err)) throw err;
  }
  return runRetentionPass(redis, keys, s);
}

export async function runRetentionPass(redis: Redis, keys: RedisKeys, s: RetentionPassSettings): Promise<RetentionPassOutcome> {
  const nowMs = await redisNowMs(redis);
  const maxBytes = Math.floor(s.dlqMaxBytes / keys.rawStreams.length);
  const partitions: PartitionRetentionOutcome[] = [];
  for (const [p, stream] of keys.rawStreams.entries()) {
    const raw = await trimRawStream(redis, stream, { retentionS: s.rawStreamRetentionS, nowMs });
    const deadLetters = await trimDeadLetters(redis, keys.deadLetterStreams[p], { retentionS: s.dlqRetentionS, maxBytes, nowMs });
    partitions.push({ stream, raw, deadLetters });
  }
  const fleetIndexes = await expireFleetIndexes(redis, keys, { ttlS: s.vehicleStateTtlS, nowMs });
  if (partitions.length === 1) return { raw: partitions[0].raw, deadLetters: partitions[0].deadLetters, fleetIndexes };
  return { ...sumPartitions(partitions), fleetIndexes, partitions };
}

function sumPartitions(all: PartitionRetentionOutcome[]): Pick<RetentionPassOutcome, "raw" | "deadLetters"> {
  const sum = (pick: (o: PartitionRetentionOutcome) => number) => all.reduce((a, o) => a + pick(o), 0);
  return {
    raw: { ...all[0].raw, trimmed: sum((o) => o.raw.trimmed), skipped: all.some((o) => o.raw.skipped) },
    deadLetters: {
      trimmedByAge: sum((o) => o.deadLetters.trimmedByAge),
      trimmedByBytes: sum((o) => o.deadLetters.trimmedByBytes),
      bytes: sum((o) => o.deadLetters.bytes),
      length: sum((o) => o.deadLetters.length),
    },
  };
}
