/**
 * The Redis fixture of the tests that use the shared Redis: a key prefix no other run uses, a client, and every key
 * under the prefix deleted afterwards (SCAN + DEL, never FLUSHDB: other runs share the database).
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { createRedis } from "../../stores/redis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A prefix no other test run (or helper sharing this Redis) uses. */
export function uniquePrefix(label: string): string {
  return `vtoxtest:${label}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export function testRedis(url = REDIS_URL): Redis {
  return createRedis(url, { connectionName: "vtox-test" });
}

/** Deletes every key under the prefix (SCAN, never FLUSH). */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== "0");
}

export interface RedisFixture {
  /** Connected in the fixture's `before` hook. */
  readonly redis: Redis;
  /** The current prefix (a new one per test with `perTest`). */
  readonly prefix: string;
  /**
   * Runs `fn` (stop brokers, close sockets, kill children) when the fixture tears down, before the prefix's keys are
   * deleted, so that nothing it stops writes keys after the deletion. Last registered runs first.
   */
  beforeCleanup(fn: () => unknown): void;
}

export interface RedisFixtureOptions {
  /** A fresh prefix for each test, deleted after each test (default: one prefix for the whole describe block). */
  perTest?: boolean;
  /** Use this prefix instead of a generated one (e.g. a test namespace the services also use as VTOX_PREFIX). */
  prefix?: string;
}

/**
 * Registers mocha hooks in the calling describe block: `before` connects, `after` (or `afterEach` with `perTest`)
 * runs the cleanups, deletes the prefix's keys and, at the end, quits the client.
 */
export function useRedisFixture(label: string, opts: RedisFixtureOptions = {}): RedisFixture {
  let redis: Redis | undefined;
  let prefix = opts.prefix ?? uniquePrefix(label);
  const cleanups: (() => unknown)[] = [];

  const tearDown = async (): Promise<void> => {
    try {
      for (const fn of [...cleanups].reverse()) await fn();
    } finally {
      if (redis) await deleteByPrefix(redis, prefix);
    }
  };

  before(() => {
    redis = testRedis();
  });
  if (opts.perTest) {
    beforeEach(() => {
      prefix = opts.prefix ?? uniquePrefix(label);
    });
    afterEach(tearDown);
  }
  after(async () => {
    try {
      if (!opts.perTest) await tearDown();
    } finally {
      await redis?.quit();
    }
  });

  return {
    get redis(): Redis {
      if (!redis) throw new Error("the Redis fixture is connected in its before hook: use it inside hooks and tests");
      return redis;
    },
    get prefix(): string {
      return prefix;
    },
    beforeCleanup(fn) {
      cleanups.push(fn);
    },
  };
}
