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
 *       in-flight, last error ...)
 *   ackStreamEntries(ids: string[]): Promise<number> — XACK entries outside the current batch
 *   startStreamConsumer(): Promise<void> / stopStreamConsumer(): Promise<void> — both idempotent
 *
 * Retention: with `retention` (RetentionMixinOptions), the service also runs the retention pass of the stream it
 * consumes (mixins/retention.mixin.ts: diagnosed entries trimmed after RAW_STREAM_RETENTION_S, dead letters within
 * their byte budget and age, silent vehicles unindexed): the owner of the consumer group trims what it consumed.
 *
 * Lifecycle: consumption starts once the broker has started (`$broker.started`; at once if the service is
 * created later) unless `autoStart: false`. Moleculer runs a service's own `stopped()` BEFORE its mixins'
 * `stopped()`, so a service that closes resources its handler uses must `await this.stopStreamConsumer()`
 * first in its own stopped(); the mixin's stopped() does it too (a no-op the second time).
 */
import type { Service, ServiceSchema, ServiceSettingSchema } from "moleculer";
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

/** What a service using the mixin may implement (one of the two). */
export type StreamEntryHandlers = {
  handleStreamEntries?(entries: StreamEntry[]): Promise<EntryOutcome[]>;
  handleStreamEntry?(entry: StreamEntry): Promise<EntryOutcome>;
};

export type StreamConsumerMethods = {
  getStreamConsumerStats(): StreamConsumerStats;
  ackStreamEntries(ids: string[]): Promise<number>;
  startStreamConsumer(): Promise<void>;
  stopStreamConsumer(): Promise<void>;
};

type ConsumerService = Service & StreamEntryHandlers & StreamConsumerMethods;

/** One consumer per service instance, kept off the service object so no property can clash. */
const consumers = new WeakMap<Service, StreamConsumer>();

function resolveOptions(opts: RedisStreamConsumerMixinOptions, svc: Service): StreamConsumerOptions {
  return {
    ...DEFAULT_CONSUMER_OPTIONS,
    redisUrl: opts.redisUrl,
    stream: opts.stream,
    group: opts.group,
    consumer: opts.consumer ?? `${svc.broker.nodeID}:${svc.fullName}`,
    deadLetterStream: opts.deadLetterStream ?? `${opts.stream}:dlq`,
    ...definedOnly({
      batchSize: opts.batchSize,
      blockMs: opts.blockMs,
      maxInFlight: opts.maxInFlight,
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

export function RedisStreamConsumerMixin(opts: RedisStreamConsumerMixinOptions): Partial<ServiceSchema> {
  const schema: Partial<ServiceSchema<ServiceSettingSchema, StreamConsumerMethods & StreamEntryHandlers>> = {
    ...(opts.retention ? { mixins: [RetentionMixin(opts.retention)] } : {}),
    methods: {
      getStreamConsumerStats(): StreamConsumerStats {
        const consumer = consumers.get(this);
        if (consumer) return consumer.stats();
        const o = resolveOptions(opts, this);
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
      async ackStreamEntries(ids: string[]): Promise<number> {
        const consumer = consumers.get(this);
        if (!consumer) throw new Error("stream consumer not started");
        return consumer.ack(ids);
      },
      async startStreamConsumer(): Promise<void> {
        if (consumers.has(this)) return;
        const consumer = new StreamConsumer(resolveOptions(opts, this), batchHandlerOf(this), this.logger);
        consumers.set(this, consumer);
        await consumer.start();
        this.logger.info(`consuming ${opts.stream} as ${consumer.stats().consumer} in group ${opts.group}`);
      },
      async stopStreamConsumer(): Promise<void> {
        await consumers.get(this)?.stop();
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
