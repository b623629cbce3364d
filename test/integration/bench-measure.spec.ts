/**
 * The cluster bench's measuring tools against the real things: a node:http server answering pipelined requests,
 * a Node process with the GC preload, a cgroup CPU limit (when this machine lets us create one), and Redis.
 */
import { expect } from "chai";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import type { AddressInfo } from "node:net";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { PipelinedHttpClient, postHead } from "../../bench/cluster/http-pipeline";
import { GC_OBSERVER, gcDelta, gcSnapshot } from "../../bench/cluster/gc-stats";
import { CpuQuota } from "../../bench/cluster/cpu-quota";
import { backlog, findRawStreams } from "../../bench/cluster/backlog";
import { redisCounters, redisTraffic } from "../../bench/cluster/redis-stats";
import { deleteByPrefix, testRedis, uniquePrefix } from "../helpers/redis-fixture";

describe("bench/cluster measuring tools", function () {
  this.timeout(30_000);

  it("the pipelined client: answers come back in order, several requests share a connection", async () => {
    const connections = new Set<unknown>();
    const server = http.createServer((req, res) => {
      connections.add(req.socket);
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // Answer later for earlier requests: order must still hold on one connection.
        const n = Number(Buffer.concat(chunks).toString());
        setTimeout(() => res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ n })), (50 - n) % 7);
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const client = new PipelinedHttpClient("127.0.0.1", port, { connections: 2, depth: 8 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, n) => {
          const body = Buffer.from(String(n));
          return client.request(postHead(`127.0.0.1:${port}`, "/x", "text/plain", body.length, "Bearer t"), body);
        }),
      );
      expect(answers.map((a) => a.status)).to.deep.equal(Array(50).fill(202));
      expect(answers.map((a) => (JSON.parse(a.body.toString()) as { n: number }).n)).to.deep.equal(Array.from({ length: 50 }, (_, n) => n));
      expect(connections.size).to.be.within(1, 2);
    } finally {
      client.close();
      server.closeAllConnections();
      server.close();
    }
  });

  it("the GC preload: a process that allocates reports its GC pauses when asked", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "vtox-gc-test-"));
    const script = "setInterval(() => { const a = []; for (let i = 0; i < 2e5; i++) a.push({ i }); globalThis.keep = a.length; }, 5);";
    const child = spawn(process.execPath, ["--import", GC_OBSERVER, "-e", script], { env: { ...process.env, BENCH_GC_DIR: dir }, stdio: "ignore" });
    try {
      await sleep(500);
      const [first] = await gcSnapshot(dir, [child.pid ?? 0]);
      await sleep(700);
      const [second] = await gcSnapshot(dir, [child.pid ?? 0]);
      const d = gcDelta(first, second);
      expect(d).to.exist;
      expect(d!.count).to.be.greaterThan(0);
      expect(d!.ms).to.be.greaterThan(0);
      expect(d!.byKind.minor ?? 0).to.be.greaterThan(0);
    } finally {
      child.kill();
      await once(child, "exit").catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("--cpu-quota: a busy process in its cgroup gets about its share of a core, and the group is removed after", async function () {
    let quota: CpuQuota;
    try {
      quota = CpuQuota.create(0.2);
    } catch (err) {
      // Not Linux, not root, or no cpu controller: nothing to limit with on this machine.
      console.log(`      (skipped: ${(err as Error).message})`);
      this.skip();
    }
    const busy = "const t = Date.now(); while (Date.now() - t < 1500); const u = process.cpuUsage(); console.log((u.user + u.system) / 1e6);";
    const { command, args } = quota.wrap("quota-test", process.execPath, ["-e", busy]);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await once(child, "exit");
    const cpuS = Number(out.trim());
    // 1.5 s of wall time at 0.2 core: about 0.3 s of CPU (node's own start-up is inside the group too).
    expect(cpuS).to.be.greaterThan(0).and.below(0.6);
    expect(quota.remove()).to.deep.equal([]);
  });

  it("Redis figures: backlog of a raw stream's groups (lag + pending) and INFO deltas", async () => {
    const redis = testRedis();
    const prefix = uniquePrefix("bench");
    const stream = `${prefix}:motor_raw_data`;
    try {
      const before = await redisCounters(redis);
      for (let i = 0; i < 5; i++) await redis.xadd(stream, "*", "n", String(i));
      await redis.xgroup("CREATE", stream, "diagnosis", "0");
      await redis.xreadgroup("GROUP", "diagnosis", "c1", "COUNT", 2, "STREAMS", stream, ">");
      expect(await findRawStreams(redis, stream)).to.deep.equal([stream]);
      const b = await backlog(redis, [stream], 1);
      expect(b).to.deep.equal({ t: 1, lag: 3, pending: 2 });
      const t = redisTraffic(before, await redisCounters(redis));
      expect(t.commands).to.be.at.least(7);
      expect(t.netInputBytes).to.be.greaterThan(0);
      expect(t.topCommands.map((c) => c.command)).to.include("xadd");
    } finally {
      await deleteByPrefix(redis, prefix);
      await redis.quit();
    }
  });
});
