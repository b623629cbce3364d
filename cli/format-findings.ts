/** Plain-text rendering of findings for the terminal (`npm run diagnose`): one row per fault family. */
import type { Evidence, Finding, MotorProfile, SensorWindow } from "../analyzers/types";

function num(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.01 || a >= 1e5)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

/** "BPFI h1 @ 162.2 Hz: 43.1 dB re local median (threshold 25)". */
export function formatEvidence(e: Evidence): string {
  const parts: string[] = [e.name];
  if (e.frequency_hz !== undefined) parts.push(`@ ${num(e.frequency_hz)} Hz`);
  const values: string[] = [];
  if (e.level_db !== undefined) values.push(`${num(e.level_db)} dB${e.reference ? ` re ${e.reference}` : ""}`);
  if (e.value !== undefined) values.push(`${num(e.value)}${e.unit ? ` ${e.unit}` : ""}`);
  let text = values.length > 0 ? `${parts.join(" ")}: ${values.join(", ")}` : parts.join(" ");
  if (e.threshold !== undefined) text += ` (threshold ${num(e.threshold)})`;
  return text;
}

/** The key evidence of a finding: its reason, then its first two pieces of evidence. */
export function keyEvidence(f: Finding, maxEvidence = 2): string {
  const items = f.evidence.slice(0, maxEvidence).map(formatEvidence);
  const reason = f.reason ?? "";
  // Structured fields the reason does not already state.
  const extra = [
    f.faulted_phase ? `phase ${f.faulted_phase}` : "",
    f.bearing_defect ? f.bearing_defect.replace("_", " ") : "",
    f.baseline_used ? "vs baseline" : "",
  ].filter((s) => s !== "" && !reason.includes(s));
  return [reason, ...extra, ...items].filter((s) => s !== "").join("; ");
}

export function describeWindow(w: SensorWindow): string {
  const byRate = new Map<number, { names: string[]; n: number }>();
  for (const [name, s] of Object.entries(w.channels)) {
    if (!s) continue;
    const group = byRate.get(s.rateHz) ?? { names: [], n: s.samples.length };
    group.names.push(name);
    byRate.set(s.rateHz, group);
  }
  const groups = [...byRate.entries()].map(([rate, g]) => `${g.names.join(",")} @ ${num(rate)} Hz × ${g.n} (${num(g.n / rate)} s)`);
  const scalars: string[] = [];
  if (w.rpm !== undefined) scalars.push(`${num(w.rpm)} rpm`);
  if (w.loadPct !== undefined) scalars.push(`load ${num(w.loadPct)} %`);
  if (w.windingTempC !== undefined) scalars.push(`${num(w.windingTempC)} °C`);
  if (w.insulationResistanceKohm !== undefined) scalars.push(`R_iso ${num(w.insulationResistanceKohm)} kΩ`);
  if (w.leakageCurrentMa !== undefined) scalars.push(`leakage ${num(w.leakageCurrentMa)} mA`);
  if (w.dcBusV !== undefined) scalars.push(`DC bus ${num(w.dcBusV)} V`);
  return [groups.join("; "), scalars.join(", ")].filter((s) => s !== "").join("; ");
}

export function describeProfile(p: MotorProfile): string {
  const extras = [p.rotor_bars !== undefined ? `${p.rotor_bars} bars` : "", p.supply_hz !== undefined ? `${p.supply_hz} Hz supply` : ""].filter((s) => s);
  return `${p.motor_type}, ${p.pole_pairs} pole pairs, ${p.rated_rpm} rpm rated${extras.length ? ", " + extras.join(", ") : ""}`;
}

/** A fixed-width table: family | status | score | key evidence or reason. */
export function formatFindingsTable(findings: readonly Finding[]): string {
  const rows = findings.map((f) => [f.fault_type, f.status, f.score.toFixed(2), keyEvidence(f)]);
  const head = ["family", "status", "score", "key evidence / reason"];
  const widths = [0, 1, 2].map((k) => Math.max(head[k].length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]): string => [r[0].padEnd(widths[0]), r[1].padEnd(widths[1]), r[2].padStart(widths[2]), r[3]].join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w)).concat("-".repeat(head[3].length))), ...rows.map(line)].join("\n");
}
