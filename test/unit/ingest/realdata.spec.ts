import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { readRealdata } from "../../../ingest/realdata";
import { parseMotorProfile } from "../../../analyzers/profile";
import { expectInputError } from "../../helpers/input-error";
import { realdataDir, realdataFile } from "../../helpers/realdata-dir";

function load(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(realdataFile(name), "utf8")) as Record<string, unknown>;
}

describe("decode/realdata (motor-realdata/v1)", () => {
  const files = readdirSync(realdataDir()).filter((f) => f.endsWith(".json") && f !== "index.json");

  it("finds the shared recordings", () => {
    expect(files.length).to.be.at.least(8);
  });

  for (const name of files) {
    it(`${name}: window and a profile that passes the profile schema`, () => {
      const raw = load(name);
      const rec = readRealdata(raw);
      expect(rec.id).to.equal(raw.id);
      expect(parseMotorProfile(rec.profile)).to.deep.equal(rec.profile);
      for (const s of Object.values(rec.window.channels)) {
        expect(s.rateHz).to.equal(raw.fs_hz);
        expect(s.samples.length).to.equal(raw.n_samples);
      }
    });
  }

  it("CWRU: DE vibration in g → vib_x, nominal rpm, bearing in mm, 2-pole-pair induction motor at 60 Hz", () => {
    const raw = load("cwru_105_inner_race_007in_0hp_1797rpm.json");
    const rec = readRealdata(raw);
    expect(rec.rig).to.equal("cwru");
    expect(Object.keys(rec.window.channels)).to.deep.equal(["vib_x"]);
    expect(rec.window.channels.vib_x!.samples[1]).to.equal((raw.data as { DE: number[] }).DE[1]);
    expect(rec.window.rpm).to.equal(1797);
    expect(rec.window.loadPct).to.equal(0);
    expect(rec.profile).to.include({ motor_type: "induction", pole_pairs: 2, supply_hz: 60 });
    expect(rec.profile.bearing.n_balls).to.equal(9);
    expect(rec.profile.bearing.ball_diameter_mm).to.be.closeTo(0.3126 * 25.4, 1e-9);
    expect(rec.profile.bearing.pitch_diameter_mm).to.be.closeTo(1.537 * 25.4, 1e-9);
    expect(rec.label.condition).to.equal("inner_race");
    // The profile reproduces the file's expected BPFI: (n/2)·f_r·(1 + d/D) at 1797 rpm.
    const { n_balls: n, ball_diameter_mm: d, pitch_diameter_mm: D } = rec.profile.bearing;
    const bpfi = (n / 2) * (rec.window.rpm! / 60) * (1 + d / D);
    expect(bpfi).to.be.closeTo((raw.expected_frequencies_hz as { BPFI: number }).BPFI, 0.05);
  });

  it("ITSC: ia/ib/ic at 1 kHz, no rpm, induction 2 pole pairs, 230 V, 60 Hz supply", () => {
    const rec = readRealdata(load("itsc_phaseA_20pct_001.json"));
    expect(rec.rig).to.equal("itsc");
    expect(Object.keys(rec.window.channels).sort()).to.deep.equal(["ia", "ib", "ic"]);
    expect(rec.window.channels.ia!.rateHz).to.equal(1000);
    expect(rec.window.rpm).to.equal(undefined);
    expect(rec.profile).to.include({ motor_type: "induction", pole_pairs: 2, rated_voltage_v: 230, supply_hz: 60, rated_rpm: 1725 });
    expect(rec.label.faulted_phase).to.equal("A");
  });

  describe("rejects broken recordings naming the field", () => {
    const itsc = (): Record<string, unknown> => load("itsc_healthy_001.json");
    const cwru = (): Record<string, unknown> => load("cwru_097_normal_0hp_1797rpm.json");
    const cases: { name: string; build: () => unknown; field: string }[] = [
      { name: "not an object", build: () => [], field: "realdata" },
      { name: "wrong schema", build: () => ({ ...itsc(), schema: "motor-realdata/v2" }), field: "schema" },
      { name: "fs_hz missing", build: () => ({ ...itsc(), fs_hz: undefined }), field: "fs_hz" },
      { name: "data missing", build: () => ({ ...itsc(), data: undefined }), field: "data" },
      { name: "no known channel", build: () => ({ ...itsc(), data: { x: [1] } }), field: "data" },
      {
        name: "NaN in a CWRU sample",
        build: () => {
          const r = cwru();
          (r.data as { DE: unknown[] }).DE[10] = null;
          return r;
        },
        field: "data.DE[10]",
      },
      {
        name: "ITSC phases of different lengths",
        build: () => {
          const r = itsc();
          (r.data as { ib: unknown[] }).ib.pop();
          return r;
        },
        field: "data",
      },
      {
        name: "CWRU bearing without ball diameter",
        build: () => {
          const r = cwru();
          delete (r.bearing as Record<string, unknown>).ball_diameter_in;
          return r;
        },
        field: "bearing.ball_diameter_in",
      },
      { name: "DE channel from an unknown rig", build: () => ({ ...cwru(), dataset: "some other rig" }), field: "dataset" },
    ];
    for (const c of cases) it(c.name, () => expectInputError(() => readRealdata(c.build()), c.field));
  });
});
