/**
 * Rounding of reported numbers (features, evidence), shared by the analyzers so that every
 * finding rounds the same way.
 */

/** x to `digits` decimals, ties toward +∞ (Math.round on x·10^digits). */
export function round(x: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
}

/**
 * x to `digits` decimals as Number(x.toFixed(digits)): decimal rounding of the exact binary value,
 * ties away from zero. The turn-fault analyzer has always rounded this way; kept so that its
 * reported numbers do not move (the two differ in the last digit at some ties).
 */
export function roundToFixed(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
