/**
 * A `motor-realdata/v1` recording (shared/realdata/README.md) → {window, profile} for the two rigs
 * it holds. The profiles state what the rigs are; where the source is silent (insulation class,
 * CWRU voltage, ITSC bearing) the value chosen is marked as an assumption and does not enter the
 * findings the recording is meant to test.
 */
import { parseMotorProfile } from "../analyzers/profile";
import type { MotorProfile, SensorWindow } from "../analyzers/types";
import { decodeNumberChannel } from "./channel-samples";
import { InputError } from "./errors";
import { LOAD_PCT, RPM, SAMPLING_RATE } from "./limits";
import { describeValue, expectNumber, expectObject, expectString, joinPath, type JsonObject } from "./validate";

export const REALDATA_SCHEMA = "motor-realdata/v1";
const MM_PER_INCH = 25.4;

export type RealdataRig = "cwru" | "itsc";

export interface RealdataRecording {
  id: string;
  rig: RealdataRig;
  /** The recording's ground truth as the file states it (condition, fault size, faulted phase...). */
  label: JsonObject;
  window: SensorWindow;
  profile: MotorProfile;
}

const CWRU_RATED_HP = 2;

/** Line-fed motors have no DC bus; the rectified peak of the 230 V line (√2·230 ≈ 325 V) stands in. */
const RECTIFIED_230V = 325;

/**
 * CWRU: Reliance 2 hp, 4-pole (2 pole pairs) induction motor on 60 Hz. Rated speed 1750 rpm is the
 * speed CWRU lists at 2 hp (its 0/1/2/3 hp table: 1797/1772/1750/1730 rpm); 6.8 A is the NEC
 * Table 430.250 full-load current of a 2 hp 230 V motor. Assumed: 230 V, class F.
 */
function cwruProfile(bearing: JsonObject): MotorProfile {
  const inch = (key: string): number => expectNumber(bearing[key], joinPath("bearing", key), { min: 0, max: 100, minExclusive: true, unit: "in" });
  const plain = (key: string): number => expectNumber(bearing[key], joinPath("bearing", key), { min: 0, max: 1000 });
  return parseMotorProfile(
    {
      motor_type: "induction",
      pole_pairs: 2,
      rated_rpm: 1750,
      rated_current_a: 6.8,
      rated_voltage_v: 230,
      supply_hz: 60,
      insulation_class: "F",
      dc_bus_v: RECTIFIED_230V,
      bearing: {
        n_balls: plain("n_balls"),
        ball_diameter_mm: inch("ball_diameter_in") * MM_PER_INCH,
        pitch_diameter_mm: inch("pitch_diameter_in") * MM_PER_INCH,
        contact_angle_deg: plain("contact_angle_deg"),
      },
    },
    "derived_profile",
  );
}

/**
 * ITSC: Baldor CM3542, 0.75 hp, 4-pole, 230 V, 60 Hz, 1725 rpm, ~3 A rms nominal (the file's sensor
 * note). Assumed: class F, and a 6205 bearing (the usual 56-frame drive end) — the set has no
 * vibration channel, so the bearing geometry reaches no finding.
 */
const ITSC_PROFILE: MotorProfile = {
  motor_type: "induction",
  pole_pairs: 2,
  rated_rpm: 1725,
  rated_current_a: 3,
  rated_voltage_v: 230,
  supply_hz: 60,
  insulation_class: "F",
  dc_bus_v: RECTIFIED_230V,
  bearing: { n_balls: 9, ball_diameter_mm: 0.3126 * MM_PER_INCH, pitch_diameter_mm: 1.537 * MM_PER_INCH, contact_angle_deg: 0 },
};

export function isRealdata(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { schema?: unknown }).schema === REALDATA_SCHEMA;
}

export function readRealdata(json: unknown): RealdataRecording {
  const file = expectObject(json, "realdata");
  if (file.schema !== REALDATA_SCHEMA) throw new InputError("schema", `expected "${REALDATA_SCHEMA}", got ${describeValue(file.schema)}`);
  const id = expectString(file.id, "id", 200);
  const rateHz = expectNumber(file.fs_hz, "fs_hz", SAMPLING_RATE);
  const data = expectObject(file.data, "data");
  const label = expectObject(file.label, "label");
  const dataset = typeof file.dataset === "string" ? file.dataset : "";
  const operating = expectObject(file.operating_point, "operating_point");

  if (data.DE !== undefined) {
    if (!/CWRU|Case Western/.test(dataset)) throw new InputError("dataset", "a DE channel, but not the CWRU rig: no profile known for it");
    const vibration = decodeNumberChannel(data.DE, "data.DE");
    const rpm = expectNumber(operating.shaft_rpm_nominal, "operating_point.shaft_rpm_nominal", RPM);
    const window: SensorWindow = { channels: { vib_x: { samples: vibration, rateHz } }, rpm };
    if (operating.load_hp !== undefined) {
      // Load as % of the motor's 2 hp rating (CWRU ran it at 0–3 hp, i.e. up to 150 %).
      const loadHp = expectNumber(operating.load_hp, "operating_point.load_hp", { min: 0, max: (LOAD_PCT.max / 100) * CWRU_RATED_HP, unit: "hp" });
      window.loadPct = (loadHp / CWRU_RATED_HP) * 100;
    }
    return { id, rig: "cwru", label, window, profile: cwruProfile(expectObject(file.bearing, "bearing")) };
  }

  if (data.ia !== undefined || data.ib !== undefined || data.ic !== undefined) {
    if (!/ITSC/.test(dataset)) throw new InputError("dataset", "phase currents, but not the ITSC rig: no profile known for it");
    const phase = (name: "ia" | "ib" | "ic") => ({ samples: decodeNumberChannel(data[name], `data.${name}`), rateHz });
    const channels = { ia: phase("ia"), ib: phase("ib"), ic: phase("ic") };
    if (channels.ib.samples.length !== channels.ia.samples.length || channels.ic.samples.length !== channels.ia.samples.length) {
      throw new InputError("data", "phase currents of different lengths");
    }
    // The ITSC runs are at no load, steady state (README §2); speed was not recorded.
    return { id, rig: "itsc", label, window: { channels, loadPct: 0 }, profile: { ...ITSC_PROFILE, bearing: { ...ITSC_PROFILE.bearing } } };
  }
  throw new InputError("data", "neither a DE vibration channel (CWRU) nor ia/ib/ic (ITSC)");
}
