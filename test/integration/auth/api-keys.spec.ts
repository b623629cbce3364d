import { expect } from "chai";
import type { Redis } from "ioredis";
import { ApiKeyStore, generateKey, keyFromHeaders } from "../../../stores/api-keys";
import { can, canAccessFleet, ROLES } from "../../../gateway/roles";
import { RateLimiter } from "../../../stores/rate-limiter";
import { useRedisFixture } from "../../helpers/redis-fixture";
import { setTimeout as sleep } from "node:timers/promises";

describe("auth: API keys and rate limits (real Redis)", () => {
  const fx = useRedisFixture("auth");
  const prefix = fx.prefix;
  let redis: Redis;
  before(() => (redis = fx.redis));

  it("stores only a hash, verifies the key once shown, and rejects tampered or unknown keys", async () => {
    const store = new ApiKeyStore(redis, prefix, { cacheTtlMs: 0 });
    const { key, principal } = await store.create("fleet-a", "viewer", "ops desk");
    expect(principal).to.include({ fleetId: "fleet-a", role: "viewer" });
    const dump = JSON.stringify(await redis.hgetall(`${prefix}:apikey:${principal.keyId}`));
    // The secret is everything after "vtox_<16 hex>_" (base64url may itself contain "_").
    const secret = key.slice("vtox_".length + 16 + 1);
    expect(secret).to.have.length(43);
    expect(dump).to.not.include(secret);
    expect(await store.verify(key)).to.deep.equal(principal);
    const tampered = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(await store.verify(tampered)).to.equal(null);
    expect(await store.verify(generateKey())).to.equal(null);
    expect(await store.verify("not-a-key")).to.equal(null);
  });

  it("revocation takes effect, and listing shows the fleet's keys without secrets", async () => {
    const store = new ApiKeyStore(redis, prefix, { cacheTtlMs: 0 });
    const { key, principal } = await store.create("fleet-r", "ingest");
    expect(await store.revoke(principal.keyId), "revoke() of an existing key").to.equal(true);
    expect(await store.verify(key)).to.equal(null);
    expect(await store.revoke("0123456789abcdef")).to.equal(false);
    const listed = await store.list("fleet-r");
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include({ keyId: principal.keyId, revoked: true, role: "ingest" });
    expect(JSON.stringify(listed)).to.not.include(key);
  });

  it("registers a bootstrap admin key from the environment, seeing all fleets", async () => {
    const key = generateKey();
    const store = new ApiKeyStore(redis, prefix, { cacheTtlMs: 0, bootstrapKey: key });
    await store.registerBootstrapKey();
    const p = await store.verify(key);
    expect(p).to.include({ role: "admin", fleetId: "*" });
    expect(canAccessFleet(p!, "any-fleet"), "the bootstrap admin reaches any fleet").to.equal(true);
    expect(() => new ApiKeyStore(redis, prefix, { bootstrapKey: "changeme" })).to.throw(/VTOX_ADMIN_KEY/);
  });

  it("the bootstrap key still works after Redis lost its data, and a revoked one stays revoked across restarts", async () => {
    const key = generateKey();
    const keyId = key.slice(5, 21);
    const first = new ApiKeyStore(redis, `${prefix}:lost`, { cacheTtlMs: 0, bootstrapKey: key });
    await first.registerBootstrapKey();
    // Redis loses everything of this deployment (a restart without persistence).
    const everything = await redis.keys(`${prefix}:lost:*`);
    expect(everything.length, "the key was recorded").to.be.above(0);
    await redis.del(...everything);
    expect(await first.verify(key), "checked from the configured hash").to.include({ role: "admin" });

    await first.registerBootstrapKey();
    expect(await first.revoke(keyId), "revoke finds the key").to.equal(true);
    expect(await first.verify(key)).to.equal(null);
    // A restart registers the bootstrap key again: the revocation must survive it.
    const restarted = new ApiKeyStore(redis, `${prefix}:lost`, { cacheTtlMs: 0, bootstrapKey: key });
    await restarted.registerBootstrapKey();
    expect(await restarted.verify(key), "revoked stays revoked").to.equal(null);
  });

  it("caches only keys that verified: a refused key is asked again next time", async () => {
    const store = new ApiKeyStore(redis, prefix, { cacheTtlMs: 60_000 });
    const { key, principal } = await store.create("fleet-c", "viewer");
    await redis.hset(`${prefix}:apikey:${principal.keyId}`, "revoked", "1");
    expect(await store.verify(key)).to.equal(null);
    await redis.hset(`${prefix}:apikey:${principal.keyId}`, "revoked", "0");
    expect(await store.verify(key), "the refusal was not cached").to.deep.equal(principal);
    await store.revoke(principal.keyId);
    expect(await store.verify(key), "revoking on this node drops the cached key at once").to.equal(null);
  });

  it("roles grant exactly their permissions", () => {
    const permissions = ["ingest", "read", "operate", "admin"] as const;
    const granted = Object.fromEntries(ROLES.map((r) => [r, permissions.filter((p) => can(r, p))]));
    expect(granted).to.deep.equal({
      ingest: ["ingest"],
      viewer: ["read"],
      operator: ["read", "operate"],
      admin: ["ingest", "read", "operate", "admin"],
    });
    expect(canAccessFleet({ keyId: "k", fleetId: "a", role: "admin" }, "b")).to.equal(false);
  });

  it("reads the key from Bearer or X-API-Key headers", () => {
    expect(keyFromHeaders({ authorization: "Bearer abc" })).to.equal("abc");
    expect(keyFromHeaders({ "x-api-key": " xyz " })).to.equal("xyz");
    expect(keyFromHeaders({ authorization: "Basic abc" })).to.equal(null);
    expect(keyFromHeaders({})).to.equal(null);
  });

  it("GCRA limiter allows a burst of `limit`, then refuses with Retry-After, across limiter instances", async () => {
    const a = new RateLimiter(redis, { prefix, limit: 5, windowS: 60 });
    const b = new RateLimiter(redis, { prefix, limit: 5, windowS: 60 });
    const decisions = [];
    for (let i = 0; i < 7; i++) decisions.push(await (i % 2 ? a : b).hit("key:k1"));
    expect(decisions.map((d) => d.allowed)).to.deep.equal([true, true, true, true, true, false, false]);
    expect(decisions[5].retryAfterS).to.be.within(1, 12);
    expect(decisions[4].remaining).to.equal(0);
    expect(await a.hit("key:other")).to.include({ allowed: true });
  });

  it("GCRA limiter refills at limit/window", async () => {
    const fast = new RateLimiter(redis, { prefix, limit: 2, windowS: 0.2 });
    expect(await fast.hit("refill")).to.include({ allowed: true });
    expect(await fast.hit("refill")).to.include({ allowed: true });
    expect(await fast.hit("refill")).to.include({ allowed: false });
    await sleep(120); // the point: 0.2 s / 2 = one token every 100 ms, so one is back after 120 ms
    expect(await fast.hit("refill")).to.include({ allowed: true });
  });
});
