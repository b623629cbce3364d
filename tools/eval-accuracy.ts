/**
 * Accuracy of the five analyzers on simulated motors with known truth.
 *
 *   npm run eval:accuracy                 full matrix, table on stdout
 *   npm run eval:accuracy -- --quick      tiny matrix (smoke test)
 *   npm run eval:accuracy -- --json [F]   machine-readable results to F (or stdout when F is omitted)
 *   npm run eval:accuracy -- --strict     exit 1 when a figure is below the README's (tools/accuracy-figures.ts),
 *                                         exit 2 when the README documents no figures for the options given
 *   options: --baseline (give analyzers a baseline learned on a healthy window of the same motor),
 *            --unbalance PCT (supply voltage unbalance, default 0: inverter-fed), --seeds N,
 *            --healthy-seeds N, --max-window S
 *
 * Matrix: healthy and each fault × severities 0.3 / 0.6 / 1.0 × 3 speeds × 2 loads × 2 noise levels
 * × both motor types where the fault applies (broken bar: induction only) × seeds. Each analyzer
 * first gets a window of max(1 s, its declared minDurationS) at max(8192 Hz, its minSampleRateHz).
 * The record an analyzer needs can depend on the operating point (slip, shaft speed), so when it
 * answers insufficient_data it is offered the same motor state again at 2×, 4×, … the length, up
 * to --max-window seconds (default 8), as a coordinator assembling a longer window would.
 */
import { writeFileSync } from "node:fs";
import { ANALYZERS } from "../analyzers/index";
import type { Analyzer, FaultType, FeatureBaseline, Finding, FindingStatus, MotorProfile, SensorWindow } from "../analyzers/types";
import { FAULT_TYPES } from "../analyzers/types";
import { STATUS_RANK } from "../analyzers/finding";
import { optionalValue, parseCommandLine } from "../cli/args";
import { simulateWindow } from "../simulator/motor-model";
import { INDUCTION_400V, INDUCTION_600V, PMSM_400V, PMSM_800V } from "../simulator/profiles";
import { deriveSeed } from "../simulator/prng";
import { documentedFor, DOCUMENTED, pctOf, type Count, type DocumentedFigures } from "./accuracy-figures";
import type { FaultSpec, NoiseSpec, SimulatedCondition, SimulationSpec } from "../simulator/types";

export type SeverityLabel = "mild" | "moderate" | "severe";
/** "healthy": every applicable family answered normal; "undecided": none warned but some answered insufficient_data. */
export type CalledFamily = FaultType | "healthy" | "undecided";

export interface EvalOptions {
  quick: boolean;
  /** Seeds per fault cell. */
  seeds: number;
  /** Seeds per healthy cell (more: the false-alarm rate needs many healthy windows). */
  healthySeeds: number;
  withBaseline: boolean;
  supplyUnbalancePct: number;
  /** Longest window offered to an analyzer that answered insufficient_data, s. */
  maxWindowS: number;
}

interface MatrixAxes {
  severities: readonly { label: SeverityLabel; value: number }[];
  speedsPu: readonly number[];
  loadsPct: readonly number[];
  noise: readonly { label: string; spec: NoiseSpec }[];
  motorTypes: readonly ("pmsm" | "induction")[];
}

/** Two profiles per motor type, alternated by seed, so results do not hinge on one geometry. */
const PROFILES: Readonly<Record<"pmsm" | "induction", readonly MotorProfile[]>> = {
  pmsm: [PMSM_400V, PMSM_800V],
  induction: [INDUCTION_400V, INDUCTION_600V],
};

const FULL_AXES: MatrixAxes = {
  severities: [
    { label: "mild", value: 0.3 },
    { label: "moderate", value: 0.6 },
    { label: "severe", value: 1.0 },
  ],
  speedsPu: [0.3, 0.6, 0.9],
  loadsPct: [50, 100],
  noise: [
    { label: "low", spec: { currentSnrDb: 50, vibrationNoiseG: 0.02 } },
    { label: "high", spec: { currentSnrDb: 40, vibrationNoiseG: 0.05 } },
  ],
  motorTypes: ["pmsm", "induction"],
};

