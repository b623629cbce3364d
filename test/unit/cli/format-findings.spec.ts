import { expect } from "chai";
import { formatEvidence, formatFindingsTable, keyEvidence } from "../../../cli/format-findings";
import type { Finding } from "../../../analyzers/types";

const bearing: Finding = {
  fault_type: "bearing",
  status: "fault",
  score: 0.9,
  features: {},
  bearing_defect: "inner_race",
  evidence: [
    { name: "BPFI h1", frequency_hz: 162.19, level_db: 43.2, reference: "local median", threshold: 25 },
    { name: "BPFI h2", frequency_hz: 324.4, level_db: 38.9, reference: "local median" },
    { name: "BPFI h3", frequency_hz: 486.6, level_db: 38.1 },
  ],
  reason: "BPFI family 43/39/38 dB above the local median",
};

describe("cli/format-findings", () => {
  it("formats one evidence line with frequency, level, reference and threshold", () => {
    expect(formatEvidence(bearing.evidence[0])).to.equal("BPFI h1 @ 162.2 Hz: 43.2 dB re local median (threshold 25)");
    expect(formatEvidence({ name: "I2/I1", value: 12.28, unit: "%" })).to.equal("I2/I1: 12.28 %");
  });

  it("key evidence: the reason, structured fields the reason lacks, the first two evidence items", () => {
    expect(keyEvidence(bearing)).to.equal(
      "BPFI family 43/39/38 dB above the local median; inner race; BPFI h1 @ 162.2 Hz: 43.2 dB re local median (threshold 25); BPFI h2 @ 324.4 Hz: 38.9 dB re local median",
    );
    expect(keyEvidence({ ...bearing, evidence: [], faulted_phase: "A", reason: "points to phase A" })).to.equal("points to phase A; inner race");
  });

  it("the table has one aligned row per finding", () => {
    const lines = formatFindingsTable([
      bearing,
      { fault_type: "broken_bar", status: "not_applicable", score: 0, features: {}, evidence: [], reason: "PMSM: no rotor bars" },
    ]).split("\n");
    expect(lines).to.have.length(4);
    expect(lines[2]).to.match(/^bearing {5}fault {12}0\.90 {2}BPFI family/);
    expect(lines[3]).to.match(/^broken_bar {2}not_applicable {3}0\.00 {2}PMSM: no rotor bars$/);
  });
});
