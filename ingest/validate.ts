/**
 * Small checks shared by the decoders. Each either returns the value with a precise type or throws
 * InputError naming the field; none of them trusts a value's type before looking at it.
 */
import { InputError } from "./errors";

export type JsonObject = Record<string, unknown>;

/** Longest key or string shown inside an error message (a hostile 1 MB key must not become a 1 MB message). */
const MAX_SHOWN_CHARS = 64;

export function shown(text: string): string {
  return text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
}

const IDENTIFIER = /^[\p{L}_$][\p{L}\p{N}_$]*$/u;

/** Appends a key or index to a JSON path: `a.b`, `a[3]`, `a["odd key"]`. */
export function joinPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  if (IDENTIFIER.test(key)) return parent === "" ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(shown(key))}]`;
}

/** "a string", "an array", "NaN"... for messages that say what was found instead. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return `the number ${value}`;
  }
  if (typeof value === "string") return `the string ${JSON.stringify(shown(value))}`;
  if (typeof value === "object") return "an object";
  return `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function expectObject(value: unknown, field: string): JsonObject {
  if (!isPlainObject(value)) throw new InputError(field, `expected an object, got ${describeValue(value)}`);
  return value;
}

export function expectArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new InputError(field, `expected an array, got ${describeValue(value)}`);
  return value;
}

export function expectString(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== "string") throw new InputError(field, `expected a string, got ${describeValue(value)}`);
  if (value.length === 0) throw new InputError(field, "must not be empty");
  if (value.length > maxLength) throw new InputError(field, `longer than ${maxLength} characters`);
  return value;
}

/** Rejects any own key not in `allowed`, naming the first one found. */
export function rejectUnknownKeys(obj: JsonObject, allowed: ReadonlySet<string>, field: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) {
      throw new InputError(joinPath(field, key), `unknown key (allowed: ${[...allowed].join(", ")})`);
    }
  }
}

export interface NumberRange {
  min: number;
  max: number;
  /** When true, `min` itself is not allowed (e.g. a rate must be > 0). */
  minExclusive?: boolean;
  integer?: boolean;
  unit?: string;
}

/** A finite JSON number within the range; strings such as "12" are refused (no silent coercion). */
export function expectNumber(value: unknown, field: string, range: NumberRange): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InputError(field, `expected a finite number, got ${describeValue(value)}`);
  }
  const unit = range.unit ? ` ${range.unit}` : "";
  const tooLow = range.minExclusive ? value <= range.min : value < range.min;
  if (tooLow || value > range.max) {
    const lower = range.minExclusive ? `> ${range.min}` : `>= ${range.min}`;
    throw new InputError(field, `${value}${unit} is out of range (must be ${lower} and <= ${range.max}${unit})`);
  }
  if (range.integer && !Number.isInteger(value)) throw new InputError(field, `expected an integer, got ${value}`);
  return value;
}

/** Either absent (undefined) or a number in range; `null` counts as absent, as older producers send it. */
export function optionalNumber(value: unknown, field: string, range: NumberRange): number | undefined {
  if (value === undefined || value === null) return undefined;
  return expectNumber(value, field, range);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?$/;

/** True when the calendar fields name a real instant (Date.parse would roll 02-30 over to 03-01). */
function isRealDateTime(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((k) => Number(m[k] ?? 0));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 60;
}

/** An ISO 8601 date-time string naming a real instant (rejects 2024-13-45T99:00 and 2024-02-30). */
export function expectIsoTime(value: unknown, field: string): string {
  const text = expectString(value, field, 64);
  const m = ISO_8601.exec(text);
  if (m === null || !isRealDateTime(m) || Number.isNaN(Date.parse(text))) {
    throw new InputError(field, `expected an ISO 8601 date-time, got ${JSON.stringify(shown(text))}`);
  }
  return text;
}

/**
 * Rejects values nested deeper than `maxDepth` containers (free-form metadata only; the
 * sensor shapes are checked key by key). Iterative, so a hostile depth cannot overflow the stack.
 */
export function expectBoundedDepth(value: unknown, field: string, maxDepth: number): void {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop() as { v: unknown; depth: number };
    if (typeof v !== "object" || v === null) continue;
    if (depth >= maxDepth) throw new InputError(field, `nested deeper than ${maxDepth} levels`);
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
}
