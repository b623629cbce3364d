/**
 * `npm run chaos`: kill processes and restart Redis under load, then prove nothing was lost or duplicated.
 * Flags: --duration S (60), --kill-every S (10), --rate WINDOWS_PER_S (4), --vehicles N (12), --window S (0.25),
 * --rate-hz HZ (4096), --redis-restart-before-end S (12; 0 = none), --split-workers, --drain-timeout S (90), --seed N.
 * Exits 1 when any accepted window was lost or duplicated, or entries stayed pending / dead-lettered.
 * The default load (4 windows/s of 0.25 s at 4096 Hz) is about half of what the six processes diagnosed on the shared
 * 2-core development box (measure with `--kill-every 1000 --redis-restart-before-end 0 --rate 16 --vehicles 32`).
 */
import { parseCommandLine } from "../cli/args";
import { chaosFailed, formatChaosReport } from "./chaos/report";
import { runChaos } from "./chaos/run";

const USAGE =
  "npm run chaos -- [--duration S] [--kill-every S] [--rate WINDOWS_PER_S] [--vehicles N] [--window S] [--rate-hz HZ] " +
  "[--redis-restart-before-end S] [--split-workers] [--drain-timeout S] [--seed N]";

const { values } = parseCommandLine("chaos", USAGE, {
  options: {
    duration: { type: "string", default: "60" },
    "kill-every": { type: "string", default: "10" },
    rate: { type: "string", default: "4" },
    vehicles: { type: "string", default: "12" },
    window: { type: "string", default: "0.25" },
    "rate-hz": { type: "string", default: "4096" },
    "redis-restart-before-end": { type: "string", default: "12" },
    "split-workers": { type: "boolean", default: false },
    "drain-timeout": { type: "string", default: "90" },
    seed: { type: "string", default: String(Date.now() % 100_000) },
  },
});

function num(name: keyof typeof values): number {
  const v = Number(values[name]);
  if (!Number.isFinite(v) || v < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
  return v;
}

runChaos({
  durationS: num("duration"),
  killEveryS: num("kill-every"),
  ratePerS: num("rate"),
  vehicles: num("vehicles"),
  windowS: num("window"),
  rateHz: num("rate-hz"),
  redisRestartBeforeEndS: num("redis-restart-before-end"),
  splitWorkers: values["split-workers"] === true,
  drainTimeoutS: num("drain-timeout"),
  seed: num("seed"),
  log: (line) => console.log(`[chaos] ${line}`),
}).then(
  (report) => {
    console.log(formatChaosReport(report));
    process.exit(chaosFailed(report) ? 1 : 0);
  },
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
