/**
 * Stream and consumer-group figures for the monitor (invariant 4: lag is measured and alarmed).
 *
 * Public interface:
 *   streamGroupInfo(redis, stream, group): Promise<StreamGroupInfo | null>   null when the stream or group is absent
 *
 * `lag` is Redis 7's count of entries not yet delivered to the group (null when Redis cannot tell, e.g. after
 * trimming or XDEL); `pending` counts delivered but unacknowledged entries. With MAXLEN trimming, an entry
 * still in `lag` when the stream reaches its bound is dropped unread: alarm on lag approaching `length`.
 */
import type { Redis } from "ioredis";
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
