/** Locates `<repoRoot>/../shared/realdata` and reads its motor-realdata/v1 records (tests only). */
import * as fs from "node:fs";
import * as path from "node:path";

/** `<repoRoot>/../shared/realdata` (CI layout); worktrees nest deeper, so ancestors are tried too. */
export function realdataDir(): string {
  const repoRoot = path.resolve(__dirname, "../..");
  for (let dir = path.dirname(repoRoot); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "shared", "realdata");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.join(path.dirname(repoRoot), "shared", "realdata");
  }
}

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
