/**
 * The whole configuration of a VTOX process, parsed and validated once from the environment.
 *
 * Every variable the product reads is declared in `VARIABLES` below: its default, its range and what it means.
 * `loadConfig()` reads them all and reports every bad value at once (one line per problem); the entry points
 * (moleculer.config.ts, bin/*) stop the start on any problem. Services never read `process.env`: their values
 * arrive through their `settings` (see each service's factory). The README's configuration table is generated
 * from this file (`npm run config:table`) and a test keeps the two equal.
 */
import { DEFAULT_LEGACY_FLEET } from "./contracts/streams";
import { FLEET_ID_PATTERN } from "./ingest/vehicle-id";
import { DEFAULT_STREAM_PARTITIONS, MAX_STREAM_PARTITIONS } from "./contracts/partitions";

/** One environment variable: how to parse it, its default and its documentation. */
interface VariableSpec<T> {
  /** The documented default ("" when the variable is optional and has none). */
  readonly defaultText: string;
  readonly doc: string;
  readonly secret?: boolean;
  parse(raw: string | undefined): T;
}

/** Thrown by a parser: the message says what is wrong without repeating the variable's name. */
class ValueProblem extends Error {}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
const WINDOW_TRANSPORTS = ["claim-check", "inline"] as const;
export type WindowTransport = (typeof WINDOW_TRANSPORTS)[number];

/** Key prefixes, stream names, namespaces: safe inside Redis key names and Moleculer channel names. */
const NAME_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

function integer(defaultValue: number, min: number, max: number, doc: string): VariableSpec<number> {
  return {
    defaultText: String(defaultValue),
    doc,
    parse(raw) {
      if (raw === undefined || raw.trim() === "") return defaultValue;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) throw new ValueProblem(`must be a whole number from ${min} to ${max}, got "${raw}"`);
      return n;
    },
  };
}

function optionalInteger<D extends number | undefined>(defaultValue: D, min: number, max: number, doc: string): VariableSpec<number | D> {
  return {
    defaultText: defaultValue === undefined ? "" : String(defaultValue),
    doc,
    parse(raw) {
      if (raw === undefined || raw.trim() === "") return defaultValue;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) throw new ValueProblem(`must be a whole number from ${min} to ${max}, got "${raw}"`);
      return n;
    },
  };
}

function optionalPort(doc: string): VariableSpec<number | undefined> {
  return {
    defaultText: "",
    doc,
    parse(raw) {
      if (raw === undefined || raw.trim() === "") return undefined;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ValueProblem(`must be a port number from 0 to 65535, got "${raw}"`);
      return n;
    },
  };
}

/** A name that must match `pattern` (its alphabet spelled out in `alphabet` for the message). */
function matching(pattern: RegExp, alphabet: string, defaultValue: string, doc: string): VariableSpec<string> {
  return {
    defaultText: defaultValue,
    doc,
    parse(raw) {
      const value = raw === undefined || raw === "" ? defaultValue : raw;
      if (!pattern.test(value)) throw new ValueProblem(`must be 1–64 characters of ${alphabet}, got "${value}"`);
      return value;
    },
  };
}

/** Key prefixes, stream names, namespaces. */
const name = (defaultValue: string, doc: string): VariableSpec<string> => matching(NAME_PATTERN, "[A-Za-z0-9._:-]", defaultValue, doc);
/** A fleet id (ingest/vehicle-id.ts FLEET_ID_PATTERN). */
const fleetName = (defaultValue: string, doc: string): VariableSpec<string> => matching(FLEET_ID_PATTERN, "[A-Za-z0-9._-]", defaultValue, doc);

function optionalName(doc: string): VariableSpec<string | undefined> {
  return {
    defaultText: "",
    doc,
    parse(raw) {
      if (raw === undefined || raw === "") return undefined;
      if (!NAME_PATTERN.test(raw)) throw new ValueProblem(`must be 1–64 characters of [A-Za-z0-9._:-], got "${raw}"`);
      return raw;
    },
  };
}

