/**
 * Cluster nodes as child processes (moleculer-runner under tsx; production runs the compiled tree the same way), each with its own log file,
 * so a chaos run can SIGKILL one by name and start it again with the same environment.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runnerCommand } from "../../launcher/runner-command";

export type NodeKind = "coordinator" | "worker" | "api";

export interface NodeSpec {
  /** Also the Moleculer nodeID, so the stream consumer's name (nodeID:service) identifies it. */
  name: string;
  kind: NodeKind;
  services: string[];
  env: NodeJS.ProcessEnv;
  /** HTTP port of an api node. */
  port?: number;
}

export interface NodeEvent {
  name: string;
  at: number;
  what: "started" | "killed" | "exited";
  detail?: string;
}

export class NodeSet {
  private readonly children = new Map<string, ChildProcess>();
  readonly events: NodeEvent[] = [];
  private stopping = false;

  constructor(
    private readonly root: string,
    private readonly logDir: string,
    readonly specs: readonly NodeSpec[],
  ) {}

  startAll(): void {
    for (const spec of this.specs) this.start(spec.name);
  }

  start(name: string): void {
    const spec = this.spec(name);
    const log = fs.openSync(path.join(this.logDir, `${name}.log`), "a");
    const { command, args } = runnerCommand({ root: this.root, services: spec.services });
    const child = spawn(command, args, {
      cwd: this.root,
      env: { ...process.env, ...spec.env, NODE_ID: name, ...(spec.port ? { PORT: String(spec.port), HOST: "127.0.0.1" } : {}) },
      stdio: ["ignore", log, log],
    });
    fs.closeSync(log);
    this.children.set(name, child);
    this.events.push({ name, at: Date.now(), what: "started" });
    child.once("exit", (code, signal) => {
      if (this.children.get(name) === child) this.children.delete(name);
      if (signal !== "SIGKILL" && !this.stopping) this.events.push({ name, at: Date.now(), what: "exited", detail: `${signal ?? code}` });
    });
  }

  /** SIGKILL, wait for the exit. */
  async kill(name: string): Promise<number> {
    const child = this.children.get(name);
    if (!child) throw new Error(`${name} is not running`);
    const exited = new Promise((r) => child.once("exit", r));
    const at = Date.now();
    child.kill("SIGKILL");
    this.events.push({ name, at, what: "killed" });
    await exited;
    return at;
  }

  isRunning(name: string): boolean {
    return this.children.has(name);
  }

  spec(name: string): NodeSpec {
    const spec = this.specs.find((s) => s.name === name);
    if (!spec) throw new Error(`unknown node ${name}`);
    return spec;
  }

  /** SIGTERM everything (graceful), SIGKILL what is still there after `graceMs`. */
  async stopAll(graceMs = 12_000): Promise<void> {
    this.stopping = true;
    const all = [...this.children.values()];
    await Promise.all(
      all.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill("SIGKILL"), graceMs);
            c.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill("SIGTERM");
          }),
      ),
    );
    this.children.clear();
  }
}
