import { expect } from "chai";
import { estimateSlip, shaftFrequencyHz, slipFromSpeed, synchronousRpm } from "../../../analyzers/slip";

describe("slip", () => {
  it("textbook values: 4-pole 50 Hz motor at 1455 rpm has s = 3 %", () => {
    expect(synchronousRpm(50, 2)).to.equal(1500);
    expect(slipFromSpeed(50, 1455, 2)).to.be.closeTo(0.03, 1e-12);
    expect(shaftFrequencyHz(1455)).to.be.closeTo(24.25, 1e-12);
  });

  it("induction motor: slip from speed, negative when generating", () => {
    const im = { motor_type: "induction" as const, pole_pairs: 2 };
    const r = estimateSlip(im, 50, 1485);
    expect(r).to.include({ ok: true });
    if (r.ok) {
      expect(r.slip).to.be.closeTo(0.01, 1e-12);
      expect(r.source).to.equal("speed");
      expect(r.shaftHz).to.be.closeTo(24.75, 1e-12);
    }
    const gen = estimateSlip(im, 50, 1515);
    expect(gen.ok && gen.slip).to.be.closeTo(-0.01, 1e-12);
  });

  it("induction motor: missing or implausible speed is refused with a reason", () => {
    const im = { motor_type: "induction" as const, pole_pairs: 2 };
    const missing = estimateSlip(im, 50);
    expect(missing.ok).to.equal(false);
    if (!missing.ok) expect(missing.reason).to.match(/rpm required/);
    const wrongPoles = estimateSlip({ motor_type: "induction", pole_pairs: 3 }, 50, 1470); // s = 51 %
    expect(wrongPoles.ok).to.equal(false);
    if (!wrongPoles.ok) expect(wrongPoles.reason).to.match(/outside/);
    expect(estimateSlip(im, 50, 0).ok).to.equal(false);
    expect(estimateSlip(im, Number.NaN, 1470).ok).to.equal(false);
    expect(estimateSlip({ motor_type: "induction", pole_pairs: 0 }, 50, 1470).ok).to.equal(false);
  });

  it("PMSM: s = 0 and f_r = f/p, speed only cross-checked", () => {
    const pm = { motor_type: "pmsm" as const, pole_pairs: 4 };
    const r = estimateSlip(pm, 200);
    expect(r.ok && r.slip).to.equal(0);
    expect(r.ok && r.shaftHz).to.equal(50);
    expect(r.ok && r.source).to.equal("pmsm_synchronous");
    expect(estimateSlip(pm, 200, 3000)).to.include({ ok: true });
    const bad = estimateSlip(pm, 200, 1500);
    expect(bad.ok).to.equal(false);
    if (!bad.ok) expect(bad.reason).to.match(/disagrees/);
  });
});
