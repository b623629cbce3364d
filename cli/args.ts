/**
 * Command lines of the scripts in bin/, tools/ and bench/: node:util parseArgs, strict. An unknown flag, a flag
 * without its value or an unexpected positional prints `<command>: <reason>` and the usage to stderr and exits
 * with code 2 (a flag that was silently ignored used to run something else than what was asked for).
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export function parseCommandLine<T extends ParseArgsConfig>(
  command: string,
  usage: string,
  config: T,
  opts: { maxPositionals?: number } = {},
): ReturnType<typeof parseArgs<T>> {
  const fail = (reason: string): never => {
    process.stderr.write(`${command}: ${reason}\nusage: ${usage}\n`);
    process.exit(2);
  };
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
  const max = opts.maxPositionals;
  if (max !== undefined && parsed.positionals.length > max) fail(`expected at most ${max} argument(s), got ${parsed.positionals.length}`);
  return parsed;
}

/**
 * For a string flag whose value may be left out (`--json [FILE]`): a bare `--name` (last, or followed by another
 * `--flag`) becomes `--name=<fallback>`.
 */
export function optionalValue(argv: readonly string[], name: string, fallback: string): string[] {
  return argv.map((a, i) => (a === `--${name}` && (i + 1 >= argv.length || argv[i + 1].startsWith("--")) ? `--${name}=${fallback}` : a));
}