function oneOf<T extends string>(choices: readonly T[], defaultValue: T, doc: string): VariableSpec<T> {
  return {
    defaultText: defaultValue,
    doc,
    parse(raw) {
      if (raw === undefined || raw === "") return defaultValue;
      const found = choices.find((c) => c === raw);
      if (found === undefined) throw new ValueProblem(`must be one of ${choices.join(", ")}, got "${raw}"`);
      return found;
    },
  };
}

function redisUrl(defaultValue: string, doc: string): VariableSpec<string> {
  return {
    defaultText: defaultValue,
    doc,
    parse(raw) {
      const value = raw === undefined || raw === "" ? defaultValue : raw;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new ValueProblem("must be a URL like redis://[:password@]host:port[/db]");
      }
      if (url.protocol !== "redis:" && url.protocol !== "rediss:") throw new ValueProblem(`must use redis:// or rediss://, got "${url.protocol}//"`);
      const db = url.pathname.replace(/^\//, "");
      if (db !== "" && !/^\d{1,2}$/.test(db)) throw new ValueProblem(`database must be a number, got "/${db}"`);
      return value;
    },
  };
}

/** A secret in a known format; the message never repeats the value. */
function optionalSecret(format: RegExp, doc: string): VariableSpec<string | undefined> {
  return {
    defaultText: "",
    doc,
    secret: true,
    parse(raw) {
      if (raw === undefined || raw === "") return undefined;
      if (!format.test(raw)) throw new ValueProblem("has the wrong format (value not shown); generate one with `npm run keys -- generate`");
      return raw;
    },
  };
}

/** A bearer token chosen by the operator: at least 32 characters of a token alphabet; the message never repeats it. */
function optionalToken(doc: string): VariableSpec<string | undefined> {
  return {
    defaultText: "",
    doc,
    secret: true,
    parse(raw) {
      if (raw === undefined || raw === "") return undefined;
      if (!/^[A-Za-z0-9._~+/=-]{32,512}$/.test(raw))
        throw new ValueProblem("must be 32–512 characters of [A-Za-z0-9._~+/=-] (value not shown); e.g. `openssl rand -base64 32`");
      return raw;
    },
  };
}

/** One node of a Redis Cluster (a seed: ioredis discovers the others). */
export interface RedisClusterNode {
  host: string;
  port: number;
}

/** `host:port,host:port,...`: the seed nodes of a Redis Cluster; unset: one Redis at REDIS_URL. */
function clusterNodes(doc: string): VariableSpec<readonly RedisClusterNode[] | undefined> {
  return {
    defaultText: "",
    doc,
    parse(raw) {
      if (raw === undefined || raw.trim() === "") return undefined;
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "")
        .map((node) => {
          const m = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/.exec(node);
          const port = Number(m?.[2]);
          if (!m || port < 1 || port > 65535) throw new ValueProblem(`must be host:port,host:port,..., got "${node}"`);
          return { host: m[1].replace(/^\[|\]$/g, ""), port };
        });
    },
  };
}

function optionalText(doc: string): VariableSpec<string | undefined> {
  return { defaultText: "", doc, parse: (raw) => (raw === undefined || raw === "" ? undefined : raw) };
}

function flag(doc: string): VariableSpec<boolean> {
  return { defaultText: "", doc, parse: (raw) => raw !== undefined };
}

/** A byte count: bytes, or a number with kb/mb/gb; between minBytes and maxBytes. */
function byteCount(defaultText: string, minBytes: number, maxBytes: number, doc: string): VariableSpec<number> {
  const mb = (n: number) => `${n / (1024 * 1024)}mb`;
  return {
    defaultText,
    doc,
    parse(raw) {
      const value = (raw === undefined || raw.trim() === "" ? defaultText : raw).trim().toLowerCase();
      const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/.exec(value);
      if (!m) throw new ValueProblem(`must be a size like 256mb, 2gb or 1048576, got "${raw}"`);
      const unit = m[2] === "gb" ? 1024 ** 3 : m[2] === "mb" ? 1024 ** 2 : m[2] === "kb" ? 1024 : 1;
      const bytes = Math.round(Number(m[1]) * unit);
      if (bytes < minBytes || bytes > maxBytes) throw new ValueProblem(`must be between ${mb(minBytes)} and ${mb(maxBytes)}, got "${raw}"`);
      return bytes;
    },
  };
}

