/** Rolling-bearing defect frequencies from geometry and shaft speed (docs/science.md#bearing-defects, stationary outer race). */
import type { BearingGeometry } from "../analyzers/types";

export interface BearingDefectFrequencies {
  /** Ball pass frequency, outer race, Hz: (n/2)·f_r·(1 − (d/D)cosφ). */
  bpfo: number;
  /** Ball pass frequency, inner race, Hz: (n/2)·f_r·(1 + (d/D)cosφ). */
  bpfi: number;
  /** Ball spin frequency, Hz: (D/2d)·f_r·(1 − ((d/D)cosφ)²). A ball defect strikes both races: impacts at 2×BSF. */
  bsf: number;
  /** Fundamental train (cage) frequency, Hz: (f_r/2)·(1 − (d/D)cosφ). */
  ftf: number;
}

export function bearingDefectFrequencies(bearing: BearingGeometry, shaftHz: number): BearingDefectFrequencies {
  const ratio = (bearing.ball_diameter_mm / bearing.pitch_diameter_mm) * Math.cos((bearing.contact_angle_deg * Math.PI) / 180);
  const n = bearing.n_balls;
  return {
    bpfo: (n / 2) * shaftHz * (1 - ratio),
    bpfi: (n / 2) * shaftHz * (1 + ratio),
    bsf: (bearing.pitch_diameter_mm / (2 * bearing.ball_diameter_mm)) * shaftHz * (1 - ratio * ratio),
    ftf: (shaftHz / 2) * (1 - ratio),
  };
}
