/**
 * Assembling diagnosis windows from short legacy batches (original vehicles send 10 rows per POST), with all
 * state in Redis so that any coordinator instance can continue where a dead one stopped.
 *
 * Public interface:
 *   new WindowAssembler(redis, { keys, targetSamples | targetDurationS, source?: { stream, group }, stateTtlS? })
 *   assembler.append(vehicle, messageId, batch: SensorWindow): Promise<AppendOutcome>     vehicle = {fleetId, vehicleId}
 *   assembler.complete(vehicle, windowKey): Promise<string[]>   — after the window's results are written
 *   assembler.bufferedSamples(vehicle): Promise<number>
 *
 * Keys per vehicle (prefix P = keys.assembly(fleetId, vehicleId), hash-tagged so one vehicle's keys share a cluster slot):
 *   P:open  list of encoded batches (window-codec.ts) not yet in a window     P:n   their sample count
 *   P:ids   hash raw message id → "open" | window key                         P:hw  newest id taken into a window
 *   P:w:<windowKey>  list of the batches of a window being diagnosed; windowKey = id of the entry that completed it
 *
 * append() is one Lua script (appends made in one tick share one script call, in order), so two coordinators
 * appending batches of the same vehicle are serialised by Redis:
 *   - id already "open"                   → "duplicate"  (a replayed/reclaimed batch is never appended twice)
 *   - id is the key of a window in P:w:*  → "window" again, reissued (its completing coordinator died before
 *                                           complete(); the entry was reclaimed: diagnose it again — results
 *                                           are idempotent per window key)
 *   - id belongs to another in-progress window → "in_window"
 *   - unknown id, not pending in `source`'s group → "done" (its window was completed and acknowledged)
 *   - unknown id older than P:hw          → "late": a newer batch already closed the window this one belonged
 *                                           to; it is not spliced into the next window (a time jump inside a
 *                                           window would put false lines in every spectrum) — the caller acks
 *                                           it and counts it
 *   - else RPUSH + count; when the count reaches targetSamples the open list is RENAMEd to P:w:<this id>
 *     (all batches, so windows hold ≥ targetSamples and < targetSamples + one batch in steady state), its ids
 *     are mapped to the window key, and "window" is returned with the batches merged in stream-id order —
 *     UNLESS (with `source`) an older entry of the same vehicle is still pending in the group and not yet
 *     appended: several coordinators draining a backlog hold neighbouring chunks of the stream at once, and
 *     closing the window then would leave a hole in it (and make the older batch "late"). The window stays open
 *     ("buffered", waitingFor: that id) and closes on a later append, that batch's own included; it is then
 *     longer than the target but contiguous. The check reads XPENDING between the vehicle's previous window
 *     and the newest open id (entries being handled: about consumers × maxInFlight) and XRANGE of the ones not
 *     appended yet, once per window close.
 *
 * Acknowledgement protocol (the consumer handler's side):
 *   "buffered" | "duplicate" | "in_window" → outcome "hold": the entry stays pending until its window is diagnosed
 *       (docs/architecture.md#invariants, invariant 1). The consumer renews a held entry's lease without counting a delivery, so it is
 *       neither redelivered nor dead-lettered while its coordinator lives; if that coordinator dies, a survivor
 *       reclaims it, append() answers "duplicate", and the survivor holds it instead.
 *   "done" | "late" → ack now ("late" batches are counted and logged: splicing them into a later window would put
 *       a time jump in it).
 *   "window" → diagnose, write results, then complete(vehicleId, windowKey), then ack. The completing entry stays
 *       pending until then: it is the window's lease. If the coordinator dies, that entry is reclaimed and
 *       append() hands the same window to the survivor. complete() forgets the window's ids and (with `source`)
 *       XACKs all of them in the same atomic step, so a copy of one of them still in flight elsewhere is
 *       recognised as "done" rather than appended again.
 * Without `source`, ids of completed windows are forgotten and cannot be told apart from new ones: use it
 * whenever the batches come from a consumer group.
 *
 * Known limits: a window whose completing entry is dead-lettered stays in P:w:* until stateTtlS (default 24 h;
 * every key of a vehicle expires that long after its last append).
 */
import type { Redis } from "ioredis";
import type { SensorWindow } from "../analyzers/types";
import type { RedisKeys } from "../contracts/redis-keys";
import { LUA_ID_LESS, luaCommand } from "../stores/lua-command";
import { batchSampleCount, decodeBatch, encodeBatch, mergeBatches, referenceChannel, type MergedWindow } from "./batch-codec";