/**
 * Every variable the product reads, grouped by who uses it. The order here is the order of the README table.
 * Tools (bench, chaos run, simulated feeder) take command-line flags instead.
 */
export const VARIABLES = {
  // --- every process ---
  REDIS_URL: redisUrl("redis://localhost:6379", "Redis for the transporter, the streams and the state; its DB number selects where streams and state live"),
  NAMESPACE: name("vtox", "Moleculer namespace: several clusters can share one Redis"),
  NODE_ID: optionalName("Moleculer node id (default: POD_NAME, else host-pid)"),
  POD_NAME: optionalName("Kubernetes pod name, the node id when NODE_ID is unset"),
  LOG_LEVEL: oneOf(LOG_LEVELS, "info", "fatal, error, warn, info, debug or trace"),
  NO_COLOR: flag("set (to anything) for logs without colours"),
  HEARTBEAT_INTERVAL_S: integer(1, 1, 60, "seconds between Moleculer heartbeats"),
  HEARTBEAT_TIMEOUT_S: integer(2, 1, 300, "a node silent this long is dropped; a SIGKILLed node leaves after 1–2× this"),
  METRICS_PORT: optionalPort("serve Prometheus metrics of this process on this port (unset: only the api's /metrics)"),
  HEALTH_PORT: optionalPort("serve /live and /ready on this port for processes without HTTP (unset: off)"),
  REDIS_CLUSTER_NODES: clusterNodes(
    "seed nodes (`host:port,...`) of a Redis Cluster for the streams and the state (the transporter stays on REDIS_URL, whose password and TLS apply to the nodes too); unset: one Redis at REDIS_URL",
  ),
  STREAM_PARTITIONS: integer(
    DEFAULT_STREAM_PARTITIONS,
    1,
    MAX_STREAM_PARTITIONS,
    "raw stream partitions: a vehicle's windows, consumer group and state live in partition hash(fleet, vehicle) mod N, each under its own cluster hash tag; 1 keeps the single stream (docs/cluster.md#partitions)",
  ),
  VTOX_PREFIX: name("vtox", "prefix of every state key in Redis"),
  RAW_STREAM: name("motor_raw_data", "the ingest stream"),
  RESULTS_STREAM: name("fault_diagnosis_results", "the results stream (one entry per window and fault family)"),
  VEHICLE_STATE_TTL_S: integer(
    30 * 86_400,
    60,
    10 * 365 * 86_400,
    "a vehicle silent this long loses its state, history and alarms (TTL refreshed by each window) and leaves its fleet's index; profiles and baselines are kept",
  ),
  // --- api ---
  PORT: integer(8000, 1, 65535, "the api's HTTP port (REST, dashboard, Socket.IO)"),
  HOST: optionalText("the api's listen address (default all interfaces)"),
  INGEST_BODY_LIMIT: byteCount("4mb", 1024, 64 * 1024 * 1024, "largest accepted request body (never compressed); larger is 413"),
  INGEST_BODY_TIMEOUT_MS: integer(30_000, 100, 300_000, "a request body not fully received within this many ms is 408 and its connection closed"),
  INGEST_RATE_LIMIT: integer(
    1000,
    1,
    1_000_000_000,
    "requests with a body (ingest, batches, key and profile writes) per second per API key, across all api replicas; charged before the body is read, valid or not (a guard against floods of bad requests; data is budgeted in samples and bytes below)",
  ),
  INGEST_VEHICLE_SAMPLES_PER_S: optionalInteger(
    262_144,
    1,
    1_000_000_000_000,
    "samples (all channels) per second per vehicle, across all api replicas and both ingest routes (a burst of one second's worth; a larger window passes on a full budget); beyond is 429",
  ),
  INGEST_VEHICLE_RATE_LIMIT: optionalInteger(
    undefined,
    1,
    1_000_000_000,
    "deprecated, read only when INGEST_VEHICLE_SAMPLES_PER_S is unset: that many standard windows (4 × 8192 samples) per second per vehicle",
  ),
  FLEET_MAX_VEHICLES: integer(
    50_000,
    1,
    100_000_000,
    "vehicles one fleet may have (from its first accepted window until it is silent past VEHICLE_STATE_TTL_S); a new one beyond is 403",
  ),
  FLEET_INGEST_BYTES_PER_S: byteCount(
    "64mb",
    64 * 1024,
    64 * 1024 ** 3,
    "ingest body bytes per second per fleet, across all api replicas (a burst of one second's worth); beyond is 429",
  ),
  RAW_STREAM_MAXLEN: integer(100_000, 1000, 100_000_000, "approximate cap on the raw stream's entries"),
  VTOX_ADMIN_KEY: optionalSecret(/^vtox_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/, "bootstrap admin key (`npm run keys -- generate`); no key is built in"),
  METRICS_TOKEN: optionalToken(
    "bearer token for the api's `/metrics` (Prometheus `authorization: credentials`), besides API keys with operate permission; unset: operate keys only",
  ),
  // --- diagnosis (coordinator) ---
  ANALYZE_TIMEOUT_MS: integer(5000, 100, 600_000, "budget of one fault worker's analyze call"),
  RESULTS_STREAM_MAXLEN: integer(500_000, 1000, 100_000_000, "approximate cap on the results stream's entries"),
  WINDOW_TRANSPORT: oneOf(
    WINDOW_TRANSPORTS,
    "claim-check",
    "claim-check: workers read a binary raw entry in place (other windows: samples stored once in a hash), once per worker process; inline: the window in every call",
  ),
  WINDOW_DATA_TTL_S: integer(120, 5, 86_400, "lifetime of a window's stored samples should the coordinator die mid-window"),
  LEGACY_FLEET: fleetName(DEFAULT_LEGACY_FLEET, "the fleet of raw entries without a fleet_id (an older producer writing straight into the stream)"),
  SHORT_BATCH_SAMPLES: integer(256, 1, 1_000_000, "entries with fewer samples per channel are legacy batches, assembled into windows"),
  ASSEMBLY_TARGET_SAMPLES: integer(4096, 16, 1_000_000, "samples per channel of a window assembled from legacy batches"),
  DIAGNOSIS_BATCH: integer(16, 1, 1000, "stream entries read per XREADGROUP"),
  DIAGNOSIS_MAX_IN_FLIGHT: integer(32, 1, 10_000, "windows one coordinator diagnoses at once"),
  DIAGNOSIS_CLAIM_IDLE_MS: integer(5000, 100, 3_600_000, "a pending entry idle this long is reclaimed from its (dead) consumer"),
  DIAGNOSIS_MAX_DELIVERIES: integer(5, 1, 100, "deliveries before an entry that keeps failing goes to the dead-letter stream"),
  RAW_STREAM_RETENTION_S: integer(
    600,
    1,
    30 * 86_400,
    "a raw entry older than this is trimmed once every consumer group has acknowledged it (never one pending or undelivered)",
  ),
  DLQ_MAX_BYTES: byteCount(
    "256mb",
    1024 * 1024,
    64 * 1024 ** 3,
    "byte budget of the dead-letter stream (MEMORY USAGE); the oldest dead letters are trimmed above it",
  ),
  DLQ_RETENTION_S: integer(7 * 86_400, 60, 365 * 86_400, "dead letters older than this are trimmed"),
  RETENTION_INTERVAL_S: integer(
    5,
    1,
    3600,
    "seconds between retention passes (raw stream, dead letters, fleet indexes); every coordinator runs them, one at a time",
  ),
  // --- monitor ---
  LAG_ALERT: integer(1000, 1, 100_000_000, "stream lag (entries) above which the monitor raises an alert"),
  REDIS_MEMORY_ALERT_PCT: integer(80, 1, 100, "Redis used_memory as % of maxmemory above which the monitor raises an alert"),
  REDIS_MEMORY_READY_PCT: integer(90, 1, 100, "Redis used_memory as % of maxmemory from which the api's /ready and `monitor.redis` answer not ready"),
  // --- container entry (bin/run-services.ts) ---
  SERVICES: optionalText("the deployable units this container runs, comma- or space-separated (contracts/service-units.ts)"),
} as const;

