import { expect } from "chai";
import { DEFAULT_MOTOR_PROFILE } from "../../../analyzers/default-profile";
import { insulationAnalyzer } from "../../../analyzers/insulation";
import type { FeatureBaseline, MotorProfile, SensorWindow } from "../../../analyzers/types";

const PROFILE: MotorProfile = { ...DEFAULT_MOTOR_PROFILE, dc_bus_v: 400, insulation_class: "F" };
const analyze = (w: Partial<SensorWindow>, baseline?: FeatureBaseline, profile: MotorProfile = PROFILE) =>
  insulationAnalyzer.analyze({ channels: {}, ...w }, profile, baseline);

describe("insulation analyzer", () => {
  describe("isolation resistance vs UN R100 / ISO 6469-3 (500 Ω/V AC, warning at 5×)", () => {
    // 400 V bus: legal minimum 200 kΩ, warning below 1 MΩ.
    it("places the boundaries at 1 MΩ and 200 kΩ on a 400 V bus", () => {
      expect(analyze({ insulationResistanceKohm: 1001 }).status).to.equal("normal");
      expect(analyze({ insulationResistanceKohm: 999 }).status).to.equal("warning");
      expect(analyze({ insulationResistanceKohm: 201 }).status).to.equal("warning");
      expect(analyze({ insulationResistanceKohm: 199 }).status).to.equal("fault");
      const f = analyze({ insulationResistanceKohm: 199 });
      expect(f.features.r_iso_ohm_per_v).to.be.closeTo(497.5, 1e-9);
      expect(f.reason).to.match(/R_iso 498 Ω\/V/);
    });

    it("uses the window's DC bus voltage over the profile's (800 V: minimum 400 kΩ)", () => {
      expect(analyze({ insulationResistanceKohm: 300, dcBusV: 800 }).status).to.equal("fault");
      expect(analyze({ insulationResistanceKohm: 300 }).status).to.equal("warning");
    });

    it("scores monotonically as R_iso falls, reaching 1 at half the minimum and for a dead short", () => {
      const rs = [50_000, 5000, 2000, 1000, 800, 500, 300, 200, 150, 100, 50, 0];
      const scores = rs.map((r) => analyze({ insulationResistanceKohm: r }).score);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.at.least(scores[i - 1]);
      expect(scores[rs.indexOf(100)]).to.equal(1);
      expect(scores[rs.indexOf(0)]).to.equal(1);
      expect(analyze({ insulationResistanceKohm: 0 }).status).to.equal("fault");
    });

    it("normalises R_iso to 40 °C when the winding temperature is known (halves per 10 °C), and says when it cannot", () => {
      const hot = analyze({ insulationResistanceKohm: 2000, windingTempC: 80 });
      expect(hot.features.r_iso_ohm_per_v).to.be.closeTo(5000, 1e-9);
      expect(hot.features.r_iso_ohm_per_v_40c).to.be.closeTo(5000 * 16, 1e-6);
      expect(analyze({ insulationResistanceKohm: 2000 }).reason).to.match(/not temperature-normalised/);
      const trended = analyze({ insulationResistanceKohm: 2000, windingTempC: 50 }, { insulation: { r_iso_ohm_per_v_40c: 20_000 } });
      expect(trended.features.r_iso_40c_over_baseline).to.be.closeTo(0.5, 1e-9);
    });
  });

  describe("leakage current vs the vehicle's baseline (+30 % warning, +100 % fault)", () => {
    const baseline = { insulation: { leakage_current_ma: 0.4 } };
    it("places the boundaries", () => {
      expect(analyze({ leakageCurrentMa: 0.4 * 1.29 }, baseline).status).to.equal("normal");
      expect(analyze({ leakageCurrentMa: 0.4 * 1.31 }, baseline).status).to.equal("warning");
      expect(analyze({ leakageCurrentMa: 0.4 * 1.99 }, baseline).status).to.equal("warning");
      expect(analyze({ leakageCurrentMa: 0.4 * 2.01 }, baseline).status).to.equal("fault");
      const f = analyze({ leakageCurrentMa: 0.6 }, baseline);
      expect(f.features.leakage_rise_pct).to.be.closeTo(50, 1e-9);
      expect(f).to.have.property("baseline_used", true);
    });
    it("scores monotonically with the leakage current", () => {
      const scores = [0.3, 0.4, 0.45, 0.52, 0.6, 0.8, 1.0, 1.2, 2].map((ma) => analyze({ leakageCurrentMa: ma }, baseline).score);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.at.least(scores[i - 1]);
      expect(scores[0]).to.equal(0);
    });
    it("without a baseline the leakage is reported but not judged", () => {
      const f = analyze({ leakageCurrentMa: 5 });
      expect(f.status).to.equal("insufficient_data");
      expect(f.features.leakage_current_ma).to.equal(5);
      expect(f.reason).to.match(/no absolute limit/);
    });
  });

  describe("thermal aging, 10 K rule, IEC 60085 class (F = 155 °C), hot spot = sensor + 5 K", () => {
    it("places warning at F_AA 2 (hot spot 165 °C) and fault at F_AA 5.7 (hot spot 180 °C)", () => {
      expect(analyze({ windingTempC: 120 }).status).to.equal("normal");
      expect(analyze({ windingTempC: 150 }).features.aging_acceleration).to.be.closeTo(1, 1e-12);
      expect(analyze({ windingTempC: 159.9 }).status).to.equal("normal");
      expect(analyze({ windingTempC: 160.1 }).status).to.equal("warning");
      expect(analyze({ windingTempC: 174.9 }).status).to.equal("warning");
      expect(analyze({ windingTempC: 175.1 }).status).to.equal("fault");
      expect(analyze({ windingTempC: 160 }).features.aging_acceleration).to.be.closeTo(2, 1e-12);
    });
    it("follows the profile's class (H = 180 °C)", () => {
      const h: MotorProfile = { ...PROFILE, insulation_class: "H" };
      expect(analyze({ windingTempC: 170 }, undefined, h).status).to.equal("normal");
      expect(analyze({ windingTempC: 186 }, undefined, h).status).to.equal("warning");
    });
    it("scores monotonically with temperature", () => {
      const scores = [-20, 40, 100, 150, 158, 162, 170, 178, 185, 189].map((t) => analyze({ windingTempC: t }).score);
      for (let i = 1; i < scores.length; i++) expect(scores[i]).to.be.above(scores[i - 1]);
      expect(analyze({ windingTempC: 190 }).score).to.equal(1); // +40 K over class: saturated
    });
  });

  it("takes the worst of the three judgements and names it", () => {
    const f = analyze({ insulationResistanceKohm: 5000, leakageCurrentMa: 0.9, windingTempC: 90 }, { insulation: { leakage_current_ma: 0.4 } });
    expect(f.status).to.equal("fault");
    expect(f.reason).to.match(/^leakage 0\.900 mA, \+125 % vs baseline → fault/);
    expect(f.features).to.include.keys("r_iso_ohm_per_v", "r_iso_ohm_per_v_40c", "leakage_current_ma", "aging_acceleration");
  });

  it("answers insufficient_data when no insulation scalar is present (or only garbage)", () => {
    const none = analyze({ rpm: 1500 });
    expect(none.status).to.equal("insufficient_data");
    expect(none.reason).to.match(/no insulation resistance, leakage current or winding temperature/);
    expect(analyze({ insulationResistanceKohm: Number.NaN, windingTempC: Number.POSITIVE_INFINITY }).status).to.equal("insufficient_data");
  });
});
