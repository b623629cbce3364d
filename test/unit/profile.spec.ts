import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_MOTOR_PROFILE } from "../../analyzers/default-profile";
import { parseMotorProfile, profileOrDefault } from "../../analyzers/profile";
import { expectInputError } from "../helpers/input-error";
import { REPO_ROOT } from "../helpers/realdata-dir";

type Obj = Record<string, unknown>;

function induction(): Obj {
  return {
    motor_type: "induction",
    pole_pairs: 2,
    rated_rpm: 1750,
    rated_current_a: 6.8,
    rated_voltage_v: 230,
    rotor_bars: 28,
    supply_hz: 60,
    bearing: { n_balls: 9, ball_diameter_mm: 7.94, pitch_diameter_mm: 39.04, contact_angle_deg: 0 },
    insulation_class: "F",
    dc_bus_v: 325,
  };
}
function pmsm(): Obj {
  const p = induction();
  delete p.rotor_bars;
  delete p.supply_hz;
  return { ...p, motor_type: "pmsm", pole_pairs: 4, rated_rpm: 4000, rated_current_a: 80, dc_bus_v: 400 };
}
function withBearing(change: Obj): Obj {
  const p = induction();
  p.bearing = { ...(p.bearing as Obj), ...change };
  return p;
}
function without(key: string, base = induction()): Obj {
  delete base[key];
  return base;
}

describe("profile: parseMotorProfile", () => {
  it("accepts the full induction and PMSM profiles and returns them unchanged", () => {
    expect(parseMotorProfile(induction())).to.deep.equal(induction());
    expect(parseMotorProfile(pmsm())).to.deep.equal(pmsm());
  });

  it("rotor_bars and supply_hz are optional for an induction motor (inverter-fed, bars unknown)", () => {
    const p = without("supply_hz", without("rotor_bars"));
    expect(parseMotorProfile(p)).to.not.have.property("rotor_bars");
  });

  it("the default profile and the example profiles pass the schema", () => {
    expect(parseMotorProfile(JSON.parse(JSON.stringify(DEFAULT_MOTOR_PROFILE)))).to.deep.equal(DEFAULT_MOTOR_PROFILE);
    for (const f of ["profile-pmsm.json", "profile-induction.json"]) {
      const json: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, "examples", f), "utf8"));
      expect(() => parseMotorProfile(json), f).to.not.throw();
    }
  });

  it("a missing profile falls back to DEFAULT_MOTOR_PROFILE, and says so", () => {
    expect(profileOrDefault(undefined)).to.deep.equal({ profile: DEFAULT_MOTOR_PROFILE, isDefault: true });
    expect(profileOrDefault(null)).to.include({ isDefault: true });
    expect(profileOrDefault(pmsm()).isDefault).to.equal(false);
  });

  it('error paths take the prefix given ("" for a bare request body)', () => {
    expectInputError(() => parseMotorProfile({ ...pmsm(), pole_pairs: 0 }, ""), "pole_pairs");
    expectInputError(() => parseMotorProfile(withBearing({ n_balls: 0 }), "body"), "body.bearing.n_balls");
  });
});

const REQUIRED = ["motor_type", "pole_pairs", "rated_rpm", "rated_current_a", "rated_voltage_v", "bearing", "insulation_class", "dc_bus_v"];
const BEARING_REQUIRED = ["n_balls", "ball_diameter_mm", "pitch_diameter_mm", "contact_angle_deg"];

