import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FAULT_TYPES } from "../../../analyzers/types";
import { buildCases, parseArgs, runEvaluation, type EvalReport } from "../../../tools/eval-accuracy";

const REPO_ROOT = path.resolve(__dirname, "../../..");

function checkStructure(r: EvalReport): void {
  const columns = ["healthy", ...FAULT_TYPES, "undecided"];
  expect(r.confusion.columns).to.deep.equal(columns);
  expect(Object.keys(r.confusion.rows).sort()).to.deep.equal(["healthy", ...FAULT_TYPES].sort());
  let total = 0;
  for (const row of Object.values(r.confusion.rows)) {
    expect(Object.keys(row)).to.deep.equal(columns);
    for (const n of Object.values(row)) expect(n).to.satisfy(Number.isInteger).and.be.at.least(0);
    total += Object.values(row).reduce((a, b) => a + b, 0);
  }
  expect(total).to.equal(r.matrix.cases);
  expect(r.cases).to.have.length(r.matrix.cases);
  // Broken bars are simulated on induction motors only.
  expect([...new Set(r.cases.filter((c) => c.condition === "broken_bar").map((c) => c.motorType))]).to.deep.equal(["induction"]);
  for (const f of FAULT_TYPES) {
    expect(r.insufficient_data[f]).to.be.within(0, r.matrix.cases);
    expect(r.windows[f].duration_s).to.be.at.least(1);
    for (const cell of Object.values(r.detection[f])) {
      expect(cell.detected).to.be.within(0, cell.total);
      expect(cell.rate).to.be.within(0, 1);
    }
  }
  expect(r.false_alarm.total).to.equal(r.cases.filter((c) => c.condition === "healthy").length);
  expect(r.correct_family.rate).to.be.within(0, 1);
}

describe("eval:accuracy", () => {
  it("builds the full matrix: 6 conditions, 3 severities, 3 speeds, 2 loads, 2 noise levels, both motor types", () => {
    const cases = buildCases({ ...parseArgs([]) });
    const faults = cases.filter((c) => c.condition !== "healthy");
    expect(new Set(faults.map((c) => c.severity))).to.deep.equal(new Set([0.3, 0.6, 1]));
    expect(new Set(cases.map((c) => c.loadPct))).to.deep.equal(new Set([50, 100]));
    expect(new Set(cases.map((c) => c.noise))).to.deep.equal(new Set(["low", "high"]));
    expect(new Set(cases.map((c) => `${c.motorType}:${c.condition}`)).size).to.equal(11);
    // 4 faults × 3 sev × 3 speeds × 2 loads × 2 noise × 2 types × 3 seeds + broken bar (induction) + healthy (12 seeds).
    expect(faults.length).to.equal(4 * 3 * 3 * 2 * 2 * 2 * 3 + 3 * 3 * 2 * 2 * 3);
  });

  it("runs a quick matrix in-process and reports a well-formed confusion matrix", () => {
    const report = runEvaluation({ ...parseArgs(["--quick"]) });
    checkStructure(report);
  });

  it("runs end to end from the command line with --quick --json FILE", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vtox-eval-"));
    try {
      const file = path.join(dir, "eval.json");
      const stdout = execFileSync(process.execPath, ["--import", "tsx", "tools/eval-accuracy.ts", "--quick", "--json", file], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      expect(stdout).to.match(/Confusion matrix/);
      expect(stdout).to.match(/False alarms on healthy motors/);
      checkStructure(JSON.parse(readFileSync(file, "utf8")) as EvalReport);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