export interface WindowAssemblerOptions {
  keys: Pick<RedisKeys, "assembly">;
  /** Window length in samples of the reference channel (the longest channel of a batch). */
  targetSamples?: number;
  /** Or in seconds: targetSamples = ceil(targetDurationS × the reference channel's rate), per batch. */
  targetDurationS?: number;
  /**
   * The consumer group the batches are read from (see header: needed to recognise finished entries). With stream
   * partitions, `stream` gives each vehicle's partition stream (keys.rawStreamOf): it shares the assembly keys' slot.
   */
  source?: { stream: string | ((vehicle: VehicleRef) => string); group: string };
  stateTtlS?: number;
  /**
   * Pending entries inspected for an older batch of the same vehicle before a window is closed (default 256).
   * The vehicle of each is read once by XRANGE (the whole entry is copied) and then kept in a per-minute index
   * `<stream>:vidx2:<minute>` (hash id → "fleet/vehicle", expires after an hour).
   */
  maxPendingInspected?: number;
  /** The fleet of raw entries without a `fleet_id` (an older producer's): needed to tell whose a pending batch is. */
  legacyFleetId: string;
}

/** A vehicle is known by its fleet and its id: ids are unique within a fleet only. */
export interface VehicleRef {
  fleetId: string;
  vehicleId: string;
}

export interface AssembledWindow extends MergedWindow {
  fleetId: string;
  vehicleId: string;
  /** Identifies the window: the id of the entry that completed it. Use it as the results' original_message_id. */
  windowKey: string;
  /** True when this window had been handed out before (its completing entry was redelivered). */
  reissued: boolean;
}

export type AppendOutcome =
  /** waitingFor: the window is long enough but an older batch of this vehicle (that id) is still being handled. */
  | { status: "buffered"; bufferedSamples: number; waitingFor?: string }
  | { status: "duplicate"; bufferedSamples: number }
  | { status: "in_window"; windowKey: string }
  | { status: "done" }
  | { status: "late"; newestWindowId: string }
  | { status: "window"; window: AssembledWindow };

// One script call appends a whole group of entries (an XREADGROUP batch: the consumer hands its entries to their
// handlers in one tick, and append() gathers them), each exactly as a call of its own would in that order.
// Per entry, KEYS: open, ids, n, hw, window-if-this-id-completes, raw stream (6 each)
// ARGV: id, n, blob, target, ttl, group ('' = none), "fleet/vehicle", pending entries inspected at most,
//       prefix of the per-minute id → vehicle index, the legacy fleet (entries without fleet_id) (10 each)
const KEYS_PER_APPEND = 6;
const ARGS_PER_APPEND = 10;
const appendScript = luaCommand({
  name: "vtoxAssemblerAppendManyV1",
  numberOfKeys: "dynamic",
  lua: `${LUA_ID_LESS}
local function append_one(K, A)
  local id = A[1]
  local function touch()
    for i = 1, 5 do redis.call('EXPIRE', K[i], A[5]) end
  end
  local state = redis.call('HGET', K[2], id)
  if state then
    if state == 'open' then return {'duplicate', redis.call('GET', K[3]) or '0'} end
    if state == id and redis.call('EXISTS', K[5]) == 1 then
      return {'reissued', id, redis.call('LRANGE', K[5], 0, -1)}
    end
    return {'in_window', state}
  end
  if A[6] ~= '' then
    local p = redis.call('XPENDING', K[6], A[6], id, id, 1)
    if #p == 0 then return {'done'} end
  end
  local hw = redis.call('GET', K[4])
  if hw and id_less(id, hw) then return {'late', hw} end
  redis.call('RPUSH', K[1], A[3])
  redis.call('HSET', K[2], id, 'open')
  local n = redis.call('INCRBY', K[3], A[2])
  if n < tonumber(A[4]) then
    touch()
    return {'buffered', tostring(n)}
  end
  local all = redis.call('HGETALL', K[2])
  local newest = id
  for i = 1, #all, 2 do
    if all[i + 1] == 'open' and id_less(newest, all[i]) then newest = all[i] end
  end
  if A[6] ~= '' then
    -- An older batch of this vehicle still in some coordinator's hands (pending, not yet appended) would leave
    -- a hole in the window: wait for it; its own append closes the window.
    -- Only after the vehicle's previous window: an older batch could no longer join this one anyway.
    local pend = redis.call('XPENDING', K[6], A[6], hw and ('(' .. hw) or '-', newest, A[8])
    for _, row in ipairs(pend) do
      local pid = row[1]
      if redis.call('HEXISTS', K[2], pid) == 0 then
        -- Vehicle of a pending entry: read once with XRANGE (copies the whole entry), then from a per-minute
        -- index that expires on its own.
        local idx = A[9] .. math.floor(tonumber(string.match(pid, '^(%d+)')) / 60000)
        local owner = redis.call('HGET', idx, pid)
        if not owner then
          owner = ''
          local e = redis.call('XRANGE', K[6], pid, pid)
          if #e > 0 then
            local f = e[1][2]
            local vehicle, fleet = nil, A[10]
            for j = 1, #f, 2 do
              if f[j] == 'vehicle_id' then vehicle = f[j + 1] elseif f[j] == 'fleet_id' then fleet = f[j + 1] end
            end
            if vehicle then owner = fleet .. '/' .. vehicle end
          end
          redis.call('HSET', idx, pid, owner)
          redis.call('EXPIRE', idx, 3600)
        end
        if owner == A[7] then
          touch()
          return {'buffered', tostring(n), pid}
        end
      end
    end
  end
  redis.call('RENAME', K[1], K[5])
  for i = 1, #all, 2 do
    if all[i + 1] == 'open' then redis.call('HSET', K[2], all[i], id) end
  end
  if not hw or id_less(hw, newest) then redis.call('SET', K[4], newest) end
  redis.call('DEL', K[3])
  touch()
  return {'window', id, redis.call('LRANGE', K[5], 0, -1)}
end
local out = {}
for e = 0, #KEYS / ${KEYS_PER_APPEND} - 1 do
  local K, A = {}, {}
  for i = 1, ${KEYS_PER_APPEND} do K[i] = KEYS[e * ${KEYS_PER_APPEND} + i] end
  for i = 1, ${ARGS_PER_APPEND} do A[i] = ARGV[e * ${ARGS_PER_APPEND} + i] end
  out[e + 1] = append_one(K, A)
end
return out
`,
});

