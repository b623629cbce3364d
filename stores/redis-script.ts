/**
 * A Lua script run by EVALSHA, loaded on demand (NOSCRIPT → EVAL, which also caches it).
 * Scripts are how this layer makes check-and-write steps atomic: Redis runs a script without
 * interleaving other commands, and replicates/persists its effects as one unit.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

export type ScriptArg = string | Buffer | number;

export class RedisScript {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash("sha1").update(lua).digest("hex");
  }

  async run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }

  /** Same, with bulk replies as Buffers (for binary payloads). */
  async runBuffer(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    try {
      return await redis.callBuffer("EVALSHA", this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return redis.callBuffer("EVAL", this.lua, keys.length, ...keys, ...args);
    }
  }
}
