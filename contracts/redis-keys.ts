/**
 * Every Redis key and stream name VTOX writes, in one registry. Stores take a prefix (or a RedisKeys) and ask
 * here for names; nothing else builds a key. Keys of one vehicle's window assembly carry a `{vehicleId}` hash tag
 * so that they share one Redis Cluster slot (its Lua scripts touch several at once).
 */

/** The stream names of docs/architecture.md (contract names, not prefixed). */
export const DEFAULT_RAW_STREAM = "motor_raw_data";
export const DEFAULT_RESULTS_STREAM = "fault_diagnosis_results";

/** Dead letters of a stream live beside it. */
export function deadLetterStreamOf(rawStream: string): string {
  return `${rawStream}:dlq`;
}

/** Key names under one prefix. Pure functions: the same (prefix, id) always gives the same key. */
export const keyNames = {
  /** JSON string: the latest VehicleState. */
  vehicleState: (prefix: string, vehicleId: string) => `${prefix}:vehicle:${vehicleId}:state`,
  /** List of JSON VehicleState, newest first, capped. */
  vehicleHistory: (prefix: string, vehicleId: string) => `${prefix}:vehicle:${vehicleId}:history`,
  /** JSON MotorProfile set by an operator. */
  vehicleProfile: (prefix: string, vehicleId: string) => `${prefix}:vehicle:${vehicleId}:profile`,
  /** JSON feature baseline set by an operator. */
  vehicleBaseline: (prefix: string, vehicleId: string) => `${prefix}:vehicle:${vehicleId}:baseline`,
  /** Hash fault family → open alarm level. */
  vehicleAlarms: (prefix: string, vehicleId: string) => `${prefix}:vehicle:${vehicleId}:alarms`,
  /** Sorted set of vehicle ids of one fleet, scored by last update (ms). */
  fleetVehicles: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:vehicles`,
  /** List of JSON CriticalAlert of one fleet, newest first, capped. */
  criticalAlerts: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:alerts:critical`,
  /** Hash vehicle id → owning fleet id. */
  vehicleOwners: (prefix: string) => `${prefix}:vehicle-owners`,
  /** Hash: one API key's record (hash of the secret, fleet, role, label, revoked). */
  apiKey: (prefix: string, keyId: string) => `${prefix}:apikey:${keyId}`,
  /** Set of the key ids of one fleet. */
  fleetApiKeys: (prefix: string, fleetId: string) => `${prefix}:fleet:${fleetId}:apikeys`,
  /** GCRA bucket: the theoretical arrival time of one rate-limited subject. */
  rateLimit: (prefix: string, bucket: string) => `${prefix}:ratelimit:${bucket}`,
  /** Hash channel → float32 bytes: a window's samples while its workers analyse it (claim check). */
  windowSamples: (prefix: string, messageId: string) => `${prefix}:window:${messageId}`,
  /** Key prefix of one vehicle's window-assembly state (hash-tagged). */
  assembly: (prefix: string, vehicleId: string) => `${prefix}:asm:{${vehicleId}}`,
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
}

type BoundKeyNames = {
  [K in keyof typeof keyNames]: (typeof keyNames)[K] extends (prefix: string, ...rest: infer A) => string ? (...rest: A) => string : never;
};

export interface RedisKeys extends StreamNames, BoundKeyNames {
  prefix: string;
}

/** The registry bound to one prefix and stream names. */
export function redisKeys(space: KeySpace): RedisKeys {
  const { prefix } = space;
  const rawStream = space.rawStream ?? DEFAULT_RAW_STREAM;
  return {
    prefix,
    rawStream,
    resultsStream: space.resultsStream ?? DEFAULT_RESULTS_STREAM,
    deadLetterStream: space.deadLetterStream ?? deadLetterStreamOf(rawStream),
    vehicleState: (id) => keyNames.vehicleState(prefix, id),
    vehicleHistory: (id) => keyNames.vehicleHistory(prefix, id),
    vehicleProfile: (id) => keyNames.vehicleProfile(prefix, id),
    vehicleBaseline: (id) => keyNames.vehicleBaseline(prefix, id),
    vehicleAlarms: (id) => keyNames.vehicleAlarms(prefix, id),
    fleetVehicles: (id) => keyNames.fleetVehicles(prefix, id),
    criticalAlerts: (id) => keyNames.criticalAlerts(prefix, id),
    vehicleOwners: () => keyNames.vehicleOwners(prefix),
    apiKey: (id) => keyNames.apiKey(prefix, id),
    fleetApiKeys: (id) => keyNames.fleetApiKeys(prefix, id),
    rateLimit: (bucket) => keyNames.rateLimit(prefix, bucket),
    windowSamples: (id) => keyNames.windowSamples(prefix, id),
    assembly: (id) => keyNames.assembly(prefix, id),
    dedupe: (kind, id) => keyNames.dedupe(prefix, kind, id),
    stateMarker: () => keyNames.stateMarker(prefix),
  };
}
