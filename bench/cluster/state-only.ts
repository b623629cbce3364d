/** `npm run bench -- --state-only`: vehicle state for N ids through the coordinator's write path; Redis memory per vehicle. */
import fs from "node:fs";
import type { Redis } from "ioredis";
import type { RedisKeys } from "../../contracts/redis-keys";
import { saveVehicleState } from "../../stores/vehicle-state";
import { redisInfo } from "./launcher";

export async function stateOnly(redis: Redis, keys: RedisKeys, vehicles: number, jsonFile: string | undefined): Promise<void> {
  // Vehicle state through the coordinator's own write path: state + history + fleet index + owner.
  const before = await redisInfo(redis, "memory", "used_memory");
  const t0 = performance.now();
  const statuses = {
    turn_fault: { status: "normal" as const, score: 0.1 },
    insulation: { status: "normal" as const, score: 0.05 },
    bearing: { status: "normal" as const, score: 0.2 },
    eccentricity: { status: "normal" as const, score: 0.1 },
    broken_bar: { status: "not_applicable" as const, score: 0, reason: "PMSM: no rotor bars" },
  };
  const batch = 200;
  for (let i = 0; i < vehicles; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, vehicles - i) }, async (_, k) => {
        const id = `SIM-${String(i + k + 1).padStart(6, "0")}`;
        const fleetId = `fleet-${(i + k) % 50}`;
        await saveVehicleState(redis, keys, id, {
          fleetId,
          health: 0.93,
          status: "normal",
          findings: statuses,
          updatedAt: new Date().toISOString(),
          originalMessageId: `${Date.now()}-${i + k}`,
        });
      }),
    );
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = await redisInfo(redis, "memory", "used_memory");
  const out = {
    mode: "state-only",
    vehicles,
    seconds,
    writesPerS: vehicles / seconds,
    redisMemoryDeltaBytes: after - before,
    bytesPerVehicle: (after - before) / vehicles,
  };
  console.log(`state for ${vehicles} vehicles (one window each, history length 1) in ${seconds.toFixed(1)} s (${out.writesPerS.toFixed(0)}/s)`);
  console.log(
    `Redis used_memory +${((after - before) / 1048576).toFixed(1)} MB = ${out.bytesPerVehicle.toFixed(0)} B per vehicle (shared Redis: other clients' writes add noise)`,
  );
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(out, null, 2));
}