type Variables = typeof VARIABLES;
export type VariableName = keyof Variables;
type Values = { readonly [K in VariableName]: ReturnType<Variables[K]["parse"]> };

export interface RedisSettings {
  url: string;
  prefix: string;
  rawStream: string;
  resultsStream: string;
  /** TTL of per-vehicle state keys (state, history, alarms), refreshed by each window. */
  vehicleStateTtlS: number;
  /** STREAM_PARTITIONS (absent: 1). */
  partitions?: number;
  /** REDIS_CLUSTER_NODES: streams and state in this Redis Cluster instead of REDIS_URL's server. */
  clusterNodes?: readonly RedisClusterNode[];
}

/** What the coordinator's retention pass bounds (streams/retention.ts, mixins/retention.mixin.ts). */
export interface RetentionSettings {
  rawStreamRetentionS: number;
  dlqMaxBytes: number;
  dlqRetentionS: number;
  intervalS: number;
}

export interface VtoxConfig {
  redis: RedisSettings;
  broker: {
    namespace: string;
    nodeId: string | undefined;
    logLevel: LogLevel;
    colors: boolean;
    heartbeatIntervalS: number;
    heartbeatTimeoutS: number;
    metricsPort: number | undefined;
    healthPort: number | undefined;
  };
  api: {
    port: number;
    host: string;
    bodyLimitBytes: number;
    bodyTimeoutMs: number;
    ingestRateLimitPerS: number;
    /** Samples per second per vehicle (INGEST_VEHICLE_SAMPLES_PER_S, or the deprecated INGEST_VEHICLE_RATE_LIMIT in windows). */
    vehicleSamplesPerS: number;
    fleetMaxVehicles: number;
    fleetIngestBytesPerS: number;
    rawStreamMaxLen: number;
    adminKey: string | undefined;
    metricsToken: string | undefined;
  };
  diagnosis: {
    analyzeTimeoutMs: number;
    resultsStreamMaxLen: number;
    windowTransport: WindowTransport;
    windowDataTtlS: number;
    shortBatchSamples: number;
    assemblyTargetSamples: number;
    consumer: { batchSize: number; maxInFlight: number; claimIdleMs: number; maxDeliveries: number };
    retention: RetentionSettings;
  };
  monitor: { lagAlert: number; redisMemoryAlertPct: number; redisMemoryReadyPct: number };
  /** The fleet of raw entries without a fleet_id (an older producer's). */
  legacyFleetId: string;
  services: string | undefined;
}

