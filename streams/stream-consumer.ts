/**
 * A Redis Streams consumer-group worker, independent of Moleculer (the mixin wires it to a service).
 *
 * - Two connections: `block` only runs XREADGROUP BLOCK, `cmd` runs everything else (XACK, XAUTOCLAIM,
 *   XPENDING, XCLAIM, MULTI). Both are created once and reused across reconnects (ioredis reconnects the
 *   same socket object), so an outage never leaks connections.
 * - Bounded work: at most `maxInFlight` entries are being handled; reads and claims ask only for the room left.
 * - Outcomes: "ack" → XACK; "retry" → left pending, redelivered by the claim loop after `claimIdleMs`;
 *   "dead" → dead-lettered now. A retry of an entry already delivered `maxDeliveries` times is dead-lettered
 *   instead, and a claimed entry delivered more than `maxDeliveries` times (its handlers never answered:
 *   e.g. it crashed the process each time) is dead-lettered without being handled again.
 * - Dead-lettering is MULTI(XADD dlq <all original fields> error original_id original_stream group deliveries
 *   failed_at, XACK): the entry leaves the group exactly when its copy exists in the DLQ.
 * - Claim loop (every `claimIntervalMs`): renews the lease of entries this consumer is still handling
 *   (XCLAIM ... JUSTID resets their idle time without counting a delivery, so a slow handler is not
 *   duplicated by another consumer), then XAUTOCLAIMs entries idle longer than `claimIdleMs` — those of dead
 *   consumers and its own "retry"s — with their delivery counts from XPENDING.
 * - Redis down: every loop catches, records the error, backs off (capped, jittered) and resumes; nothing is
 *   thrown out of the loops, so there are no unhandled rejections.
 * - stop(): stop reading (CLIENT UNBLOCK wakes the blocked read at once), wait for in-flight handlers up to
 *   `drainTimeoutMs` (whatever is still running stays pending and is reclaimed elsewhere), close both connections.
 */
import type { Redis } from "ioredis";
import { backoffDelayMs } from "../launcher/backoff";
import { createRedis, execOrThrow, isCluster, reconnectDelayMs } from "../stores/redis";
import type { RedisClusterNode } from "../config";
import { entryFieldList, pairsToRecord, parseAutoClaimReply, parsePendingCounts, parseReadGroupReply, type StreamEntry } from "./stream-replies";
import { setTimeout as sleep } from "node:timers/promises";

/**
 * `hold`: the entry is handled but must stay pending until something else acks it (a short legacy batch buffered
 * until its window is diagnosed: the window's `complete()` acks all its entries). The consumer renews a held entry's
 * lease without counting a delivery; if this consumer dies the lease lapses and a survivor reclaims the entry.
 */
export type EntryVerdict = "ack" | "retry" | "dead" | "hold";
/** What a handler decides for one entry; the object form carries the reason for retry/dead. */
/**
 * `transient: true` on a retry says the failure is not the entry's fault (no worker registered, Redis away): the
 * consumer keeps holding the entry (lease renewed, no delivery counted) and runs it again after a short backoff,
 * for up to `transientRetryMs`, so an outage of the cluster never pushes healthy windows into the dead-letter stream.
 */
export type EntryOutcome = EntryVerdict | { outcome: EntryVerdict; error?: string | Error; transient?: boolean };
export type BatchHandler = (entries: StreamEntry[]) => Promise<EntryOutcome[]>;

export interface StreamConsumerOptions {
  stream: string;
  group: string;
  consumer: string;
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: the stream lives in this Redis Cluster (stores/redis.ts). */
  clusterNodes?: readonly RedisClusterNode[];
  /** XREADGROUP COUNT, and the largest batch handed to the handler. */
  batchSize: number;
  blockMs: number;
  maxInFlight: number;
  /** XAUTOCLAIM min-idle-time: how long an entry may sit un-acked before another consumer takes it. */
  claimIdleMs: number;
  claimIntervalMs: number;
  maxDeliveries: number;
  deadLetterStream: string;
  deadLetterMaxLen: number;
  /** Where a newly created group starts: "0" consumes a backlog written before the group existed. */
  startId: string;
  drainTimeoutMs: number;
  /** Consumers of the group with nothing pending and idle this long are deleted (dead processes' names). */
  forgetIdleConsumersMs: number;
  /** How long a transient failure is retried in place before it counts as an ordinary retry (delivery). */
  transientRetryMs?: number;
}

