/**
 * stores/ingest-budget.ts against the real Redis: the vehicle's samples, the fleet's bytes and the vehicle quota are
 * checked together and charged all or nothing, so a refused window costs no budget and a refused vehicle is not counted.
 */
import { expect } from "chai";
import { redisKeys } from "../../contracts/redis-keys";
import { admitWindow, type IngestBudgets } from "../../stores/ingest-budget";
import { useRedisFixture } from "../helpers/redis-fixture";

describe("ingest budgets: samples per vehicle, bytes per fleet, vehicles per fleet, in one script", () => {
  const fx = useRedisFixture("budget", { perTest: true });
  const budgets = (): IngestBudgets => ({ prefix: fx.prefix, windowS: 1, vehicleSamplesPerS: 1000, fleetBytesPerS: 10_000, maxVehicles: 2 });
  const keys = () => redisKeys({ prefix: fx.prefix });

  it("admits within every budget; a vehicle over its samples is refused without charging the fleet's bytes", async () => {
    const w = { fleetId: "F", vehicleId: "V1", samples: 600, bytes: 4000 };
    expect(await admitWindow(fx.redis, keys(), budgets(), w)).to.deep.equal({ admitted: true });
    const refused = await admitWindow(fx.redis, keys(), budgets(), w);
    expect(refused).to.include({ admitted: false, refusedBy: "vehicle_samples" });
    expect((refused as { retryAfterS: number }).retryAfterS).to.be.at.least(1);
    // The refused window charged no bytes: another vehicle still has 6000 of the fleet's 10,000 bytes.
    expect(await admitWindow(fx.redis, keys(), budgets(), { ...w, vehicleId: "V2", bytes: 6000 })).to.deep.equal({ admitted: true });
    expect(await admitWindow(fx.redis, keys(), budgets(), { ...w, vehicleId: "V1", samples: 500, bytes: 1 })).to.include({ refusedBy: "vehicle_samples" });
  });

  it("a fleet over its bytes is refused without charging the vehicle; a new vehicle past the quota is refused and not counted", async () => {
    const k = keys();
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "A", samples: 10, bytes: 9000 })).to.deep.equal({ admitted: true });
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "A", samples: 900, bytes: 2000 })).to.include({ refusedBy: "fleet_bytes" });
    // A's 900 samples were not charged: 990 more pass once the fleet has room.
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "A", samples: 980, bytes: 0 })).to.deep.equal({ admitted: true });
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "B", samples: 1, bytes: 0 })).to.deep.equal({ admitted: true });
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "C", samples: 1, bytes: 0 })).to.deep.equal({
      admitted: false,
      refusedBy: "vehicle_quota",
    });
    expect(await fx.redis.zrange(k.fleetVehicles("G"), 0, -1)).to.have.members(["A", "B"]);
    // A known vehicle is never refused by the quota.
    expect(await admitWindow(fx.redis, k, budgets(), { fleetId: "G", vehicleId: "B", samples: 1, bytes: 0 })).to.deep.equal({ admitted: true });
  });
});
