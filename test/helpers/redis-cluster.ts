/**
 * A private 3-master Redis Cluster for tests: three redis-server children on free ports (bus ports chosen too), no
 * persistence, in a temp dir; `redis-cli --cluster create` assigns the slots. Never touches the shared server.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../../cli/free-port";
import { waitFor } from "./wait-for";

export class PrivateRedisCluster {
  private constructor(
    readonly ports: readonly number[],
    private readonly children: ChildProcess[],
    private readonly dir: string,
  ) {}

  static installed(): boolean {
    return spawnSync("redis-server", ["--version"]).status === 0 && spawnSync("redis-cli", ["--version"]).status === 0;
  }

  static async start(masters = 3): Promise<PrivateRedisCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-redis-cluster-"));
    const ports: number[] = [];
    const children: ChildProcess[] = [];
    const cluster = new PrivateRedisCluster(ports, children, dir);
    try {
      for (let i = 0; i < masters; i++) {
        const [port, busPort] = [await freePort(), await freePort()];
        ports.push(port);
        // The config's own options, one flag each: a cluster node with no persistence and its own bus port.
        const args = ["--port", port, "--cluster-port", busPort, "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes"];
        args.push("--cluster-config-file", `nodes-${port}.conf`, "--save", "", "--appendonly", "no", "--protected-mode", "no");
        children.push(spawn("redis-server", args.map(String), { stdio: "ignore" }));
      }
      await waitFor(async () => ((await Promise.all(ports.map(ping))).every(Boolean) ? true : undefined), 10_000, "cluster nodes answering");
      const create = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-yes"], {
        encoding: "utf8",
        timeout: 20_000,
      });
      if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
      await waitFor(async () => ((await Promise.all(ports.map(clusterOk))).every(Boolean) ? true : undefined), 15_000, "cluster_state:ok on every node");
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  get nodes(): { host: string; port: number }[] {
    return this.ports.map((port) => ({ host: "127.0.0.1", port }));
  }

  async stop(): Promise<void> {
    const running = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (c) =>
          new Promise((resolve) => {
            c.once("exit", resolve);
            c.kill("SIGTERM");
          }),
      ),
    );
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function withNode<T>(port: number, fn: (r: Redis) => Promise<T>, fallback: T): Promise<T> {
  const r = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => undefined);
  try {
    await r.connect();
    return await fn(r);
  } catch {
    return fallback;
  } finally {
    r.disconnect();
  }
}

const ping = (port: number) => withNode(port, async (r) => (await r.ping()) === "PONG", false);
const clusterOk = (port: number) => withNode(port, async (r) => String(await r.call("CLUSTER", "INFO")).includes("cluster_state:ok"), false);
