/**
 * HTTP errors of the api in one JSON shape, `{error, field?, message}`, never with a stack trace.
 * Moleculer errors carry the HTTP status in `code` (moleculer-web convention).
 */
import { Errors } from "moleculer";
import { isInputError } from "../ingest/errors";

export interface ErrorBody {
  error: string;
  field?: string;
  message: string;
}

export class HttpError extends Errors.MoleculerClientError {
  constructor(status: number, error: string, message: string, field?: string, extra: Record<string, unknown> = {}) {
    super(message, status, error, { ...(field ? { field } : {}), ...extra });
  }
}

interface ErrorLike {
  name?: string;
  message?: string;
  code?: unknown;
  status?: unknown;
  type?: unknown;
  data?: unknown;
}

export interface ErrorContext {
  /** Whether a params field came from the URL (path or query string): a bad one is 400, a bad body field 422. */
  inUrl?: (field: string) => boolean;
}

/** Maps anything thrown on the HTTP path to a status and a body safe to show a client. */
export function toHttpError(err: unknown, where: ErrorContext = {}): { status: number; body: ErrorBody } {
  if (isInputError(err)) return { status: 422, body: err.toBody() };
  const e = (err ?? {}) as ErrorLike;
  // body-parser errors ("entity.too.large", "entity.parse.failed", ...), re-wrapped by moleculer-web with code = status
  if (typeof e.type === "string" && e.type.startsWith("entity.")) {
    const field = "body";
    const status = typeof e.status === "number" ? e.status : typeof e.code === "number" ? e.code : 400;
    if (status === 413) return { status: 413, body: { error: "payload_too_large", field, message: "request body exceeds the size limit" } };
    if (e.type === "entity.parse.failed") return { status: 400, body: { error: "invalid_json", field, message: "request body is not valid JSON" } };
    if (e.type === "entity.verify.failed" || status === 415)
      return { status: 415, body: { error: "unsupported_media_type", field: "content-type", message: "unsupported body encoding" } };
    return { status: status >= 400 && status < 500 ? status : 400, body: { error: "bad_request", field, message: String(e.message ?? "bad request") } };
  }
  if (isRedisUnavailable(e)) {
    return { status: 503, body: { error: "service_unavailable", message: "storage temporarily unavailable, retry later" } };
  }
  const code = typeof e.code === "number" && e.code >= 400 && e.code < 600 ? e.code : 500;
  if (e.name === "ValidationError") {
    const first = Array.isArray(e.data) ? (e.data[0] as ValidationFailure | undefined) : undefined;
    const { field, message } = first ? describeValidationFailure(first) : { field: undefined, message: "invalid parameters" };
    const status = field && where.inUrl?.(field.split(/[.[]/)[0]) ? 400 : 422;
    return { status, body: { error: "invalid_input", ...(field ? { field } : {}), message } };
  }
  const field = (e.data as { field?: unknown } | undefined)?.field;
  if (code >= 500) {
    // Internal details stay in the log; a client learns only the class of failure.
    const error = code === 503 ? "service_unavailable" : code === 504 ? "timeout" : "internal_error";
    const message = code === 503 ? "service temporarily unavailable, retry later" : code === 504 ? "request timed out" : "internal error";
    return { status: code, body: { error, message } };
  }
  return {
    status: code,
    body: {
      error: typeof e.type === "string" && e.type ? e.type.toLowerCase() : "client_error",
      ...(typeof field === "string" ? { field } : {}),
      message: String(e.message ?? "request rejected"),
    },
  };
}

/** ioredis failures while Redis is down or unreachable: the request may be retried, so 503 rather than 500. */
function isRedisUnavailable(e: ErrorLike): boolean {
  if (e.name === "MaxRetriesPerRequestError") return true;
  const code = typeof e.code === "string" ? e.code : "";
  if (["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"].includes(code)) return true;
  // "OOM command not allowed": Redis is at maxmemory (noeviction) — the client should retry once retention freed room.
  return /Connection is closed|Command timed out|Stream isn't writeable|enableOfflineQueue|OOM command not allowed/.test(String(e.message ?? ""));
}

/** One failure as fastest-validator reports it (Moleculer's ValidationError carries the list in `data`). */
export interface ValidationFailure {
  type?: string;
  field?: string;
  message?: string;
  expected?: unknown;
  actual?: unknown;
}

/**
 * The field a validation failure names and a message about it without the field's name (the body has `field`).
 * A rule's own `messages` are kept; fastest-validator's defaults ("The 'x' field …") are reworded.
 */
export function describeValidationFailure(f: ValidationFailure): { field?: string; message: string } {
  if (f.type === "objectStrict") {
    // The object that has them (root: "") and its first forbidden key.
    const key = (typeof f.actual === "string" ? f.actual : "").split(", ")[0];
    return { field: [f.field, key].filter(Boolean).join("."), message: `unknown field "${key}"` };
  }
  const own = f.message && !f.message.startsWith("The '") ? f.message : undefined;
  return { ...(f.field ? { field: f.field } : {}), message: own ?? defaultMessage(f) };
}

function defaultMessage(f: ValidationFailure): string {
  switch (f.type) {
    case "required":
      return "missing (required)";
    case "string":
    case "number":
    case "boolean":
    case "array":
      return `expected a ${f.type}`;
    case "object":
    case "record":
      return "expected an object";
    case "numberInteger":
      return "expected an integer";
    case "numberMin":
      return `must be at least ${String(f.expected)}`;
    case "numberMax":
      return `must be at most ${String(f.expected)}`;
    case "stringMin":
      return `must be at least ${String(f.expected)} characters`;
    case "stringMax":
      return `must be at most ${String(f.expected)} characters`;
    case "stringPattern":
      return `must match ${String(f.expected)}`;
    case "enumValue":
      return `must be one of ${String(f.expected)}`;
    default:
      return String(f.message ?? "invalid value")
        .replace(/^The '[^']*' (field )?/, "")
        .replace(/\.$/, "");
  }
}