export const PROFILE_BAD_CASES: { name: string; json: unknown; field: string; message?: string }[] = [
  { name: "null", json: null, field: "profile" },
  { name: "an array", json: [induction()], field: "profile" },
  { name: "unknown key", json: { ...induction(), poles: 4 }, field: "profile.poles", message: "unknown key" },
  { name: "unknown bearing key", json: withBearing({ width_mm: 15 }), field: "profile.bearing.width_mm", message: "unknown key" },
  ...REQUIRED.map((k) => ({ name: `missing ${k}`, json: without(k), field: `profile.${k}`, message: "missing" })),
  ...BEARING_REQUIRED.map((k) => {
    const p = induction();
    delete (p.bearing as Obj)[k];
    return { name: `missing bearing.${k}`, json: p, field: `profile.bearing.${k}`, message: "missing" };
  }),
  { name: "unknown motor_type", json: { ...induction(), motor_type: "dc" }, field: "profile.motor_type" },
  { name: "motor_type upper case", json: { ...induction(), motor_type: "PMSM" }, field: "profile.motor_type" },
  { name: "pole_pairs 0", json: { ...induction(), pole_pairs: 0 }, field: "profile.pole_pairs" },
  { name: "pole_pairs 17", json: { ...induction(), pole_pairs: 17 }, field: "profile.pole_pairs" },
  { name: "pole_pairs not an integer", json: { ...induction(), pole_pairs: 2.5 }, field: "profile.pole_pairs", message: "integer" },
  { name: "pole_pairs as a string", json: { ...induction(), pole_pairs: "4" }, field: "profile.pole_pairs" },
  { name: "rated_rpm 0", json: { ...induction(), rated_rpm: 0 }, field: "profile.rated_rpm" },
  { name: "rated_rpm absurd", json: { ...induction(), rated_rpm: 1e6 }, field: "profile.rated_rpm" },
  { name: "rated_current_a negative", json: { ...induction(), rated_current_a: -1 }, field: "profile.rated_current_a" },
  { name: "rated_voltage_v NaN", json: { ...induction(), rated_voltage_v: NaN }, field: "profile.rated_voltage_v" },
  { name: "rotor_bars on a PMSM", json: { ...pmsm(), rotor_bars: 28 }, field: "profile.rotor_bars", message: "only for induction" },
  { name: "supply_hz on a PMSM", json: { ...pmsm(), supply_hz: 50 }, field: "profile.supply_hz", message: "only for induction" },
  { name: "rotor_bars not an integer", json: { ...induction(), rotor_bars: 28.5 }, field: "profile.rotor_bars" },
  { name: "rotor_bars too few", json: { ...induction(), rotor_bars: 2 }, field: "profile.rotor_bars" },
  { name: "supply_hz 0", json: { ...induction(), supply_hz: 0 }, field: "profile.supply_hz" },
  { name: "bearing not an object", json: { ...induction(), bearing: "6205" }, field: "profile.bearing" },
  {
    name: "ball diameter equal to pitch diameter",
    json: withBearing({ ball_diameter_mm: 39.04 }),
    field: "profile.bearing.ball_diameter_mm",
    message: "smaller",
  },
  { name: "ball diameter above pitch diameter", json: withBearing({ ball_diameter_mm: 50 }), field: "profile.bearing.ball_diameter_mm" },
  { name: "ball diameter zero", json: withBearing({ ball_diameter_mm: 0 }), field: "profile.bearing.ball_diameter_mm" },
  { name: "pitch diameter negative", json: withBearing({ pitch_diameter_mm: -39 }), field: "profile.bearing.pitch_diameter_mm" },
  { name: "contact angle above 45°", json: withBearing({ contact_angle_deg: 50 }), field: "profile.bearing.contact_angle_deg" },
  { name: "contact angle negative", json: withBearing({ contact_angle_deg: -1 }), field: "profile.bearing.contact_angle_deg" },
  { name: "n_balls 0", json: withBearing({ n_balls: 0 }), field: "profile.bearing.n_balls" },
  { name: "n_balls not an integer", json: withBearing({ n_balls: 8.5 }), field: "profile.bearing.n_balls" },
  { name: "more balls than fit on the pitch circle", json: withBearing({ n_balls: 16 }), field: "profile.bearing.n_balls", message: "do not fit" },
  { name: "insulation class A (not in IEC 60085 B/F/H/N/R)", json: { ...induction(), insulation_class: "A" }, field: "profile.insulation_class" },
  { name: "insulation class lower case", json: { ...induction(), insulation_class: "f" }, field: "profile.insulation_class" },
  { name: "dc_bus_v 0", json: { ...induction(), dc_bus_v: 0 }, field: "profile.dc_bus_v" },
  { name: "dc_bus_v absurd", json: { ...induction(), dc_bus_v: 10000 }, field: "profile.dc_bus_v" },
];

describe("profile: bad profiles throw InputError naming the field", () => {
  for (const c of PROFILE_BAD_CASES) {
    it(c.name, () => {
      expectInputError(() => parseMotorProfile(c.json), c.field, c.message);
    });
  }
});
