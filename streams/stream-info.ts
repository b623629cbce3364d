/**
 * Stream and consumer-group figures for the monitor (invariant 4: lag is measured and alarmed).
 *
 * Public interface:
 *   streamGroupInfo(redis, stream, group): Promise<StreamGroupInfo | null>   null when the stream or group is absent
 *   partitionGroupInfo(redis, streams, group): Promise<(StreamGroupInfo | null)[]>   the same for every partition
 *   streamsOverview(redis, keys): Promise<StreamsOverview>   raw / results / dead-letter streams summed over the
 *       partitions (STREAM_PARTITIONS), for the monitor's /system/status
 *
 * `lag` is Redis 7's count of entries not yet delivered to the group (null when Redis cannot tell, e.g. after
 * trimming or XDEL); `pending` counts delivered but unacknowledged entries. With MAXLEN trimming, an entry
 * still in `lag` when the stream reaches its bound is dropped unread: alarm on lag approaching `length`.
 */
import type { Redis } from "ioredis";
import type { RedisKeys } from "../contracts/redis-keys";
import { pairsToRecord, replyText } from "./stream-replies";

export interface ConsumerInfo {
  name: string;
  pending: number;
  idleMs: number;
}

export interface StreamGroupInfo {
  stream: string;
  group: string;
  length: number;
  lag: number | null;
  pending: number;
  lastDeliveredId: string;
  consumers: ConsumerInfo[];
}

export async function streamGroupInfo(redis: Redis, stream: string, group: string): Promise<StreamGroupInfo | null> {
  let groups: unknown;
  try {
    groups = await redis.call("XINFO", "GROUPS", stream);
  } catch (err) {
    if (err instanceof Error && /no such key/i.test(err.message)) return null;
    throw err;
  }
  const g = (Array.isArray(groups) ? groups.map(pairsToRecord) : []).find((r) => String(r.name) === group);
  if (!g) return null;
  const [length, consumers] = await Promise.all([redis.xlen(stream), redis.call("XINFO", "CONSUMERS", stream, group)]);
  return {
    stream,
    group,
    length,
    lag: g.lag === null || g.lag === undefined ? null : Number(g.lag),
    pending: Number(g.pending ?? 0),
    lastDeliveredId: replyText(g["last-delivered-id"]),
    consumers: (Array.isArray(consumers) ? consumers.map(pairsToRecord) : []).map((c) => ({
      name: String(c.name),
      pending: Number(c.pending ?? 0),
      idleMs: Number(c.idle ?? 0),
    })),
  };
}

/** One consumer group on the raw stream, as `/system/status` shows it (summed over the partitions). */
export interface GroupOverview {
  name: string;
  /** Consumers of the group (every coordinator reads every partition: the largest count of any partition). */
  consumers: number;
  pending: number;
  /** Sum of the partitions' lags; null when Redis cannot tell for one of them. */
  lag: number | null;
  /** Partition 0's (ids of different streams do not compare). */
  last_delivered_id: string;
}

export interface RawStreamOverview {
  stream: string;
  length: number;
  entries_added: number | null;
  groups: GroupOverview[];
}

/** The raw, results and dead-letter streams of a deployment, each summed over its partitions (STREAM_PARTITIONS). */
export interface StreamsOverview {
  raw: RawStreamOverview;
  results: { stream: string; length: number };
  dead_letter: { stream: string; length: number };
  /** Present with more than one partition: each partition's raw stream as read. */
  partitions?: RawStreamOverview[];
}

async function rawStreamOverview(redis: Redis, stream: string): Promise<RawStreamOverview> {
  const [length, groupsReply, info] = await Promise.all([
    redis.xlen(stream),
    redis.call("XINFO", "GROUPS", stream).catch(() => []),
    redis.call("XINFO", "STREAM", stream).catch(() => []),
  ]);
  const groups = (Array.isArray(groupsReply) ? groupsReply : []).map((g: unknown): GroupOverview => {
    const o = pairsToRecord(g);
    return {
      name: String(o.name),
      consumers: Number(o.consumers ?? 0),
      pending: Number(o.pending ?? 0),
      lag: o.lag === null || o.lag === undefined ? null : Number(o.lag),
      last_delivered_id: replyText(o["last-delivered-id"]),
    };
  });
  const added = pairsToRecord(info)["entries-added"];
  return { stream, length, entries_added: added === undefined ? null : Number(added), groups };
}

/** Sums the partitions' figures group by group (a group missing from a partition counts nothing there). */
function sumOverviews(stream: string, parts: RawStreamOverview[]): RawStreamOverview {
  const groups = new Map<string, GroupOverview>();
  for (const part of parts) {
    for (const g of part.groups) {
      const seen = groups.get(g.name);
      groups.set(
        g.name,
        seen
          ? {
              ...seen,
              consumers: Math.max(seen.consumers, g.consumers),
              pending: seen.pending + g.pending,
              lag: seen.lag === null || g.lag === null ? null : seen.lag + g.lag,
            }
          : { ...g },
      );
    }
  }
  const added = parts.map((p) => p.entries_added);
  return {
    stream,
    length: parts.reduce((a, p) => a + p.length, 0),
    entries_added: added.includes(null) ? null : added.reduce<number>((a, n) => a + (n ?? 0), 0),
    groups: [...groups.values()],
  };
}

export async function streamsOverview(
  redis: Redis,
  keys: Pick<RedisKeys, "rawStream" | "rawStreams" | "resultsStream" | "resultsStreams" | "deadLetterStream" | "deadLetterStreams">,
): Promise<StreamsOverview> {
  const sumLengths = async (streams: readonly string[]) => (await Promise.all(streams.map((s) => redis.xlen(s)))).reduce((a, n) => a + n, 0);
  const [parts, results, deadLetters] = await Promise.all([
    Promise.all(keys.rawStreams.map((s) => rawStreamOverview(redis, s))),
    sumLengths(keys.resultsStreams),
    sumLengths(keys.deadLetterStreams),
  ]);
  return {
    raw: parts.length === 1 ? parts[0] : sumOverviews(keys.rawStream, parts),
    results: { stream: keys.resultsStream, length: results },
    dead_letter: { stream: keys.deadLetterStream, length: deadLetters },
    ...(parts.length > 1 ? { partitions: parts } : {}),
  };
}

/** streamGroupInfo of every partition's stream (index = partition; null where the stream or group is absent). */
export function partitionGroupInfo(redis: Redis, streams: readonly string[], group: string): Promise<(StreamGroupInfo | null)[]> {
  return Promise.all(streams.map((s) => streamGroupInfo(redis, s, group)));
}
