/**
 * The `npm run diagnose -- FILE [--profile PROFILE.json] [--json]` command, with its I/O passed in
 * (bin/diagnose.ts wires it to the file system and the process). FILE: a motor-realdata/v1
 * recording, an ingest body JSON, or a CSV in the legacy columns. Prints one finding per fault
 * family (table, or `{"findings":[...]}` with --json). Returns the exit code: 0 diagnosed;
 * 2 bad usage or bad input (message on stderr); 1 internal error.
 */
import { parseArgs } from "node:util";
import { analyzeAll } from "../analyzers/index";
import { isInputError } from "../ingest/errors";
import { DEFAULT_MOTOR_PROFILE } from "../analyzers/default-profile";
import { parseMotorProfile } from "../analyzers/profile";
import { parseJsonDocument, readDiagnoseInput } from "./diagnose-input";
import { describeProfile, describeWindow, formatFindingsTable } from "./format-findings";

const USAGE = "usage: npm run diagnose -- FILE [--profile PROFILE.json] [--json]";

/** Bad usage or bad input: reported on stderr, exit code 2. */
class BadInput extends Error {}

const READ_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: "no such file",
  EISDIR: "is a directory",
  EACCES: "permission denied",
};

export interface DiagnoseIo {
  /** Reads a UTF-8 file; throws Node's errno errors (ENOENT...). */
  readText(path: string): string;
  stdout(text: string): void;
  stderr(text: string): void;
}

function readText(io: DiagnoseIo, path: string, what: string): string {
  try {
    return io.readText(path);
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

function diagnose(argv: string[], io: DiagnoseIo): number {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { profile: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    throw new BadInput(`${(e as Error).message}\n${USAGE}`);
  }
  if (args.values.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length !== 1) throw new BadInput(`expected exactly one FILE\n${USAGE}`);
  const file = args.positionals[0];

  const input = within(`bad input file ${file}`, () => readDiagnoseInput(readText(io, file, "input file")));
  const profilePath = args.values.profile;
  const profile =
    profilePath !== undefined
      ? within(`bad profile ${profilePath}`, () => parseMotorProfile(parseJsonDocument(readText(io, profilePath, "profile"), "profile")))
      : (input.profile ?? DEFAULT_MOTOR_PROFILE);
  const profileSource = profilePath ?? (input.profile ? `from the ${input.kind} file` : "default (no --profile given)");

  const findings = analyzeAll(input.window, profile);
  if (args.values.json) {
    io.stdout(`${JSON.stringify({ findings }, null, 2)}\n`);
    return 0;
  }
  io.stdout(
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

export function runDiagnose(argv: string[], io: DiagnoseIo): number {
  try {
    return diagnose(argv, io);
  } catch (e) {
    if (e instanceof BadInput) {
      io.stderr(`diagnose: ${e.message}\n`);
      return 2;
    }
    io.stderr(`diagnose: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}