/** Every problem of an environment, one line each: "NAME: what is wrong". */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

function readValues(env: Readonly<Record<string, string | undefined>>): Values {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [varName, spec] of Object.entries(VARIABLES) as [VariableName, VariableSpec<unknown>][]) {
    try {
      values[varName] = spec.parse(env[varName]);
    } catch (err) {
      if (!(err instanceof ValueProblem)) throw err;
      problems.push(`${varName}: ${err.message}`);
    }
  }
  // In a cluster every multi-key command must stay in one slot; only partitioned names carry hash tags.
  if (values.REDIS_CLUSTER_NODES !== undefined && values.STREAM_PARTITIONS === 1) {
    problems.push("STREAM_PARTITIONS: must be 2 or more with REDIS_CLUSTER_NODES (only partitioned key names carry cluster hash tags)");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return values as Values;
}

/** Samples of a standard window (4 channels × 8192): the unit of the deprecated INGEST_VEHICLE_RATE_LIMIT. */
const STANDARD_WINDOW_SAMPLES = 4 * 8192;

/** INGEST_VEHICLE_SAMPLES_PER_S when set; else the old requests-per-second variable, read as standard windows. */
function vehicleSamplesPerS(env: Readonly<Record<string, string | undefined>>, samples: number, oldWindowsPerS: number | undefined): number {
  const samplesSet = (env.INGEST_VEHICLE_SAMPLES_PER_S ?? "").trim() !== "";
  return samplesSet || oldWindowsPerS === undefined ? samples : oldWindowsPerS * STANDARD_WINDOW_SAMPLES;
}

