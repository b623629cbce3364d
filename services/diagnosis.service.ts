/**
 * diagnosis: the coordinator. Consumes `motor_raw_data` in consumer group "diagnosis" (any number of instances),
 * decodes each entry, assembles short legacy batches into windows, fans each window out to the five `fault.*`
 * workers in parallel, aggregates vehicle health (pipeline/vehicle-health.ts), writes one result per family (idempotent per
 * original message id), vehicle state, history and alarms in one round trip, broadcasts one event for the live push,
 * then acks. Profiles and open alarms are kept in process between windows (pipeline/commit-window.ts says why that
 * stays correct when another coordinator takes a vehicle over); a PUT of a profile invalidates it by event.
 *
 * Failure policy (invariants 1–3):
 * - an entry that does not decode is dead-lettered at once with the field that failed (it would fail forever);
 * - a window whose fan-out fails (a worker down, a timeout after retries) is NOT acked: it stays pending and is
 *   re-delivered after the consumer's claim idle time, up to `maxDeliveries` (then the DLQ keeps it, replayable).
 *   Writing "worker unavailable" results instead would break "one result set per window" on the retry;
 * - results are written before the ack and keyed by (original message id, family), so a window processed twice
 *   after a crash writes each family once.
 * Action `submit` runs the same analysis without streams (REPL, tests, offline) and degrades a failed family to
 * insufficient_data "worker unavailable: …" instead, since there is nothing to retry from.
 *
 * The logic lives in plain functions; this file wires them to the broker, Redis and the consumer group:
 * pipeline/route-entry.ts (what to do with one entry), pipeline/diagnose-window.ts (the per-window pipeline),
 * pipeline/window-profile.ts (profile and baseline of a window).
 */
import type { Redis } from "ioredis";
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { decodeIngestBody } from "../ingest/ingest-body";
import { FLEET_ID_PATTERN } from "../ingest/vehicle-id";
import { parseMotorProfile } from "../analyzers/profile";
import type { Finding, SensorWindow } from "../analyzers/types";
import { fanOut, type AnalyzeCall } from "../pipeline/fan-out";
import { aggregateHealth } from "../pipeline/vehicle-health";
import { commitCaches, diagnoseWindow, type WindowDiagnosis, type WindowJob } from "../pipeline/diagnose-window";
import type { CommitCaches } from "../pipeline/commit-window";
import { windowProfile, type WindowProfile } from "../pipeline/window-profile";
import { routeStreamEntry } from "../pipeline/route-entry";
import { asTypedWindow } from "../pipeline/typed-window";
import { closeRedis, createRedis } from "../stores/redis";
import { ProfileCache, VehicleProfiles } from "../stores/vehicle-profiles";
import { EVENTS, type ProfileChangedEvent } from "../contracts/events";
import { redisKeys, type RedisKeys } from "../contracts/redis-keys";
import { DIAGNOSIS_GROUP } from "../contracts/streams";
import type { ProfileSource, SubmitParams, SubmitResult } from "../contracts/actions";
import { loadConfig, type RedisSettings, type VtoxConfig, type WindowTransport } from "../config";
import { WindowAssembler } from "../streams/batch-assembler";
import { RedisStreamConsumerMixin, type EntryOutcome, type StreamEntry } from "../mixins/redis-stream-consumer.mixin";

/**
 * What the coordinator is configured with (config.ts). windowTransport: "claim-check" stores the decoded channels
 * once in Redis and sends a reference (stores/sample-store.ts), "inline" sends the whole window in each of the five
 * calls. Entries below shortBatchSamples per channel are batches, not windows: no spectral line can be resolved from
 * them (256 samples at 3 kHz is 85 ms, a 12 Hz bin); they are assembled into windows of assemblyTargetSamples
 * (4096 at 3 kHz ≈ 1.4 s, a 0.7 Hz bin — enough to separate (1 ± 2s)f sidebands at typical slip).
 */
export interface DiagnosisSettings extends ServiceSettingSchema {
  redis: RedisSettings;
  analyzeTimeoutMs: number;
  resultsStreamMaxLen: number;
  windowTransport: WindowTransport;
  windowDataTtlS: number;
  /** The fleet of raw entries without a fleet_id (an older producer's). */
  legacyFleetId: string;
  shortBatchSamples: number;
  assemblyTargetSamples: number;
  consumer: { batchSize: number; maxInFlight: number; claimIdleMs: number; maxDeliveries: number };
}

export function diagnosisSettings(config: VtoxConfig): DiagnosisSettings {
  return { redis: config.redis, legacyFleetId: config.legacyFleetId, ...config.diagnosis };
}

interface DiagnosisVars {
  redis: Redis;
  keys: RedisKeys;
  profiles: ProfileCache;
  caches: CommitCaches;
  analyzeCall: AnalyzeCall;
  assembler: WindowAssembler;
}

interface DiagnosisMethods {
  handleStreamEntry(entry: StreamEntry): Promise<EntryOutcome>;
  profileFor(fleetId: string, vehicleId: string | undefined, metadata: Record<string, unknown> | undefined): Promise<WindowProfile>;
  diagnoseWindow(job: WindowJob): Promise<WindowDiagnosis>;
  ackStreamEntries(ids: string[]): Promise<number>;
  stopStreamConsumer(): Promise<void>;
}

