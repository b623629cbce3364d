/**
 * Rounding of reported numbers (metrics, features in JSON, generated examples): `digits` decimals, by
 * Number(x.toFixed(digits)), i.e. from the exact binary value (1.005 → 1 at 2 digits). A null passes through.
 */
export function round(x: number, digits?: number): number;
export function round(x: number | null, digits?: number): number | null;
export function round(x: number | null, digits = 2): number | null {
  return x === null ? null : Number(x.toFixed(digits));
}
