/**
 * Legacy ingest throughput: older producers' 10-row batches sent as single POSTs over keep-alive connections and
 * through the batch endpoint, into an api process, assembled into windows by a coordinator process (with the five
 * workers, so the assembled windows are diagnosed). Reports accepted messages/s, the api's CPU per message (whole
 * process from /proc, main thread and V8 threads), and how long the coordinator took to assemble them all.
 *
 *   npx tsx bench/legacy-ingest.bench.ts [--seconds 10] [--connections 16] [--items 100] [--vehicles 50] [--mode single|batch|both]
 *
 * Everything (processes, Redis keys) is private to the run and removed at the end. The load generator runs in this
 * process, on the same cores: compare modes within one run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { freePort } from "../cli/free-port";
import { encodeLegacyRows } from "../ingest/sensor-data";
import { runnerCommand } from "../launcher/runner-command";
import { makeFleet, nextWindow } from "../simulator/index";
import { ApiKeyStore } from "../stores/api-keys";

const ROOT = path.resolve(__dirname, "..");
const { values: opts } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "16" },
    items: { type: "string", default: "100" },
    vehicles: { type: "string", default: "50" },
    mode: { type: "string", default: "both" },
  },
});
const SECONDS = Number(opts.seconds);
const CONNECTIONS = Number(opts.connections);
const ITEMS = Number(opts.items);
const VEHICLES = Number(opts.vehicles);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const RUN = `legbench${Date.now().toString(36)}`;
const RAW_STREAM = `${RUN}:motor_raw_data`;

/** utime + stime of a whole process (every thread) in seconds, from /proc (USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

/** CPU seconds of a process's main thread only (its task whose id is the pid). */
function mainThreadCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / 100;
}

/** BENCH_CPU_PROF=dir: each process writes a V8 CPU profile there (wall-time sampling: read with care). */
function start(name: string, services: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const profDir = process.env.BENCH_CPU_PROF;
  const nodeOptions = profDir ? ["--cpu-prof", "--cpu-prof-dir", path.join(profDir, name)] : [];
  const { command, args } = runnerCommand({ root: ROOT, services, nodeOptions });
  return spawn(command, args, { cwd: ROOT, env: { ...env, NODE_ID: `${RUN}-${name}` }, stdio: ["ignore", "inherit", "inherit"] });
}

