/**
 * API keys: `vtox_<keyId>_<secret>`, shown once at creation and stored only as a SHA-256 hash.
 * A fast hash is right here (unlike passwords): the secret is 256 random bits, so there is
 * nothing to brute-force. Lookups go by keyId, and the hash is compared in constant time.
 * Verified keys are cached in-process for `cacheTtlMs` so ingest does not pay a Redis round
 * trip per request; a revocation therefore takes effect within that time on every node. Only keys that verified
 * are cached, so presenting garbage cannot fill the cache.
 *
 * The bootstrap admin key (VTOX_ADMIN_KEY) is checked against its hash held in memory, not only against Redis: a
 * Redis that lost its data must not lock the operator out. Its revocation is still recorded in Redis, and a restart
 * never clears it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type Redis from "ioredis";
import { ALL_FLEETS, FLEET_ID_PATTERN, isRole, type Principal, type Role } from "../gateway/roles";
import { keyNames } from "../contracts/redis-keys";

const KEY_PATTERN = /^vtox_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface CreatedKey {
  /** The full secret key: print it once, it cannot be recovered. */
  key: string;
  principal: Principal;
}

export interface KeyRecord extends Principal {
  label: string;
  createdAt: string;
  revoked: boolean;
}

export interface ApiKeyStoreOptions {
  /** How long a verified key is trusted without asking Redis again (default 5000 ms; 0 disables). */
  cacheTtlMs?: number;
  /** The bootstrap admin key (VTOX_ADMIN_KEY): kept here only as its id and hash. */
  bootstrapKey?: string;
}

/** The largest number of verified keys cached per process (a fleet has a handful of keys per box). */
const MAX_CACHED_KEYS = 10_000;

