/**
 * Did Redis lose its data while this api was running? The first api to see a Redis writes `<prefix>:marker` (a random
 * id, SET NX, no expiry); every api remembers the value it saw. If the marker later is missing or different, the data
 * this process relied on (API keys, vehicle owners, idempotency records) is gone: /ready answers 503 with
 * `checks.redis_state: false`, and keeps doing so until the process restarts. It does not write a new marker itself,
 * so the operator notices the loss (readiness alert) and restarts the api once keys are re-issued; a restarted api,
 * or a genuinely fresh deployment, writes a new marker and is ready. Redis that does not answer is `redis: false`, not
 * a lost state.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";

export class RedisStateMarker {
  private seen: string | undefined;
  private lost = false;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
  ) {}

  /** false once the marker this process saw has gone (sticky); true otherwise, also while Redis does not answer. */
  async intact(): Promise<boolean> {
    if (this.lost) return false;
    try {
      if (this.seen === undefined) {
        await this.redis.set(this.key, randomBytes(12).toString("hex"), "NX");
        this.seen = (await this.redis.get(this.key)) ?? undefined;
        return true;
      }
      const now = await this.redis.get(this.key);
      if (now !== this.seen) this.lost = true;
      return !this.lost;
    } catch {
      return true;
    }
  }
}
