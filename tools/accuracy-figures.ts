/**
 * The accuracy figures the README documents, kept in this one place:
 *   - `npm run eval:accuracy -- [--quick] [--unbalance PCT] --strict` exits 1 when a measured figure is below its
 *     documented value here (false alarms: above), listing each one;
 *   - the README's accuracy tables are generated from them (`npx tsx tools/accuracy-figures.ts` prints the blocks
 *     between the `<!-- accuracy-*:begin/end -->` markers) and test/unit/simulator/accuracy-figures.spec.ts keeps the
 *     README equal to them.
 * Figures are counts as measured (the percentages are derived), so a documented 80.6 % is 58/72, not a rounded floor.
 * Change a figure only after measuring it, never to make --strict pass.
 */
import type { FaultType } from "../analyzers/types";

export type SeverityLabel = "mild" | "moderate" | "severe";

/** n of `of` cases. */
export interface Count {
  n: number;
  of: number;
}

export interface DocumentedFigures {
  /** The matrix the figures were measured on: `--quick` or the full one (defaults otherwise: seeds, --max-window 8, no --baseline). */
  matrix: "full" | "quick";
  unbalancePct: number;
  /** Cases in that matrix: a run with another number (other --seeds) is not what was documented. */
  cases: number;
  /** Windows flagged in the right family, per fault and severity (at least). */
  detection: Partial<Record<FaultType, Partial<Record<SeverityLabel, Count>>>>;
  /** Moderate and severe faults whose top family is the right one (at least). */
  rightFamily: Count;
  /** Detected moderate and severe turn faults located in the right phase (at least). */
  phaseLocated?: Count;
  /** Healthy windows with any warning or fault (at most). */
  falseAlarms: Count;
}

const all = (of: number, mild: number): Partial<Record<SeverityLabel, Count>> => ({
  mild: { n: mild, of },
  moderate: { n: of, of },
  severe: { n: of, of },
});
const moderateSevere = (of: number): Partial<Record<SeverityLabel, Count>> => ({ moderate: { n: of, of }, severe: { n: of, of } });

export const DOCUMENTED: readonly DocumentedFigures[] = [
  {
    matrix: "full",
    unbalancePct: 0,
    cases: 1260,
    detection: { turn_fault: all(72, 72), insulation: all(72, 0), bearing: all(72, 58), eccentricity: all(72, 0), broken_bar: all(36, 0) },
    rightFamily: { n: 648, of: 648 },
    phaseLocated: { n: 144, of: 144 },
    falseAlarms: { n: 0, of: 288 },
  },
  {
    matrix: "full",
    unbalancePct: 1,
    cases: 1260,
    detection: { turn_fault: all(72, 53) },
    rightFamily: { n: 648, of: 648 },
    falseAlarms: { n: 0, of: 288 },
  },
  {
    matrix: "full",
    unbalancePct: 2,
    cases: 1260,
    detection: { turn_fault: { mild: { n: 35, of: 72 }, moderate: { n: 67, of: 72 }, severe: { n: 71, of: 72 } } },
    rightFamily: { n: 642, of: 648 },
    falseAlarms: { n: 1, of: 288 },
  },
  {
    // What CI runs (`npm test`): no mild faults, one operating point, one seed per motor type.
    matrix: "quick",
    unbalancePct: 0,
    cases: 22,
    detection: {
      turn_fault: moderateSevere(2),
      insulation: moderateSevere(2),
      bearing: moderateSevere(2),
      eccentricity: moderateSevere(2),
      broken_bar: moderateSevere(1),
    },
    rightFamily: { n: 18, of: 18 },
    phaseLocated: { n: 4, of: 4 },
    falseAlarms: { n: 0, of: 4 },
  },
];

export function documentedFor(matrix: "full" | "quick", unbalancePct: number): DocumentedFigures | undefined {
  return DOCUMENTED.find((d) => d.matrix === matrix && d.unbalancePct === unbalancePct);
}

