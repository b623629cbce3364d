/** Reads motor-realdata/v1 records from shared/realdata (tests only). */
import * as fs from "node:fs";
import * as path from "node:path";
import { realdataDir } from "./realdata-dir";

export { realdataDir };

export interface CwruRecord {
  id: string;
  fs_hz: number;
  n_samples: number;
  operating_point: { shaft_rpm_nominal: number };
  label: { condition: string };
  bearing: { n_balls: number; ball_diameter_in: number; pitch_diameter_in: number; contact_angle_deg: number };
  data: { DE: number[] };
}

export function readRecord<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(realdataDir(), file), "utf8")) as T;
}
