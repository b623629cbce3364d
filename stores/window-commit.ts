/**
 * Every Redis write of one diagnosed window in one round trip: a single Lua script (EVALSHA through
 * `defineCommand`) writes the results (idempotent per original message id and family, as streams/results-writer.ts),
 * the vehicle state, its history, the fleet index and set of fleets, the open alarms and the critical alerts.
 *
 * - **Exactly once.** The script marks the window committed in its results dedupe hash (field `_committed`, holding
 *   the caller's replay text: the window's alarm transitions). A retry of a committed window — its coordinator died
 *   between this script and the ack — writes nothing, neither results nor history nor alerts, and gets the replay
 *   text and the first write's result ids back, so the caller can broadcast the same event again.
 * - **Open alarms by compare-and-set.** The caller computes the transitions from the open alarms it believes in
 *   (its cache, or none) and sends them as `expectedAlarms`; the script writes only if Redis holds exactly those,
 *   else it writes nothing and answers `stale` with the alarms it holds, and the caller recomputes. So a cache may be
 *   wrong (another coordinator took the vehicle over, two windows of a vehicle overlap, the hash expired) and
 *   cost one more round trip, but never a wrong transition.
 * - Redis Cluster: the script touches the keys of one vehicle, its fleet and the results stream; they must share a
 *   slot (hash tag) before it runs on a cluster.
 */
import type { Redis } from "ioredis";
import { FAULT_TYPES, type FaultType } from "../analyzers/types";
import type { RedisKeys } from "../contracts/redis-keys";
import type { AlarmState } from "../pipeline/alarm-transitions";
import { DEFAULT_RESULT_DEDUPE_TTL_S, DEFAULT_RESULTS_MAXLEN, resultDedupeKey, type ResultWrite, type WriteResultsOutcome } from "../streams/results-writer";
import { alarmStateOf } from "./alarm-store";
import { luaCommand, type ScriptArg } from "./lua-command";
import { CRITICAL_ALERTS_LENGTH, HISTORY_LENGTH, type CriticalAlert, type VehicleState } from "./vehicle-state";

export interface WindowCommit {
  /** The window's id, which results are idempotent by (the raw entry's id, or an assembled window's key). */
  originalMessageId: string;
  state: VehicleState;
  /** One results-stream entry per family: its fields in contract order (resultEntryFields). */
  results: { faultType: FaultType; fields: string[] }[];
  /** The open alarms the transitions were computed from. */
  expectedAlarms: AlarmState;
  /** The open alarms after this window; undefined when unchanged. */
  nextAlarms: AlarmState | undefined;
  criticalAlerts: CriticalAlert[];
  /** Kept with the commit and handed back to a retry of the same window. */
  replay: string;
  /** False when this process has recently added the fleet to the set of fleets (a write-once fact). */
  assertFleet: boolean;
  resultsMaxLen?: number;
  dedupeTtlS?: number;
}

export type CommitOutcome =
  | { kind: "committed"; results: WriteResultsOutcome }
  | { kind: "duplicate"; results: WriteResultsOutcome; replay: string }
  | { kind: "stale"; openAlarms: AlarmState };

// KEYS: 1 results dedupe hash, 2 results stream, 3 state, 4 history, 5 alarms, 6 fleet index, 7 fleets, 8 critical alerts.
// ARGV: 1 dedupe TTL, 2 results MAXLEN, 3 state TTL, 4 last history index, 5 last alert index, 6 state JSON,
// 7 index score, 8 vehicle id, 9 fleet id ('' = known), 10 replay text, then counted groups: expected alarms
// (n, field, level, ...), next alarms (n, or -1 when unchanged), critical alerts (n, JSON, ...), results (n, then
// per family: family, nfields, fields...).
const commitWindowScript = luaCommand({
  name: "vtoxCommitWindow",
  numberOfKeys: 8,
  lua: `
local replay = redis.call('HGET', KEYS[1], '_committed')
if replay then return {'duplicate', replay, redis.call('HGETALL', KEYS[1])} end
local pos = 11
local n = tonumber(ARGV[pos])
local open = redis.call('HGETALL', KEYS[5])
local expected = {}
for i = 1, n do expected[ARGV[pos + 2 * i - 1]] = ARGV[pos + 2 * i] end
local same = #open == 2 * n
for i = 1, #open, 2 do
  if expected[open[i]] ~= open[i + 1] then same = false end
end
if not same then return {'stale', open} end
pos = pos + 1 + 2 * n
n = tonumber(ARGV[pos])
if n >= 0 then
  redis.call('DEL', KEYS[5])
  if n > 0 then redis.call('HSET', KEYS[5], unpack(ARGV, pos + 1, pos + 2 * n)) end
  pos = pos + 1 + 2 * n
else
  pos = pos + 1
end
redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[3])
redis.call('LPUSH', KEYS[4], ARGV[6])
redis.call('LTRIM', KEYS[4], 0, ARGV[4])
redis.call('EXPIRE', KEYS[4], ARGV[3])
redis.call('EXPIRE', KEYS[5], ARGV[3])
redis.call('ZADD', KEYS[6], ARGV[7], ARGV[8])
if ARGV[9] ~= '' then redis.call('SADD', KEYS[7], ARGV[9]) end
n = tonumber(ARGV[pos])
for i = 1, n do redis.call('LPUSH', KEYS[8], ARGV[pos + i]) end
if n > 0 then redis.call('LTRIM', KEYS[8], 0, ARGV[5]) end
pos = pos + 1 + n
n = tonumber(ARGV[pos])
pos = pos + 1
local out = {}
for i = 1, n do
  local family = ARGV[pos]
  local nfields = tonumber(ARGV[pos + 1])
  if redis.call('HSETNX', KEYS[1], family, '') == 1 then
    local id = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, pos + 2, pos + 1 + nfields))
    redis.call('HSET', KEYS[1], family, id)
    out[#out + 1] = {family, id, 1}
  else
    out[#out + 1] = {family, redis.call('HGET', KEYS[1], family), 0}
  end
  pos = pos + 2 + nfields
end
redis.call('HSET', KEYS[1], '_committed', ARGV[10])
redis.call('EXPIRE', KEYS[1], ARGV[1])
return {'committed', out}
`,
});

