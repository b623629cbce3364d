/**
 * RedisStreamConsumerMixin(opts): makes a Moleculer service a member of a Redis Streams consumer group.
 * The engine is streams/stream-consumer.ts (read its header for the delivery, retry, reclaim and DLQ rules).
 *
 * The service supplies ONE handler method:
 *   handleStreamEntries(entries: StreamEntry[]): Promise<EntryOutcome[]>   — preferred: a batch (≤ batchSize),
 *       one outcome per entry, same order.
 *   handleStreamEntry(entry: StreamEntry): Promise<EntryOutcome>           — fallback, called per entry
 *       concurrently when handleStreamEntries is absent.
 *   StreamEntry = { id, fields: Record<string, string>, deliveries? }; EntryOutcome = "ack" | "retry" | "dead" | "hold"
 *   or { outcome, error? }. A thrown error means "retry" for the whole batch. Return "ack" only once the
 *   entry's results are durably written.
 *
 * Methods added to the service:
 *   getStreamConsumerStats(): StreamConsumerStats   — for the monitor (delivered, acked, retried, dead-lettered,
 *       in-flight, last error ...), summed over the partitions
 *   ackStreamEntries(ids: string[], stream?): Promise<number> — XACK entries outside the current batch (`stream`
 *       names the partition's stream; required with several partitions, whose entry ids may coincide)
 *   startStreamConsumer(): Promise<void> / stopStreamConsumer(): Promise<void> — both idempotent
 *
 * Retention: with `retention` (RetentionMixinOptions), the service also runs the retention pass of the stream it
 * consumes (mixins/retention.mixin.ts: diagnosed entries trimmed after RAW_STREAM_RETENTION_S, dead letters within
 * their byte budget and age, silent vehicles unindexed): the owner of the consumer group trims what it consumed.
 *
 * Partitions: with `partitions` (one `{stream, deadLetterStream}` per partition, contracts/partitions.ts) the service
 * runs one consumer per partition, each a member of `group` on its own stream. Every instance reads every partition:
 * a crashed instance's pending entries are reclaimed by the others exactly as with one stream, and no assignment
 * protocol is needed. `maxInFlight` is the service's total, split evenly over the partitions.
 *
 * Lifecycle: consumption starts once the broker has started (`$broker.started`; at once if the service is
 * created later) unless `autoStart: false`. Moleculer runs a service's own `stopped()` BEFORE its mixins'
 * `stopped()`, so a service that closes resources its handler uses must `await this.stopStreamConsumer()`
 * first in its own stopped(); the mixin's stopped() does it too (a no-op the second time).
 */
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
import type { RedisClusterNode } from "../config";
import { DEFAULT_CONSUMER_OPTIONS, StreamConsumer, type EntryOutcome, type StreamConsumerOptions, type StreamConsumerStats } from "../streams/stream-consumer";
import type { StreamEntry } from "../streams/stream-replies";
import { RetentionMixin, type RetentionMixinOptions } from "./retention.mixin";

export type { EntryOutcome, EntryVerdict, StreamConsumerStats } from "../streams/stream-consumer";
export type { StreamEntry } from "../streams/stream-replies";