// KEYS: ids, window, raw stream | ARGV: windowKey, group
const completeScript = luaCommand({
  name: "vtoxAssemblerComplete",
  numberOfKeys: 3,
  lua: `
local all = redis.call('HGETALL', KEYS[1])
local ids = {}
for i = 1, #all, 2 do
  if all[i + 1] == ARGV[1] then ids[#ids + 1] = all[i] end
end
if #ids > 0 then
  redis.call('HDEL', KEYS[1], unpack(ids))
  if ARGV[2] ~= '' then redis.call('XACK', KEYS[3], ARGV[2], unpack(ids)) end
end
redis.call('DEL', KEYS[2])
return ids
`,
});

const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString("utf8") : String(v));

/** Appends per script call at most: bounds the script's run time (Redis serves nothing else meanwhile). */
const MAX_APPENDS_PER_CALL = 64;

interface QueuedAppend {
  vehicle: VehicleRef;
  keys: string[];
  args: (string | number | Buffer)[];
  resolve(outcome: AppendOutcome): void;
  reject(err: unknown): void;
}

/** One entry's reply of the append script → its outcome. */
function appendOutcome(reply: unknown, vehicle: VehicleRef): AppendOutcome {
  if (!Array.isArray(reply)) throw new Error("unexpected reply from window-assembler append");
  const status = str(reply[0]);
  switch (status) {
    case "buffered":
      return reply[2] === undefined
        ? { status, bufferedSamples: Number(str(reply[1])) }
        : { status, bufferedSamples: Number(str(reply[1])), waitingFor: str(reply[2]) };
    case "duplicate":
      return { status, bufferedSamples: Number(str(reply[1])) };
    case "in_window":
      return { status, windowKey: str(reply[1]) };
    case "done":
      return { status };
    case "late":
      return { status, newestWindowId: str(reply[1]) };
    case "window":
    case "reissued": {
      const blobs = Array.isArray(reply[2]) ? reply[2].filter((b): b is Buffer => Buffer.isBuffer(b)) : [];
      const merged = mergeBatches(blobs.map(decodeBatch));
      return { status: "window", window: { ...merged, ...vehicle, windowKey: str(reply[1]), reissued: status === "reissued" } };
    }
    default:
      throw new Error(`unexpected window-assembler status ${status}`);
  }
}

export class WindowAssembler {
  private readonly ttlS: number;
  /** Per source stream: one script call touches one partition's keys only (one Redis Cluster slot). */
  private readonly queued = new Map<string, QueuedAppend[]>();