export const DEFAULT_CONSUMER_OPTIONS = {
  batchSize: 32,
  blockMs: 2000,
  maxInFlight: 64,
  claimIdleMs: 5000,
  claimIntervalMs: 1000,
  maxDeliveries: 5,
  deadLetterMaxLen: 100_000,
  startId: "0",
  drainTimeoutMs: 10_000,
  forgetIdleConsumersMs: 3_600_000,
} as const;

export interface StreamConsumerStats {
  stream: string;
  group: string;
  consumer: string;
  running: boolean;
  /** Entries handed to the handler (first reads and reclaims). */
  delivered: number;
  /** Of those, taken over from idle pending entries by XAUTOCLAIM. */
  reclaimed: number;
  acked: number;
  retried: number;
  deadLettered: number;
  /** Pending entries that had been trimmed from the stream before they could be handled (see invariant 4). */
  deletedWhilePending: number;
  inFlight: number;
  /** Entries kept pending on purpose until their window is done (outcome `hold`). */
  held: number;
  errors: number;
  lastError?: { message: string; at: string } | undefined;
}

export interface ConsumerLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
}

interface DeadLetterRequest {
  entry: StreamEntry;
  error: string;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function normalizeOutcome(o: EntryOutcome | undefined): { outcome: EntryVerdict; error?: string | undefined } {
  if (o === undefined) return { outcome: "retry", error: "handler returned no outcome for this entry" };
  if (typeof o === "string") return { outcome: o };
  return { outcome: o.outcome, error: o.error === undefined ? undefined : errorMessage(o.error) };
}

export class StreamConsumer {
  private cmd?: Redis;
  private block?: Redis;
  private running = false;
  private stopping?: Promise<void>;
  private readLoopDone: Promise<void> = Promise.resolve();
  private claimTimer?: NodeJS.Timeout;
  private claimTick: Promise<void> = Promise.resolve();
  private readonly wake = new AbortController();
  private blockClientId?: number;
  /** Entry id → time its handling (or last lease renewal) started. */
  private readonly inFlight = new Map<string, number>();
  /** Entries this consumer keeps pending on purpose (outcome `hold`) → time of their last lease renewal. */
  private readonly held = new Map<string, number>();
  private capacityWaiters: (() => void)[] = [];
  private lastLoggedErrorAt = 0;
  private lastConsumerSweep = 0;
  private readonly counters = { delivered: 0, reclaimed: 0, acked: 0, retried: 0, deadLettered: 0, deletedWhilePending: 0, errors: 0 };
  private lastError?: { message: string; at: string };

  constructor(
    private readonly opts: StreamConsumerOptions,
    private readonly handler: BatchHandler,
    private readonly log: ConsumerLogger,
  ) {}

  /** Connects and starts the loops; never throws for an unreachable Redis (the loops retry). */
  async start(): Promise<void> {
    if (this.running || this.stopping) return;
    const onError = (err: Error) => this.noteError(err);
    const target = { url: this.opts.redisUrl, ...(this.opts.clusterNodes ? { clusterNodes: this.opts.clusterNodes } : {}) };
    this.cmd = createRedis(target, { connectionName: `${this.opts.consumer}:cmd`, onError });
    this.block = createRedis(target, {
      connectionName: `${this.opts.consumer}:block`,
      // A blocked read that gets no reply long after its BLOCK time is a dead socket: fail and retry.
      commandTimeoutMs: this.opts.blockMs + 10_000,
      onError,
    });
    const block = this.block;
    // CLIENT ID / UNBLOCK address one server: in a cluster they would reach a random node, so stop() waits for the
    // blocked read's timeout (≤ blockMs) instead.
    if (!isCluster(block))
      block.on("ready", () => {
        block.call("CLIENT", "ID").then(
          (id) => {
            this.blockClientId = Number(id);
          },
          () => undefined,
        );
      });
    this.running = true;
    await this.ensureGroup().catch((err: unknown) => this.noteError(err));
    this.readLoopDone = this.readLoop();
    this.scheduleClaim();
  }

