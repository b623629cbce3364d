/** Shared helpers for the Redis integration tests: unique names per run, cleanup by prefix. */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { createRedis } from "../../../stores/redis";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

/** A prefix no other test run (or helper sharing this Redis) uses. */
export function uniquePrefix(label: string): string {
  return `vtoxtest:${label}:${process.pid}:${randomBytes(4).toString("hex")}`;
}

export function testRedis(): Redis {
  return createRedis(REDIS_URL, { connectionName: "vtox-test" });
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