  constructor(
    private readonly redis: Redis,
    private readonly opts: WindowAssemblerOptions,
  ) {
    if (!((opts.targetSamples ?? 0) > 0) && !((opts.targetDurationS ?? 0) > 0)) {
      throw new Error("WindowAssembler needs a positive targetSamples or targetDurationS");
    }
    this.ttlS = opts.stateTtlS ?? 24 * 3600;
  }

  private key(vehicle: VehicleRef, part: string): string {
    return `${this.opts.keys.assembly(vehicle.fleetId, vehicle.vehicleId)}:${part}`;
  }

  private sourceStream(vehicle: VehicleRef): string | undefined {
    const stream = this.opts.source?.stream;
    return typeof stream === "function" ? stream(vehicle) : stream;
  }

  /**
   * Appends one batch. Calls made in the same tick (a consumer's XREADGROUP batch: its handlers start together) go
   * to Redis as one script call, up to MAX_APPENDS_PER_CALL, applied in call order exactly as separate calls.
   */
  append(vehicle: VehicleRef, messageId: string, batch: SensorWindow): Promise<AppendOutcome> {
    const source = this.sourceStream(vehicle);
    const keys = [
      this.key(vehicle, "open"),
      this.key(vehicle, "ids"),
      this.key(vehicle, "n"),
      this.key(vehicle, "hw"),
      this.key(vehicle, `w:${messageId}`),
      source ?? this.key(vehicle, "none"),
    ];
    const args = [
      messageId,
      batchSampleCount(batch),
      encodeBatch(messageId, batch),
      this.targetSamples(batch),
      this.ttlS,
      this.opts.source?.group ?? "",
      `${vehicle.fleetId}/${vehicle.vehicleId}`,
      this.opts.maxPendingInspected ?? 256,
      `${source ?? ""}:vidx2:`,
      this.opts.legacyFleetId,
    ];
    return new Promise<AppendOutcome>((resolve, reject) => {
      const lane = source ?? "";
      let queue = this.queued.get(lane);
      if (!queue) this.queued.set(lane, (queue = []));
      queue.push({ vehicle, keys, args, resolve, reject });
      if (queue.length >= MAX_APPENDS_PER_CALL) this.flush(lane);
      else if (queue.length === 1) queueMicrotask(() => this.flush(lane));
    });
  }

  /** Sends the queued appends as one script call; each caller gets its own outcome (or the call's error). */
  private flush(lane: string): void {
    const queue = this.queued.get(lane);
    const group = queue ? queue.splice(0, MAX_APPENDS_PER_CALL) : [];
    if (queue?.length === 0) this.queued.delete(lane);
    if (group.length === 0) return;
    appendScript
      .runBuffer(
        this.redis,
        group.flatMap((g) => g.keys),
        group.flatMap((g) => g.args),
      )
      .then((reply) => {
        if (!Array.isArray(reply) || reply.length !== group.length) throw new Error("unexpected reply from window-assembler append");
        group.forEach((g, i) => {
          try {
            g.resolve(appendOutcome(reply[i], g.vehicle));
          } catch (err) {
            g.reject(err);
          }
        });
      })
      .catch((err: unknown) => {
        for (const g of group) g.reject(err);
      });
  }

  private targetSamples(batch: SensorWindow): number {
    if (this.opts.targetSamples !== undefined) return this.opts.targetSamples;
    const { rateHz } = referenceChannel(batch);
    // The epsilon keeps 1.1 s × 3000 Hz (= 3300.0000000000005 in floating point) at 3300 samples.
    return rateHz > 0 ? Math.ceil((this.opts.targetDurationS ?? 0) * rateHz - 1e-9) : Number.MAX_SAFE_INTEGER;
  }

  /** Forgets a diagnosed window and (with `source`) XACKs all its raw entries atomically; returns their ids. */
  async complete(vehicle: VehicleRef, windowKey: string): Promise<string[]> {
    const reply = await completeScript.run(
      this.redis,
      [this.key(vehicle, "ids"), this.key(vehicle, `w:${windowKey}`), this.sourceStream(vehicle) ?? this.key(vehicle, "none")],
      [windowKey, this.opts.source?.group ?? ""],
    );
    return Array.isArray(reply) ? reply.map(String) : [];
  }

  async bufferedSamples(vehicle: VehicleRef): Promise<number> {
    return Number((await this.redis.get(this.key(vehicle, "n"))) ?? 0);
  }
}
