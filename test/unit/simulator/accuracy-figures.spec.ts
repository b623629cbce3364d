import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { accuracyBlocks, documentedFor, type DocumentedFigures } from "../../../tools/accuracy-figures";
import { documentedFigures, parseArgs, shortfalls, type EvalReport } from "../../../tools/eval-accuracy";

const README = readFileSync(path.resolve(__dirname, "../../../README.md"), "utf8");

/** The parts of a report that --strict reads, measuring exactly the documented figures. */
function reportMatching(doc: DocumentedFigures): EvalReport {
  const detection: EvalReport["detection"] = {};
  for (const [fault, bySeverity] of Object.entries(doc.detection)) {
    detection[fault] = Object.fromEntries(Object.entries(bySeverity ?? {}).map(([s, c]) => [s, { detected: c.n, total: c.of, rate: c.n / c.of }]));
  }
  const phase = doc.phaseLocated ?? { n: 0, of: 0 };
  return {
    matrix: { cases: doc.cases },
    detection,
    correct_family: { correct: doc.rightFamily.n, total: doc.rightFamily.of, rate: doc.rightFamily.n / doc.rightFamily.of },
    faulted_phase: { correct: phase.n, total: phase.of, rate: 1 },
    false_alarm: { alarms: doc.falseAlarms.n, total: doc.falseAlarms.of, decided: doc.falseAlarms.of, rate: 0, by_family: {} },
  } as unknown as EvalReport;
}

describe("accuracy figures (README ↔ tools/accuracy-figures.ts ↔ eval:accuracy --strict)", () => {
  for (const [name, block] of Object.entries(accuracyBlocks())) {
    it(`the README's ${name} block is generated from tools/accuracy-figures.ts`, () => {
      const m = new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(README);
      expect(m, `<!-- ${name}:begin/end --> markers in the README`).to.not.equal(null);
      expect(m![1]).to.equal(block, "run `npx tsx tools/accuracy-figures.ts` and paste the block into the README");
    });
  }

  it("documents the default full matrix at 0/1/2 % unbalance and the quick matrix; nothing for other options", () => {
    expect(documentedFigures(parseArgs([]))).to.include({ matrix: "full", unbalancePct: 0 });
    expect(documentedFigures(parseArgs(["--unbalance", "2"]))).to.include({ matrix: "full", unbalancePct: 2 });
    expect(documentedFigures(parseArgs(["--quick"]))).to.include({ matrix: "quick", unbalancePct: 0 });
    expect(documentedFigures(parseArgs(["--baseline"]))).to.equal(undefined);
    expect(documentedFigures(parseArgs(["--seeds", "1"]))).to.equal(undefined);
    expect(documentedFigures(parseArgs(["--unbalance", "3"]))).to.equal(undefined);
  });

  it("--strict passes on the documented figures and lists each one that is worse", () => {
    const doc = documentedFor("full", 0)!;
    expect(shortfalls(reportMatching(doc), doc)).to.deep.equal([]);
    const worse = reportMatching(doc);
    worse.detection.bearing.mild.detected = 57;
    worse.correct_family.correct = 647;
    worse.false_alarm.alarms = 1;
    expect(shortfalls(worse, doc)).to.deep.equal([
      "bearing mild detection: 79.2 % (57/72) < documented 80.6 % (58/72)",
      "right family: 99.8 % (647/648) < documented 100 % (648/648)",
      "false alarms: 1 of 288 > documented 0 of 288",
    ]);
    const better = reportMatching(doc);
    better.detection.bearing.mild.detected = 60;
    expect(shortfalls(better, doc)).to.deep.equal([]);
  });

  it("--strict refuses figures measured on another matrix", () => {
    const doc = documentedFor("quick", 0)!;
    const other = reportMatching(doc);
    other.matrix.cases = 30;
    other.detection.turn_fault.severe.total = 4;
    expect(shortfalls(other, doc)).to.deep.equal([
      "matrix: 30 cases, the documented figures are for 22",
      "turn_fault severe detection: measured on 4 cases, documented on 2",
    ]);
  });
});
