import { expect } from "chai";
import type { Redis } from "ioredis";
import { redisKeys } from "../../../contracts/redis-keys";
import {
  countVehicles,
  getVehicleHistory,
  getVehicleState,
  listCriticalAlerts,
  listVehicles,
  pushCriticalAlert,
  saveVehicleState,
} from "../../../stores/vehicle-state";
import { useRedisFixture } from "../../helpers/redis-fixture";

describe("vehicle state in Redis", () => {
  let redis: Redis;
  let prefix: string;
  const fx = useRedisFixture("state", { perTest: true });
  beforeEach(() => ({ redis, prefix } = fx));

  it("keeps the latest state, a capped newest-first history and the fleet index", async () => {
    const keys = redisKeys({ prefix: prefix });
    for (let i = 0; i < 5; i++) {
      await saveVehicleState(
        redis,
        keys,
        "V1",
        {
          fleetId: "F1",
          health: 1 - i / 10,
          status: i < 3 ? "normal" : "warning",
          findings: { bearing: { status: "normal", score: i / 10 } },
          updatedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
        },
        { historyLen: 3 },
      );
    }
    await saveVehicleState(redis, keys, "V2", {
      fleetId: "F1",
      health: 1,
      status: "normal",
      findings: {},
      updatedAt: new Date(1_600_000_000_000).toISOString(),
    });
    const state = await getVehicleState(redis, keys, "F1", "V1");
    expect(state).to.deep.include({ vehicleId: "V1", fleetId: "F1", health: 0.6, status: "warning" });
    const history = await getVehicleHistory(redis, keys, "F1", "V1");
    expect(history.map((h) => h.health)).to.deep.equal([0.6, 0.7, 0.8]);
    expect(await listVehicles(redis, keys, "F1")).to.deep.equal(["V1", "V2"]);
    expect(await countVehicles(redis, keys, "F2")).to.equal(0);
    expect(await getVehicleState(redis, keys, "F1", "nope")).to.equal(null);
  });

  it("caps critical alerts per fleet and isolates fleets", async () => {
    const keys = redisKeys({ prefix: prefix });
    for (let i = 0; i < 4; i++) {
      await pushCriticalAlert(
        redis,
        keys,
        "F1",
        { vehicleId: `V${i}`, fleetId: "F1", faultType: "insulation", status: "fault", score: 0.9, timestamp: "t" },
        { maxLen: 3 },
      );
    }
    expect((await listCriticalAlerts(redis, keys, "F1")).map((a) => a.vehicleId)).to.deep.equal(["V3", "V2", "V1"]);
    expect(await listCriticalAlerts(redis, keys, "F2")).to.deep.equal([]);
  });

  it("the same vehicle id in two fleets is two vehicles", async () => {
    const keys = redisKeys({ prefix: prefix });
    const at = new Date(1_700_000_000_000).toISOString();
    await saveVehicleState(redis, keys, "VIN-1", { fleetId: "F1", health: 0.9, status: "normal", findings: {}, updatedAt: at });
    await saveVehicleState(redis, keys, "VIN-1", { fleetId: "F2", health: 0.2, status: "fault", findings: {}, updatedAt: at });
    expect(await getVehicleState(redis, keys, "F1", "VIN-1")).to.deep.include({ fleetId: "F1", health: 0.9 });
    expect(await getVehicleState(redis, keys, "F2", "VIN-1")).to.deep.include({ fleetId: "F2", health: 0.2 });
    expect(await getVehicleState(redis, keys, "F3", "VIN-1")).to.equal(null);
    expect(await listVehicles(redis, keys, "F1")).to.deep.equal(["VIN-1"]);
  });
});