/** Percent with at most one decimal, as the README writes it: 58/72 → "80.6", 72/72 → "100". */
export function pctOf(c: Count): string {
  return c.of === 0 ? "-" : String(Math.round((1000 * c.n) / c.of) / 10);
}

const FAMILY_NAMES: Record<FaultType, string> = {
  turn_fault: "turn fault",
  insulation: "insulation",
  bearing: "bearing",
  eccentricity: "eccentricity",
  broken_bar: "broken bar",
};

function must(matrix: "full" | "quick", unbalancePct: number): DocumentedFigures {
  const d = documentedFor(matrix, unbalancePct);
  if (!d) throw new Error(`no documented figures for the ${matrix} matrix at ${unbalancePct} % unbalance`);
  return d;
}

/** A rate under the 98 % detection goal is shown in bold. */
function emphasised(c: Count | undefined, severity: SeverityLabel): string {
  if (!c) return "-";
  const text = pctOf(c);
  return severity !== "mild" && c.n < 0.98 * c.of ? `**${text}**` : text;
}

/** The README blocks, by marker name. */
export function accuracyBlocks(): Record<string, string> {
  const full = must("full", 0);
  const detection = [
    "| fault | mild (0.3) | moderate (0.6) | severe (1.0) |",
    "| --- | --- | --- | --- |",
    ...(Object.keys(FAMILY_NAMES) as FaultType[]).map((f) => {
      const row = full.detection[f] ?? {};
      return `| ${FAMILY_NAMES[f]} | ${(["mild", "moderate", "severe"] as const).map((s) => (row[s] ? `${pctOf(row[s])} %` : "-")).join(" | ")} |`;
    }),
    "",
    `Right family (moderate and severe): ${pctOf(full.rightFamily)} % (${full.rightFamily.n}/${full.rightFamily.of}). ` +
      `Turn faults located in the right phase: ${pctOf(full.phaseLocated!)} % (${full.phaseLocated!.n}/${full.phaseLocated!.of}). ` +
      `False alarms on healthy motors: ${full.falseAlarms.n} of ${full.falseAlarms.of}.`,
  ];
  const unbalance = [
    "| unbalance | false alarms | turn fault mild / moderate / severe | right family |",
    "| --- | --- | --- | --- |",
    ...DOCUMENTED.filter((d) => d.matrix === "full").map((d) => {
      const t = d.detection.turn_fault ?? {};
      const turn = (["mild", "moderate", "severe"] as const).map((s) => emphasised(t[s], s)).join(" / ");
      return `| ${d.unbalancePct} % | ${d.falseAlarms.n} / ${d.falseAlarms.of} | ${turn} % | ${pctOf(d.rightFamily)} % |`;
    }),
  ];
  const quick = must("quick", 0);
  const quickCells = (Object.keys(FAMILY_NAMES) as FaultType[])
    .map(
      (f) =>
        `${FAMILY_NAMES[f]} ${(["moderate", "severe"] as const)
          .map((s) => {
            const c = quick.detection[f]?.[s];
            return c ? `${c.n}/${c.of}` : "-";
          })
          .join(" + ")}`,
    )
    .join(", ");
  const quickBlock = [
    `Quick matrix (${quick.cases} cases; what \`npm test\` checks with \`--quick --strict\`): moderate + severe detected: ${quickCells}; ` +
      `right family ${quick.rightFamily.n}/${quick.rightFamily.of}; phase located ${quick.phaseLocated!.n}/${quick.phaseLocated!.of}; ` +
      `false alarms ${quick.falseAlarms.n} of ${quick.falseAlarms.of}.`,
  ];
  return { "accuracy-full": detection.join("\n"), "accuracy-unbalance": unbalance.join("\n"), "accuracy-quick": quickBlock.join("\n") };
}

if (require.main === module) {
  for (const [name, block] of Object.entries(accuracyBlocks())) process.stdout.write(`<!-- ${name}:begin -->\n${block}\n<!-- ${name}:end -->\n\n`);
}
