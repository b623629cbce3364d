import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { ConfigError, configurationTable, loadConfig, VARIABLES } from "../../config";

/** Every problem of an environment, as loadConfig reports them. */
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("config: the environment parsed once", () => {
  it("an empty environment gives the documented defaults", () => {
    const c = loadConfig({});
    expect(c.redis).to.deep.equal({
      url: "redis://localhost:6379",
      prefix: "vtox",
      rawStream: "motor_raw_data",
      resultsStream: "fault_diagnosis_results",
      vehicleStateTtlS: 2_592_000,
      partitions: 1,
    });
    expect(c.broker.namespace).to.equal("vtox");
    expect(c.api).to.include({ port: 8000, host: "0.0.0.0", bodyLimitBytes: 4 * 1024 * 1024, ingestRateLimitPerS: 1000, vehicleSamplesPerS: 262_144 });
    expect(c.diagnosis.windowTransport).to.equal("claim-check");
    expect(c.diagnosis.consumer).to.deep.equal({ batchSize: 16, maxInFlight: 32, claimIdleMs: 5000, maxDeliveries: 5 });
    expect(c.broker.healthPort).to.equal(undefined);
    expect(c.api.adminKey).to.equal(undefined);
  });

  it("reads each value into its typed place", () => {
    const c = loadConfig({
      PORT: "9001",
      HEALTH_PORT: "3001",
      WINDOW_TRANSPORT: "inline",
      NODE_ID: "n1",
      POD_NAME: "pod-1",
      LOG_LEVEL: "debug",
      REDIS_URL: "rediss://:pw@redis:6380/2",
    });
    expect(c.api.port).to.equal(9001);
    expect(c.broker.healthPort).to.equal(3001);
    expect(c.diagnosis.windowTransport).to.equal("inline");
    expect(c.broker.nodeId, "NODE_ID wins over POD_NAME").to.equal("n1");
    expect(c.broker.logLevel).to.equal("debug");
    expect(c.redis.url).to.equal("rediss://:pw@redis:6380/2");
    expect(loadConfig({ POD_NAME: "pod-1" }).broker.nodeId).to.equal("pod-1");
  });

  it("reports every bad value at once, one line each, naming the variable", () => {
    const problems = problemsOf({
      PORT: "http",
      HEALTH_PORT: "nope",
      WINDOW_TRANSPORT: "carrier-pigeon",
      REDIS_URL: "http://x",
      INGEST_BODY_LIMIT: "lots",
      VTOX_PREFIX: "a b",
    });
    expect(problems.map((p) => p.split(":")[0]).sort()).to.deep.equal([
      "HEALTH_PORT",
      "INGEST_BODY_LIMIT",
      "PORT",
      "REDIS_URL",
      "VTOX_PREFIX",
      "WINDOW_TRANSPORT",
    ]);
    expect(problems.find((p) => p.startsWith("WINDOW_TRANSPORT"))).to.contain("claim-check, inline");
    for (const p of problems) expect(p, "one line").to.not.contain("\n");
  });

  it("a malformed admin key is refused without echoing it", () => {
    const [problem] = problemsOf({ VTOX_ADMIN_KEY: "changeme-secret" });
    expect(problem).to.match(/^VTOX_ADMIN_KEY: has the wrong format/);
    expect(problem).to.not.contain("changeme-secret");
  });

  it("refuses values out of range rather than clamping them", () => {
    expect(problemsOf({ DIAGNOSIS_MAX_DELIVERIES: "0" })).to.have.length(1);
    expect(problemsOf({ PORT: "70000" })).to.have.length(1);
    expect(problemsOf({ ANALYZE_TIMEOUT_MS: "1.5" })).to.have.length(1);
  });

  it("reads stream partitions and Redis Cluster seed nodes, and refuses a cluster without partitions", () => {
    const c = loadConfig({ STREAM_PARTITIONS: "4", REDIS_CLUSTER_NODES: "10.0.0.1:7000, redis-b:7001,[::1]:7002" });
    expect(c.redis.partitions).to.equal(4);
    expect(c.redis.clusterNodes).to.deep.equal([
      { host: "10.0.0.1", port: 7000 },
      { host: "redis-b", port: 7001 },
      { host: "::1", port: 7002 },
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "redis-a" })[0]).to.match(/^REDIS_CLUSTER_NODES: must be host:port/);
    expect(problemsOf({ REDIS_CLUSTER_NODES: "redis-a:7000" })[0]).to.match(/^STREAM_PARTITIONS: must be 2 or more with REDIS_CLUSTER_NODES/);
    expect(problemsOf({ STREAM_PARTITIONS: "0" })[0]).to.match(/^STREAM_PARTITIONS:/);
  });

  it("the process's entry refuses a bad environment with one line per problem and exit code 78", async () => {
    const { spawnSync } = await import("node:child_process");
    const root = path.resolve(__dirname, "../..");
    const run = spawnSync(process.execPath, ["--import", "tsx", "-e", "require('./config').loadConfigOrExit()"], {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: "x", LAG_ALERT: "-1" },
      encoding: "utf8",
    });
    expect(run.status).to.equal(78);
    expect(run.stderr.trim().split("\n")).to.deep.equal([
      'configuration: PORT: must be a whole number from 1 to 65535, got "x"',
      'configuration: LAG_ALERT: must be a whole number from 1 to 100000000, got "-1"',
    ]);
  });

  it("the README's configuration table is the one generated from config.ts", () => {
    const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
    const m = /<!-- configuration:begin -->\n([\s\S]*?)\n<!-- configuration:end -->/.exec(readme);
    expect(m, "README has the generated table between its markers").to.not.equal(null);
    expect(m![1]).to.equal(configurationTable(), "run `npm run config:table` and paste its output into the README");
    expect(Object.keys(VARIABLES)).to.have.length.greaterThan(20);
  });
});