  stats(): StreamConsumerStats {
    return {
      stream: this.opts.stream,
      group: this.opts.group,
      consumer: this.opts.consumer,
      running: this.running,
      ...this.counters,
      inFlight: this.inFlight.size,
      held: this.held.size,
      lastError: this.lastError,
    };
  }

  /** XACK ids outside the batch being handled (e.g. entries of an assembled window); returns how many were pending. */
  async ack(ids: readonly string[]): Promise<number> {
    if (!this.cmd || ids.length === 0) return 0;
    const n = await this.cmd.xack(this.opts.stream, this.opts.group, ...ids);
    this.counters.acked += n;
    for (const id of ids) this.held.delete(id);
    return n;
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    this.running = false;
    clearTimeout(this.claimTimer);
    this.wake.abort();
    this.releaseCapacity();
    if (this.cmd && this.blockClientId !== undefined) {
      await this.cmd.call("CLIENT", "UNBLOCK", this.blockClientId).catch(() => undefined);
    }
    await withTimeout(this.readLoopDone, this.opts.blockMs + 1000);
    await this.claimTick;
    const deadline = Date.now() + this.opts.drainTimeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await sleep(20);
    if (this.inFlight.size > 0) {
      this.log.warn(
        `stream consumer ${this.opts.consumer}: ${this.inFlight.size} entries still in flight after drain timeout; they stay pending and will be reclaimed`,
      );
    }
    this.block?.disconnect();
    await this.cmd?.quit().catch(() => this.cmd?.disconnect());
    this.cmd?.disconnect();
  }

  private async ensureGroup(): Promise<void> {
    if (!this.cmd) return;
    try {
      await this.cmd.xgroup("CREATE", this.opts.stream, this.opts.group, this.opts.startId, "MKSTREAM");
    } catch (err) {
      if (!errorMessage(err).startsWith("BUSYGROUP")) throw err;
    }
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      await this.waitForCapacity();
      if (!this.running || !this.block) break;
      const room = Math.min(this.opts.batchSize, this.opts.maxInFlight - this.inFlight.size);
      try {
        // Replies as Buffers, decoded per field: measured 1.5–2.5× faster than ioredis' string replies for
        // 23 KB entries (bench/streams.bench.ts notes).
        const reply = await this.block.callBuffer(
          "XREADGROUP",
          "GROUP",
          this.opts.group,
          this.opts.consumer,
          "COUNT",
          room,
          "BLOCK",
          this.opts.blockMs,
          "STREAMS",
          this.opts.stream,
          ">",
        );
        failures = 0;
        // Entries read are now pending under this consumer: handle them even if stop() began meanwhile.
        const entries = parseReadGroupReply(reply).map((e) => ({ ...e, deliveries: 1 }));
        if (entries.length > 0) this.dispatch(entries, false);
      } catch (err) {
        if (!this.running) break;
        this.noteError(err);
        if (errorMessage(err).startsWith("NOGROUP")) await this.ensureGroup().catch((e: unknown) => this.noteError(e));
        await this.pause(reconnectDelayMs(failures++));
      }
    }
  }

  private dispatch(entries: StreamEntry[], reclaimed: boolean): void {
    const now = Date.now();
    for (const e of entries) {
      e.stream = this.opts.stream;
      this.inFlight.set(e.id, now);
    }
    this.counters.delivered += entries.length;
    if (reclaimed) this.counters.reclaimed += entries.length;
    void this.handle(entries);
  }

  private async runHandler(entries: StreamEntry[]): Promise<EntryOutcome[]> {
    try {
      const outcomes = await this.handler(entries);
      if (!Array.isArray(outcomes)) throw new Error("handler did not return an outcome array");
      return outcomes;
    } catch (err) {
      const error = errorMessage(err);
      return entries.map(() => ({ outcome: "retry" as const, error }));
    }
  }

