import { expect } from "chai";
import { insufficientData, notApplicable } from "../../../analyzers/finding";
import type { FaultType, Finding, FindingStatus } from "../../../analyzers/types";
import { aggregateHealth, HEALTH_WEIGHTS } from "../../../pipeline/vehicle-health";

function finding(fault_type: FaultType, status: FindingStatus, score: number): Finding {
  return { fault_type, status, score, features: {}, evidence: [] };
}

describe("aggregateHealth", () => {
  it("weights sum to 1 as in the original system", () => {
    const sum = Object.values(HEALTH_WEIGHTS).reduce((a, b) => a + b, 0);
    expect(sum).to.be.closeTo(1, 1e-12);
  });

  it("is 1 − weighted score over all five decided families", () => {
    const h = aggregateHealth([
      finding("turn_fault", "fault", 0.8),
      finding("insulation", "normal", 0.1),
      finding("bearing", "normal", 0),
      finding("eccentricity", "warning", 0.4),
      finding("broken_bar", "normal", 0),
    ]);
    expect(h.health).to.be.closeTo(1 - (0.25 * 0.8 + 0.2 * 0.1 + 0.15 * 0.4), 1e-12);
    expect(h.status).to.equal("fault");
    expect(h.worstFamily).to.equal("turn_fault");
  });

  it("renormalises over decided families (PMSM broken bar not applicable, bearing without data)", () => {
    const h = aggregateHealth([
      finding("turn_fault", "warning", 0.5),
      finding("insulation", "normal", 0),
      insufficientData("bearing", "no vibration channel"),
      finding("eccentricity", "normal", 0),
      notApplicable("broken_bar", "PMSM has no rotor bars"),
    ]);
    const total = 0.25 + 0.2 + 0.15;
    expect(h.weights.turn_fault).to.be.closeTo(0.25 / total, 1e-12);
    expect(h.weights.bearing).to.equal(undefined);
    expect(h.health).to.be.closeTo(1 - (0.25 / total) * 0.5, 1e-12);
    expect(h.status).to.equal("warning");
  });

  it("has no health value when nothing decided, and says insufficient_data", () => {
    const h = aggregateHealth([insufficientData("turn_fault", "x"), notApplicable("broken_bar", "PMSM")]);
    expect(h.health).to.equal(null);
    expect(h.status).to.equal("insufficient_data");
  });

  it("stays in 0..1 for out-of-range or non-finite scores", () => {
    const h = aggregateHealth([finding("turn_fault", "fault", 7), finding("bearing", "normal", Number.NaN)]);
    expect(h.health).to.be.within(0, 1);
  });
});
