/**
 * Characteristic defect frequencies of a rolling-element bearing with a stationary outer race
 * (docs/science.md#defect-frequencies; Randall & Antoni 2011). n balls, ball diameter d, pitch diameter D,
 * contact angle φ, shaft frequency f_r:
 *   BPFO = (n/2)·f_r·(1 − (d/D)cosφ)     outer-race defect
 *   BPFI = (n/2)·f_r·(1 + (d/D)cosφ)     inner-race defect
 *   BSF  = (D/2d)·f_r·(1 − ((d/D)cosφ)²) ball spin; a ball defect strikes both races: 2×BSF
 *   FTF  = (f_r/2)·(1 − (d/D)cosφ)       cage
 */
import type { BearingDefect, BearingGeometry } from "./types";

export interface BearingOrders {
  /** Multiples of the shaft frequency. */
  bpfo: number;
  bpfi: number;
  bsf: number;
  twoBsf: number;
  ftf: number;
}

export interface BearingFrequencies extends BearingOrders {
  shaftHz: number;
}

/** Why a geometry cannot be used, or null when it is physically consistent. */
export function geometryProblem(g: BearingGeometry): string | null {
  const { n_balls: n, ball_diameter_mm: d, pitch_diameter_mm: D, contact_angle_deg: phi } = g;
  if (!Number.isInteger(n) || n < 3) return `n_balls must be an integer ≥ 3, got ${n}`;
  if (!(d > 0) || !(D > 0)) return "ball and pitch diameters must be positive";
  if (!(d < D)) return `ball diameter ${d} mm must be smaller than the pitch diameter ${D} mm`;
  if (!(phi >= 0 && phi < 90)) return `contact angle must be in [0, 90) degrees, got ${phi}`;
  return null;
}

/** Defect frequencies as orders of the shaft speed (independent of speed). */
export function bearingOrders(g: BearingGeometry): BearingOrders {
  const ratio = (g.ball_diameter_mm / g.pitch_diameter_mm) * Math.cos((g.contact_angle_deg * Math.PI) / 180);
  const bsf = (g.pitch_diameter_mm / (2 * g.ball_diameter_mm)) * (1 - ratio * ratio);
  return {
    bpfo: (g.n_balls / 2) * (1 - ratio),
    bpfi: (g.n_balls / 2) * (1 + ratio),
    bsf,
    twoBsf: 2 * bsf,
    ftf: 0.5 * (1 - ratio),
  };
}

export function bearingFrequencies(g: BearingGeometry, shaftHz: number): BearingFrequencies {
  const o = bearingOrders(g);
  return {
    shaftHz,
    bpfo: o.bpfo * shaftHz,
    bpfi: o.bpfi * shaftHz,
    bsf: o.bsf * shaftHz,
    twoBsf: o.twoBsf * shaftHz,
    ftf: o.ftf * shaftHz,
  };
}

/** The envelope-spectrum family that reveals each defect, with its feature-name prefix. */
export interface DefectFamily {
  defect: BearingDefect;
  /** Line name in evidence and the feature prefix: "BPFO" → bpfo_h1_db. */
  line: "BPFO" | "BPFI" | "2xBSF" | "FTF";
  frequencyHz: number;
}

export function defectFamilies(f: BearingFrequencies): DefectFamily[] {
  return [
    { defect: "outer_race", line: "BPFO", frequencyHz: f.bpfo },
    { defect: "inner_race", line: "BPFI", frequencyHz: f.bpfi },
    { defect: "ball", line: "2xBSF", frequencyHz: f.twoBsf },
    { defect: "cage", line: "FTF", frequencyHz: f.ftf },
  ];
}