/** The bootstrap key's id and hash; validates its format. */
function bootstrapIdentity(key: string): { keyId: string; hash: Buffer } {
  const match = KEY_PATTERN.exec(key);
  if (!match) throw new Error("VTOX_ADMIN_KEY must look like vtox_<16 hex>_<43 base64url chars>; generate one with `npm run keys -- generate`");
  return { keyId: match[1], hash: sha256(key) };
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

export class ApiKeyStore {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly cacheTtlMs: number;
  private readonly bootstrap: { keyId: string; hash: Buffer } | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: ApiKeyStoreOptions = {},
  ) {
    this.cacheTtlMs = options.cacheTtlMs ?? 5000;
    this.bootstrap = options.bootstrapKey === undefined ? undefined : bootstrapIdentity(options.bootstrapKey);
  }

  private recordKey(keyId: string): string {
    return keyNames.apiKey(this.prefix, keyId);
  }

  private fleetIndex(fleetId: string): string {
    return keyNames.fleetApiKeys(this.prefix, fleetId);
  }

  async create(fleetId: string, role: Role, label = ""): Promise<CreatedKey> {
    if (fleetId !== ALL_FLEETS && !FLEET_ID_PATTERN.test(fleetId)) throw new Error(`invalid fleet id: ${JSON.stringify(fleetId)}`);
    if (!isRole(role)) throw new Error(`invalid role: ${JSON.stringify(role)}`);
    const keyId = randomBytes(8).toString("hex");
    const key = `vtox_${keyId}_${randomBytes(32).toString("base64url")}`;
    await this.store(keyId, key, fleetId, role, label);
    return { key, principal: { keyId, fleetId, role } };
  }

  /**
   * Records the bootstrap admin key (given in the options) so that it is listed and can be revoked like any other.
   * Idempotent, and never clears an earlier revocation: a revoked bootstrap key stays revoked across restarts.
   */
  async registerBootstrapKey(): Promise<Principal | null> {
    if (!this.bootstrap) return null;
    const { keyId, hash } = this.bootstrap;
    const record = this.recordKey(keyId);
    const fields: Record<string, string> = {
      hash: hash.toString("hex"),
      fleet: ALL_FLEETS,
      role: "admin",
      label: "bootstrap (VTOX_ADMIN_KEY)",
      created_at: new Date().toISOString(),
      revoked: "0",
    };
    const m = this.redis.multi();
    for (const [field, value] of Object.entries(fields)) m.hsetnx(record, field, value);
    await m.sadd(this.fleetIndex(ALL_FLEETS), keyId).exec();
    return { keyId, fleetId: ALL_FLEETS, role: "admin" };
  }

  private async store(keyId: string, key: string, fleetId: string, role: Role, label: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.recordKey(keyId), {
        hash: sha256(key).toString("hex"),
        fleet: fleetId,
        role,
        label,
        created_at: new Date().toISOString(),
        revoked: "0",
      })
      .sadd(this.fleetIndex(fleetId), keyId)
      .exec();
  }

  /** The principal for a presented key, or null when unknown, malformed or revoked. */
  async verify(key: string): Promise<Principal | null> {
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.principal;
    const principal = await this.lookup(key);
    if (principal && this.cacheTtlMs > 0) {
      if (this.cache.size >= MAX_CACHED_KEYS) this.cache.clear();
      this.cache.set(key, { principal, until: now + this.cacheTtlMs });
    }
    return principal;
  }

  private async lookup(key: string): Promise<Principal | null> {
    const match = KEY_PATTERN.exec(key);
    if (!match) return null;
    const keyId = match[1];
    const record = await this.redis.hgetall(this.recordKey(keyId));
    if (this.bootstrap && keyId === this.bootstrap.keyId) return this.bootstrapPrincipal(key, record);
    if (!record.hash || record.revoked === "1" || !isRole(record.role)) return null;
    const expected = Buffer.from(record.hash, "hex");
    const presented = sha256(key);
    if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return null;
    return { keyId, fleetId: record.fleet, role: record.role };
  }

  /** The bootstrap key verifies against the configured hash; a revocation recorded in Redis still wins. */
  private bootstrapPrincipal(key: string, record: Record<string, string>): Principal | null {
    if (!this.bootstrap || record.revoked === "1") return null;
    const presented = sha256(key);
    if (!timingSafeEqual(this.bootstrap.hash, presented)) return null;
    return { keyId: this.bootstrap.keyId, fleetId: ALL_FLEETS, role: "admin" };
  }

  async revoke(keyId: string): Promise<boolean> {
    if ((await this.redis.hexists(this.recordKey(keyId), "hash")) !== 1) return false;
    await this.redis.hset(this.recordKey(keyId), "revoked", "1");
    this.forget(keyId);
    return true;
  }

  /** Drops a key from this process's cache (a revocation seen here or broadcast by another replica). */
  forget(keyId: string): void {
    for (const [key, entry] of this.cache) if (entry.principal.keyId === keyId) this.cache.delete(key);
  }

  /** Which of these key ids are recorded as revoked (one pipelined HGET each). */
  async revokedAmong(keyIds: readonly string[]): Promise<Set<string>> {
    if (keyIds.length === 0) return new Set();
    const p = this.redis.pipeline();
    for (const keyId of keyIds) p.hget(this.recordKey(keyId), "revoked");
    const replies = (await p.exec()) ?? [];
    return new Set(keyIds.filter((_, i) => replies[i]?.[1] === "1"));
  }

  /** One key's record (without its hash), or null when unknown. */
  async describe(keyId: string): Promise<KeyRecord | null> {
    const r = await this.redis.hgetall(this.recordKey(keyId));
    if (!r.hash || !isRole(r.role)) return null;
    return { keyId, fleetId: r.fleet, role: r.role, label: r.label ?? "", createdAt: r.created_at ?? "", revoked: r.revoked === "1" };
  }

  async list(fleetId: string): Promise<KeyRecord[]> {
    const ids = await this.redis.smembers(this.fleetIndex(fleetId));
    const records = await Promise.all(ids.map(async (keyId) => ({ keyId, r: await this.redis.hgetall(this.recordKey(keyId)) })));
    return records
      .filter(({ r }) => isRole(r.role))
      .map(({ keyId, r }) => ({
        keyId,
        fleetId: r.fleet,
        role: r.role as Role,
        label: r.label ?? "",
        createdAt: r.created_at ?? "",
        revoked: r.revoked === "1",
      }));
  }
}

/** A fresh random key in the accepted format (for VTOX_ADMIN_KEY). */
export function generateKey(): string {
  return `vtox_${randomBytes(8).toString("hex")}_${randomBytes(32).toString("base64url")}`;
}

/** Extracts the key from `Authorization: Bearer …` or `X-API-Key`. */
export function keyFromHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): string | null {
  const auth = headers["authorization"];
  const authValue = Array.isArray(auth) ? auth[0] : auth;
  if (authValue) {
    const m = /^Bearer\s+(\S+)$/i.exec(authValue.trim());
    if (m) return m[1];
  }
  const apiKey = headers["x-api-key"];
  const apiKeyValue = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return apiKeyValue ? apiKeyValue.trim() : null;
}
