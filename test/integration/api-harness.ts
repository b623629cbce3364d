/** An api service (only) in this process on a free port, with its own key prefix and streams, plus key helpers. */
import type { Redis } from "ioredis";
import type { ServiceBroker, ServiceSchema } from "moleculer";
import { ApiKeyStore } from "../../stores/api-keys";
import type { Role } from "../../gateway/roles";
import { createRedis, redisKeys, type RedisKeys } from "../../stores/redis";
import { makeBroker, REDIS_URL } from "./helpers";
import { freePort } from "../../cli/free-port";


export async function loadService(file: string): Promise<ServiceSchema> {
  const mod = (await import(file)) as { default: ServiceSchema & { default?: ServiceSchema } };
  return mod.default.default ?? mod.default;
}

export interface ApiHarness {
  broker: ServiceBroker;
  base: string;
  redis: Redis;
  keys: RedisKeys;
  store: ApiKeyStore;
  key(fleet: string, role: Role): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Env is applied while the service is created (it reads PORT, REDIS_URL, prefix and limits then) and restored after.
 * `redisUrl` is the data Redis of the api; the transporter uses the same unless `transporterUrl` says otherwise.
 */
export async function startApi(tag: string, nodeID: string, env: Record<string, string> = {}, opts: { redisUrl?: string; port?: number } = {}): Promise<ApiHarness> {
  const port = opts.port ?? (await freePort());
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const saved = { ...process.env };
  Object.assign(process.env, {
    REDIS_URL: redisUrl, VTOX_PREFIX: tag, RAW_STREAM: `${tag}:motor_raw_data`, RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
    PORT: String(port), HOST: "127.0.0.1", ...env,
  });
  const broker = makeBroker(tag, nodeID);
  try {
    broker.createService(await loadService("../../services/api.service"));
  } finally {
    process.env = saved;
  }
  await broker.start();
  const redis = createRedis(redisUrl);
  const keys = redisKeys(tag, { rawStream: `${tag}:motor_raw_data`, resultsStream: `${tag}:fault_diagnosis_results` });
  const store = new ApiKeyStore(redis, tag);
  return {
    broker, base: `http://127.0.0.1:${port}`, redis, keys, store,
    key: async (fleet, role) => (await store.create(fleet, role)).key,
    async stop() {
      await broker.stop();
      redis.disconnect();
    },
  };
}

/** Deletes every key of a test prefix (never FLUSHDB: the Redis is shared). */
export async function dropPrefix(redis: Redis, tag: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${tag}*`, "COUNT", 1000);
    cursor = next;
    if (found.length) await redis.del(...found);
  } while (cursor !== "0");
}
