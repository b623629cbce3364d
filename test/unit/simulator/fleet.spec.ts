import { expect } from "chai";
import { conditionAt, drivePointAt, makeFleet, nextVehicleWindow, nextWindow } from "../../../simulator/fleet";

describe("simulator/fleet", () => {
  const fleet = makeFleet({ vehicles: 40, seed: 9, faultyShare: 0.25 });

  it("mixes PMSM and induction motors and injects faults into the requested share", () => {
    const types = new Set(fleet.vehicles.map((v) => v.profile.motor_type));
    expect(types).to.deep.equal(new Set(["pmsm", "induction"]));
    expect(fleet.vehicles.filter((v) => v.fault).length).to.equal(10);
    expect(new Set(fleet.vehicles.map((v) => v.id)).size).to.equal(40);
    for (const v of fleet.vehicles) {
      if (v.fault?.type === "broken_bar") expect(v.profile.motor_type).to.equal("induction");
    }
    const families = new Set(fleet.vehicles.flatMap((v) => (v.fault ? [v.fault.type] : [])));
    expect(families.size).to.be.at.least(4);
  });

  it("is deterministic per seed, vehicle and time", () => {
    const again = makeFleet({ vehicles: 40, seed: 9, faultyShare: 0.25 });
    expect(again.vehicles.map((v) => v.id + v.profile.motor_type + (v.fault?.type ?? ""))).to.deep.equal(
      fleet.vehicles.map((v) => v.id + v.profile.motor_type + (v.fault?.type ?? "")),
    );
    const v = fleet.vehicles[3];
    const a = nextWindow(v, 120),
      b = nextWindow(again.vehicles[3], 120),
      c = nextWindow(v, 121);
    expect(Array.from(a.channels.ia!.samples.subarray(0, 64))).to.deep.equal(Array.from(b.channels.ia!.samples.subarray(0, 64)));
    expect(Array.from(a.channels.ia!.samples.subarray(0, 64))).to.not.deep.equal(Array.from(c.channels.ia!.samples.subarray(0, 64)));
  });

  it("varies speed and load over time within the motor's range, and faults grow in severity", () => {
    const v = fleet.vehicles.find((x) => x.fault)!;
    const points = Array.from({ length: 60 }, (_, i) => drivePointAt(v, i * 30));
    const rpms = points.map((p) => p.rpm),
      loads = points.map((p) => p.loadPct);
    expect(Math.max(...rpms) - Math.min(...rpms)).to.be.above(0.05 * v.profile.rated_rpm);
    expect(Math.max(...rpms)).to.be.at.most(v.profile.rated_rpm);
    expect(Math.min(...loads)).to.be.at.least(10);
    expect(Math.max(...loads)).to.be.at.most(100);
    const early = conditionAt(v, v.fault!.onsetS + 1),
      late = conditionAt(v, v.fault!.onsetS + 1000);
    expect(conditionAt(v, v.fault!.onsetS - 1).type).to.equal("healthy");
    expect(late.severity).to.be.above(early.severity);
    expect(late.type).to.equal(v.fault!.type);
  });

  it("any two vehicles include both motor types", () => {
    for (const seed of [1, 2, 3, 4]) {
      const f = makeFleet({ vehicles: 2, seed, faultyShare: 0 });
      expect(new Set(f.vehicles.map((v) => v.profile.motor_type)).size).to.equal(2);
    }
  });

  it("windows carry the drive point, scalars and an optional start time", () => {
    const f = makeFleet({ vehicles: 2, seed: 1, faultyShare: 0, startEpochMs: Date.UTC(2026, 0, 1), includeVoltages: true });
    const w = nextVehicleWindow(f.vehicles[0], 10);
    expect(w.window.startTime).to.equal("2026-01-01T00:00:10.000Z");
    expect(w.window.rpm).to.equal(w.rpm);
    expect(w.window.channels.va?.samples.length).to.equal(8192);
    expect(w.window.insulationResistanceKohm).to.be.above(0);
    expect(w.truth.type).to.equal("healthy");
  });
});