export interface RedisStreamConsumerMixinOptions {
  stream: string;
  group: string;
  /** Default `${broker.nodeID}:${service.fullName}`. */
  consumer?: string;
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: the streams live in this Redis Cluster (the URL's password and TLS apply). */
  clusterNodes?: readonly RedisClusterNode[];
  /** One entry per partition (see header); absent: `stream` and `deadLetterStream` only. */
  partitions?: readonly StreamPartition[];
  /** XREADGROUP COUNT / largest batch (default 32). */
  batchSize?: number;
  /** XREADGROUP BLOCK ms (default 2000). */
  blockMs?: number;
  /** Entries handled at once, reads and reclaims together (default 64). */
  maxInFlight?: number;
  /** XAUTOCLAIM min idle ms (default 5000): also the spacing of retries. */
  claimIdleMs?: number;
  /** Claim loop period (default 1000). */
  claimIntervalMs?: number;
  /** Deliveries before an entry goes to the dead-letter stream (default 5). */
  maxDeliveries?: number;
  /** Default `${stream}:dlq`. */
  deadLetterStream?: string;
  deadLetterMaxLen?: number;
  /** Start of a newly created group (default "0": a backlog written before the group is consumed). */
  startId?: string;
  /** Longest wait for in-flight handlers on stop (default 10000). */
  drainTimeoutMs?: number;
  /** Group consumers idle this long with nothing pending are deleted (default 1 h). */
  forgetIdleConsumersMs?: number;
  /** Start on `$broker.started` (default true); false: call startStreamConsumer() yourself. */
  autoStart?: boolean;
  /** Also run the retention pass (mixins/retention.mixin.ts) for this deployment's streams and state. */
  retention?: RetentionMixinOptions;
}

/** One partition's raw stream and its dead letters (same hash tag: one cluster slot). */
export interface StreamPartition {
  stream: string;
  deadLetterStream: string;
}

/** What a service using the mixin may implement (one of the two). */
export type StreamEntryHandlers = {
  handleStreamEntries?(entries: StreamEntry[]): Promise<EntryOutcome[]>;
  handleStreamEntry?(entry: StreamEntry): Promise<EntryOutcome>;
};

export type StreamConsumerMethods = {
  getStreamConsumerStats(): StreamConsumerStats;
  ackStreamEntries(ids: string[], stream?: string): Promise<number>;
  startStreamConsumer(): Promise<void>;
  stopStreamConsumer(): Promise<void>;
};

type ConsumerService = Service & StreamEntryHandlers & StreamConsumerMethods;

/** The consumers of a service instance (one per partition), kept off the service object so no property can clash. */
const consumers = new WeakMap<Service, StreamConsumer[]>();

function partitionsOf(opts: RedisStreamConsumerMixinOptions): readonly StreamPartition[] {
  if (opts.partitions && opts.partitions.length > 0) return opts.partitions;
  return [{ stream: opts.stream, deadLetterStream: opts.deadLetterStream ?? `${opts.stream}:dlq` }];
}

function resolveOptions(opts: RedisStreamConsumerMixinOptions, svc: Service, partition: StreamPartition, partitionCount = 1): StreamConsumerOptions {
  const maxInFlight = opts.maxInFlight ?? DEFAULT_CONSUMER_OPTIONS.maxInFlight;
  return {
    ...DEFAULT_CONSUMER_OPTIONS,
    redisUrl: opts.redisUrl,
    ...(opts.clusterNodes ? { clusterNodes: opts.clusterNodes } : {}),
    stream: partition.stream,
    group: opts.group,
    consumer: opts.consumer ?? `${svc.broker.nodeID}:${svc.fullName}`,
    deadLetterStream: partition.deadLetterStream,
    maxInFlight: Math.max(1, Math.ceil(maxInFlight / partitionCount)),
    ...definedOnly({
      batchSize: opts.batchSize,
      blockMs: opts.blockMs,
      claimIdleMs: opts.claimIdleMs,
      claimIntervalMs: opts.claimIntervalMs,
      maxDeliveries: opts.maxDeliveries,
      deadLetterMaxLen: opts.deadLetterMaxLen,
      startId: opts.startId,
      drainTimeoutMs: opts.drainTimeoutMs,
      forgetIdleConsumersMs: opts.forgetIdleConsumersMs,
    }),
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const NO_WORKER = /Service '[^']+' is not (available|found)|is not found on '/;
// "OOM command not allowed": Redis at maxmemory (noeviction) refuses writes until retention frees memory — not the entry's fault.
const REDIS_AWAY = /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|MaxRetriesPerRequest|Command timed out|OOM command not allowed/;

/**
 * Failures that say nothing about the entry: no node offers a needed service (killed, not yet restarted, breaker
 * open), or Redis is away. Timeouts and worker errors are NOT transient: a window that hangs or crashes a worker
 * must still reach the dead-letter stream after its bounded deliveries.
 */
export function isTransientFailure(err: unknown): boolean {
  const e = err as { name?: string; message?: string; failures?: Record<string, string> } | null;
  if (!e) return false;
  if (e.name === "ServiceNotAvailableError" || e.name === "ServiceNotFoundError") return true;
  if (e.failures && typeof e.failures === "object") {
    const messages = Object.values(e.failures);
    return messages.length > 0 && messages.every((m) => NO_WORKER.test(m) || REDIS_AWAY.test(m));
  }
  return REDIS_AWAY.test(String(e.message ?? "")) || e.name === "MaxRetriesPerRequestError";
}

function batchHandlerOf(svc: ConsumerService): (entries: StreamEntry[]) => Promise<EntryOutcome[]> {
  if (typeof svc.handleStreamEntries === "function") return (entries) => svc.handleStreamEntries!(entries);
  if (typeof svc.handleStreamEntry === "function") {
    return (entries) =>
      Promise.all(
        entries.map((e) =>
          svc.handleStreamEntry!(e).catch((err: unknown): EntryOutcome => ({
            outcome: "retry",
            error: err instanceof Error ? err : String(err),
            transient: isTransientFailure(err),
          })),
        ),
      );
  }
  throw new Error(`service ${svc.fullName} uses RedisStreamConsumerMixin but has no handleStreamEntries/handleStreamEntry method`);
}

/** The partitions' figures as one consumer's: counters summed, running only if all are, the latest error. */
function sumStats(stream: string, all: StreamConsumerStats[]): StreamConsumerStats {
  if (all.length === 1) return all[0];
  const sum = (pick: (s: StreamConsumerStats) => number) => all.reduce((a, s) => a + pick(s), 0);
  const lastError = all
    .map((s) => s.lastError)
    .filter((e) => e !== undefined)
    .sort((a, b) => b.at.localeCompare(a.at))[0];
  return {
    stream,
    group: all[0].group,
    consumer: all[0].consumer,
    running: all.every((s) => s.running),
    delivered: sum((s) => s.delivered),
    reclaimed: sum((s) => s.reclaimed),
    acked: sum((s) => s.acked),
    retried: sum((s) => s.retried),
    deadLettered: sum((s) => s.deadLettered),
    deletedWhilePending: sum((s) => s.deletedWhilePending),
    inFlight: sum((s) => s.inFlight),
    held: sum((s) => s.held),
    errors: sum((s) => s.errors),
    lastError,
  };
}

export function RedisStreamConsumerMixin(opts: RedisStreamConsumerMixinOptions): Partial<ServiceSchema> {
  const schema: Partial<ServiceSchema<ServiceSettingSchema, StreamConsumerMethods & StreamEntryHandlers>> = {
    ...(opts.retention ? { mixins: [RetentionMixin(opts.retention)] } : {}),
    methods: {
      getStreamConsumerStats(): StreamConsumerStats {
        const running = consumers.get(this);
        if (running)
          return sumStats(
            opts.stream,
            running.map((c) => c.stats()),
          );
        const o = resolveOptions(opts, this, { stream: opts.stream, deadLetterStream: "" });
        return {
          stream: o.stream,
          group: o.group,
          consumer: o.consumer,
          running: false,
          delivered: 0,
          reclaimed: 0,
          acked: 0,
          retried: 0,
          deadLettered: 0,
          deletedWhilePending: 0,
          inFlight: 0,
          held: 0,
          errors: 0,
        };
      },
      async ackStreamEntries(ids: string[], stream?: string): Promise<number> {
        const running = consumers.get(this);
        if (!running) throw new Error("stream consumer not started");
        // Entry ids are per stream: acking an id on every partition could ack another entry that has the same id.
        if (stream === undefined && running.length > 1) throw new Error("ackStreamEntries: name the partition's stream (several partitions)");
        const consumer = stream === undefined ? running[0] : running.find((c) => c.stats().stream === stream);
        if (!consumer) throw new Error(`ackStreamEntries: ${stream} is not a stream of this consumer`);
        return consumer.ack(ids);
      },
      async startStreamConsumer(): Promise<void> {
        if (consumers.has(this)) return;
        const partitions = partitionsOf(opts);
        const handler = batchHandlerOf(this);
        const started = partitions.map((p) => new StreamConsumer(resolveOptions(opts, this, p, partitions.length), handler, this.logger));
        consumers.set(this, started);
        await Promise.all(started.map((c) => c.start()));
        const streams = partitions.length === 1 ? partitions[0].stream : `${partitions.length} partitions of ${opts.stream}`;
        this.logger.info(`consuming ${streams} as ${started[0].stats().consumer} in group ${opts.group}`);
      },
      async stopStreamConsumer(): Promise<void> {
        await Promise.all((consumers.get(this) ?? []).map((c) => c.stop()));
      },
    },
    events: {
      "$broker.started": {
        handler() {
          if (opts.autoStart !== false) return this.startStreamConsumer();
        },
      },
    },
    async started() {
      batchHandlerOf(this); // fail at start, not at the first entry, when the handler is missing
      if (opts.autoStart !== false && this.broker.started) await this.startStreamConsumer();
    },
    async stopped() {
      await this.stopStreamConsumer();
      consumers.delete(this);
    },
  };
  // Typed with this mixin's methods inside; widened for `mixins: [...]` (ServiceSchema's this-type is invariant).
  return schema as unknown as Partial<ServiceSchema>;
}
