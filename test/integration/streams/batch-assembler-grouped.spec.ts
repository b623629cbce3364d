/**
 * The assembler's appends of one tick (a consumer's XREADGROUP batch) go to Redis as one EVALSHA call, with exactly
 * the outcomes separate calls in the same order give; and the gateway's scripts run as EVALSHA (ioredis
 * defineCommand, which falls back to the script text on NOSCRIPT by itself).
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { SensorWindow } from "../../../analyzers/types";
import { redisKeys } from "../../../contracts/redis-keys";
import { WindowAssembler, type AppendOutcome } from "../../../streams/batch-assembler";
import { RateLimiter } from "../../../stores/rate-limiter";
import { admitWindow } from "../../../stores/ingest-budget";
import { useRedisFixture } from "../../helpers/redis-fixture";

function legacyBatch(k: number): SensorWindow {
  const ia = Float32Array.from({ length: 10 }, (_, i) => k * 10 + i);
  return { channels: { ia: { samples: ia, rateHz: 3000 } } };
}

/** The names of the commands `redis` sends while `run` runs (the client's own, not the server's whole traffic). */
async function commandsDuring<T>(redis: Redis, run: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const commands: string[] = [];
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: { name: string }, ...rest: unknown[]) => {
    commands.push(command.name);
    return (original as (...a: unknown[]) => unknown)(command, ...rest);
  };
  try {
    return { result: await run(), commands };
  } finally {
    redis.sendCommand = original;
  }
}

/** Outcomes without the merged samples' object identity (windows compared by key, ids and samples). */
function comparable(o: AppendOutcome): unknown {
  if (o.status !== "window") return o;
  return { status: o.status, key: o.window.windowKey, ids: o.window.messageIds, ia: Array.from(o.window.window.channels.ia!.samples) };
}

describe("window assembler: one script call per batch of appends, EVALSHA", function () {
  this.timeout(20_000);
  const group = "diagnosis";
  const fx = useRedisFixture("asmgrp", { perTest: true });

  async function deliver(stream: string, vehicles: string[]): Promise<string[]> {
    await fx.redis.xgroup("CREATE", stream, group, "$", "MKSTREAM").catch(() => undefined);
    const ids: string[] = [];
    for (const v of vehicles) ids.push((await fx.redis.xadd(stream, "*", "vehicle_id", v, "fleet_id", "F1"))!);
    await fx.redis.xreadgroup("GROUP", group, "reader", "COUNT", vehicles.length, "STREAMS", stream, ">");
    return ids;
  }

  const assembler = (stream: string, prefix: string) =>
    new WindowAssembler(fx.redis, { keys: redisKeys({ prefix }), legacyFleetId: "legacy", targetSamples: 50, source: { stream, group } });

  it("16 appends of two vehicles made in one tick are one EVALSHA, with the outcomes of 16 sequential calls", async () => {
    const vehicles = Array.from({ length: 16 }, (_, i) => (i % 3 === 0 ? "V2" : "V1"));
    // The same entries appended one call at a time, under another prefix and stream: the reference outcomes.
    const seqStream = `${fx.prefix}:seq:raw`;
    const seqIds = await deliver(seqStream, vehicles);
    const sequential = assembler(seqStream, `${fx.prefix}:seq`);
    const expected: unknown[] = [];
    for (let k = 0; k < vehicles.length; k++)
      expected.push(comparable(await sequential.append({ fleetId: "F1", vehicleId: vehicles[k] }, seqIds[k], legacyBatch(k))));

    const stream = `${fx.prefix}:grp:raw`;
    const ids = await deliver(stream, vehicles);
    const grouped = assembler(stream, `${fx.prefix}:grp`);
    await grouped.append({ fleetId: "F1", vehicleId: "warm" }, "0-1", legacyBatch(0)); // defines the command once
    const { result, commands } = await commandsDuring(fx.redis, () =>
      Promise.all(vehicles.map((v, k) => grouped.append({ fleetId: "F1", vehicleId: v }, ids[k], legacyBatch(k)))),
    );
    expect(commands).to.deep.equal(["evalsha"]);
    // The reference's window keys and ids are its own stream's: mapped to this stream's by position.
    const idMap = new Map(seqIds.map((id, k) => [id, ids[k]]));
    const reference = expected.map((o) => JSON.stringify(o).replace(/\d+-\d+/g, (id) => idMap.get(id) ?? id));
    expect(result.map((o) => JSON.stringify(comparable(o)))).to.deep.equal(reference);
    expect(result.filter((o) => o.status === "window").length, "V1 closes a window of 5 batches twice").to.be.at.least(2);
  });

  it("the rate limiter and the ingest budgets (samples, bytes, vehicle quota) run as EVALSHA", async () => {
    const limiter = new RateLimiter(fx.redis, { prefix: fx.prefix, limit: 10, windowS: 1 });
    const keys = redisKeys({ prefix: fx.prefix });
    await limiter.hit("warm");
    const budgets = { prefix: fx.prefix, windowS: 1, vehicleSamplesPerS: 1000, fleetBytesPerS: 100_000, maxVehicles: 10 };
    expect(await admitWindow(fx.redis, keys, budgets, { fleetId: "F1", vehicleId: "V0", samples: 40, bytes: 900 })).to.deep.equal({ admitted: true });
    const { commands } = await commandsDuring(fx.redis, async () => {
      await limiter.hit("b1", 10, 3);
      await admitWindow(fx.redis, keys, budgets, { fleetId: "F1", vehicleId: "V1", samples: 40, bytes: 900 });
    });
    expect(commands).to.deep.equal(["evalsha", "evalsha"]);
  });
});
