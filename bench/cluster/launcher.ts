/**
 * The cluster launcher shared by `npm run bench` (bench/cluster.bench.ts) and `npm run soak` (bench/soak.ts):
 * moleculer-runner processes with one environment, the load generator (bench/cluster/load-generator.ts) as a child
 * process, readiness, and an ordered stop (load generator, then api/coordinator, then workers: no calls into the void).
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Redis } from "ioredis";
import { runnerCommand } from "../../launcher/runner-command";
import type { LoadConfig, LoadReport } from "./load-generator";
import { setTimeout as sleep } from "node:timers/promises";

export const ROOT = path.resolve(__dirname, "../..");
export const WORKER_SERVICES = ["fault-turn", "fault-insulation", "fault-bearing", "fault-eccentricity", "fault-broken-bar"].map(
  (s) => `services/${s}.service.ts`,
);

export interface ProcessInfo {
  name: string;
  child: ChildProcess;
}

/** How the bench runs a runner beyond the defaults: another checkout, preloads, a CPU limit. */
export interface RunnerPlacement {
  /** Checkout whose services run (`--tree`): its node_modules, moleculer.config.ts and services/ (default: this one). */
  root?: string;
  /** Extra node options, e.g. ["--import", GC_OBSERVER]. */
  nodeOptions?: readonly string[];
  /** Wraps the command, e.g. to join a cgroup first (bench/cluster/cpu-quota.ts). */
  wrap?: (name: string, command: string, args: readonly string[]) => { command: string; args: string[] };
}

/** Starts one moleculer-runner (node id `${nodeIdPrefix}-${name}`) and records it in `processes`. */
export function startRunner(
  processes: ProcessInfo[],
  nodeIdPrefix: string,
  name: string,
  services: string[],
  env: NodeJS.ProcessEnv,
  profDir?: string,
  placement: RunnerPlacement = {},
): ChildProcess {
  const root = placement.root ?? ROOT;
  const nodeOptions = [...(placement.nodeOptions ?? []), ...(profDir ? ["--cpu-prof", "--cpu-prof-dir", path.join(profDir, name)] : [])];
  const runner = runnerCommand({ root, services, nodeOptions });
  const { command, args } = placement.wrap ? placement.wrap(name, runner.command, runner.args) : runner;
  const child = spawn(command, args, { cwd: root, env: { ...env, NODE_ID: `${nodeIdPrefix}-${name}` }, stdio: ["ignore", "inherit", "inherit"] });
  processes.push({ name, child });
  return child;
}

export async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/ready`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await sleep(300);
  }
  throw new Error(`${url}/ready did not answer 200 within ${timeoutMs} ms`);
}

export async function redisInfo(redis: Redis, section: string, field: string): Promise<number> {
  const text = await redis.info(section);
  const m = new RegExp(`^${field}:(\\S+)`, "m").exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

function stopOne(p: ProcessInfo): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      p.child.kill("SIGKILL");
      resolve();
    }, 15_000);
    p.child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    p.child.kill("SIGTERM");
  });
}

/** Load generator first, then the consumers of the workers (api, diagnosis), then the workers. */
export async function stopAll(processes: ProcessInfo[]): Promise<void> {
  const isWorker = (p: ProcessInfo) => p.name.startsWith("workers");
  await Promise.all(processes.filter((p) => p.name === "loadgen").map(stopOne));
  await Promise.all(processes.filter((p) => p.name !== "loadgen" && !isWorker(p)).map(stopOne));
  await Promise.all(processes.filter(isWorker).map(stopOne));
}

export interface LoadGenerator {
  child: ChildProcess;
  /** Resolves when the pools are built and it waits for go(). */
  ready: Promise<void>;
  go(): void;
  /** Resolves with its report when it has sent everything (and waited for the replies). */
  report: Promise<LoadReport | undefined>;
}

/** Forks the load generator with `cfg`; accepted message ids and their send times go to `onIds`. */
export function forkLoadGenerator(processes: ProcessInfo[], cfg: LoadConfig, env: NodeJS.ProcessEnv, onIds?: (ids: [string, number][]) => void): LoadGenerator {
  const child = fork(path.join(__dirname, "load-generator.ts"), [], {
    execArgv: ["--import", "tsx"],
    env: { ...env, BENCH_LOAD: JSON.stringify(cfg) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  processes.push({ name: "loadgen", child });
  let report: LoadReport | undefined;
  const ready = new Promise<void>((resolve) =>
    child.on("message", (m: unknown) => {
      if (m === "ready") resolve();
      else if (m && typeof m === "object" && "ids" in m) onIds?.((m as { ids: [string, number][] }).ids);
      else if (m && typeof m === "object" && "done" in m) report = (m as { done: LoadReport }).done;
    }),
  );
  const exited = new Promise<LoadReport | undefined>((resolve) => child.once("exit", () => resolve(report)));
  return { child, ready, go: () => child.send("go"), report: exited };
}