const QUICK_AXES: MatrixAxes = {
  severities: [
    { label: "moderate", value: 0.6 },
    { label: "severe", value: 1.0 },
  ],
  speedsPu: [0.6],
  loadsPct: [100],
  noise: [FULL_AXES.noise[0]],
  motorTypes: ["pmsm", "induction"],
};

export interface EvalCase {
  condition: SimulatedCondition;
  severity: number;
  severityLabel: SeverityLabel | "none";
  motorType: "pmsm" | "induction";
  profileIndex: number;
  rpm: number;
  loadPct: number;
  noise: string;
  seedIndex: number;
  fault: FaultSpec;
}

export interface CaseResult extends EvalCase {
  status: Record<FaultType, FindingStatus>;
  score: Record<FaultType, number>;
  /** Families answering warning or fault. */
  flagged: FaultType[];
  /** The family with the highest status (then score); "healthy"/"undecided" when none warns. */
  called: CalledFamily;
  /** Window length each analyzer finally judged (or gave up on), s. */
  windowS: Record<FaultType, number>;
  /** Reason given with insufficient_data / not_applicable. */
  reason: Partial<Record<FaultType, string>>;
  /** Turn fault: the phase the analyzer located (only when it warned). */
  locatedPhase?: string | undefined;
}

export interface EvalReport {
  options: EvalOptions;
  matrix: {
    conditions: SimulatedCondition[];
    severities: { label: SeverityLabel; value: number }[];
    speeds_pu: number[];
    loads_pct: number[];
    noise: { label: string; current_snr_db: number; vibration_noise_g: number }[];
    motor_types: string[];
    seeds_per_fault_cell: number;
    seeds_per_healthy_cell: number;
    cases: number;
  };
  windows: Record<FaultType, { duration_s: number; rate_hz: number; used_s: Record<string, number> }>;
  confusion: { columns: CalledFamily[]; rows: Record<string, Record<CalledFamily, number>> };
  detection: Record<string, Record<string, { detected: number; total: number; rate: number }>>;
  correct_family: { correct: number; total: number; rate: number };
  /** Turn faults detected at moderate/severe whose faulted phase was located correctly. */
  faulted_phase: { correct: number; total: number; rate: number };
  /** `decided`: healthy cases in which every applicable analyzer reached a verdict. */
  false_alarm: { alarms: number; total: number; decided: number; rate: number; by_family: Record<FaultType, number> };
  insufficient_data: Record<FaultType, number>;
  /** Most frequent insufficient_data reasons per family, numbers masked as '#'. */
  insufficient_reasons: Record<FaultType, { reason: string; count: number }[]>;
  not_applicable: Record<FaultType, number>;
  goals: { detection_moderate_severe: boolean; false_alarm: boolean; correct_family: boolean };
  elapsed_s: number;
  cases: CaseResult[];
}

/** Window length and rate an analyzer asks for (at least the standard 1 s at 8192 Hz). */
function windowFor(analyzer: Analyzer): { durationS: number; rateHz: number } {
  return {
    durationS: Math.max(1, analyzer.requirements.minDurationS),
    rateHz: Math.max(8192, analyzer.requirements.minSampleRateHz),
  };
}

function conditionsFor(motorType: "pmsm" | "induction"): SimulatedCondition[] {
  return ["healthy", ...FAULT_TYPES.filter((f) => f !== "broken_bar" || motorType === "induction")];
}

function faultSpec(condition: SimulatedCondition, severity: number, seedIndex: number): FaultSpec {
  const spec: FaultSpec = { type: condition, severity: condition === "healthy" ? 0 : severity };
  if (condition === "turn_fault") spec.phase = (["A", "B", "C"] as const)[seedIndex % 3];
  // Outer and inner race alternate; ball defects are left out (often undiagnosable, docs/science.md#bearing-defects).
  if (condition === "bearing") spec.bearingDefect = seedIndex % 2 ? "inner_race" : "outer_race";
  if (condition === "insulation") spec.insulationMode = "resistance";
  return spec;
}

