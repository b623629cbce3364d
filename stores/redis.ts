/**
 * Redis connections shared by every service (key names: contracts/redis-keys.ts).
 *
 * Connections fail fast while Redis is down (a bounded `maxRetriesPerRequest`) so that callers
 * see an error and back off instead of hanging, while ioredis keeps reconnecting forever in the
 * background with a capped, jittered delay. The same client object survives reconnects, so a
 * reconnect never creates (and never leaks) a second connection.
 *
 * Given cluster nodes (REDIS_CLUSTER_NODES), the client is an ioredis `Cluster` with the same options per node
 * (password, TLS and connection name from the URL). It is typed `Redis` for its callers: VTOX uses only the command
 * surface both share (commands, call/callBuffer, multi/pipeline, defineCommand, quit, events), and each multi-key
 * command or script names keys of one hash-tagged slot (contracts/partitions.ts).
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { backoffDelayMs } from "../launcher/backoff";
import type { RedisClusterNode } from "../config";

/** Where a client connects: one server (`url`), or a cluster seeded by `clusterNodes` (the url's password and TLS apply). */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly RedisClusterNode[];
}

export interface CreateRedisOptions {
  /** CLIENT SETNAME, visible in CLIENT LIST: lets the monitor (and tests) count a process's connections. */
  connectionName?: string;
  /** Reconnect attempts a queued command waits for before it is rejected (default 1: fail fast). */
  maxRetriesPerRequest?: number;
  /** Reject a command that gets no reply within this many ms (default none: blocking reads set their own). */
  commandTimeoutMs?: number;
  /** Do not connect until the first command (default false). */
  lazyConnect?: boolean;
  /** Called for connection errors; without it they are swallowed (ioredis would print each one). */
  onError?: (err: Error) => void;
  /**
   * Once connected, reject commands at once while the connection is down instead of queueing them until a
   * reconnect or a timeout (default false). For request paths: a client gets 503 in milliseconds, not seconds.
   */
  failFastWhenDown?: boolean;
  /** Anything else ioredis accepts, applied last. */
  ioredis?: RedisOptions;
}

/** Reconnect delay: 50 ms doubling to 2 s, with ±25 % jitter so that many clients do not reconnect in step. */
export function reconnectDelayMs(attempt: number): number {
  return backoffDelayMs({ attempt, initialMs: 50, factor: 2, maxMs: 2000, jitter: 0.25 });
}

export function createRedis(target: string | RedisTarget, opts: CreateRedisOptions = {}): Redis {
  const { url, clusterNodes } = typeof target === "string" ? { url: target, clusterNodes: undefined } : target;
  const options: RedisOptions = {
    connectionName: opts.connectionName,
    maxRetriesPerRequest: opts.maxRetriesPerRequest ?? 1,
    commandTimeout: opts.commandTimeoutMs,
    lazyConnect: opts.lazyConnect ?? false,
    connectTimeout: 5000,
    enableOfflineQueue: true,
    retryStrategy: reconnectDelayMs,
    ...opts.ioredis,
  };
  const client = clusterNodes && clusterNodes.length > 0 ? createCluster(url, clusterNodes, options) : new Redis(url, options);
  // An 'error' listener must exist, otherwise ioredis logs every failed reconnect to stderr.
  client.on("error", (err: Error) => opts.onError?.(err));
  // The queue stays on until the first connection (commands sent during start-up wait for it); ioredis reads the
  // option per command, so turning it off then makes every later outage fail fast.
  if (opts.failFastWhenDown) client.once("ready", () => (client.options.enableOfflineQueue = false));
  return client;
}

/** True for a client made from cluster nodes (an ioredis Cluster behind the shared `Redis` type). */
export function isCluster(client: Redis): boolean {
  return (client as unknown) instanceof Cluster;
}

function createCluster(url: string, nodes: readonly RedisClusterNode[], options: RedisOptions): Redis {
  const { username, password, protocol } = new URL(url);
  const redisOptions: RedisOptions = {
    ...options,
    ...(username ? { username: decodeURIComponent(username) } : {}),
    ...(password ? { password: decodeURIComponent(password) } : {}),
    ...(protocol === "rediss:" ? { tls: {} } : {}),
  };
  const clusterOptions: ClusterOptions = {
    redisOptions,
    lazyConnect: options.lazyConnect ?? false,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    maxRedirections: 16,
    // Slot refreshes and reconnects use the same capped, jittered delay as a single server.
    clusterRetryStrategy: (times) => reconnectDelayMs(times),
  };
  const cluster = new Cluster(
    nodes.map((n) => ({ host: n.host, port: n.port })),
    clusterOptions,
  );
  // The shared command surface (see the header): the one place a Cluster is seen as a Redis.
  return cluster as unknown as Redis;
}

/**
 * Closes a client for good: QUIT (awaiting pending replies) when Redis answers, then disconnect. While Redis is away a
 * QUIT queued behind other commands is rejected, not sent, and the client would keep reconnecting for ever (and keep
 * the process alive); disconnect() ends that.
 */
export async function closeRedis(client: Redis | undefined): Promise<void> {
  if (!client) return;
  await client.quit().catch(() => undefined);
  client.disconnect();
}

/** Awaits a MULTI/pipeline `exec()` and returns its replies, throwing the first command error (or an abort). */
export async function execOrThrow(pending: Promise<[Error | null, unknown][] | null>): Promise<unknown[]> {
  const results = await pending;
  if (!results) throw new Error("transaction aborted");
  const failed = results.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return results.map(([, value]) => value);
}
