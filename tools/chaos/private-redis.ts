/**
 * A private redis-server for chaos runs, Redis-fault tests and the soak: its own free port and temp dir, AOF with
 * fsync every second (or, with `persistence: "none"`, no file at all), optionally a `maxmemory` with noeviction,
 * never the shared server. `restart()` shuts it down with SHUTDOWN (which fsyncs the AOF
 * when appendonly is on; SHUTDOWN NOSAVE would not matter for AOF but a SIGKILL could lose the last second)
 * and starts it again on the same port and dir, so it reloads the AOF.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../cli/free-port";
import { setTimeout as sleep } from "node:timers/promises";

export function redisServerInstalled(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    sock.setTimeout(500);
    sock.once("connect", () => {
      sock.write("PING\r\n");
    });
    sock.once("data", (d) => {
      sock.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
    const fail = () => {
      sock.destroy();
      resolve(false);
    };
    sock.once("error", fail);
    sock.once("timeout", fail);
  });
}

export interface PrivateRedisOptions {
  /** "aof" (default): AOF, fsync every second, reloaded by restart(); "none": no AOF, no RDB, nothing written. */
  persistence?: "aof" | "none";
  /** e.g. "512mb": maxmemory with maxmemory-policy noeviction (default: no limit). */
  maxmemory?: string;
}

export class PrivateRedis {
  private child: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly opts: PrivateRedisOptions,
  ) {}

  static async start(opts: PrivateRedisOptions = {}): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), "vtox-chaos-redis-")), opts);
    await r.launch();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async launch(): Promise<void> {
    const persistence = this.opts.persistence === "none" ? ["--appendonly", "no"] : ["--appendonly", "yes", "--appendfsync", "everysec"];
    const memory = this.opts.maxmemory ? ["--maxmemory", this.opts.maxmemory, "--maxmemory-policy", "noeviction"] : [];
    this.child = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--dir",
        this.dir,
        ...persistence,
        "--save",
        "",
        ...memory,
        // Sensor windows travel over pub/sub between nodes: a slow subscriber must not be cut at the 32 MB default.
        "--client-output-buffer-limit",
        "pubsub 256mb 128mb 60",
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 10_000;
    while (!(await portAnswers(this.port))) {
      if (Date.now() > deadline) throw new Error(`private redis-server on ${this.port} did not answer within 10 s`);
      await sleep(50);
    }
  }

  /** SHUTDOWN (AOF fsynced), wait for exit; then start on the same port and dir. Returns the ms it was down. */
  async restart(downMs = 0): Promise<{ stoppedAt: number; upAt: number }> {
    await this.stop();
    const stoppedAt = Date.now();
    if (downMs > 0) await sleep(downMs);
    await this.launch();
    return { stoppedAt, upAt: Date.now() };
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const exited = new Promise((r) => child.once("exit", r));
    spawnSync("redis-cli", ["-p", String(this.port), "shutdown"], { stdio: "ignore", timeout: 5000 });
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }

  /** Stops the server and deletes its directory. */
  async destroy(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
