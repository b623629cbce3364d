/**
 * Keeps one child process per ProcessSpec alive: spawns moleculer-runner with the spec's service files, restarts a
 * crashed child after an exponential backoff, and stops everything gracefully (SIGTERM, then SIGKILL after a grace
 * period). Node IDs are `<host>-<process name>`, so a restarted process takes its old place in the registry.
 */
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { RestartBackoff, type BackoffOptions } from "./backoff";
import { runnerCommand } from "./runner-command";
import { serviceFile } from "../contracts/service-units";
import type { ProcessSpec, TopologyRow } from "./topology";

export interface SupervisorOptions {
  root: string;
  /** Run compiled JS from dist/ (production) instead of TypeScript through tsx (development). */
  compiled: boolean;
  env: NodeJS.ProcessEnv;
  backoff?: Partial<BackoffOptions>;
  /** SIGTERM → SIGKILL grace; above the broker's tracking.shutdownTimeout (10 s) so in-flight work can finish. */
  graceMs: number;
  log: (line: string) => void;
}

interface Managed {
  spec: ProcessSpec;
  child?: ChildProcess;
  startedAt: number;
  restarts: number;
  backoff: RestartBackoff;
  restartTimer?: NodeJS.Timeout | undefined;
  /** Set when the supervisor itself stops it: no restart. */
  retiring: boolean;
  exited?: Promise<void>;
}

/** The moleculer-runner command of one process: the spec's units as explicit service files (no globs). */
export function specCommand(spec: ProcessSpec, root: string, compiled: boolean): { command: string; args: string[] } {
  const base = compiled ? path.join(root, "dist") : root;
  return runnerCommand({ root, compiled, services: spec.units.map((u) => serviceFile(u, base, compiled)) });
}

/** Environment of one child: its node ID; ports only where they cannot collide (PORT for the api alone). */
export function childEnv(spec: ProcessSpec, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, NODE_ID: `${os.hostname()}-${spec.name}` };
  if (!spec.units.includes("api")) {
    delete out.METRICS_PORT;
    delete out.HEALTH_PORT;
  }
  return out;
}

export class ClusterSupervisor {
  private readonly procs = new Map<string, Managed>();
  private stopping = false;

  constructor(private readonly opts: SupervisorOptions) {}

  specs(): ProcessSpec[] {
    return [...this.procs.values()].filter((m) => !m.retiring).map((m) => m.spec);
  }

  add(spec: ProcessSpec): void {
    if (this.procs.has(spec.name)) throw new Error(`process ${spec.name} exists`);
    const m: Managed = { spec, startedAt: 0, restarts: 0, backoff: new RestartBackoff(this.opts.backoff), retiring: false };
    this.procs.set(spec.name, m);
    this.spawn(m);
  }

  /** Stop one process for good (scale-in). */
  async retire(name: string): Promise<void> {
    const m = this.procs.get(name);
    if (!m) return;
    m.retiring = true;
    if (m.restartTimer) clearTimeout(m.restartTimer);
    await this.terminate(m);
    this.procs.delete(name);
  }

  rows(): TopologyRow[] {
    return [...this.procs.values()].map((m) => ({
      name: m.spec.name,
      units: m.spec.units,
      pid: m.child?.pid,
      status: m.retiring ? "stopping" : m.child && m.child.exitCode === null && m.child.signalCode === null ? "running" : "restarting",
      restarts: m.restarts,
    }));
  }

  private spawn(m: Managed): void {
    const { command, args } = specCommand(m.spec, this.opts.root, this.opts.compiled);
    const child = spawn(command, args, { cwd: this.opts.root, env: childEnv(m.spec, this.opts.env), stdio: ["ignore", "pipe", "pipe"] });
    m.child = child;
    m.startedAt = Date.now();
    const prefix = `[${m.spec.name}] `;
    const relay = (data: Buffer) => {
      for (const line of data.toString().split("\n")) if (line.trim()) this.opts.log(prefix + line);
    };
    child.stdout?.on("data", relay);
    child.stderr?.on("data", relay);
    m.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        resolve();
        if (this.stopping || m.retiring) return;
        const uptime = Date.now() - m.startedAt;
        const delay = m.backoff.nextDelay(uptime);
        this.opts.log(`${prefix}exited (${signal ?? code}) after ${(uptime / 1000).toFixed(1)} s; restart in ${delay} ms`);
        m.restartTimer = setTimeout(() => {
          m.restartTimer = undefined;
          if (this.stopping || m.retiring) return;
          m.restarts++;
          this.spawn(m);
        }, delay);
      });
    });
  }

  private async terminate(m: Managed): Promise<void> {
    const child = m.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const killer = setTimeout(() => {
      this.opts.log(`[${m.spec.name}] still running after ${this.opts.graceMs} ms: SIGKILL`);
      child.kill("SIGKILL");
    }, this.opts.graceMs);
    child.kill("SIGTERM");
    await m.exited;
    clearTimeout(killer);
  }

  /** Graceful stop of every child: SIGTERM, then SIGKILL after the grace period. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const m of this.procs.values()) if (m.restartTimer) clearTimeout(m.restartTimer);
    await Promise.all([...this.procs.values()].map((m) => this.terminate(m)));
  }
}
