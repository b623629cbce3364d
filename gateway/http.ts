/**
 * The api's HTTP plumbing around moleculer-web: security headers on every answer, JSON errors, the raw body kept
 * for ingest, request headers into the call's meta, and decoder failures as 422.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Service } from "moleculer";
import { isInputError } from "../ingest/errors";
import { jsonMemberSpan } from "../ingest/json-member-span";
import type { ApiContext, GatewayRequest } from "./action";
import { HttpError, toHttpError } from "./http-errors";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  // 'self' in connect-src also covers ws:/wss: to the same host (CSP 3), i.e. the Socket.IO endpoint on this server;
  // frame-ancestors 'none' is the CSP form of X-Frame-Options DENY.
  "Content-Security-Policy": "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
};

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
}

/** Params that came from the URL: all of them for a request without a body, else the path's and the query's. */
function urlParams(req: IncomingMessage): (field: string) => boolean {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE") return () => true;
  const { $alias, query } = req as IncomingMessage & { $alias?: { keys?: { name: string | number }[] }; query?: Record<string, unknown> };
  const names = new Set<string>([...($alias?.keys ?? []).map((k) => String(k.name)), ...Object.keys(query ?? {})]);
  return (field) => names.has(field);
}

/** moleculer-web's onError (service and routes): `{error, field, message}`, the security headers, Retry-After. */
export function sendJsonError(this: Service, req: IncomingMessage, res: ServerResponse, err: unknown): void {
  const { status, body } = toHttpError(err, { inUrl: urlParams(req) });
  if (status >= 500) this.logger.warn(`${req.method} ${req.url} → ${status}:`, (err as Error)?.message);
  if (res.headersSent) return;
  setSecurityHeaders(res);
  const retryAfter = (err as { data?: { retryAfterS?: number } })?.data?.retryAfterS;
  if (retryAfter) res.setHeader("Retry-After", String(retryAfter));
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** body-parser's verify hook: keeps the body bytes so ingest can forward sensor_data without re-serialising it. */
export function keepRawBody(req: GatewayRequest, _res: ServerResponse, body: Buffer): void {
  req.rawBody = body;
}

/** The client's own `sensor_data` text (validated by the full decode before), or the parsed value when not at hand. */
export function sensorDataText(raw: Buffer | undefined, parsed: object): Buffer | object {
  if (!raw) return parsed;
  const span = jsonMemberSpan(raw, "sensor_data");
  return span ? raw.subarray(span.start, span.end) : parsed;
}

/** The raw body (for an action with `body: "json-raw"`) and the idempotency key travel in the meta. */
export function onBeforeCall(ctx: ApiContext, _route: unknown, req: GatewayRequest): void {
  // Only such an action reads it; other actions' meta must stay small (it travels with their calls to other nodes).
  if (req.rawBody && req.$action?.body === "json-raw") ctx.meta.rawBody = req.rawBody;
  const idem = req.headers["idempotency-key"];
  if (typeof idem === "string" && idem.length > 0) ctx.meta.idempotencyKey = idem;
}

export function onAfterCall(_ctx: ApiContext, _route: unknown, _req: IncomingMessage, res: ServerResponse, data: unknown): unknown {
  setSecurityHeaders(res);
  return data;
}

/**
 * Decoders throw InputError (a plain Error): rethrown as a 422 Moleculer error so that neither the circuit breaker
 * nor the load statistics count a client's bad input as a failure of this node.
 */
export function decodeOrReject<T>(decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (isInputError(err)) throw new HttpError(422, "invalid_input", err.reason, err.field);
    throw err;
  }
}
