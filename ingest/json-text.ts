/** JSON text (string or Buffer, as Redis replies come) → value, with parse errors as InputError. */
import { InputError } from "./errors";
import { describeValue } from "./validate";

export function parseJsonText(text: unknown, field: string): unknown {
  let source: string;
  if (typeof text === "string") source = text;
  else if (Buffer.isBuffer(text)) source = text.toString("utf8");
  else throw new InputError(field, `expected a JSON string, got ${describeValue(text)}`);
  try {
    return JSON.parse(source) as unknown;
  } catch (e) {
    throw new InputError(field, `not valid JSON (${(e as Error).message})`);
  }
}
