/**
 * Every Redis key and stream name VTOX writes, in one registry. Stores take a prefix (or a RedisKeys) and ask
 * here for names; nothing else builds a key. A vehicle id is unique within its fleet only (two fleets may both
 * have a "VIN-1"), so every per-vehicle key names the fleet too. Keys of one vehicle's window assembly carry a
 * `{fleet/vehicle}` hash tag so that they share one Redis Cluster slot (its Lua scripts touch several at once).
 * With STREAM_PARTITIONS > 1 (contracts/partitions.ts) a vehicle's state, history, alarms and assembly keys start
 * with `vehiclePrefix(fleet, vehicle)`, which carries its partition's hash tag: they share the slot of the
 * partition's raw stream, so a script may touch the vehicle's keys and that stream together.
 */
import { DEFAULT_STREAM_PARTITIONS, partitionNames, partitionOf, partitionTag } from "./partitions";

/** The stream names of docs/architecture.md (contract names, not prefixed). */
export const DEFAULT_RAW_STREAM = "motor_raw_data";
export const DEFAULT_RESULTS_STREAM = "fault_diagnosis_results";

/** Default lifetime of a silent vehicle's state keys (VEHICLE_STATE_TTL_S). */
export const DEFAULT_VEHICLE_STATE_TTL_S = 30 * 86_400;

/** Dead letters of a stream live beside it. */
export function deadLetterStreamOf(rawStream: string): string {
  return `${rawStream}:dlq`;
}

/** Key names under one prefix. Pure functions: the same (prefix, id) always gives the same key. */
export const keyNames = {
  /** JSON string: the latest VehicleState. */
  vehicleState: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:fleet:${fleetId}:vehicle:${vehicleId}:state`,
  /** List of JSON VehicleState, newest first, capped. */
  vehicleHistory: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:fleet:${fleetId}:vehicle:${vehicleId}:history`,
  /** JSON MotorProfile set by an operator. */
  vehicleProfile: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:fleet:${fleetId}:vehicle:${vehicleId}:profile`,
  /** JSON feature baseline set by an operator. */
  vehicleBaseline: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:fleet:${fleetId}:vehicle:${vehicleId}:baseline`,
  /** Hash fault family → open alarm level. */
  vehicleAlarms: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:fleet:${fleetId}:vehicle:${vehicleId}:alarms`,
  /** Sorted set of vehicle ids of one fleet, scored by last update (ms); silent vehicles are removed by retention. */
  fleetVehicles: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:vehicles`,
  /** Set of the fleet ids that have a vehicle index (so retention finds every index without SCAN). */
  fleets: (prefix: string) => `${prefix}:fleets`,
  /** Lease of the periodic retention pass: one coordinator at a time runs it. */
  retentionLease: (prefix: string) => `${prefix}:retention:lease`,
  /** List of JSON CriticalAlert of one fleet, newest first, capped. */
  criticalAlerts: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:alerts:critical`,
  /** Hash: one API key's record (hash of the secret, fleet, role, label, revoked). */
  apiKey: (prefix: string, keyId: string) => `${prefix}:apikey:${keyId}`,
  /** Set of the key ids of one fleet. */
  fleetApiKeys: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:apikeys`,
  /** GCRA bucket: the theoretical arrival time of one rate-limited subject. */
  rateLimit: (prefix: string, bucket: string) => `${prefix}:ratelimit:${bucket}`,
  /** Hash channel → float32 bytes: a window's samples while its workers analyse it (claim check). */
  windowSamples: (prefix: string, messageId: string) => `${prefix}:window:${messageId}`,
  /** Key prefix of one vehicle's window-assembly state (hash-tagged). */
  assembly: (prefix: string, fleetId: string, vehicleId: string) => `${prefix}:asm:{${fleetId}/${vehicleId}}`,
  /** Idempotency records (ingest Idempotency-Key, result dedupe). */
  dedupe: (prefix: string, kind: string, id: string) => `${prefix}:dedupe:${kind}:${id}`,
  /** A random id written by the first api to see this Redis; its disappearance means Redis lost its data (/ready). */
  stateMarker: (prefix: string) => `${prefix}:marker`,
} as const;

export interface StreamNames {
  rawStream: string;
  resultsStream: string;
  deadLetterStream: string;
}

/** Where a deployment keeps its data: the prefix of state keys and the two stream names (config.ts). */
export interface KeySpace {
  prefix: string;
  rawStream?: string;
  resultsStream?: string;
  deadLetterStream?: string;
  /** TTL of per-vehicle state keys (default DEFAULT_VEHICLE_STATE_TTL_S). */
  vehicleStateTtlS?: number;
  /** STREAM_PARTITIONS (default 1: no partition, today's names). */
  partitions?: number;
}

