/**
 * How many vehicles a fleet may have. A vehicle counts from its first accepted window (it enters the fleet's index,
 * which the coordinator keeps up to date and retention trims of vehicles silent past VEHICLE_STATE_TTL_S); a new
 * vehicle beyond the quota is refused, a known one never is. One script, so replicas cannot race past the quota.
 */
import type { Redis } from "ioredis";
import type { RedisKeys } from "../contracts/redis-keys";
import { luaCommand } from "./lua-command";

// KEYS: the fleet's vehicle index | ARGV: vehicle id, quota | → 1 admitted (known or added), 0 refused
const admitScript = luaCommand({
  name: "vtoxFleetAdmitVehicle",
  numberOfKeys: 1,
  lua: `
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], 'NX', tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), ARGV[1])
return 1
`,
});

/** True when the vehicle is one of the fleet's, or a new one within `maxVehicles`. */
export async function admitVehicle(redis: Redis, keys: RedisKeys, fleetId: string, vehicleId: string, maxVehicles: number): Promise<boolean> {
  return (await admitScript.run(redis, [keys.fleetVehicles(fleetId)], [vehicleId, maxVehicles])) === 1;
}
