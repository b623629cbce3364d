import { expect } from "chai";
import type { Redis } from "ioredis";
import { redisKeys } from "../../../contracts/redis-keys";
import {
  claimVehicle, countVehicles, getVehicleHistory, getVehicleOwner, getVehicleState, listCriticalAlerts, listVehicles,
  pushCriticalAlert, saveVehicleState,
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
      await saveVehicleState(redis, keys, "V1", {
        fleetId: "F1", health: 1 - i / 10, status: i < 3 ? "normal" : "warning",
        findings: { bearing: { status: "normal", score: i / 10 } }, updatedAt: new Date(1_700_000_000_000 + i * 1000).toISOString(),
      }, { historyLen: 3 });
    }
    await saveVehicleState(redis, keys, "V2", { fleetId: "F1", health: 1, status: "normal", findings: {}, updatedAt: new Date(1_600_000_000_000).toISOString() });
    const state = await getVehicleState(redis, keys, "V1");
    expect(state).to.deep.include({ vehicleId: "V1", fleetId: "F1", health: 0.6, status: "warning" });
    const history = await getVehicleHistory(redis, keys, "V1");
    expect(history.map((h) => h.health)).to.deep.equal([0.6, 0.7, 0.8]);
    expect(await listVehicles(redis, keys, "F1")).to.deep.equal(["V1", "V2"]);
    expect(await countVehicles(redis, keys, "F2")).to.equal(0);
    expect(await getVehicleState(redis, keys, "nope")).to.equal(null);
  });

  it("caps critical alerts per fleet and isolates fleets", async () => {
    const keys = redisKeys({ prefix: prefix });
    for (let i = 0; i < 4; i++) {
      await pushCriticalAlert(redis, keys, "F1", { vehicleId: `V${i}`, fleetId: "F1", faultType: "insulation", status: "fault", score: 0.9, timestamp: "t" }, { maxLen: 3 });
    }
    expect((await listCriticalAlerts(redis, keys, "F1")).map((a) => a.vehicleId)).to.deep.equal(["V3", "V2", "V1"]);
    expect(await listCriticalAlerts(redis, keys, "F2")).to.deep.equal([]);
  });

  it("claims a vehicle for the first fleet only", async () => {
    const keys = redisKeys({ prefix: prefix });
    expect(await claimVehicle(redis, keys, "F1", "V1")).to.equal("F1");
    expect(await claimVehicle(redis, keys, "F2", "V1")).to.equal("F1");
    expect(await claimVehicle(redis, keys, "F2", "V2")).to.equal("F2");
    expect(await getVehicleOwner(redis, keys, "V1")).to.equal("F1");
    expect(await getVehicleOwner(redis, keys, "V3")).to.equal(null);
  });
});