async function waitReady(base: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/ready`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(300);
  }
  throw new Error("api not ready");
}

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });

function post(port: number, pathName: string, key: string, contentType: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: pathName,
        method: "POST",
        agent,
        headers: { authorization: `Bearer ${key}`, "content-type": contentType, "content-length": body.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface LoadResult {
  accepted: number;
  refused: number;
  requests: number;
  wallS: number;
  apiCpuS: number;
  apiMainCpuS: number;
}

async function runLoad(apiPid: number, send: () => Promise<{ accepted: number; refused: number }>): Promise<LoadResult> {
  const cpu0 = cpuSeconds(apiPid);
  const main0 = mainThreadCpuSeconds(apiPid);
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  let accepted = 0;
  let refused = 0;
  let requests = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const r = await send();
        accepted += r.accepted;
        refused += r.refused;
        requests++;
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  return { accepted, refused, requests, wallS, apiCpuS: cpuSeconds(apiPid) - cpu0, apiMainCpuS: mainThreadCpuSeconds(apiPid) - main0 };
}

/** Seconds until the coordinator has read every entry and holds only the unfinished windows' batches. */
async function waitAssembled(redis: Redis, since: number, heldBound: number): Promise<{ seconds: number; pending: number }> {
  for (;;) {
    const groups = (await redis.xinfo("GROUPS", RAW_STREAM)) as unknown[][];
    const g = groups.map((row) => Object.fromEntries(Array.from({ length: row.length / 2 }, (_, i) => [String(row[2 * i]), row[2 * i + 1]])));
    const diag = g.find((x) => x.name === "diagnosis");
    const lag = Number(diag?.lag ?? 1);
    const pending = Number(diag?.pending ?? 0);
    if (lag === 0 && pending <= heldBound) return { seconds: (performance.now() - since) / 1000, pending };
    await sleep(100);
  }
}

function report(name: string, r: LoadResult, assembled: { seconds: number; pending: number }, coordinatorCpuS: number): void {
  const perS = r.accepted / r.wallS;
  console.log(
    `${name}: ${r.accepted} accepted (${r.refused} refused) in ${r.requests} requests over ${r.wallS.toFixed(1)} s → ${perS.toFixed(0)} messages/s accepted; ` +
      `api CPU ${((r.apiCpuS / r.accepted) * 1e6).toFixed(0)} µs/message (main thread ${((r.apiMainCpuS / r.accepted) * 1e6).toFixed(0)}), ` +
      `${(r.apiCpuS / r.wallS).toFixed(2)} cores; all read and assembled after ${assembled.seconds.toFixed(1)} s ` +
      `(${(r.accepted / assembled.seconds).toFixed(0)} messages/s end to end; ${assembled.pending} held in open windows); ` +
      `coordinator + workers CPU ${((coordinatorCpuS / r.accepted) * 1e6).toFixed(0)} µs/message`,
  );
}

async function main(): Promise<void> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL,
    NAMESPACE: RUN,
    VTOX_PREFIX: RUN,
    RAW_STREAM,
    RESULTS_STREAM: `${RUN}:fault_diagnosis_results`,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    INGEST_RATE_LIMIT: "1000000000",
    MALLOC_MMAP_THRESHOLD_: "268435456",
    MALLOC_TRIM_THRESHOLD_: "1073741824",
  };
  const workers = ["fault-turn", "fault-insulation", "fault-bearing", "fault-eccentricity", "fault-broken-bar"].map((s) => `services/${s}.service.ts`);
  const api = start("api", ["services/api.service.ts"], env);
  const coordinator = start("coordinator", ["services/diagnosis.service.ts", ...workers], env);
  const redis = new Redis(REDIS_URL);
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitReady(base);
    const key = (await new ApiKeyStore(redis, RUN).create("benchfleet", "ingest")).key;
    const rows = encodeLegacyRows(
      nextWindow(makeFleet({ vehicles: 1, seed: 1, faultyShare: 0, durationS: 10 / 3000, rateHz: 3000, vibRateHz: 3000 }).vehicles[0], 0),
    );
    const singleBodies = Array.from({ length: VEHICLES }, () => Buffer.from(JSON.stringify({ sensor_data: rows })));
    // Held in open windows at most: every vehicle's batches short of a window (4096 samples = 410 batches of 10 rows).
    const heldBound = VEHICLES * 410;
    let n = 0;
    const apiPid = api.pid as number;
    const coordinatorPid = coordinator.pid as number;
    if (opts.mode !== "batch") {
      const since = performance.now();
      const cpu0 = cpuSeconds(coordinatorPid);
      const r = await runLoad(apiPid, async () => {
        const v = n++ % VEHICLES;
        const res = await post(port, `/api/v1/diagnosis-stream/vehicles/LEG-${v}/data`, key, "application/json", singleBodies[v]);
        return res.status === 202 ? { accepted: 1, refused: 0 } : { accepted: 0, refused: 1 };
      });
      const assembled = await waitAssembled(redis, since, heldBound);
      report("single POSTs (keep-alive)", r, assembled, cpuSeconds(coordinatorPid) - cpu0);
    }
    if (opts.mode !== "single") {
      const lines = Array.from({ length: ITEMS }, (_, i) => JSON.stringify({ vehicle_id: `LEG-${i % VEHICLES}`, sensor_data: rows }));
      const body = Buffer.from(lines.join("\n"));
      const since = performance.now();
      const cpu0 = cpuSeconds(coordinatorPid);
      const r = await runLoad(apiPid, async () => {
        const res = await post(port, "/api/v1/diagnosis-stream/batches", key, "application/x-ndjson", body);
        if (res.status !== 200) return { accepted: 0, refused: ITEMS };
        const answer = JSON.parse(res.text) as { accepted: number; rejected: number };
        return { accepted: answer.accepted, refused: answer.rejected };
      });
      const assembled = await waitAssembled(redis, since, heldBound);
      report(`batch endpoint (${ITEMS} items/request, NDJSON)`, r, assembled, cpuSeconds(coordinatorPid) - cpu0);
    }
  } finally {
    api.kill("SIGTERM");
    coordinator.kill("SIGTERM");
    await sleep(1500);
    let cursor = "0";
    do {
      const [next, found] = await redis.scan(cursor, "MATCH", `${RUN}*`, "COUNT", 1000);
      cursor = next;
      if (found.length) await redis.unlink(...found);
    } while (cursor !== "0");
    redis.disconnect();
    agent.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
