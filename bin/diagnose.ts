/** `npm run diagnose -- FILE [--profile PROFILE.json] [--json]`: see cli/diagnose.ts. */
import { readFileSync } from "node:fs";
import { runDiagnose } from "../cli/diagnose";

process.exitCode = runDiagnose(process.argv.slice(2), {
  readText: (path) => readFileSync(path, "utf8"),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
