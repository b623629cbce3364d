/**
 * Container entry point: start moleculer-runner in this process with the service files named by SERVICES
 * (e.g. SERVICES="fault-bearing" or "api"; comma- or space-separated units from contracts/service-units.ts).
 * Compiled to dist/bin/run-services.js; runs the compiled tree next to it (dist/moleculer.config.js, dist/services/),
 * or, under tsx from the repository, the TypeScript sources. Explicit files, never a glob, so a pod loads exactly
 * its own services. moleculer-runner would read SERVICES itself (relative to SERVICEDIR) but only warns about a
 * typo and then runs an empty node that reports ready; here an unknown name or a missing file stops the container.
 */
import fs from "node:fs";
import path from "node:path";
import { Runner } from "moleculer";
import { parseServiceUnits, serviceFile } from "../contracts/service-units";
import { loadConfigOrExit } from "../config";

const base = path.resolve(__dirname, "..");
const compiled = __filename.endsWith(".js");

// The whole environment is checked here, so a bad value stops the container before any service loads.
const units = parseServiceUnits(loadConfigOrExit().services ?? "");
const config = path.join(base, compiled ? "moleculer.config.js" : "moleculer.config.ts");
const files = units.map((u) => serviceFile(u, base, compiled));
const missing = [config, ...files].filter((f) => !fs.existsSync(f));
if (missing.length > 0) {
  console.error(`run-services: missing ${missing.join(", ")}`);
  process.exit(1);
}

// the runner must not load SERVICES a second time from the working directory (it reads the variable itself)
delete process.env.SERVICES;
new Runner().start([process.execPath, "moleculer-runner", "--config", config, ...files]).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
