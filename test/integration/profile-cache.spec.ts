/** The coordinator's in-process profile cache against the real Redis: kept, invalidated, expired, never older than a PUT. */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { DEFAULT_MOTOR_PROFILE } from "../../analyzers/default-profile";
import { ProfileCache, VehicleProfiles } from "../../stores/vehicle-profiles";
import { useRedisFixture } from "../helpers/redis-fixture";

describe("ProfileCache: profiles and baselines kept in process", () => {
  let redis: Redis;
  let profiles: VehicleProfiles;
  const fx = useRedisFixture("profilecache", { perTest: true });
  beforeEach(() => {
    redis = fx.redis;
    profiles = new VehicleProfiles(redis, fx.prefix);
  });
  const pmsm = { ...DEFAULT_MOTOR_PROFILE, pole_pairs: 4 };
  const induction = { ...DEFAULT_MOTOR_PROFILE, pole_pairs: 2 };

  it("reads a vehicle once, then answers from memory until invalidated", async () => {
    let reads = 0;
    const cache = new ProfileCache({ load: (f, v) => (reads++, profiles.load(f, v)) });
    await profiles.setProfile("F1", "V1", pmsm);
    expect((await cache.load("F1", "V1")).profile).to.deep.equal(pmsm);
    await profiles.setProfile("F1", "V1", induction);
    const [a, b] = await Promise.all([cache.load("F1", "V1"), cache.load("F1", "V1")]);
    expect(a.profile, "still the cached copy").to.deep.equal(pmsm);
    expect(b.profile).to.deep.equal(pmsm);
    expect(reads).to.equal(1);

    cache.invalidate("F1", "V1");
    expect((await cache.load("F1", "V1")).profile).to.deep.equal(induction);
    expect(reads).to.equal(2);
    expect((await cache.load("F2", "V1")).profile, "another fleet's vehicle of that id is another entry").to.equal(undefined);
  });

  it("forgets an entry after its TTL, so a missed invalidation heals", async () => {
    let now = 0;
    const cache = new ProfileCache(profiles, { ttlMs: 1000, now: () => now });
    await profiles.setBaseline("F1", "V1", { bearing: { kurtosis: 3 } });
    expect((await cache.load("F1", "V1")).baseline).to.deep.equal({ bearing: { kurtosis: 3 } });
    await profiles.setBaseline("F1", "V1", { bearing: { kurtosis: 4 } });
    now = 999;
    expect((await cache.load("F1", "V1")).baseline).to.deep.equal({ bearing: { kurtosis: 3 } });
    now = 1000;
    expect((await cache.load("F1", "V1")).baseline).to.deep.equal({ bearing: { kurtosis: 4 } });
  });

  it("does not keep a read that was in flight when the invalidation came", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const cache = new ProfileCache({
      load: async (f, v) => {
        reads++;
        const stored = await profiles.load(f, v);
        if (reads === 1) await gate;
        return stored;
      },
    });
    await profiles.setProfile("F1", "V1", pmsm);
    const inFlight = cache.load("F1", "V1");
    await profiles.setProfile("F1", "V1", induction);
    cache.invalidate("F1", "V1");
    release();
    expect((await inFlight).profile, "the window that asked first gets what it read").to.deep.equal(pmsm);
    expect((await cache.load("F1", "V1")).profile, "but the cache does not keep it").to.deep.equal(induction);
  });

  it("does not remember a failed read", async () => {
    let fail = true;
    const cache = new ProfileCache({ load: (f, v) => (fail ? Promise.reject(new Error("redis away")) : profiles.load(f, v)) });
    await profiles.setProfile("F1", "V1", pmsm);
    await cache.load("F1", "V1").then(
      () => expect.fail("the read should fail"),
      (err: Error) => expect(err.message).to.equal("redis away"),
    );
    fail = false;
    expect((await cache.load("F1", "V1")).profile).to.deep.equal(pmsm);
  });

  it("keeps at most its capacity of vehicles, the least recently used dropped first", async () => {
    let reads = 0;
    const cache = new ProfileCache({ load: (f, v) => (reads++, profiles.load(f, v)) }, { capacity: 2 });
    await cache.load("F", "A");
    await cache.load("F", "B");
    await cache.load("F", "A");
    await cache.load("F", "C"); // drops B
    expect(reads).to.equal(3);
    await cache.load("F", "A");
    expect(reads).to.equal(3);
    await cache.load("F", "B");
    expect(reads).to.equal(4);
  });
});