export async function commitWindow(redis: Redis, keys: RedisKeys, commit: WindowCommit): Promise<CommitOutcome> {
  const { state } = commit;
  const { fleetId, vehicleId } = state;
  const updatedMs = Date.parse(state.updatedAt);
  const args: ScriptArg[] = [
    commit.dedupeTtlS ?? DEFAULT_RESULT_DEDUPE_TTL_S,
    commit.resultsMaxLen ?? DEFAULT_RESULTS_MAXLEN,
    keys.vehicleStateTtlS,
    HISTORY_LENGTH - 1,
    CRITICAL_ALERTS_LENGTH - 1,
    JSON.stringify(state),
    Number.isFinite(updatedMs) ? updatedMs : Date.now(),
    vehicleId,
    commit.assertFleet ? fleetId : "",
    commit.replay,
    ...alarmArgs(commit.expectedAlarms),
    ...(commit.nextAlarms ? alarmArgs(commit.nextAlarms) : [-1]),
    commit.criticalAlerts.length,
    ...commit.criticalAlerts.map((a) => JSON.stringify(a)),
    commit.results.length,
    ...commit.results.flatMap((r) => [r.faultType, r.fields.length, ...r.fields]),
  ];
  const reply = await commitWindowScript.run(
    redis,
    [
      // Entry ids are unique per partition only: a window's results and their dedupe record stay in its partition.
      resultDedupeKey(keys.resultsStreamOf(fleetId, vehicleId), commit.originalMessageId),
      keys.resultsStreamOf(fleetId, vehicleId),
      keys.vehicleState(fleetId, vehicleId),
      keys.vehicleHistory(fleetId, vehicleId),
      keys.vehicleAlarms(fleetId, vehicleId),
      keys.fleetVehicles(fleetId),
      keys.fleets(),
      keys.criticalAlerts(fleetId),
    ],
    args,
  );
  return parseReply(reply);
}

function alarmArgs(alarms: AlarmState): ScriptArg[] {
  const pairs = Object.entries(alarms).filter(([, level]) => level !== undefined);
  return [pairs.length, ...pairs.flatMap(([family, level]) => [family, String(level)])];
}

function parseReply(reply: unknown): CommitOutcome {
  if (!Array.isArray(reply)) throw new Error("unexpected reply from the commit-window script");
  const [kind, a, b] = reply as unknown[];
  if (kind === "stale") return { kind, openAlarms: alarmStateOf(Array.isArray(a) ? a : []) };
  if (kind === "duplicate") return { kind, replay: String(a), results: outcomeOf(familyIds(Array.isArray(b) ? b : [])) };
  if (kind === "committed") {
    const rows = (Array.isArray(a) ? a : []) as unknown[];
    return {
      kind,
      results: outcomeOf(
        rows.map((row) => {
          const [faultType, id, written] = (Array.isArray(row) ? row : []) as unknown[];
          return { faultType: String(faultType) as FaultType, id: String(id), written: written === 1 };
        }),
      ),
    };
  }
  throw new Error(`unexpected reply from the commit-window script: ${String(kind)}`);
}

/** The families' first result ids from a dedupe hash (HGETALL pairs), in family order. */
function familyIds(pairs: readonly unknown[]): ResultWrite[] {
  const ids = new Map<string, string>();
  for (let i = 0; i + 1 < pairs.length; i += 2) ids.set(String(pairs[i]), String(pairs[i + 1]));
  return FAULT_TYPES.filter((t) => ids.has(t)).map((faultType) => ({ faultType, id: ids.get(faultType)!, written: false }));
}

function outcomeOf(results: ResultWrite[]): WriteResultsOutcome {
  return {
    results,
    written: results.filter((r) => r.written).map((r) => r.faultType),
    skipped: results.filter((r) => !r.written).map((r) => r.faultType),
  };
}
