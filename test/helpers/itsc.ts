/**
 * Loads the ITSC recordings (motor-realdata/v1) from `<repoRoot>/../shared/realdata`, where CI
 * places a copy of shared/ beside the clone. Test-only I/O.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { MotorProfile, SensorWindow } from "../../analyzers/types";
import { DEFAULT_MOTOR_PROFILE } from "../../analyzers/default-profile";
import { realdataDir } from "./realdata-dir";

export const REALDATA_DIR = realdataDir();

export interface ItscReference {
  I1_amp: number;
  I2_over_I1_pct: number;
  I0_over_I1_pct: number;
  angle_I2_minus_I1_deg: number;
  nema_unbalance_pct: number;
}

export interface ItscRecording {
  id: string;
  label: { condition: string; faulted_phase: "A" | "B" | "C" | null; severity_pct_turns: number };
  reference: ItscReference;
  window: SensorWindow;
}

interface ItscFile {
  id: string;
  fs_hz: number;
  label: ItscRecording["label"];
  reference_features: ItscReference;
  data: { ia: number[]; ib: number[]; ic: number[] };
}

export function loadItsc(fileName: string): ItscRecording {
  const file = JSON.parse(fs.readFileSync(path.join(REALDATA_DIR, fileName), "utf8")) as ItscFile;
  const channel = (x: number[]) => ({ samples: Float64Array.from(x), rateHz: file.fs_hz });
  return {
    id: file.id,
    label: file.label,
    reference: file.reference_features,
    // No rpm in the recording: the analyzer must find the 60 Hz line in the spectrum.
    window: { channels: { ia: channel(file.data.ia), ib: channel(file.data.ib), ic: channel(file.data.ic) } },
  };
}

/**
 * The rig's motor (Baldor CM3542: 4-pole induction, 230 V, 1725 rpm, 0.75 hp). supply_hz is left
 * out on purpose so the fundamental comes from the spectrum, as for an inverter-fed vehicle.
 */
export const ITSC_RIG_PROFILE: MotorProfile = {
  ...DEFAULT_MOTOR_PROFILE,
  motor_type: "induction",
  pole_pairs: 2,
  rated_rpm: 1725,
  rated_current_a: 3,
  rated_voltage_v: 230,
  insulation_class: "F",
};
