/** An api service (only) in this process on a free port, with its own key prefix and streams, plus key helpers. */
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { ApiKeyStore } from "../../stores/api-keys";
import type { Role } from "../../gateway/roles";
import { createRedis } from "../../stores/redis";
import { redisKeys, type RedisKeys } from "../../contracts/redis-keys";
import { configuredService, makeBroker, REDIS_URL } from "./helpers";
import { deleteByPrefix } from "../helpers/redis-fixture";
import { freePort } from "../../cli/free-port";

export interface ApiHarness {
  broker: ServiceBroker;
  base: string;
  redis: Redis;
  keys: RedisKeys;
  store: ApiKeyStore;
  key(fleet: string, role: Role): Promise<string>;
  stop(): Promise<void>;
}

/** `env` configures the api (over this process's environment). `redisUrl` is the data Redis of the api. */
export async function startApi(
  tag: string,
  nodeID: string,
  env: Record<string, string> = {},
  opts: { redisUrl?: string; port?: number } = {},
): Promise<ApiHarness> {
  const port = opts.port ?? (await freePort());
  const redisUrl = opts.redisUrl ?? REDIS_URL;
  const broker = makeBroker(tag, nodeID);
  broker.createService(
    configuredService("api", {
      REDIS_URL: redisUrl,
      VTOX_PREFIX: tag,
      RAW_STREAM: `${tag}:motor_raw_data`,
      RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
      PORT: String(port),
      HOST: "127.0.0.1",
      ...env,
    }),
  );
  await broker.start();
  const redis = createRedis(redisUrl);
  const keys = redisKeys({ prefix: tag, rawStream: `${tag}:motor_raw_data`, resultsStream: `${tag}:fault_diagnosis_results` });
  const store = new ApiKeyStore(redis, tag);
  return {
    broker,
    base: `http://127.0.0.1:${port}`,
    redis,
    keys,
    store,
    key: async (fleet, role) => (await store.create(fleet, role)).key,
    async stop() {
      await broker.stop();
      redis.disconnect();
    },
  };
}

/** Deletes every key of a test prefix (never FLUSHDB: the Redis is shared). */
export const dropPrefix = (redis: Redis, tag: string): Promise<void> => deleteByPrefix(redis, tag);