export function createDiagnosisService(settings: DiagnosisSettings): ServiceSchema {
  const keys = redisKeys(settings.redis);
  const schema: ServiceSchema<DiagnosisSettings, DiagnosisMethods, DiagnosisVars> = {
    name: "diagnosis",
    // Settings travel to every node in the registry: the Redis URL may carry a password.
    settings: { ...settings, $secureSettings: ["redis"] },
    mixins: [
      RedisStreamConsumerMixin({
        redisUrl: settings.redis.url,
        ...(settings.redis.clusterNodes ? { clusterNodes: settings.redis.clusterNodes } : {}),
        stream: keys.rawStream,
        group: DIAGNOSIS_GROUP,
        deadLetterStream: keys.deadLetterStream,
        // One consumer group per partition (STREAM_PARTITIONS); every coordinator reads them all.
        partitions: keys.rawStreams.map((stream, p) => ({ stream, deadLetterStream: keys.deadLetterStreams[p] })),
        ...settings.consumer,
        retention: settings,
      }),
    ],

    actions: {
      submit: {
        params: {
          vehicle_id: { type: "string", optional: true },
          // The fleet whose registered profile applies (default: the legacy fleet).
          fleet_id: { type: "string", optional: true, pattern: FLEET_ID_PATTERN },
          sensor_data: { type: "object", optional: true },
          metadata: { type: "object", optional: true },
          profile: { type: "object", optional: true },
          window: { type: "object", optional: true },
        },
        async handler(ctx: Context<SubmitParams>): Promise<SubmitResult> {
          const t0 = performance.now();
          const { vehicle_id: vehicleId, fleet_id: fleetId = this.settings.legacyFleetId, metadata = {}, profile: explicit } = ctx.params;
          let window: SensorWindow;
          if (ctx.params.window) window = asTypedWindow(ctx.params.window);
          else window = decodeIngestBody({ sensor_data: ctx.params.sensor_data, metadata }).window;
          const resolved =
            explicit !== undefined
              ? { profile: parseMotorProfile(explicit), source: "metadata" as ProfileSource, baseline: undefined }
              : await this.profileFor(fleetId, vehicleId, metadata);
          const timed = await fanOut(this.analyzeCall, window, resolved.profile, resolved.baseline, {
            timeoutMs: this.settings.analyzeTimeoutMs,
            onFailure: "degrade",
          });
          const findings = timed.map((t) => t.finding);
          return {
            ...(vehicleId ? { vehicle_id: vehicleId } : {}),
            profile: resolved.source,
            findings,
            health: aggregateHealth(findings),
            processing_ms: performance.now() - t0,
          };
        },
      },
    },

    events: {
      [EVENTS.profileChanged](ctx: Context<ProfileChangedEvent>) {
        this.profiles.invalidate(ctx.params.fleet_id, ctx.params.vehicle_id);
      },
    },

    methods: {
      /** One stream entry: dead-letter garbage, hold partial legacy batches, diagnose complete windows. */
      handleStreamEntry(entry: StreamEntry): Promise<EntryOutcome> {
        return routeStreamEntry(entry, {
          // Workers read a binary entry's samples from the partition stream it came from.
          stream: entry.stream ?? this.keys.rawStream,
          shortBatchSamples: this.settings.shortBatchSamples,
          legacyFleetId: this.settings.legacyFleetId,
          assembler: this.assembler,
          diagnose: (job) => this.diagnoseWindow(job),
          warn: (message) => this.logger.warn(message),
        });
      },

      diagnoseWindow(job: WindowJob): Promise<WindowDiagnosis> {
        return diagnoseWindow(job, {
          redis: this.redis,
          keys: this.keys,
          settings: this.settings,
          analyzeCall: this.analyzeCall,
          broadcast: (event, payload) => void this.broker.broadcast(event, payload),
          caches: this.caches,
          profileFor: (fleetId, vehicleId, metadata) => this.profileFor(fleetId, vehicleId, metadata),
        });
      },

      profileFor(fleetId: string, vehicleId: string | undefined, metadata: Record<string, unknown> | undefined): Promise<WindowProfile> {
        return windowProfile(this.profiles, { fleetId, vehicleId }, metadata, (message) => this.logger.warn(message));
      },
    },

    created() {
      this.keys = keys;
      this.redis = createRedis(settings.redis, {
        connectionName: `diagnosis:${this.broker.nodeID}`,
        commandTimeoutMs: 5000,
        onError: (err) => this.logger.debug("redis:", err.message),
      });
      this.profiles = new ProfileCache(new VehicleProfiles(this.redis, this.keys.prefix));
      this.caches = commitCaches();
      this.assembler = new WindowAssembler(this.redis, {
        keys: this.keys,
        targetSamples: settings.assemblyTargetSamples,
        source: { stream: (v) => keys.rawStreamOf(v.fleetId, v.vehicleId), group: DIAGNOSIS_GROUP },
        legacyFleetId: settings.legacyFleetId,
      });
      this.analyzeCall = (action, params, timeoutMs) => this.broker.call<Finding, typeof params>(action, params, { timeout: timeoutMs });
    },

    async stopped() {
      // The consumer uses this.redis through the handler: drain it before closing the connection.
      await this.stopStreamConsumer();
      await closeRedis(this.redis);
    },
  };
  return schema as unknown as ServiceSchema;
}

export function serviceFromConfig(config: VtoxConfig): ServiceSchema {
  return createDiagnosisService(diagnosisSettings(config));
}

/** moleculer-runner calls this when it loads the file: the configuration is read then. */
export default (): ServiceSchema => serviceFromConfig(loadConfig());
