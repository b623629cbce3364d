/**
 * The api's HTTP plumbing around moleculer-web: security headers on every answer, JSON errors, the raw body kept
 * for ingest, request headers into the call's meta, and decoder failures as 422.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Service } from "moleculer";
import { isInputError } from "../ingest/errors";
import type { ApiContext, GatewayRequest } from "./action";
import { HttpError, toHttpError } from "./http-errors";

const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Resource-Policy": "same-origin",
  // 'self' in connect-src also covers ws:/wss: to the same host (CSP 3), i.e. the Socket.IO endpoint on this server;
  // frame-ancestors 'none' is the CSP form of X-Frame-Options DENY.
  "Content-Security-Policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
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
  closeIfBodyUnread(req, res);
  const retryAfter = (err as { data?: { retryAfterS?: number } })?.data?.retryAfterS;
  if (retryAfter) res.setHeader("Retry-After", String(retryAfter));
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/**
 * An answer sent before the request's body was read (401 from the headers, 408, 413, 415, 429) closes the connection:
 * otherwise Node would keep reading (and discarding) a slow or endless body to reuse the socket.
 */
function closeIfBodyUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete) res.setHeader("Connection", "close");
}

/**
 * The gate's principal, the body (for an action with `body: "window"` or `"batch"`) and the idempotency key (checked
 * by the gate) travel in the meta.
 */
export function onBeforeCall(ctx: ApiContext, _route: unknown, req: GatewayRequest & { $principal?: ApiContext["meta"]["principal"] }): void {
  if (req.$principal) ctx.meta.principal = req.$principal;
  // Only such an action reads it; other actions' meta must stay small (it travels with their calls to other nodes).
  const kind = req.$action?.body;
  if (req.rawBody && (kind === "window" || kind === "batch")) {
    ctx.meta.rawBody = req.rawBody;
    if (req.$bodyMedia) ctx.meta.bodyMedia = req.$bodyMedia;
    if (req.$windowBody) ctx.meta.windowBody = req.$windowBody;
    const idem = req.headers["idempotency-key"];
    if (typeof idem === "string" && idem.length > 0) ctx.meta.idempotencyKey = idem;
  }
}

export function onAfterCall(_ctx: ApiContext, _route: unknown, req: IncomingMessage, res: ServerResponse, data: unknown): unknown {
  setSecurityHeaders(res);
  closeIfBodyUnread(req, res);
  return data;
}

/** X-Request-ID / X-Correlation-ID are echoed only when a plain token; otherwise the call gets a generated id. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** moleculer-web's `rootCallOptions`: runs before the request id is set on the call (and echoed). */
export function rootCallOptions(options: { requestID?: unknown }): void {
  if (typeof options.requestID !== "string" || !REQUEST_ID.test(options.requestID)) delete options.requestID;
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
