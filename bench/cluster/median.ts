/**
 * The median of several runs' results, figure by figure (`--runs N`): numbers at the same place are replaced by
 * their median; lists of rows named by `process` or `command` are matched by that name, other lists by position;
 * anything else is taken from the first run.
 */
type Json = unknown;

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function rowName(row: Json): string | undefined {
  if (row === null || typeof row !== "object") return undefined;
  const r = row as { process?: unknown; command?: unknown };
  return typeof r.process === "string" ? r.process : typeof r.command === "string" ? r.command : undefined;
}

export function medianOf(runs: readonly Json[]): Json {
  const first = runs[0];
  if (runs.some((v) => typeof v === "number")) {
    // A figure one run could not give (null) does not hide the others'.
    const nums = runs.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return nums.length ? median(nums) : first;
  }
  if (Array.isArray(first)) {
    return first.map((row: Json, i) => {
      const name = rowName(row);
      const matches = runs.map((r): Json => (Array.isArray(r) ? (name === undefined ? (r[i] as Json) : r.find((x: Json) => rowName(x) === name)) : undefined));
      return medianOf(matches.filter((m) => m !== undefined));
    });
  }
  if (first !== null && typeof first === "object") {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(first)) {
      out[key] = medianOf(runs.map((r) => (r !== null && typeof r === "object" ? (r as Record<string, Json>)[key] : undefined)).filter((v) => v !== undefined));
    }
    return out;
  }
  return first;
}
