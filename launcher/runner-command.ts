/**
 * The moleculer-runner command line, built in one place for every launcher (bin/start.ts, launcher/supervisor.ts,
 * tools/chaos, bench/cluster.bench.ts, the multi-process tests):
 *   node [node options…] [--import tsx] <root>/node_modules/moleculer/bin/moleculer-runner.js --config <config> <service files…>
 * Development runs TypeScript through tsx from `root`; `compiled` runs the JS tree in `root`/dist (npm run build).
 */
import path from "node:path";

export interface RunnerCommandOptions {
  /** Repository root: holds node_modules/ and (compiled) dist/. */
  root: string;
  /** Service files, absolute or relative to the child's working directory (no globs). */
  services: readonly string[];
  /** Run compiled JS from dist/ (production) instead of TypeScript through tsx (development). */
  compiled?: boolean;
  /** Node options placed first, e.g. ["--cpu-prof", "--cpu-prof-dir", DIR]. */
  nodeOptions?: readonly string[];
}

export function runnerCommand({ root, services, compiled = false, nodeOptions = [] }: RunnerCommandOptions): { command: string; args: string[] } {
  const runner = path.join(root, "node_modules", "moleculer", "bin", "moleculer-runner.js");
  const config = compiled ? path.join(root, "dist", "moleculer.config.js") : path.join(root, "moleculer.config.ts");
  return {
    command: process.execPath,
    args: [...nodeOptions, ...(compiled ? [] : ["--import", "tsx"]), runner, "--config", config, ...services],
  };
}
