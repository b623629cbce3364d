/**
 * Cluster-wide rate limiting kept in Redis (moleculer-web's built-in limiter counts per process).
 * GCRA (the generic cell-rate algorithm): one key per bucket holding the theoretical arrival time,
 * which allows a burst of `limit` and then a steady `limit` per `windowS`, without the double burst
 * a fixed window allows at its edges. Time comes from the Redis server so API replicas agree. A hit may
 * cost more than one unit (`cost`): a byte budget charges a body's size against bytes per window.
 */
import type Redis from "ioredis";
import { keyNames } from "../contracts/redis-keys";
import { luaCommand } from "./lua-command";

export interface RateLimitDecision {
  allowed: boolean;
  /** Seconds until the next request would be allowed (for Retry-After), 0 when allowed. */
  retryAfterS: number;
  remaining: number;
}

export interface RateLimiterOptions {
  prefix: string;
  limit: number;
  windowS: number;
}

/**
 * Lua: `gcra(key, now, windowMs, limit, cost)` → the bucket's new theoretical arrival time and 0, or the ms to
 * wait before this cost would pass (nothing is written: the caller SETs the new time once every check passed).
 */
export const LUA_GCRA = `
local function gcra(key, now, windowMs, limit, cost)
  local interval = windowMs / limit
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local newTat = tat + interval * cost
  local allowAt = newTat - windowMs
  if allowAt > now then return newTat, math.ceil(allowAt - now) end
  return newTat, 0
end
`;

const gcraScript = luaCommand({
  name: "vtoxRateLimitGcraV3",
  numberOfKeys: 1,
  lua: `${LUA_GCRA}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local windowMs, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local newTat, wait = gcra(KEYS[1], now, windowMs, limit, tonumber(ARGV[3] or '1'))
if wait > 0 then return {0, wait, 0} end
redis.call('SET', KEYS[1], tostring(newTat), 'PX', math.ceil(newTat - now) + 1)
return {1, 0, math.floor((windowMs - (newTat - now)) / (windowMs / limit))}
`,
});

export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly options: RateLimiterOptions,
  ) {
    if (!(options.limit > 0) || !(options.windowS > 0)) throw new RangeError("rate limit and window must be positive");
  }

  /** One hit of `cost` units (default 1) against `limit` units per window; a cost above the limit never passes. */
  async hit(bucket: string, limit = this.options.limit, cost = 1): Promise<RateLimitDecision> {
    const windowMs = this.options.windowS * 1000;
    const reply = (await gcraScript.run(this.redis, [keyNames.rateLimit(this.options.prefix, bucket)], [windowMs, limit, cost])) as number[];
    const [allowed, waitMs, remaining] = reply;
    return { allowed: allowed === 1, retryAfterS: allowed === 1 ? 0 : Math.max(1, Math.ceil(waitMs / 1000)), remaining };
  }
}
