import { expect } from "chai";
import { decode } from "cbor-x";
import { parseStatLine, threadCpu, threadCpuDelta } from "../../../bench/cluster/proc-stats";
import { parseCommandStats, parseInfoField, redisTraffic } from "../../../bench/cluster/redis-stats";
import { judgeBacklog, type BacklogSample } from "../../../bench/cluster/backlog";
import { median, medianOf } from "../../../bench/cluster/median";
import { ownCgroupPath, quotaFiles } from "../../../bench/cluster/cpu-quota";
import { acceptedItems } from "../../../bench/cluster/legacy-batch";
import { parseResponse } from "../../../bench/cluster/http-pipeline";
import { buildBodyPools } from "../../../bench/cluster/bodies";

describe("bench/cluster figures", () => {
  it("parseStatLine: utime + stime in seconds, a command name with spaces and parentheses", () => {
    const line = "1234 (V8 (Default) Worker) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 12";
    expect(parseStatLine(line)).to.deep.equal({ name: "V8 (Default) Worker", cpuS: 3 });
  });

  it("threadCpu of this process: the main thread is part of the total, and time only moves forward", () => {
    const a = threadCpu(process.pid);
    let x = 0;
    for (let i = 0; i < 3e7; i++) x += Math.sqrt(i);
    const b = threadCpu(process.pid);
    expect(x).to.be.greaterThan(0);
    expect(a && b).to.exist;
    const d = threadCpuDelta(a!, b!);
    expect(d.mainS).to.be.at.least(0);
    expect(d.backgroundS).to.be.at.least(0);
    expect(b!.mainS).to.be.at.most(b!.totalS);
  });

  it("INFO parsing: a field, and commandstats deltas ranked by calls", () => {
    expect(parseInfoField("# Stats\r\ntotal_net_input_bytes:1234\r\n", "total_net_input_bytes")).to.equal(1234);
    const a = parseCommandStats("cmdstat_xadd:calls=10,usec=100,usec_per_call=10.00\r\ncmdstat_get:calls=5,usec=5,usec_per_call=1.00\r\n");
    const b = parseCommandStats(
      "cmdstat_xadd:calls=30,usec=400,usec_per_call=13.33\r\ncmdstat_get:calls=6,usec=6,usec_per_call=1.00\r\ncmdstat_evalsha:calls=4,usec=40\r\n",
    );
    const t = redisTraffic(
      { netInputBytes: 0, netOutputBytes: 0, commands: 15, commandStats: a },
      { netInputBytes: 9, netOutputBytes: 3, commands: 40, commandStats: b },
    );
    expect(t.commands).to.equal(25);
    expect(t.topCommands).to.deep.equal([
      { command: "xadd", calls: 20, usec: 300 },
      { command: "evalsha", calls: 4, usec: 40 },
      { command: "get", calls: 1, usec: 1 },
    ]);
  });

  it("judgeBacklog: a backlog that climbs is growing; one that wobbles around its level is not", () => {
    const climbing: BacklogSample[] = Array.from({ length: 20 }, (_, i) => ({ t: i, lag: i * 30, pending: 32 }));
    const wobbling: BacklogSample[] = Array.from({ length: 20 }, (_, i) => ({ t: i, lag: i % 2 ? 40 : 5, pending: 32 }));
    const grown = judgeBacklog(climbing, 60, 19);
    expect(grown.growing).to.equal(true);
    expect(grown.slopePerS).to.be.closeTo(30, 1e-9);
    expect(judgeBacklog(wobbling, 60, 19).growing).to.equal(false);
    expect(judgeBacklog([{ t: 0, lag: null, pending: 0 }], 60, 19).growing).to.equal(null);
  });

  it("medianOf: figure by figure, process rows matched by name whatever their order", () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1])).to.equal(2.5);
    const r1 = {
      rate: 100,
      processes: [
        { process: "api", ms: 2 },
        { process: "workers", ms: 6 },
      ],
      verdict: "ok",
      lag: null,
    };
    const r2 = {
      rate: 120,
      processes: [
        { process: "workers", ms: 8 },
        { process: "api", ms: 4 },
      ],
      verdict: "ok",
      lag: 7,
    };
    expect(medianOf([r1, r2])).to.deep.equal({
      rate: 110,
      processes: [
        { process: "api", ms: 3 },
        { process: "workers", ms: 7 },
      ],
      verdict: "ok",
      lag: 7,
    });
  });

  it("cgroups: the own path per hierarchy and the limit files for 0.25 core", () => {
    const self = "12:cpu,cpuacct:/docker/abc\n4:memory:/x\n0::/user.slice\n";
    expect(ownCgroupPath(self, "v1")).to.equal("/docker/abc");
    expect(ownCgroupPath(self, "v2")).to.equal("/user.slice");
    expect(quotaFiles("v2", 0.25)).to.deep.equal([["cpu.max", "25000 100000"]]);
    expect(quotaFiles("v1", 0.25)).to.deep.equal([
      ["cpu.cfs_period_us", "100000"],
      ["cpu.cfs_quota_us", "25000"],
    ]);
  });

  it("batch answers: per-item statuses counted; a refused request counts none", () => {
    const body = (x: unknown) => Buffer.from(JSON.stringify(x));
    expect(acceptedItems(207, body([{ status: 202 }, { status: 400, error: "x" }, { status: 202 }]), 3)).to.equal(2);
    expect(acceptedItems(200, body({ items: [{ message_id: "1-0" }, { error: "bad" }] }), 2)).to.equal(1);
    expect(acceptedItems(202, body({ accepted: 10 }), 10)).to.equal(10);
    expect(acceptedItems(404, body({ error: "not found" }), 10)).to.equal(0);
  });

  it("parseResponse: Content-Length and chunked answers, and undefined until an answer is complete", () => {
    const fixed = Buffer.from('HTTP/1.1 202 Accepted\r\nContent-Length: 7\r\n\r\n{"a":1}HTTP/1.1');
    const p = parseResponse(fixed);
    expect(p?.answer.status).to.equal(202);
    expect(p?.answer.body.toString()).to.equal('{"a":1}');
    expect(fixed.subarray(p!.used).toString()).to.equal("HTTP/1.1");
    const chunked = Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
    expect(parseResponse(chunked)?.answer.body.toString()).to.equal("abcde");
    expect(parseResponse(chunked.subarray(0, chunked.length - 3))).to.equal(undefined);
    expect(parseResponse(Buffer.from("HTTP/1.1 202 Accepted\r\nContent-Length: 7\r\n\r\n{"))).to.equal(undefined);
  });

  it("the CBOR window: the standard window's channels as Float32Array and its scalars, application/cbor", () => {
    const { contentType, pools } = buildBodyPools({
      shape: "cbor",
      windowS: 1,
      rateHz: 8192,
      poolPerVehicle: 1,
      generatedVehicles: 1,
      idPrefix: "T",
      legacyBatch: 0,
    });
    expect(contentType).to.equal("application/cbor");
    const body = decode(pools[0][0]) as { sensor_data: { sampling_rate: number; channels: Record<string, unknown>; encoding?: string }; metadata: object };
    expect(body.sensor_data.sampling_rate).to.equal(8192);
    expect(body.sensor_data.encoding).to.equal(undefined);
    expect(Object.keys(body.sensor_data.channels).sort()).to.deep.equal(["ia", "ib", "ic", "vib_x"]);
    for (const samples of Object.values(body.sensor_data.channels)) {
      expect(samples).to.be.instanceOf(Float32Array);
      expect((samples as Float32Array).length).to.equal(8192);
    }
    expect(pools[0][0].length).to.be.below(140 * 1024);
  });

  it("legacy bodies: whole POST bodies for single posts, bare sensor_data texts for the batch endpoint", () => {
    const cfg = { shape: "legacy" as const, windowS: 0.01, rateHz: 8192, poolPerVehicle: 1, generatedVehicles: 1, idPrefix: "T" };
    const single = buildBodyPools({ ...cfg, legacyBatch: 0 }).pools[0];
    const forBatch = buildBodyPools({ ...cfg, legacyBatch: 5 }).pools[0];
    expect(single.length).to.equal(forBatch.length).and.to.be.greaterThan(0);
    const post = JSON.parse(single[0].toString()) as { sensor_data: { data: unknown[] }; metadata: object };
    expect(post.sensor_data.data).to.have.length(10);
    expect((JSON.parse(forBatch[0].toString()) as { data: unknown[] }).data).to.have.length(10);
  });
});