export function buildCases(options: EvalOptions): EvalCase[] {
  const axes = options.quick ? QUICK_AXES : FULL_AXES;
  const cases: EvalCase[] = [];
  for (const motorType of axes.motorTypes) {
    for (const condition of conditionsFor(motorType)) {
      const severities = condition === "healthy" ? [{ label: "none" as const, value: 0 }] : axes.severities;
      const seeds = condition === "healthy" ? options.healthySeeds : options.seeds;
      for (const sev of severities) {
        for (const speedPu of axes.speedsPu) {
          for (const loadPct of axes.loadsPct) {
            for (const noise of axes.noise) {
              for (let seedIndex = 0; seedIndex < seeds; seedIndex++) {
                const profileIndex = seedIndex % PROFILES[motorType].length;
                cases.push({
                  condition,
                  severity: sev.value,
                  severityLabel: sev.label,
                  motorType,
                  profileIndex,
                  rpm: speedPu * PROFILES[motorType][profileIndex].rated_rpm,
                  loadPct,
                  noise: noise.label,
                  seedIndex,
                  fault: faultSpec(condition, sev.value, seedIndex),
                });
              }
            }
          }
        }
      }
    }
  }
  return cases;
}

function noiseSpec(options: EvalOptions, label: string): NoiseSpec {
  const axes = options.quick ? QUICK_AXES : FULL_AXES;
  return axes.noise.find((n) => n.label === label)?.spec ?? {};
}

interface CaseFindings {
  findings: Finding[];
  windowS: Record<FaultType, number>;
}

/**
 * Runs every analyzer on a window of one simulated motor state. Windows are shared between analyzers
 * asking for the same length and rate; an analyzer answering insufficient_data is offered the same
 * state at twice the length, up to options.maxWindowS.
 */
function analyzeCase(c: EvalCase, caseIndex: number, options: EvalOptions, fault: FaultSpec, seedLabel: string, baseline?: FeatureBaseline): CaseFindings {
  const profile = PROFILES[c.motorType][c.profileIndex];
  const windows = new Map<string, SensorWindow>();
  const base: Omit<SimulationSpec, "durationS" | "rateHz"> = {
    profile,
    rpm: c.rpm,
    loadPct: c.loadPct,
    fault,
    noise: noiseSpec(options, c.noise),
    seed: deriveSeed(caseIndex, seedLabel),
    // One physical motor per case; its healthy twin (baseline) shares the motor seed.
    motorSeed: deriveSeed(caseIndex, "motor"),
    imperfections: { supplyUnbalancePct: options.supplyUnbalancePct },
    includeVoltages: true,
  };
  const windowOf = (durationS: number, rateHz: number): SensorWindow => {
    const key = `${durationS}@${rateHz}`;
    let window = windows.get(key);
    if (!window) {
      window = simulateWindow({ ...base, durationS, rateHz });
      windows.set(key, window);
    }
    return window;
  };
  const windowS = record(() => 0);
  const findings = Object.values<Analyzer>(ANALYZERS).map((analyzer) => {
    const first = windowFor(analyzer);
    let durationS = first.durationS;
    let finding = analyzer.analyze(windowOf(durationS, first.rateHz), profile, baseline);
    while (finding.status === "insufficient_data" && durationS * 2 <= options.maxWindowS) {
      durationS *= 2;
      finding = analyzer.analyze(windowOf(durationS, first.rateHz), profile, baseline);
    }
    windowS[analyzer.faultType] = durationS;
    return finding;
  });
  return { findings, windowS };
}

function baselineFrom(findings: Finding[]): FeatureBaseline {
  const baseline: FeatureBaseline = {};
  for (const f of findings) {
    if (f.status === "insufficient_data" || f.status === "not_applicable") continue;
    baseline[f.fault_type] = { ...f.features };
  }
  return baseline;
}

function calledFamily(findings: Finding[]): { flagged: FaultType[]; called: CalledFamily } {
  const flagged = findings.filter((f) => f.status === "warning" || f.status === "fault");
  if (flagged.length === 0) {
    return { flagged: [], called: findings.some((f) => f.status === "insufficient_data") ? "undecided" : "healthy" };
  }
  const top = flagged.reduce((a, b) => (STATUS_RANK[b.status] > STATUS_RANK[a.status] || (b.status === a.status && b.score > a.score) ? b : a));
  return { flagged: flagged.map((f) => f.fault_type), called: top.fault_type };
}

