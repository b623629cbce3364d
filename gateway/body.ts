/**
 * Request bodies, read by the gateway itself (no body-parser): only after the key was checked (gateway/request-gate.ts),
 * only the media types the action takes — JSON in UTF-8 (415 for any other charset: a parser that decodes UTF-7 or
 * UTF-16 validates text that is not the bytes the stream would store), a window also as CBOR, a batch also as NDJSON — never compressed (415: nothing is inflated, so no body grows past
 * the limit), at most `limit` bytes (413, from Content-Length before reading when it says so) and within `timeoutMs`
 * (408, the connection is closed). What is parsed is the exact bytes kept in `rawBody`.
 */
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-errors";

/** What a body-carrying action takes (gateway/action.ts `body` tag). */
export type BodyKind = "json" | "window" | "batch";
/** The media types understood: JSON, CBOR (cbor-x), newline-delimited JSON. */
export type BodyMedia = "json" | "cbor" | "ndjson";

const MEDIA_TYPES: Readonly<Record<string, BodyMedia>> = {
  "application/json": "json",
  "application/cbor": "cbor",
  "application/x-ndjson": "ndjson",
};

/** The media types each kind of body may come in; a window may be CBOR, a batch NDJSON. */
const ACCEPTED: Readonly<Record<BodyKind, readonly BodyMedia[]>> = { json: ["json"], window: ["json", "cbor"], batch: ["json", "ndjson"] };

const TYPE_NAMES: Readonly<Record<BodyMedia, string>> = { json: "application/json", cbor: "application/cbor", ndjson: "application/x-ndjson" };

/**
 * The media type of a body of `kind`, with no parameter but `charset=utf-8` (any case, quoted or not; text types
 * only). Anything else is 415 naming `content-type`; any Content-Encoding but `identity` is 415 naming
 * `content-encoding`.
 */
export function checkBodyHeaders(headers: IncomingMessage["headers"], kind: BodyKind): BodyMedia {
  const encoding = String(headers["content-encoding"] ?? "identity")
    .trim()
    .toLowerCase();
  if (encoding !== "identity" && encoding !== "") {
    throw new HttpError(415, "unsupported_media_type", "compressed bodies are not accepted: send the body without Content-Encoding", "content-encoding");
  }
  const accepted = ACCEPTED[kind];
  const expected = `Content-Type must be ${accepted.map((m) => TYPE_NAMES[m]).join(" or ")}`;
  const [type, ...params] = String(headers["content-type"] ?? "").split(";");
  const media = MEDIA_TYPES[type.trim().toLowerCase()];
  if (media === undefined || !accepted.includes(media)) throw new HttpError(415, "unsupported_media_type", expected, "content-type");
  for (const param of params) {
    if (param.trim() === "") continue;
    const eq = param.indexOf("=");
    const name = param
      .slice(0, eq < 0 ? undefined : eq)
      .trim()
      .toLowerCase();
    const value =
      eq < 0
        ? ""
        : param
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, "$1")
            .toLowerCase();
    if (media === "cbor" || name !== "charset" || (value !== "utf-8" && value !== "utf8")) {
      throw new HttpError(415, "unsupported_media_type", `${expected}; a text body must be UTF-8 (charset=utf-8 or none)`, "content-type");
    }
  }
  return media;
}

/** `application/json` (optionally `; charset=utf-8`), else 415. */
export function checkJsonBodyHeaders(headers: IncomingMessage["headers"]): void {
  checkBodyHeaders(headers, "json");
}

/** Whether a request announces a body (Content-Length > 0 or chunked). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

/** The whole body, at most `limit` bytes, within `timeoutMs`; 413 / 408 / 400 otherwise. Never decompresses. */
export function readBody(req: IncomingMessage, limit: number, timeoutMs: number): Promise<Buffer> {
  const declared = req.headers["content-length"] === undefined ? undefined : Number(req.headers["content-length"]);
  if (declared !== undefined && declared > limit) return Promise.reject(tooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (err: Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onError).off("aborted", onAborted);
      if (err) {
        // The rest of the body is not read: the answer closes the connection (sendJsonError sets Connection: close).
        req.pause();
        reject(err);
      } else resolve(body ?? Buffer.alloc(0));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) return finish(tooLarge());
      chunks.push(chunk);
    };
    const onEnd = () => finish(null, Buffer.concat(chunks, received));
    const onError = () => finish(new HttpError(400, "bad_request", "the request body could not be read", "body"));
    const onAborted = onError;
    const timer = setTimeout(() => finish(new HttpError(408, "request_timeout", `the request body did not arrive within ${timeoutMs} ms`, "body")), timeoutMs);
    req.on("data", onData).on("end", onEnd).on("error", onError).on("aborted", onAborted);
  });
}

function tooLarge(): HttpError {
  return new HttpError(413, "payload_too_large", "request body exceeds the size limit", "body");
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** UTF-8 JSON text → an object (400 for invalid UTF-8 or JSON, 422 when the top level is not an object). */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid UTF-8", "body");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "invalid_json", "request body is not valid JSON", "body");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(422, "invalid_input", "the request body must be a JSON object", "body");
  }
  return value as Record<string, unknown>;
}