/** Parses and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): VtoxConfig {
  const v = readValues(env);
  return {
    redis: {
      url: v.REDIS_URL,
      prefix: v.VTOX_PREFIX,
      rawStream: v.RAW_STREAM,
      resultsStream: v.RESULTS_STREAM,
      vehicleStateTtlS: v.VEHICLE_STATE_TTL_S,
      partitions: v.STREAM_PARTITIONS,
      ...(v.REDIS_CLUSTER_NODES ? { clusterNodes: v.REDIS_CLUSTER_NODES } : {}),
    },
    broker: {
      namespace: v.NAMESPACE,
      nodeId: v.NODE_ID ?? v.POD_NAME,
      logLevel: v.LOG_LEVEL,
      colors: !v.NO_COLOR,
      heartbeatIntervalS: v.HEARTBEAT_INTERVAL_S,
      heartbeatTimeoutS: v.HEARTBEAT_TIMEOUT_S,
      metricsPort: v.METRICS_PORT,
      healthPort: v.HEALTH_PORT,
    },
    api: {
      port: v.PORT,
      host: v.HOST ?? "0.0.0.0",
      bodyLimitBytes: v.INGEST_BODY_LIMIT,
      bodyTimeoutMs: v.INGEST_BODY_TIMEOUT_MS,
      ingestRateLimitPerS: v.INGEST_RATE_LIMIT,
      vehicleSamplesPerS: vehicleSamplesPerS(env, v.INGEST_VEHICLE_SAMPLES_PER_S, v.INGEST_VEHICLE_RATE_LIMIT),
      fleetMaxVehicles: v.FLEET_MAX_VEHICLES,
      fleetIngestBytesPerS: v.FLEET_INGEST_BYTES_PER_S,
      rawStreamMaxLen: v.RAW_STREAM_MAXLEN,
      adminKey: v.VTOX_ADMIN_KEY,
      metricsToken: v.METRICS_TOKEN,
    },
    diagnosis: {
      analyzeTimeoutMs: v.ANALYZE_TIMEOUT_MS,
      resultsStreamMaxLen: v.RESULTS_STREAM_MAXLEN,
      windowTransport: v.WINDOW_TRANSPORT,
      windowDataTtlS: v.WINDOW_DATA_TTL_S,
      shortBatchSamples: v.SHORT_BATCH_SAMPLES,
      assemblyTargetSamples: v.ASSEMBLY_TARGET_SAMPLES,
      consumer: {
        batchSize: v.DIAGNOSIS_BATCH,
        maxInFlight: v.DIAGNOSIS_MAX_IN_FLIGHT,
        claimIdleMs: v.DIAGNOSIS_CLAIM_IDLE_MS,
        maxDeliveries: v.DIAGNOSIS_MAX_DELIVERIES,
      },
      retention: {
        rawStreamRetentionS: v.RAW_STREAM_RETENTION_S,
        dlqMaxBytes: v.DLQ_MAX_BYTES,
        dlqRetentionS: v.DLQ_RETENTION_S,
        intervalS: v.RETENTION_INTERVAL_S,
      },
    },
    monitor: { lagAlert: v.LAG_ALERT, redisMemoryAlertPct: v.REDIS_MEMORY_ALERT_PCT, redisMemoryReadyPct: v.REDIS_MEMORY_READY_PCT },
    legacyFleetId: v.LEGACY_FLEET,
    services: v.SERVICES,
  };
}

/** For entry points: the configuration, or the problems on stderr (one line each) and exit code 78 (EX_CONFIG). */
export function loadConfigOrExit(env: Readonly<Record<string, string | undefined>> = process.env): VtoxConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) process.stderr.write(`configuration: ${p}\n`);
    process.exit(78);
  }
}

/** The README's configuration table (markdown), generated from VARIABLES. */
export function configurationTable(): string {
  const rows = (Object.entries(VARIABLES) as [VariableName, VariableSpec<unknown>][]).map(([varName, spec]) => {
    const defaultText = spec.defaultText === "" ? "(none)" : `\`${spec.defaultText}\``;
    return `| \`${varName}\` | ${defaultText} | ${spec.doc}${spec.secret ? " (secret: never logged)" : ""} |`;
  });
  return ["| variable | default | meaning |", "| --- | --- | --- |", ...rows].join("\n");
}
