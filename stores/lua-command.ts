/**
 * Lua scripts as ioredis custom commands (`defineCommand`: EVALSHA, falling back to EVAL when the server does not
 * hold the script, e.g. after a restart or SCRIPT FLUSH). A script is defined on a client the first time it runs
 * there (`redis[name]` absent), so any connection (createRedis, a test's own client) can run it without a setup step.
 * Scripts are how this layer makes check-and-write steps atomic: Redis runs a script without interleaving other
 * commands, and replicates/persists its effects as one unit.
 */
import type { Redis } from "ioredis";

export type ScriptArg = string | Buffer | number;

export interface LuaCommandDefinition {
  /** Method name on the client (`name` and `nameBuffer`); must not clash with a Redis command. */
  name: string;
  /** Keys per call; `"dynamic"` for a script over a variable number of keys (e.g. one group per batch entry). */
  numberOfKeys: number | "dynamic";
  lua: string;
}

export interface LuaCommand extends Readonly<LuaCommandDefinition> {
  /** Runs the script; bulk replies as strings. */
  run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
  /** Same, with bulk replies as Buffers (for binary payloads). */
  runBuffer(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>;
}

type ScriptMethod = (...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/** The client's method for `def` (`buffers`: the `…Buffer` variant), defining the command on first use. */
function ensureCommand(redis: Redis, def: LuaCommandDefinition, buffers: boolean): ScriptMethod {
  const methods = redis as unknown as Partial<Record<string, ScriptMethod>>;
  if (typeof methods[def.name] !== "function") {
    // Without numberOfKeys, ioredis takes the key count as the first argument of each call.
    redis.defineCommand(def.name, def.numberOfKeys === "dynamic" ? { lua: def.lua } : { numberOfKeys: def.numberOfKeys, lua: def.lua });
  }
  const method = methods[buffers ? `${def.name}Buffer` : def.name];
  if (typeof method !== "function") throw new Error(`Lua command ${def.name} could not be defined`);
  return method;
}

export function luaCommand(def: LuaCommandDefinition): LuaCommand {
  const call = (redis: Redis, keys: readonly string[], args: readonly ScriptArg[], buffers: boolean): Promise<unknown> => {
    const method = ensureCommand(redis, def, buffers);
    if (def.numberOfKeys === "dynamic") return method.call(redis, keys.length, ...keys, ...args);
    if (keys.length !== def.numberOfKeys) throw new RangeError(`Lua command ${def.name} takes ${def.numberOfKeys} keys, got ${keys.length}`);
    return method.call(redis, ...keys, ...args);
  };
  return {
    ...def,
    run: (redis, keys, args) => call(redis, keys, args, false),
    runBuffer: (redis, keys, args) => call(redis, keys, args, true),
  };
}

/** Lua: `id_less(a, b)`, stream entry ids ("ms-seq") compared numerically, for scripts that order entries. */
export const LUA_ID_LESS = `
local function id_less(a, b)
  local am, as = string.match(a, '^(%d+)-(%d+)$')
  local bm, bs = string.match(b, '^(%d+)-(%d+)$')
  am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
  if am ~= bm then return am < bm end
  return as < bs
end
`;
