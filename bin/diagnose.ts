/**
 * Offline diagnosis of one file: `npm run diagnose -- FILE [--profile PROFILE.json] [--json]`.
 * FILE: a motor-realdata/v1 recording, an ingest body JSON, or a CSV in the legacy columns.
 * Prints one finding per fault family (table, or `{"findings":[...]}` with --json).
 * Exit codes: 0 diagnosed; 2 bad usage or bad input (message on stderr); 1 internal error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { analyzeAll } from "../analyzers";
import { isInputError } from "../analyzers/decode/errors";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import { parseMotorProfile } from "../analyzers/profile";
import { parseJsonDocument, readDiagnoseInput } from "../lib/diagnose-input";
import { describeProfile, describeWindow, formatFindingsTable } from "../lib/format-findings";

const USAGE = "usage: npm run diagnose -- FILE [--profile PROFILE.json] [--json]";

/** Bad usage or bad input: reported on stderr, exit code 2. */
class BadInput extends Error {}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "is a directory",
  EACCES: "permission denied",
};

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "";
    const why = READ_ERRORS[code] ?? (e as Error).message;
    throw new BadInput(`cannot read ${what} ${path}: ${why}`);
  }
}

/** Turns an InputError raised by `fn` into BadInput "what: field: reason" (exit 2). */
function within<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isInputError(e)) throw new BadInput(`${what}: ${e.message}`);
    throw e;
  }
}

function main(argv: string[]): number {
  let args;
  try {
    args = parseArgs({ args: argv, allowPositionals: true, options: { profile: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  } catch (e) {
    throw new BadInput(`${(e as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length !== 1) throw new BadInput(`expected exactly one FILE\n${USAGE}`);
  const file = args.positionals[0];

  const input = within(`bad input file ${file}`, () => readDiagnoseInput(readText(file, "input file")));
  const profilePath = args.values.profile;
  const profile = profilePath !== undefined
    ? within(`bad profile ${profilePath}`, () => parseMotorProfile(parseJsonDocument(readText(profilePath, "profile"), "profile")))
    : (input.profile ?? DEFAULT_MOTOR_PROFILE);
  const profileSource = profilePath ?? (input.profile ? `from the ${input.kind} file` : "default (no --profile given)");

  const findings = analyzeAll(input.window, profile);
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(
    [
      `input:   ${file} — ${input.description}`,
      `window:  ${describeWindow(input.window)}`,
      `profile: ${describeProfile(profile)} — ${profileSource}`,
      "",
      formatFindingsTable(findings),
      "",
    ].join("\n"),
  );
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof BadInput) {
    process.stderr.write(`diagnose: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`diagnose: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}
