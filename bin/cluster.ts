/**
 * `npm run cluster -- --workers N [--mode development|production] [--min 1] [--max 4]`
 * Scale-out launcher for one machine: one moleculer-runner process each for api, diagnosis and monitor, and N worker
 * processes sharing the five fault families (launcher/topology.ts). Crashed children are restarted with capped
 * exponential backoff (launcher/backoff.ts); SIGINT/SIGTERM stop them gracefully. Production runs the compiled
 * tree (npm run build → dist/); development runs TypeScript through tsx and follows the monitor's scaling advice
 * (`monitor.scaling`, polled through a small broker of its own), adding or removing single-family workers within
 * [min, max] processes per family. Without a monitor (or with an unexpected answer) it simply does not autoscale.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ServiceBroker } from "moleculer";
import { loadConfigOrExit } from "../config";
import { parseCommandLine } from "../cli/args";
import { brokerConfig } from "../moleculer.config";
import { ClusterSupervisor } from "../launcher/supervisor";
import { familyCounts, formatTopologyTable, planTopology, scaleInCandidate, scaleOutSpec } from "../launcher/topology";
import { parseScalingAdvice, scalingSteps, type ScalingBounds } from "../launcher/scaling";
import type { WorkerUnit } from "../contracts/families";

const root = path.resolve(__dirname, "..");

const { values } = parseCommandLine(
  "cluster",
  "npm run cluster -- [--workers N] [--mode development|production] [--min N] [--max N] [--poll-s S] [--cooldown-s S] [--grace-s S]",
  {
    options: {
      workers: { type: "string", default: "2" },
      mode: { type: "string", default: "development" },
      min: { type: "string", default: "1" },
      max: { type: "string", default: "4" },
      "poll-s": { type: "string", default: "15" },
      "cooldown-s": { type: "string", default: "60" },
      "grace-s": { type: "string", default: "15" },
    },
  },
);

const mode = values.mode;
if (mode !== "development" && mode !== "production") throw new Error(`--mode must be development or production, got ${mode}`);
const compiled = mode === "production";
if (compiled && !fs.existsSync(path.join(root, "dist", "moleculer.config.js"))) {
  console.error("production mode runs the compiled tree: run `npm run build` first");
  process.exit(1);
}
const bounds: ScalingBounds = { min: Number(values.min), max: Number(values.max), cooldownMs: Number(values["cooldown-s"]) * 1000 };

const env: NodeJS.ProcessEnv = { ...process.env };
env.NAMESPACE ??= "vtox";
env.REDIS_URL ??= "redis://localhost:6379";
env.PORT ??= "8000";

const supervisor = new ClusterSupervisor({
  root,
  compiled,
  env,
  graceMs: Number(values["grace-s"]) * 1000,
  log: (line) => console.log(line),
});

for (const spec of planTopology(Number(values.workers))) supervisor.add(spec);
const printTopology = () => console.log(`\nVTOX cluster (${mode}, namespace ${env.NAMESPACE}):\n${formatTopologyTable(supervisor.rows())}\n`);
setTimeout(printTopology, 1000).unref();

let advisor: ServiceBroker | undefined;
let pollTimer: NodeJS.Timeout | undefined;
const lastStepAt = new Map<WorkerUnit, number>();

/** A broker of the launcher's own, same transporter/serializer/namespace as the cluster, hosting no service. */
async function startAdvisor(): Promise<void> {
  const cfg = brokerConfig(loadConfigOrExit({ ...env, METRICS_PORT: undefined, NODE_ID: `${os.hostname()}-cluster-launcher` }));
  advisor = new ServiceBroker({ ...cfg, metrics: { enabled: false }, logLevel: "warn", middlewares: [] });
  await advisor.start();
}

async function pollScaling(): Promise<void> {
  if (!advisor) return;
  let raw: unknown;
  try {
    raw = await advisor.call("monitor.scaling", {}, { timeout: 5000, retries: 0 });
  } catch (err) {
    console.log(`[cluster] no scaling advice (${(err as Error).message}); keeping the topology`);
    return;
  }
  const now = Date.now();
  const steps = scalingSteps(parseScalingAdvice(raw), familyCounts(supervisor.specs()), bounds, lastStepAt, now);
  for (const step of steps) {
    if (step.delta > 0) {
      const spec = scaleOutSpec(supervisor.specs(), step.family);
      console.log(`[cluster] scale out ${step.family} (${step.why}): starting ${spec.name}`);
      supervisor.add(spec);
    } else {
      const victim = scaleInCandidate(supervisor.specs(), step.family);
      if (!victim) continue; // only processes the autoscaler added are removed
      console.log(`[cluster] scale in ${step.family} (${step.why}): stopping ${victim.name}`);
      await supervisor.retire(victim.name);
    }
    lastStepAt.set(step.family, now);
  }
  if (steps.length > 0) printTopology();
}

if (!compiled) {
  startAdvisor()
    .then(() => {
      pollTimer = setInterval(() => void pollScaling(), Number(values["poll-s"]) * 1000);
    })
    .catch((err) => console.log(`[cluster] autoscaling disabled: ${(err as Error).message}`));
}

let shuttingDown = false;
async function shutdown(signal: string): Promise<void> {
  if (shuttingDown) return;
  shuttingDown = true;
  console.log(`[cluster] ${signal}: stopping all processes (grace ${values["grace-s"]} s)`);
  if (pollTimer) clearInterval(pollTimer);
  await Promise.all([supervisor.stopAll(), advisor?.stop().catch(() => undefined)]);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
