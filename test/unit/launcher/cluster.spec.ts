import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { backoffDelayMs, RestartBackoff } from "../../../launcher/backoff";
import { familyCounts, formatTopologyTable, planTopology, scaleInCandidate, scaleOutSpec } from "../../../launcher/topology";
import { parseScalingAdvice, scalingSteps } from "../../../launcher/scaling";
import { ALL_UNITS, parseServiceUnits, serviceFile } from "../../../contracts/service-units";
import { WORKER_UNITS } from "../../../contracts/families";
import { childEnv, specCommand } from "../../../launcher/supervisor";

const root = path.resolve(__dirname, "../../..");

describe("cluster/backoff", () => {
  it("doubles from 500 ms up to the cap, and resets after a stable run", () => {
    const b = new RestartBackoff({ initialMs: 500, factor: 2, maxMs: 4000, stableAfterMs: 60_000 });
    expect([1, 1, 1, 1, 1, 1].map(() => b.nextDelay(1000))).to.deep.equal([500, 1000, 2000, 4000, 4000, 4000]);
    expect(b.nextDelay(120_000)).to.equal(500);
    expect(b.nextDelay(10)).to.equal(1000);
  });

  it("backoffDelayMs: capped exponential, jitter within ±j and rounded, no overflow for huge attempts", () => {
    const d = (attempt: number, jitter?: number) => backoffDelayMs({ attempt, initialMs: 50, factor: 2, maxMs: 2000, jitter });
    expect([0, 1, 2, 5, 6, 10, 5000].map((a) => d(a))).to.deep.equal([50, 100, 200, 1600, 2000, 2000, 2000]);
    for (let i = 0; i < 200; i++) {
      const j = d(3, 0.25);
      expect(j).to.satisfy(Number.isInteger).and.be.within(300, 500);
    }
  });
});

describe("cluster/topology", () => {
  it("one process per core service and round-robin fault groups for N < 5", () => {
    const t = planTopology(2);
    expect(t.map((s) => s.name)).to.deep.equal(["api", "diagnosis", "monitor", "worker-1", "worker-2"]);
    expect(t[3].units).to.deep.equal(["fault-turn", "fault-bearing", "fault-broken-bar"]);
    expect(t[4].units).to.deep.equal(["fault-insulation", "fault-eccentricity"]);
    expect(Object.values(familyCounts(t))).to.deep.equal([1, 1, 1, 1, 1]);
  });

  it("one family per worker for N ≥ 5, counts differing by at most one", () => {
    const counts = Object.values(familyCounts(planTopology(7)));
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(7);
    expect(Math.max(...counts) - Math.min(...counts)).to.be.at.most(1);
    for (const s of planTopology(7).filter((s) => s.role === "worker")) expect(s.units, s.name).to.have.length(1);
    expect(() => planTopology(0)).to.throw(/positive/);
  });

  it("scale-out adds a named single-family worker; scale-in removes only those", () => {
    const t = planTopology(1);
    const a = scaleOutSpec(t, "fault-bearing");
    const b = scaleOutSpec([...t, a], "fault-bearing");
    expect([a.name, b.name]).to.deep.equal(["fault-bearing-1", "fault-bearing-2"]);
    expect(scaleInCandidate([...t, a, b], "fault-bearing")?.name).to.equal("fault-bearing-2");
    expect(scaleInCandidate(t, "fault-bearing")).to.equal(undefined);
  });

  it("prints an aligned table", () => {
    const table = formatTopologyTable([{ name: "api", units: ["api"], pid: 12, status: "running", restarts: 0 }]);
    expect(table.split("\n")[0]).to.match(/^process\s+pid\s+status\s+restarts\s+services$/);
    expect(table).to.contain("api      12   running  0         api");
  });
});

describe("cluster/scaling", () => {
  const counts = familyCounts(planTopology(5));
  const bounds = { min: 1, max: 2, cooldownMs: 60_000 };

  it("reads the monitor's advice keyed by fault type, family or service name; ignores junk", () => {
    const advice = parseScalingAdvice({
      lag: 3,
      families: {
        bearing: { action: "scale_out", why: "CPU 91 %" },
        "fault.turn": { action: "scale_in" },
        "fault-insulation": { action: "keep" },
        nonsense: { action: "scale_out" },
        eccentricity: { action: "explode" },
      },
    });
    expect(advice).to.deep.equal({
      "fault-bearing": { action: "scale_out", why: "CPU 91 %" },
      "fault-turn": { action: "scale_in", why: undefined },
      "fault-insulation": { action: "keep", why: undefined },
    });
    expect(parseScalingAdvice(null)).to.deep.equal({});
    expect(parseScalingAdvice("nope")).to.deep.equal({});
  });

  it("steps within [min, max] and respects the cooldown", () => {
    const advice = parseScalingAdvice({ families: { bearing: { action: "scale_out" }, turn_fault: { action: "scale_in" } } });
    expect(scalingSteps(advice, counts, bounds, new Map(), 0)).to.deep.equal([{ family: "fault-bearing", delta: 1, why: "advised" }]);
    expect(scalingSteps(advice, { ...counts, "fault-bearing": 2, "fault-turn": 2 }, bounds, new Map(), 0)).to.deep.equal([
      { family: "fault-turn", delta: -1, why: "advised" },
    ]);
    expect(scalingSteps(advice, counts, bounds, new Map([["fault-bearing", 0]]), 30_000)).to.deep.equal([]);
    expect(scalingSteps(advice, counts, bounds, new Map([["fault-bearing", 0]]), 61_000)).to.have.length(1);
  });
});

describe("cluster/service-units and runner command", () => {
  it("every unit has its service file in services/", () => {
    expect(
      ALL_UNITS.map((u) => serviceFile(u, root)).filter((f) => !fs.existsSync(f)),
      "missing service files",
    ).to.deep.equal([]);
  });

  it("parses SERVICES lists and rejects unknown units", () => {
    expect(parseServiceUnits("fault-turn, fault-bearing fault-turn")).to.deep.equal(["fault-turn", "fault-bearing"]);
    expect(() => parseServiceUnits("fault-turn,fault-typo")).to.throw(/fault-typo/);
    expect(() => parseServiceUnits(" ")).to.throw(/empty/);
  });

  it("builds explicit moleculer-runner arguments (no globs) and per-process env", () => {
    const spec = { name: "worker-1", role: "worker" as const, units: [WORKER_UNITS[0], WORKER_UNITS[2]] };
    const dev = specCommand(spec, "/r", false);
    expect(dev.command).to.equal(process.execPath);
    expect(dev.args).to.deep.equal([
      "--import",
      "tsx",
      "/r/node_modules/moleculer/bin/moleculer-runner.js",
      "--config",
      "/r/moleculer.config.ts",
      "/r/services/fault-turn.service.ts",
      "/r/services/fault-bearing.service.ts",
    ]);
    expect(specCommand(spec, "/r", true).args.slice(2)).to.deep.equal([
      "/r/dist/moleculer.config.js",
      "/r/dist/services/fault-turn.service.js",
      "/r/dist/services/fault-bearing.service.js",
    ]);
    const env = childEnv(spec, { METRICS_PORT: "3030", HEALTH_PORT: "3001", REDIS_URL: "redis://x" });
    expect(env.NODE_ID).to.match(/-worker-1$/);
    expect(env.METRICS_PORT).to.equal(undefined);
    expect(env.REDIS_URL).to.equal("redis://x");
    expect(childEnv({ name: "api", role: "core", units: ["api"] }, { METRICS_PORT: "3030" }).METRICS_PORT).to.equal("3030");
  });
});
