/**
 * The first step of every routed request (a moleculer-web route `use` middleware; the routes have no body parser):
 * from the headers alone it finds the action, authenticates the key (401), charges the key's rate limit for a request
 * with a body (429: every such request counts, valid or not), checks the permission (403), the media type and the
 * encoding (415) and the Idempotency-Key (400); only then is the body read (413, 408) and parsed as UTF-8 JSON (400).
 * A request without a valid key therefore costs a header parse and one key lookup, never a body.
 */
import type { ServerResponse } from "node:http";
import { timingSafeEqual, createHash } from "node:crypto";
import type { ServiceBroker } from "moleculer";
import type { ApiKeyStore } from "../stores/api-keys";
import { keyFromHeaders } from "../stores/api-keys";
import type { RateLimiter } from "../stores/rate-limiter";
import { authenticateKey, authorizeRequest } from "./access";
import type { GatewayRequest, GatewayTags } from "./action";
import { checkBodyHeaders, hasBody, parseJsonObject, readBody } from "./body";
import { HttpError, toHttpError } from "./http-errors";
import { ALL_FLEETS, type Principal } from "./roles";
import { parseWindowBody } from "./window-body";

/** What the gate needs of the api service (`this` of a moleculer-web middleware is the service). */
export interface GateHost {
  broker: ServiceBroker;
  apiKeys: ApiKeyStore;
  limiter: RateLimiter;
  settings: { metricsToken?: string };
  /** moleculer-web's: the alias a path and method lead to, or false. */
  resolveAlias(url: string, method: string): { alias: { action?: string } } | false;
}

/** The request as the gate leaves it: the principal, and for a body-carrying action the body and its bytes. */
export type GatedRequest = GatewayRequest & { parsedUrl?: string; $principal?: Principal; body?: unknown };

export interface GateOptions {
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
}

/** Idempotency-Key: at most 200 characters, none of them a control character. */
export const IDEMPOTENCY_KEY_MAX = 200;

export function checkIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  const key = Array.isArray(value) ? value.join(",") : value;
  if (key.length === 0) return undefined;
  // eslint-disable-next-line no-control-regex
  if (key.length > IDEMPOTENCY_KEY_MAX || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new HttpError(400, "invalid_input", `Idempotency-Key must be 1-${IDEMPOTENCY_KEY_MAX} characters without control characters`, "idempotency-key");
  }
  return key;
}

/** Who /metrics answers with METRICS_TOKEN (accepted there only). */
const METRICS_SCRAPER: Principal = { keyId: "metrics-token", fleetId: ALL_FLEETS, role: "operator" };

function tokenMatches(presented: string | null, expected: string | undefined): boolean {
  if (!presented || !expected) return false;
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The action an alias leads to on this node, with its gateway tags (undefined: not routed, moleculer-web answers). */
function routedAction(host: GateHost, req: GatedRequest): (Partial<GatewayTags> & { name?: string }) | undefined {
  const found = host.resolveAlias(req.parsedUrl ?? req.url ?? "/", req.method ?? "GET");
  const name = found ? found.alias.action : undefined;
  if (!name) return undefined;
  const endpoint = host.broker.findNextActionEndpoint(name, { nodeID: host.broker.nodeID });
  if (!endpoint || endpoint instanceof Error) return undefined;
  return (endpoint as unknown as { action: Partial<GatewayTags> & { name?: string } }).action;
}

export function requestGate(options: GateOptions) {
  return function gate(this: GateHost, req: GatedRequest, _res: ServerResponse, next: (err?: unknown) => void): void {
    admit(this, req, options).then(
      () => next(),
      (err: unknown) => next(asHttpError(err)),
    );
  };
}

async function admit(host: GateHost, req: GatedRequest, options: GateOptions): Promise<void> {
  const action = routedAction(host, req);
  if (!action) return;
  req.$action = action;
  if (action.permission === "public") return;
  const principal =
    action.name === "api.metrics" && tokenMatches(keyFromHeaders(req.headers), host.settings.metricsToken)
      ? METRICS_SCRAPER
      : await authenticateKey(host.apiKeys, req.headers);
  req.$principal = principal;
  if (action.body) {
    const perKey = await host.limiter.hit(`ingest:${principal.keyId}`);
    if (!perKey.allowed) throw new HttpError(429, "rate_limited", "too many requests for this key", undefined, { retryAfterS: perKey.retryAfterS });
  }
  authorizeRequest(req, principal);
  if (!action.body) return;
  const media = checkBodyHeaders(req.headers, action.body);
  if (action.body === "window") checkIdempotencyKey(req.headers["idempotency-key"]);
  const raw = hasBody(req) ? await readBody(req, options.bodyLimitBytes, options.bodyTimeoutMs) : Buffer.alloc(0);
  if (action.body === "json") {
    req.body = raw.length === 0 ? {} : parseJsonObject(raw);
    return;
  }
  // A window or a batch never enters params (moleculer-web would copy it there): the action gets it in its meta.
  req.body = {};
  req.rawBody = raw;
  req.$bodyMedia = media;
  if (action.body === "window") req.$windowBody = parseWindowBody(raw, media);
}

/** Moleculer-web wraps a plain Error from a middleware into a bare MoleculerError (losing `field`): map it here. */
function asHttpError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const { status, body } = toHttpError(err);
  const { error, message, field } = body;
  const mapped = new HttpError(status, error, message, field, (err as { data?: Record<string, unknown> })?.data ?? {});
  // The log (moleculer-web logs 5xx with the stack) shows where it came from, not this function.
  if (err instanceof Error) mapped.stack = `${mapped.name}: ${message}\ncaused by ${err.stack ?? err.message}`;
  return mapped;
}