type BoundKeyNames = {
  [K in keyof typeof keyNames]: (typeof keyNames)[K] extends (prefix: string, ...rest: infer A) => string ? (...rest: A) => string : never;
};

export interface RedisKeys extends StreamNames, BoundKeyNames {
  prefix: string;
  /** TTL (s) given to a vehicle's state, history and alarms on each window. */
  vehicleStateTtlS: number;
  /** Number of stream partitions (1: `rawStream` and `deadLetterStream` are the only ones). */
  partitions: number;
  /** The raw stream of each partition, index = partition (`[rawStream]` with one partition). */
  rawStreams: readonly string[];
  /** The dead-letter stream of each partition, index = partition. */
  deadLetterStreams: readonly string[];
  /** The partition of one vehicle (contracts/partitions.ts). */
  partitionOf(fleetId: string, vehicleId: string): number;
  /** The raw stream a vehicle's windows go to. */
  rawStreamOf(fleetId: string, vehicleId: string): string;
  /** The results stream of each partition, index = partition (`[resultsStream]` with one partition). */
  resultsStreams: readonly string[];
  /**
   * The results stream of a vehicle's windows. Entry ids are unique per stream only, so a window is known by its
   * partition and id: its results, their dedupe records and its stored samples stay in its partition.
   */
  resultsStreamOf(fleetId: string, vehicleId: string): string;
  /** The prefix of a vehicle's state, history, alarms and assembly keys: `prefix`, plus its partition's hash tag. */
  vehiclePrefix(fleetId: string, vehicleId: string): string;
}

/** The registry bound to one prefix and stream names. */
export function redisKeys(space: KeySpace): RedisKeys {
  const { prefix } = space;
  const rawStream = space.rawStream ?? DEFAULT_RAW_STREAM;
  const deadLetterStream = space.deadLetterStream ?? deadLetterStreamOf(rawStream);
  const partitions = space.partitions ?? DEFAULT_STREAM_PARTITIONS;
  const rawStreams = partitionNames(rawStream, partitions);
  const resultsStream = space.resultsStream ?? DEFAULT_RESULTS_STREAM;
  const resultsStreams = partitionNames(resultsStream, partitions);
  const partition = (fleet: string, id: string) => partitionOf(fleet, id, partitions);
  const vehiclePrefix = (fleet: string, id: string) => (partitions <= 1 ? prefix : `${prefix}:${partitionTag(partition(fleet, id))}`);
  return {
    prefix,
    rawStream,
    resultsStream,
    deadLetterStream,
    vehicleStateTtlS: space.vehicleStateTtlS ?? DEFAULT_VEHICLE_STATE_TTL_S,
    partitions,
    rawStreams,
    deadLetterStreams: partitionNames(deadLetterStream, partitions),
    partitionOf: partition,
    rawStreamOf: (fleet, id) => rawStreams[partition(fleet, id)],
    resultsStreams,
    resultsStreamOf: (fleet, id) => resultsStreams[partition(fleet, id)],
    vehiclePrefix,
    vehicleState: (fleet, id) => keyNames.vehicleState(vehiclePrefix(fleet, id), fleet, id),
    vehicleHistory: (fleet, id) => keyNames.vehicleHistory(vehiclePrefix(fleet, id), fleet, id),
    vehicleProfile: (fleet, id) => keyNames.vehicleProfile(prefix, fleet, id),
    vehicleBaseline: (fleet, id) => keyNames.vehicleBaseline(prefix, fleet, id),
    vehicleAlarms: (fleet, id) => keyNames.vehicleAlarms(vehiclePrefix(fleet, id), fleet, id),
    fleetVehicles: (id) => keyNames.fleetVehicles(prefix, id),
    fleets: () => keyNames.fleets(prefix),
    retentionLease: () => keyNames.retentionLease(prefix),
    criticalAlerts: (id) => keyNames.criticalAlerts(prefix, id),
    apiKey: (id) => keyNames.apiKey(prefix, id),
    fleetApiKeys: (id) => keyNames.fleetApiKeys(prefix, id),
    rateLimit: (bucket) => keyNames.rateLimit(prefix, bucket),
    windowSamples: (id) => keyNames.windowSamples(prefix, id),
    assembly: (fleet, id) => keyNames.assembly(vehiclePrefix(fleet, id), fleet, id),
    dedupe: (kind, id) => keyNames.dedupe(prefix, kind, id),
    stateMarker: () => keyNames.stateMarker(prefix),
  };
}