  /** Never rejects: handler errors become "retry", Redis errors leave the entries pending. */
  private async handle(entries: StreamEntry[]): Promise<void> {
    const started = Date.now();
    const transientRetryMs = this.opts.transientRetryMs ?? 60_000;
    const final = new Map<string, EntryOutcome>();
    let todo = entries;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const outcomes = await this.runHandler(todo);
      const again: StreamEntry[] = [];
      todo.forEach((e, i) => {
        const o = outcomes[i];
        const transient = typeof o === "object" && o.outcome === "retry" && o.transient === true;
        if (transient && this.running && Date.now() - started < transientRetryMs) again.push(e);
        else final.set(e.id, o);
      });
      if (again.length > 0) await this.pause(backoffDelayMs({ attempt, initialMs: 100, factor: 2, maxMs: 2000 }));
      todo = again;
    }
    const outcomes = entries.map((e) => final.get(e.id) ?? "retry");
    try {
      await this.settle(entries, outcomes);
    } catch (err) {
      this.noteError(err);
    } finally {
      for (const e of entries) this.inFlight.delete(e.id);
      this.releaseCapacity();
    }
  }

  private async settle(entries: StreamEntry[], outcomes: EntryOutcome[]): Promise<void> {
    const ack: string[] = [];
    const dead: DeadLetterRequest[] = [];
    entries.forEach((entry, i) => {
      const { outcome, error } = normalizeOutcome(outcomes[i]);
      if (outcome === "ack") ack.push(entry.id);
      else if (outcome === "hold") this.held.set(entry.id, Date.now());
      else if (outcome === "dead") dead.push({ entry, error: error ?? "handler declared the entry dead" });
      else {
        this.counters.retried++;
        if (error) this.noteError(new Error(`entry ${entry.id}: ${error}`), false);
        if ((entry.deliveries ?? 1) >= this.opts.maxDeliveries) {
          dead.push({ entry, error: error ?? `still failing after ${entry.deliveries ?? 1} deliveries` });
        }
      }
    });
    if (ack.length > 0) await this.ack(ack);
    for (const d of dead) await this.deadLetter(d);
  }

  private async deadLetter({ entry, error }: DeadLetterRequest): Promise<void> {
    if (!this.cmd) return;
    // The failure record in the order of FAILURE_RECORD_FIELDS (contracts/streams.ts).
    const fields = [
      ...entryFieldList(entry),
      "error",
      error,
      "original_id",
      entry.id,
      "original_stream",
      this.opts.stream,
      "group",
      this.opts.group,
      "deliveries",
      String(entry.deliveries ?? 1),
      "failed_at",
      new Date().toISOString(),
    ];
    await execOrThrow(
      this.cmd
        .multi()
        .xadd(this.opts.deadLetterStream, "MAXLEN", "~", this.opts.deadLetterMaxLen, "*", ...fields)
        .xack(this.opts.stream, this.opts.group, entry.id)
        .exec(),
    );
    this.counters.deadLettered++;
    this.log.warn(`stream ${this.opts.stream}: entry ${entry.id} dead-lettered to ${this.opts.deadLetterStream}: ${error}`);
  }

  private scheduleClaim(): void {
    if (!this.running) return;
    this.claimTimer = setTimeout(() => {
      this.claimTick = this.claimOnce().finally(() => this.scheduleClaim());
    }, this.opts.claimIntervalMs);
  }

  private async claimOnce(): Promise<void> {
    try {
      await this.renewLeases();
      await this.forgetIdleConsumers();
      let cursor = "0-0";
      do {
        const room = this.opts.maxInFlight - this.inFlight.size;
        if (room <= 0 || !this.running || !this.cmd) return;
        const reply = await this.cmd.callBuffer(
          "XAUTOCLAIM",
          this.opts.stream,
          this.opts.group,
          this.opts.consumer,
          this.opts.claimIdleMs,
          cursor,
          "COUNT",
          room,
        );
        const { next, entries, deleted } = parseAutoClaimReply(reply);
        cursor = next;
        this.counters.deletedWhilePending += deleted.length;
        const claimed = entries.filter((e) => !this.inFlight.has(e.id));
        if (claimed.length > 0) await this.handleClaimed(claimed);
      } while (cursor !== "0-0");
    } catch (err) {
      this.noteError(err);
    }
  }

  private async handleClaimed(claimed: StreamEntry[]): Promise<void> {
    if (!this.cmd) return;
    // One XPENDING per id (pipelined): a range query could be cut short by this consumer's other pending entries.
    const pipeline = this.cmd.pipeline();
    for (const e of claimed) pipeline.call("XPENDING", this.opts.stream, this.opts.group, e.id, e.id, 1);
    const counts = new Map<string, number>();
    for (const reply of await execOrThrow(pipeline.exec())) {
      for (const [id, n] of parsePendingCounts(reply)) counts.set(id, n);
    }
    const toHandle: StreamEntry[] = [];
    for (const e of claimed) {
      const deliveries = counts.get(e.id) ?? 1;
      if (deliveries > this.opts.maxDeliveries) {
        await this.deadLetter({ entry: { ...e, deliveries }, error: `delivered ${deliveries} times without an outcome (handler crashed or timed out)` });
      } else {
        toHandle.push({ ...e, deliveries });
      }
    }
    for (let i = 0; i < toHandle.length; i += this.opts.batchSize) {
      this.dispatch(toHandle.slice(i, i + this.opts.batchSize), true);
    }
  }

  /**
   * Every process start adds a consumer name to the group; names of dead processes with nothing pending are
   * removed (about once a minute). A live consumer removed by mistake is re-created by its next read.
   */
  private async forgetIdleConsumers(): Promise<void> {
    const now = Date.now();
    if (!this.cmd || now - this.lastConsumerSweep < 60_000) return;
    this.lastConsumerSweep = now;
    const reply = await this.cmd.call("XINFO", "CONSUMERS", this.opts.stream, this.opts.group);
    for (const row of Array.isArray(reply) ? reply : []) {
      const c = pairsToRecord(row);
      const name = String(c.name);
      if (name !== this.opts.consumer && Number(c.pending) === 0 && Number(c.idle) > this.opts.forgetIdleConsumersMs) {
        await this.cmd.xgroup("DELCONSUMER", this.opts.stream, this.opts.group, name);
      }
    }
  }

  /**
   * Entries handled (or held) longer than half the claim idle time get their idle time reset (no delivery
   * counted). A held entry missing from the XCLAIM reply was acked meanwhile (its window completed elsewhere).
   */
  private async renewLeases(): Promise<void> {
    if (!this.cmd) return;
    const now = Date.now();
    const due = (map: Map<string, number>) => [...map].filter(([, t]) => now - t > this.opts.claimIdleMs / 2).map(([id]) => id);
    const stale = due(this.inFlight);
    const heldDue = due(this.held);
    if (stale.length > 0) {
      await this.cmd.call("XCLAIM", this.opts.stream, this.opts.group, this.opts.consumer, 0, ...stale, "JUSTID");
      for (const id of stale) if (this.inFlight.has(id)) this.inFlight.set(id, now);
    }
    for (let i = 0; i < heldDue.length; i += 1000) {
      const chunk = heldDue.slice(i, i + 1000);
      const claimed = new Set(
        ((await this.cmd.call("XCLAIM", this.opts.stream, this.opts.group, this.opts.consumer, 0, ...chunk, "JUSTID")) as unknown[]).map(String),
      );
      for (const id of chunk) {
        if (claimed.has(id)) this.held.set(id, now);
        else this.held.delete(id);
      }
    }
  }

  private waitForCapacity(): Promise<void> {
    if (this.inFlight.size < this.opts.maxInFlight || !this.running) return Promise.resolve();
    return new Promise((resolve) => this.capacityWaiters.push(resolve));
  }

  private releaseCapacity(): void {
    const waiters = this.capacityWaiters;
    this.capacityWaiters = [];
    for (const w of waiters) w();
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.wake.signal.aborted) return resolve();
      const onAbort = () => {
        clearTimeout(t);
        resolve();
      };
      const t = setTimeout(() => {
        this.wake.signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      this.wake.signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  private noteError(err: unknown, log = true): void {
    const message = errorMessage(err);
    this.counters.errors++;
    this.lastError = { message, at: new Date().toISOString() };
    const now = Date.now();
    if (log && now - this.lastLoggedErrorAt > 10_000) {
      this.lastLoggedErrorAt = now;
      this.log.warn(`stream consumer ${this.opts.consumer} on ${this.opts.stream}: ${message}`);
    }
  }
}

/** Resolves when `p` settles or after `ms`, whichever is first, without leaving a timer behind. */
async function withTimeout(p: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    p,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