function phaseLocation(results: readonly CaseResult[]): { correct: number; total: number; rate: number } {
  const judged = results.filter((r) => r.condition === "turn_fault" && r.severityLabel !== "mild" && r.flagged.includes("turn_fault"));
  const correct = judged.filter((r) => r.locatedPhase === (r.fault.phase ?? "A")).length;
  return { correct, total: judged.length, rate: rate(correct, judged.length) };
}

function record<V>(make: () => V): Record<FaultType, V> {
  return Object.fromEntries(FAULT_TYPES.map((f) => [f, make()])) as Record<FaultType, V>;
}

function rate(n: number, d: number): number {
  return d > 0 ? n / d : 0;
}

export function runEvaluation(options: EvalOptions): EvalReport {
  const started = process.hrtime.bigint();
  const cases = buildCases(options);
  const results: CaseResult[] = cases.map((c, i) => {
    const baseline = options.withBaseline ? baselineFrom(analyzeCase(c, i, options, { type: "healthy", severity: 0 }, "baseline-window").findings) : undefined;
    const { findings, windowS } = analyzeCase(c, i, options, c.fault, "window", baseline);
    const status = record<FindingStatus>(() => "insufficient_data");
    const score = record(() => 0);
    const reason: Partial<Record<FaultType, string>> = {};
    const locatedPhase = findings.find((f) => f.fault_type === "turn_fault")?.faulted_phase;
    for (const f of findings) {
      status[f.fault_type] = f.status;
      score[f.fault_type] = f.score;
      if ((f.status === "insufficient_data" || f.status === "not_applicable") && f.reason) reason[f.fault_type] = f.reason;
    }
    return { ...c, status, score, ...calledFamily(findings), windowS, reason, locatedPhase };
  });

  const columns: CalledFamily[] = ["healthy", ...FAULT_TYPES, "undecided"];
  const rows: Record<string, Record<CalledFamily, number>> = {};
  for (const r of results) {
    rows[r.condition] ??= Object.fromEntries(columns.map((c) => [c, 0])) as Record<CalledFamily, number>;
    rows[r.condition][r.called]++;
  }

  const detection: EvalReport["detection"] = {};
  let correct = 0,
    judged = 0;
  for (const r of results) {
    if (r.condition === "healthy") continue;
    const key = r.condition;
    detection[key] ??= {};
    const cell = (detection[key][r.severityLabel] ??= { detected: 0, total: 0, rate: 0 });
    cell.total++;
    if (r.flagged.includes(r.condition)) cell.detected++;
    if (r.severityLabel === "moderate" || r.severityLabel === "severe") {
      judged++;
      if (r.called === r.condition) correct++;
    }
  }
  for (const byLabel of Object.values(detection)) for (const cell of Object.values(byLabel)) cell.rate = rate(cell.detected, cell.total);

  const healthy = results.filter((r) => r.condition === "healthy");
  const byFamily = record(() => 0);
  for (const r of healthy) for (const f of r.flagged) byFamily[f]++;
  const alarms = healthy.filter((r) => r.flagged.length > 0).length;
  const healthyDecided = healthy.filter((r) => r.called !== "undecided").length;
  const insufficient = record(() => 0),
    notApplicable = record(() => 0);
  const reasonCounts = record(() => new Map<string, number>());
  const used = record<Record<string, number>>(() => ({}));
  for (const r of results) {
    for (const f of FAULT_TYPES) {
      used[f][String(r.windowS[f])] = (used[f][String(r.windowS[f])] ?? 0) + 1;
      if (r.status[f] === "not_applicable") notApplicable[f]++;
      if (r.status[f] !== "insufficient_data") continue;
      insufficient[f]++;
      const masked = (r.reason[f] ?? "(no reason given)").replace(/-?\d+(\.\d+)?/g, "#");
      reasonCounts[f].set(masked, (reasonCounts[f].get(masked) ?? 0) + 1);
    }
  }
  const topReasons = record(() => [] as { reason: string; count: number }[]);
  for (const f of FAULT_TYPES) {
    topReasons[f] = [...reasonCounts[f].entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([reason, count]) => ({ reason, count }));
  }
  const detectionOk = Object.values(detection).every((byLabel) => (["moderate", "severe"] as const).every((l) => !byLabel[l] || byLabel[l].rate >= 0.98));

  const axes = options.quick ? QUICK_AXES : FULL_AXES;
  const falseAlarmRate = rate(alarms, healthy.length);
  const correctRate = rate(correct, judged);
  return {
    options,
    matrix: {
      conditions: ["healthy", ...FAULT_TYPES],
      severities: axes.severities.map((s) => ({ ...s })),
      speeds_pu: [...axes.speedsPu],
      loads_pct: [...axes.loadsPct],
      noise: axes.noise.map((n) => ({ label: n.label, current_snr_db: n.spec.currentSnrDb ?? 50, vibration_noise_g: n.spec.vibrationNoiseG ?? 0.02 })),
      motor_types: [...axes.motorTypes],
      seeds_per_fault_cell: options.seeds,
      seeds_per_healthy_cell: options.healthySeeds,
      cases: results.length,
    },
    windows: Object.fromEntries(
      Object.values(ANALYZERS).map((a) => {
        const w = windowFor(a);
        return [a.faultType, { duration_s: w.durationS, rate_hz: w.rateHz, used_s: used[a.faultType] }];
      }),
    ) as EvalReport["windows"],
    confusion: { columns, rows },
    detection,
    correct_family: { correct, total: judged, rate: correctRate },
    faulted_phase: phaseLocation(results),
    false_alarm: { alarms, total: healthy.length, decided: healthyDecided, rate: falseAlarmRate, by_family: byFamily },
    insufficient_data: insufficient,
    insufficient_reasons: topReasons,
    not_applicable: notApplicable,
    // A false-alarm rate measured on windows nobody judged proves nothing: require verdicts.
    goals: { detection_moderate_severe: detectionOk, false_alarm: healthyDecided > 0 && falseAlarmRate <= 0.01, correct_family: correctRate >= 0.95 },
    elapsed_s: Number(process.hrtime.bigint() - started) / 1e9,
    cases: results,
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const pad = (s: string | number, n: number): string => String(s).padStart(n);

export function formatReport(r: EvalReport): string {
  const out: string[] = [];
  const m = r.matrix;
  out.push(`VTOX analyzer accuracy on simulated motors (${m.cases} cases, ${r.elapsed_s.toFixed(1)} s)`);
  out.push(
    `matrix: conditions ${m.conditions.join("/")} × severities ${m.severities.map((s) => `${s.label} ${s.value}`).join(", ")}` +
      ` × speeds ${m.speeds_pu.join("/")} × rated × loads ${m.loads_pct.join("/")} % × noise ${m.noise.map((n) => `${n.label} (${n.current_snr_db} dB, ${n.vibration_noise_g} g)`).join("/")}` +
      ` × ${m.motor_types.join("+")} (broken bar: induction only) × ${m.seeds_per_fault_cell} seeds (healthy: ${m.seeds_per_healthy_cell})`,
  );
  out.push(`windows (first offer, then doubled up to ${r.options.maxWindowS} s on insufficient_data; "length s × cases" used):`);
  for (const [f, w] of Object.entries(r.windows)) {
    const usedList = Object.entries(w.used_s)
      .sort((a, b) => Number(a[0]) - Number(b[0]))
      .map(([d, n]) => `${d} s × ${n}`)
      .join(", ");
    out.push(`  ${f.padEnd(13)} ${w.duration_s} s @ ${w.rate_hz} Hz; used ${usedList}`);
  }
  out.push(
    `baseline: ${r.options.withBaseline ? "learned on a healthy window of the same motor" : "none (absolute thresholds)"}; supply unbalance ${r.options.supplyUnbalancePct} %`,
  );
  out.push("");
  out.push("Confusion matrix (rows: true condition, all severities; columns: family called; 'healthy' = no warning/fault anywhere and every");
  out.push("applicable analyzer decided; 'undecided' = no warning/fault but some analyzer answered insufficient_data)");
  const cols = r.confusion.columns;
  const w = 13;
  out.push(pad("true \\ called", 14) + cols.map((c) => pad(c, w)).join(""));
  for (const cond of m.conditions) {
    const row = r.confusion.rows[cond];
    if (!row) continue;
    out.push(pad(cond, 14) + cols.map((c) => pad(row[c], w)).join(""));
  }
  out.push("");
  out.push("Detection (warning or fault in the right family)");
  out.push(pad("fault", 14) + ["mild", "moderate", "severe"].map((l) => pad(l, 18)).join(""));
  for (const [fault, byLabel] of Object.entries(r.detection)) {
    out.push(
      pad(fault, 14) +
        (["mild", "moderate", "severe"] as const)
          .map((l) => {
            const c = byLabel[l];
            return pad(c ? `${pct(c.rate)} (${c.detected}/${c.total})` : "-", 18);
          })
          .join(""),
    );
  }
  out.push("");
  out.push(`Correct family (moderate + severe): ${pct(r.correct_family.rate)} (${r.correct_family.correct}/${r.correct_family.total})`);
  out.push(
    `Turn fault located in the right phase (detected, moderate + severe): ${pct(r.faulted_phase.rate)} (${r.faulted_phase.correct}/${r.faulted_phase.total})`,
  );
  out.push(
    `False alarms on healthy motors: ${pct(r.false_alarm.rate)} (${r.false_alarm.alarms}/${r.false_alarm.total}, ${r.false_alarm.decided} fully decided); by family ${Object.entries(
      r.false_alarm.by_family,
    )
      .map(([f, n]) => `${f} ${n}`)
      .join(", ")}`,
  );
  out.push(
    `insufficient_data (of ${m.cases} cases): ${Object.entries(r.insufficient_data)
      .map(([f, n]) => `${f} ${n}`)
      .join(", ")}`,
  );
  for (const [f, reasons] of Object.entries(r.insufficient_reasons)) {
    for (const x of reasons) out.push(`  ${f}: ${x.count} × ${x.reason.length > 140 ? x.reason.slice(0, 137) + "..." : x.reason}`);
  }
  out.push(
    `not_applicable: ${Object.entries(r.not_applicable)
      .map(([f, n]) => `${f} ${n}`)
      .join(", ")}`,
  );
  out.push("");
  const mark = (ok: boolean) => (ok ? "met" : "NOT met");
  out.push(
    `Goals: detection ≥ 98 % at moderate and severe: ${mark(r.goals.detection_moderate_severe)}; false alarms ≤ 1 %: ${mark(r.goals.false_alarm)}; right family ≥ 95 %: ${mark(r.goals.correct_family)}`,
  );
  return out.join("\n");
}

/** The README's figures for these options, or undefined when it documents none (--baseline, other seeds or windows). */
export function documentedFigures(options: EvalOptions): DocumentedFigures | undefined {
  const defaults = parseArgs(options.quick ? ["--quick"] : []);
  const asDocumented =
    !options.withBaseline && options.seeds === defaults.seeds && options.healthySeeds === defaults.healthySeeds && options.maxWindowS === defaults.maxWindowS;
  return asDocumented ? documentedFor(options.quick ? "quick" : "full", options.supplyUnbalancePct) : undefined;
}

/**
 * Every measured figure that falls short of its documented value (detection, right family and phase location below;
 * false alarms above), one line each; empty when all hold.
 */
export function shortfalls(r: EvalReport, doc: DocumentedFigures): string[] {
  const out: string[] = [];
  const show = (c: Count) => `${pctOf(c)} % (${c.n}/${c.of})`;
  const atLeast = (what: string, measured: Count | undefined, documented: Count) => {
    if (!measured || measured.of !== documented.of) {
      out.push(`${what}: measured on ${measured?.of ?? 0} cases, documented on ${documented.of}`);
    } else if (measured.n * documented.of < documented.n * measured.of) {
      out.push(`${what}: ${show(measured)} < documented ${show(documented)}`);
    }
  };
  if (r.matrix.cases !== doc.cases) out.push(`matrix: ${r.matrix.cases} cases, the documented figures are for ${doc.cases}`);
  for (const [fault, bySeverity] of Object.entries(doc.detection)) {
    for (const [severity, documented] of Object.entries(bySeverity ?? {})) {
      const cell = r.detection[fault]?.[severity];
      atLeast(`${fault} ${severity} detection`, cell && { n: cell.detected, of: cell.total }, documented);
    }
  }
  atLeast("right family", { n: r.correct_family.correct, of: r.correct_family.total }, doc.rightFamily);
  if (doc.phaseLocated) atLeast("turn fault phase located", { n: r.faulted_phase.correct, of: r.faulted_phase.total }, doc.phaseLocated);
  const fa: Count = { n: r.false_alarm.alarms, of: r.false_alarm.total };
  if (fa.of !== doc.falseAlarms.of) out.push(`false alarms: measured on ${fa.of} healthy cases, documented on ${doc.falseAlarms.of}`);
  else if (fa.n > doc.falseAlarms.n) out.push(`false alarms: ${fa.n} of ${fa.of} > documented ${doc.falseAlarms.n} of ${doc.falseAlarms.of}`);
  return out;
}

const USAGE = "npm run eval:accuracy -- [--quick] [--json [FILE]] [--baseline] [--unbalance PCT] [--seeds N] [--healthy-seeds N] [--max-window S] [--strict]";

export function parseArgs(argv: readonly string[]): EvalOptions & { json: string | null; strict: boolean } {
  const { values } = parseCommandLine("eval-accuracy", USAGE, {
    args: optionalValue(argv, "json", "-"),
    options: {
      quick: { type: "boolean" },
      baseline: { type: "boolean" },
      strict: { type: "boolean" },
      json: { type: "string" },
      seeds: { type: "string" },
      "healthy-seeds": { type: "string" },
      unbalance: { type: "string" },
      "max-window": { type: "string" },
    },
  });
  const quick = values.quick === true;
  const seeds = Number(values.seeds ?? (quick ? 1 : 3));
  const num = (v: string | undefined, d: number) => (v !== undefined && Number.isFinite(Number(v)) ? Number(v) : d);
  return {
    quick,
    seeds: Math.max(1, Math.floor(num(values.seeds, seeds))),
    healthySeeds: Math.max(1, Math.floor(num(values["healthy-seeds"], quick ? 2 : 4 * seeds))),
    withBaseline: values.baseline === true,
    supplyUnbalancePct: num(values.unbalance, 0),
    maxWindowS: Math.max(1, num(values["max-window"], 8)),
    json: values.json ?? null,
    strict: values.strict === true,
  };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const { json, strict, ...options } = args;
  const report = runEvaluation(options);
  if (json === "-") {
    process.stdout.write(JSON.stringify(report) + "\n");
  } else {
    if (json) writeFileSync(json, JSON.stringify(report, null, 1));
    process.stdout.write(formatReport(report) + "\n");
  }
  if (!strict) return;
  const doc = documentedFigures(options);
  const what = `${options.quick ? "quick" : "full"} matrix, ${options.supplyUnbalancePct} % unbalance`;
  if (!doc) {
    const known = DOCUMENTED.map((d) => `${d.matrix} at --unbalance ${d.unbalancePct}`).join(", ");
    process.stderr.write(
      `eval:accuracy --strict: the README documents no figures for these options (documented: ${known}; default seeds and windows, no --baseline)\n`,
    );
    process.exitCode = 2;
    return;
  }
  const problems = shortfalls(report, doc);
  if (problems.length > 0) {
    process.stderr.write(
      `eval:accuracy --strict: ${problems.length} figure(s) worse than the README documents (${what}; tools/accuracy-figures.ts):\n${problems.map((p) => `  - ${p}\n`).join("")}`,
    );
    process.exitCode = 1;
  } else {
    process.stdout.write(`eval:accuracy --strict: every documented figure holds (${what})\n`);
  }
}

if (require.main === module) main();
