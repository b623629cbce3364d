/**
 * Redis restarts under a running cluster (a PRIVATE redis-server on its own port, AOF on; the shared 6379 is never
 * touched): while Redis is down, ingest answers 503 quickly and /ready 503; after it returns everything resumes by
 * itself, each window is diagnosed exactly once, and the number of Redis connections does not grow (moleculer#1363).
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Redis } from "ioredis";
import { ServiceBroker } from "moleculer";
import { loadConfig } from "../../config";
import { brokerConfig } from "../../moleculer.config";
import { encodeCompact } from "../../ingest/sensor-data";
import { ApiKeyStore } from "../../stores/api-keys";
import { indexResults } from "../../tools/chaos/audit";
import { FAULT_TYPES } from "../../contracts/families";
import { NodeSet } from "../../tools/chaos/node-processes";
import { freePort } from "../../cli/free-port";
import { PrivateRedis, redisServerInstalled } from "../../tools/chaos/private-redis";
import { createRedis } from "../../stores/redis";
import { redisKeys } from "../../contracts/redis-keys";
import { makeFleet, nextWindow } from "../../simulator/index";
import { configuredService, uniqueName } from "./helpers";
import { waitFor } from "../helpers/wait-for";
import { setTimeout as sleep } from "node:timers/promises";

/** CLIENT LIST grouped by connection name ("(unnamed)" for Moleculer's transporter clients), the observer excluded. */
async function connectionsByName(redis: Redis): Promise<Record<string, number>> {
  const list = String(await redis.client("LIST"));
  const out: Record<string, number> = {};
  for (const line of list.split("\n")) {
    if (!line.trim()) continue;
    const name = /\bname=(\S*)/.exec(line)?.[1] ?? "";
    if (name === "redis-restart-observer") continue;
    const key = name === "" ? "(unnamed)" : name.replace(/[0-9a-f]{8}/g, "*");
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);

describe("Redis restarts: 503 while down, resume alone, exactly once, no connection leak", function () {
  this.timeout(120_000);
  const tag = uniqueName("rr");
  let server: PrivateRedis;
  let gateway: ServiceBroker;
  let children: NodeSet;
  let logDir = "";
  let redis: Redis;
  let base: string;
  let ingestKey: string;
  const keys = redisKeys({ prefix: tag, rawStream: `${tag}:motor_raw_data`, resultsStream: `${tag}:fault_diagnosis_results` });
  const sd = encodeCompact(nextWindow(makeFleet({ vehicles: 1, seed: 9, faultyShare: 0, durationS: 0.25, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0));
  const accepted: string[] = [];

  before(async function () {
    if (!redisServerInstalled()) this.skip();
    server = await PrivateRedis.start();
    const port = await freePort();
    const env = {
      REDIS_URL: server.url,
      VTOX_PREFIX: tag,
      RAW_STREAM: keys.rawStream,
      RESULTS_STREAM: keys.resultsStream,
      PORT: String(port),
      HOST: "127.0.0.1",
      DIAGNOSIS_CLAIM_IDLE_MS: "1000",
      INGEST_RATE_LIMIT: "1000",
      INGEST_VEHICLE_RATE_LIMIT: "1000",
    };
    base = `http://127.0.0.1:${port}`;
    // The production broker config (its transporter included) on the private Redis: the api in this process, the
    // coordinator and the five workers in a moleculer-runner child process.
    gateway = new ServiceBroker(
      brokerConfig(loadConfig({ ...process.env, ...env, NAMESPACE: tag, NODE_ID: "rr-gateway", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "fatal" })),
    );
    gateway.createService(configuredService("api", env));
    logDir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-rr-logs-"));
    children = new NodeSet(path.resolve(__dirname, "../.."), logDir, [
      {
        name: "rr-pipeline",
        kind: "worker",
        services: [
          "services/diagnosis.service.ts",
          ...["turn", "insulation", "bearing", "eccentricity", "broken-bar"].map((f) => `services/fault-${f}.service.ts`),
        ],
        env: { ...process.env, ...env, NAMESPACE: tag, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn" },
      },
    ]);
    children.startAll();
    await gateway.start();
    redis = createRedis(server.url, { connectionName: "redis-restart-observer", maxRetriesPerRequest: 5 });
    ingestKey = (await new ApiKeyStore(redis, tag).create("fleetR", "ingest")).key;
    await waitFor(async () => (await fetch(`${base}/ready`)).status === 200 || undefined, 60_000, "ready");
  });

  after(async () => {
    await Promise.all([gateway?.stop(), children?.stopAll()]);
    if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
    redis?.disconnect();
    await server?.destroy();
  });

  async function post(i: number): Promise<Response> {
    return fetch(`${base}/api/v1/diagnosis-stream/vehicles/EV-RR-${i % 3}/data`, {
      method: "POST",
      headers: { authorization: `Bearer ${ingestKey}`, "content-type": "application/json", "idempotency-key": `w${i}` },
      body: JSON.stringify({ sensor_data: sd }),
      signal: AbortSignal.timeout(10_000),
    });
  }

  it("survives three restarts: 503 fast while down, resumes alone, results exactly once, connections stable", async () => {
    let seq = 0;
    for (let i = 0; i < 3; i++) {
      const res = await post(seq++);
      expect(res.status).to.equal(202);
      accepted.push(((await res.json()) as { message_id: string }).message_id);
    }
    await waitFor(
      async () => {
        const ix = await indexResults(redis, keys);
        return accepted.every((id) => ix.counts.get(id)?.size === 5) || undefined;
      },
      30_000,
      "first windows",
    );
    const before = await connectionsByName(redis);
    const downTimes: number[] = [];
    const resumeTimes: number[] = [];
    for (let round = 0; round < 3; round++) {
      await server.stop();
      const t0 = Date.now();
      const res = await post(seq++);
      downTimes.push(Date.now() - t0);
      expect(res.status, "ingest while Redis is down").to.equal(503);
      const body = (await res.json()) as { error: string };
      expect(body.error).to.equal("service_unavailable");
      expect((await fetch(`${base}/ready`)).status, "/ready while Redis is down").to.equal(503);
      await sleep(500); // the point: Redis stays down for a while (clients retry against a closed port)
      const { restartedAt } = await server.restart().then(() => ({ restartedAt: Date.now() }));
      await waitFor(async () => (await fetch(`${base}/ready`)).status === 200 || undefined, 30_000, "ready again");
      // The client retries the window it could not deliver, with the same Idempotency-Key.
      for (let i = 0; i < 3; i++) {
        const again = await waitFor(
          async () => {
            const r = await post(seq - 1 + i);
            return r.status === 202 ? r : undefined;
          },
          20_000,
          "ingest accepted again",
        );
        accepted.push(((await again.json()) as { message_id: string }).message_id);
      }
      seq += 2;
      await waitFor(
        async () => {
          const ix = await indexResults(redis, keys);
          return accepted.every((id) => ix.counts.get(id)?.size === 5) || undefined;
        },
        30_000,
        "windows after the restart",
      );
      resumeTimes.push(Date.now() - restartedAt);
    }
    // Late reconnects may still be closing their old connections: wait until the count is back (or report it).
    await waitFor(
      async () => total(await connectionsByName(redis)) <= total(before) || undefined,
      10_000,
      async () => `connections back to ${total(before)}: ${JSON.stringify(await connectionsByName(redis))}`,
    );
    const after = await connectionsByName(redis);
    const ix = await indexResults(redis, keys);
    for (const id of accepted) for (const f of FAULT_TYPES) expect(ix.counts.get(id)?.get(f), `${id} ${f}`).to.equal(1);
    expect(new Set(accepted).size).to.equal(accepted.length);
    console.log(
      `      ingest answered 503 in ${downTimes.join(" / ")} ms while Redis was down; results flowed again ${resumeTimes.join(" / ")} ms after each restart`,
    );
    console.log(`      Redis connections before: ${JSON.stringify(before)} (${total(before)}); after 3 restarts: ${JSON.stringify(after)} (${total(after)})`);
    for (const t of downTimes) expect(t).to.be.below(5000);
    expect(total(after), "connections after the restarts").to.be.at.most(total(before));
  });
});
