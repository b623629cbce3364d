/**
 * The `npm run diagnose` contract, run as a child process: kinds of input it recognises, the
 * --json output shape, and exit code 2 with a message naming the problem for bad files.
 * Analyzers may still be placeholders here: this tests the CLI, not the diagnoses.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { FAULT_TYPES, type Finding } from "../../analyzers/types";
import { REPO_ROOT, realdataFile } from "../helpers/realdata-dir";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");
const ENTRY = path.join(REPO_ROOT, "bin", "diagnose.ts");

/**
 * Runs the CLI in a child process. `via: "tsx"` is exactly what `npm run diagnose` runs; the
 * default `node --import tsx` is the same entry without tsx's extra wrapper process (faster).
 */
function diagnose(args: string[], via: "tsx" | "node" = "node"): Promise<Run> {
  const [cmd, pre] = via === "tsx" ? [TSX, [ENTRY]] : [process.execPath, ["--import", "tsx", ENTRY]];
  return new Promise((resolve) => {
    execFile(cmd, [...pre, ...args], { cwd: REPO_ROOT, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function expectFiveFindings(run: Run): Finding[] {
  expect(run.code, run.stderr).to.equal(0);
  const out = JSON.parse(run.stdout) as { findings: Finding[] };
  expect(Object.keys(out)).to.deep.equal(["findings"]);
  expect(out.findings.map((f) => f.fault_type)).to.have.members([...FAULT_TYPES]);
  for (const f of out.findings) {
    expect(["normal", "warning", "fault", "not_applicable", "insufficient_data"]).to.include(f.status);
    expect(f.score).to.be.within(0, 1);
  }
  return out.findings;
}

describe("bin/diagnose (CLI contract)", function () {
  this.timeout(120_000);
  let tmp: string;
  const example = path.join(REPO_ROOT, "examples", "window.json");

  before(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "vtox-diagnose-"));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("a CWRU realdata recording: 5 findings as JSON on stdout, nothing on stderr", async () => {
    const run = await diagnose([realdataFile("cwru_130_OR6_007in_0hp_1797rpm.json"), "--json"], "tsx");
    expectFiveFindings(run);
    expect(run.stderr).to.equal("");
  });

  it("examples/window.json with --profile: 5 findings", async () => {
    expectFiveFindings(await diagnose([example, "--profile", path.join(REPO_ROOT, "examples", "profile-pmsm.json"), "--json"]));
  });

  it("a CSV with Chinese legacy columns written to a temp dir: 5 findings", async () => {
    const rows = Array.from({ length: 600 }, (_, i) => {
      const t = i / 3000;
      const w = 2 * Math.PI * 50 * t;
      return [
        t.toFixed(6),
        (10 * Math.cos(w)).toFixed(3),
        (10 * Math.cos(w - 2.0944)).toFixed(3),
        (10 * Math.cos(w + 2.0944)).toFixed(3),
        0.01,
        45,
        1480,
        70,
      ].join(",");
    });
    const file = path.join(tmp, "legacy.csv");
    writeFileSync(file, ["时间,Ia,Ib,Ic,振动_X,温度,转速,负载", ...rows].join("\n") + "\n");
    expectFiveFindings(await diagnose([file, "--json"]));
  });

  it("the table: one row per family with status and score, plus input/window/profile lines", async () => {
    const run = await diagnose([realdataFile("itsc_healthy_001.json")]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^input: .*ITSC recording itsc_healthy_001/m);
    expect(run.stdout).to.match(/^window: .*ia,ib,ic @ 1000 Hz × 5000/m);
    expect(run.stdout).to.match(/^profile: induction, 2 pole pairs/m);
    for (const family of FAULT_TYPES)
      expect(run.stdout).to.match(new RegExp(`^${family}\\s+(normal|warning|fault|not_applicable|insufficient_data)\\s+\\d\\.\\d\\d`, "m"));
  });

  // The full table of bad inputs runs in-process (test/unit/cli/diagnose.spec.ts); these check
  // that the real process maps them to exit 2 and stderr.
  const bad: { name: string; setup: () => string[]; stderr: RegExp }[] = [
    { name: "missing file", setup: () => [path.join(tmp, "nope.json")], stderr: /cannot read input file .*nope\.json: no such file/ },
    {
      name: "broken JSON",
      setup: () => {
        const f = path.join(tmp, "broken.json");
        writeFileSync(f, '{"sensor_data": {');
        return [f];
      },
      stderr: /broken\.json: file: not valid JSON/,
    },
    {
      name: "an ingest body with a string sample",
      setup: () => {
        const f = path.join(tmp, "nan.json");
        writeFileSync(f, '{"sensor_data": {"sampling_rate": 100, "channels": {"ia": [1, "NaN"]}}}');
        return [f];
      },
      stderr: /sensor_data\.channels\.ia\[1\]: expected a finite number/,
    },
    {
      name: "a bad profile",
      setup: () => {
        const f = path.join(tmp, "p.json");
        writeFileSync(f, JSON.stringify({ motor_type: "pmsm", pole_pairs: 40 }));
        return [example, "--profile", f];
      },
      stderr: /bad profile .*p\.json: profile\.pole_pairs: 40 is out of range/,
    },
  ];
  for (const c of bad) {
    it(`bad input → exit 2 and stderr names the problem: ${c.name}`, async () => {
      const run = await diagnose([...c.setup(), "--json"]);
      expect(run.code, run.stdout + run.stderr).to.equal(2);
      expect(run.stderr).to.match(c.stderr);
      expect(run.stdout).to.equal("");
    });
  }
});
