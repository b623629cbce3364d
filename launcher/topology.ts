/**
 * Which process runs which services: one process each for api, diagnosis and monitor, and N worker processes that
 * share the five fault families round-robin (N < 5: some workers host several families; N ≥ 5: one family each,
 * the families cycled so that their instance counts differ by at most one). Pure; the supervisor acts on it.
 */
import { CORE_UNITS, type ServiceUnit } from "../contracts/service-units";
import { WORKER_UNITS, type WorkerUnit } from "../contracts/families";

export interface ProcessSpec {
  /** Unique name, also the suffix of the node ID. */
  name: string;
  role: "core" | "worker";
  units: ServiceUnit[];
  /** Added by the autoscaler (removable by it), as opposed to the base topology. */
  dynamic?: boolean;
}

export function planTopology(workers: number): ProcessSpec[] {
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`--workers must be a positive integer, got ${workers}`);
  const core: ProcessSpec[] = CORE_UNITS.map((u) => ({ name: u, role: "core", units: [u] }));
  const groups: WorkerUnit[][] = Array.from({ length: workers }, () => []);
  const slots = Math.max(workers, WORKER_UNITS.length);
  for (let i = 0; i < slots; i++) groups[i % workers].push(WORKER_UNITS[i % WORKER_UNITS.length]);
  const worker: ProcessSpec[] = groups.map((units, i) => ({ name: `worker-${i + 1}`, role: "worker", units: [...new Set(units)] }));
  return [...core, ...worker];
}

/** How many processes host each fault family. */
export function familyCounts(specs: readonly ProcessSpec[]): Record<WorkerUnit, number> {
  const counts = Object.fromEntries(WORKER_UNITS.map((f) => [f, 0])) as Record<WorkerUnit, number>;
  for (const s of specs) for (const u of s.units) if (u in counts) counts[u as WorkerUnit]++;
  return counts;
}

/** A new single-family worker for scale-out, named after the family with the next free index. */
export function scaleOutSpec(specs: readonly ProcessSpec[], family: WorkerUnit): ProcessSpec {
  const taken = new Set(specs.map((s) => s.name));
  let i = 1;
  while (taken.has(`${family}-${i}`)) i++;
  return { name: `${family}-${i}`, role: "worker", units: [family], dynamic: true };
}

/** The process to stop for scale-in: the newest dynamic single-family worker of that family, if any. */
export function scaleInCandidate(specs: readonly ProcessSpec[], family: WorkerUnit): ProcessSpec | undefined {
  return [...specs].reverse().find((s) => s.dynamic && s.units.length === 1 && s.units[0] === family);
}

export interface TopologyRow {
  name: string;
  units: readonly string[];
  pid?: number | undefined;
  status: string;
  restarts: number;
}

/** Plain-text table for the terminal. */
export function formatTopologyTable(rows: readonly TopologyRow[]): string {
  const header = ["process", "pid", "status", "restarts", "services"];
  const body = rows.map((r) => [r.name, r.pid == null ? "-" : String(r.pid), r.status, String(r.restarts), r.units.join(", ")]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}
