/**
 * `npm start`: the whole cluster on this machine plus a simulated fleet, then prints where to look.
 * 1. Redis at REDIS_URL; if none answers and `redis-server` is installed, a private one on a free port: no AOF, no
 *    RDB (nothing is written to disk; its empty temp dir is removed on exit), maxmemory 3gb with noeviction
 *    (the demo fleet's 10 windows/s settle near 1.3 GB, 2.0 GB after a day: README "Retention and sizing");
 *    otherwise it says what to install.
 * 2. A demo fleet with an ingest key (for the feeder) and an operator key (for you), printed once.
 * 3. Three moleculer-runner processes: api, coordinator (diagnosis, monitor) and workers (the five fault.*):
 *    HTTP, coordination and analysis each cost about a third of a window's CPU (npm run bench, README "Performance").
 * 4. The feeder (tools/feed-fleet.ts) once /ready answers.
 * Ctrl-C stops everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApiKeyStore } from "../stores/api-keys";
import { createRedis } from "../stores/redis";
import { loadConfigOrExit } from "../config";
import { freePort } from "../cli/free-port";
import { runnerCommand } from "../launcher/runner-command";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCommandLine } from "../cli/args";

parseCommandLine("start", "npm start (no options: REDIS_URL, PORT, NAMESPACE and LOG_LEVEL from the environment)", { options: {} });

const root = path.resolve(__dirname, "..");
const children: ChildProcess[] = [];
const env: NodeJS.ProcessEnv = { ...process.env };
env.REDIS_URL ??= "redis://localhost:6379";
env.NAMESPACE ??= "vtox";
env.PORT ??= "8000";
// The demo prints where to look; broker INFO lines would bury it. LOG_LEVEL=info brings them back.
env.LOG_LEVEL ??= "warn";
// Large payload buffers: glibc's default mmap threshold makes 10–100 KB allocations 2–3× slower (docs/performance.md).
env.MALLOC_MMAP_THRESHOLD_ ??= "268435456";
env.MALLOC_TRIM_THRESHOLD_ ??= "1073741824";

async function redisAnswers(url: string): Promise<boolean> {
  const r = createRedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, ioredis: { retryStrategy: () => null, connectTimeout: 1000 } });
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

async function ensureRedis(): Promise<void> {
  if (await redisAnswers(env.REDIS_URL!)) return;
  if (spawnSync("redis-server", ["--version"]).status !== 0) {
    console.error(`No Redis answers at ${env.REDIS_URL} and redis-server is not installed.
Install Redis 7 (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) or set REDIS_URL.`);
    process.exit(1);
  }
  const port = await freePort();
  // A demo's Redis: in memory only. Before, it ran with AOF in a temp dir that was never removed (GBs per run left in
  // /tmp). Now no AOF and no RDB snapshot, so nothing is written; the dir (redis-server's cwd) is removed on exit.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-redis-"));
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.on("exit", removeDir);
  const redis = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "no", "--save", "", "--maxmemory", "3gb", "--maxmemory-policy", "noeviction"],
    { stdio: "ignore" },
  );
  redis.once("exit", removeDir);
  children.push(redis);
  env.REDIS_URL = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50 && !(await redisAnswers(env.REDIS_URL)); i++) await sleep(100);
  console.log(`Started a private in-memory Redis on ${env.REDIS_URL} (no persistence, maxmemory 3gb; gone when npm start stops)`);
}

function runner(name: string, services: string[]): ChildProcess {
  const { command, args } = runnerCommand({ root, services });
  const child = spawn(command, args, { cwd: root, env: { ...env, NODE_ID: `${os.hostname()}-${name}` }, stdio: ["ignore", "inherit", "inherit"] });
  children.push(child);
  child.on("exit", (code, signal) => {
    if (!stopping) console.error(`${name} exited (${signal ?? code})`);
  });
  return child;
}

async function waitReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).status === 200) return true;
    } catch {
      /* not listening yet */
    }
    await sleep(300);
  }
  return false;
}

let stopping = false;
function stopAll(): void {
  if (stopping) return;
  stopping = true;
  // Reverse order: feeder, services, then Redis last.
  for (const c of [...children].reverse()) if (c.exitCode === null) c.kill("SIGTERM");
  setTimeout(() => process.exit(0), 12_000).unref();
}

async function main(): Promise<void> {
  await ensureRedis();
  // Every child parses the same environment; a bad value stops the demo here, with one line per problem.
  const config = loadConfigOrExit(env);
  const redis = createRedis(config.redis.url);
  const keys = new ApiKeyStore(redis, config.redis.prefix);
  const fleetId = env.DEMO_FLEET ?? "demo";
  const ingest = await keys.create(fleetId, "ingest", "npm start feeder");
  const operator = await keys.create(fleetId, "operator", "npm start operator");
  await redis.quit();

  process.on("SIGINT", stopAll);
  process.on("SIGTERM", stopAll);
  // Three processes even on two cores: api, coordinator and workers each take about a third of a window's CPU, and the
  // OS balances three busy processes better than two unequal ones (npm run bench: 68 vs 49 windows/s, README).
  runner("api", ["services/api.service.ts"]);
  runner("coordinator", ["services/diagnosis.service.ts", "services/monitor.service.ts"]);
  runner("workers", [
    "services/fault-turn.service.ts",
    "services/fault-insulation.service.ts",
    "services/fault-bearing.service.ts",
    "services/fault-eccentricity.service.ts",
    "services/fault-broken-bar.service.ts",
  ]);

  const base = `http://127.0.0.1:${env.PORT}`;
  if (!(await waitReady(`${base}/ready`, 60_000))) console.error(`${base}/ready did not answer 200 within 60 s; see the logs above`);
  const feeder = spawn(process.execPath, ["--import", "tsx", "tools/feed-fleet.ts"], {
    cwd: root,
    env: { ...env, API_URL: base, VTOX_INGEST_KEY: ingest.key, VTOX_OPERATOR_KEY: operator.key },
    stdio: ["ignore", "inherit", "inherit"],
  });
  children.push(feeder);

  console.log(`
VTOX is running (namespace ${env.NAMESPACE}, Redis ${env.REDIS_URL}).
Demo fleet "${fleetId}" — keys are shown once:
  operator key: ${operator.key}
  ingest key:   ${ingest.key}   (used by the simulated fleet)

  Dashboard:   ${base}/   (paste the operator key)
  REST:        curl -H "Authorization: Bearer ${operator.key}" ${base}/api/v1/diagnosis-stream/fleet/overview
               curl -H "Authorization: Bearer ${operator.key}" ${base}/api/v1/diagnosis-stream/vehicles/SIM-0001/health
               curl -H "Authorization: Bearer ${operator.key}" ${base}/api/v1/cluster/status
  Socket.IO:   io("${base}", { auth: { token: "<operator key>" } }); socket.emit("subscribe", "SIM-0001"); events diagnosis, health, alarm
  REPL:        REDIS_URL=${env.REDIS_URL} NAMESPACE=${env.NAMESPACE} npm run repl   →  call diagnosis.submit --load examples/window.json
  Probes:      ${base}/live  ${base}/ready    Metrics: curl -H "Authorization: Bearer ${operator.key}" ${base}/metrics
Ctrl-C stops everything.`);
}

main().catch((err: unknown) => {
  console.error(err);
  stopAll();
});
