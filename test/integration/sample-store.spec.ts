import { expect } from "chai";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { ANALYZERS } from "../../analyzers/index";
import { DEFAULT_MOTOR_PROFILE } from "../../analyzers/default-profile";
import { FAULT_TYPES, type ChannelName, type Finding, type SensorWindow } from "../../analyzers/types";
import { channelsRead, deleteWindow, loadWindow, storeWindow, WindowGoneError } from "../../stores/sample-store";
import { AnalyzerWorkerMixin } from "../../mixins/analyzer-worker.mixin";
import { makeFleet, nextWindow } from "../../simulator/index";
import { makeBroker, REDIS_URL, uniqueName } from "./helpers";
import { useRedisFixture } from "../helpers/redis-fixture";

function restricted(window: SensorWindow, names: readonly ChannelName[]): SensorWindow {
  const channels: SensorWindow["channels"] = {};
  for (const n of names) if (window.channels[n]) channels[n] = window.channels[n];
  return { ...window, channels };
}

/** A simulated window with every channel kind: currents, voltages, vibration on x and y. */
function fullWindow(): SensorWindow {
  const [vehicle] = makeFleet({ vehicles: 1, seed: 5, faultyShare: 1, durationS: 1, rateHz: 8192, vibRateHz: 8192, includeVoltages: true }).vehicles;
  const w = nextWindow(vehicle, 400);
  const vibX = w.channels.vib_x!;
  return { ...w, channels: { ...w.channels, vib_y: { rateHz: vibX.rateHz, samples: vibX.samples.map((v) => 0.5 * v) } } };
}

describe("window store (claim check for decoded windows)", function () {
  this.timeout(20_000);
  const fx = useRedisFixture("winstore");
  const prefix = fx.prefix;
  let redis: Redis;
  before(() => (redis = fx.redis));

  it("gives back every channel bit for bit, in its sample type, with the scalars", async () => {
    const window: SensorWindow = {
      startTime: "2026-01-01T00:00:00.000Z",
      rpm: 1500,
      dcBusV: 750,
      channels: {
        ia: { rateHz: 8192, samples: Float32Array.from({ length: 1001 }, (_, i) => Math.sin(i / 7) * 3.25) },
        va: { rateHz: 4096, samples: Float64Array.from({ length: 333 }, (_, i) => Math.cos(i / 5) * 1e-7 + i) },
      },
    };
    const ref = await storeWindow(redis, `${prefix}:w1`, window, 30);
    const back = await loadWindow(redis, ref);
    expect(back.rpm).to.equal(1500);
    expect(back.dcBusV).to.equal(750);
    expect(back.startTime).to.equal(window.startTime);
    expect(back.channels.ia!.samples).to.be.instanceOf(Float32Array);
    expect(back.channels.va!.samples).to.be.instanceOf(Float64Array);
    expect(Array.from(back.channels.ia!.samples)).to.deep.equal(Array.from(window.channels.ia!.samples));
    expect(Array.from(back.channels.va!.samples)).to.deep.equal(Array.from(window.channels.va!.samples));
    expect(back.channels.va!.rateHz).to.equal(4096);
    const ttl = await redis.ttl(`${prefix}:w1`);
    expect(ttl).to.be.within(1, 30);
  });

  it("fetches only the channels asked for, and says when the data is gone", async () => {
    const window = fullWindow();
    const ref = await storeWindow(redis, `${prefix}:w2`, window, 30);
    const some = await loadWindow(redis, ref, ["ia", "vib_z"]);
    expect(Object.keys(some.channels)).to.deep.equal(["ia"]);
    await deleteWindow(redis, `${prefix}:w2`);
    let caught: unknown;
    await loadWindow(redis, ref, ["ia"]).catch((err: unknown) => {
      caught = err;
    });
    expect(caught).to.be.instanceOf(WindowGoneError);
  });

  it("each analyzer decides the same on the channels it declares as on the whole window", () => {
    const window = fullWindow();
    for (const faultType of FAULT_TYPES) {
      const analyzer = ANALYZERS[faultType];
      const full = analyzer.analyze(window, DEFAULT_MOTOR_PROFILE);
      const partial = analyzer.analyze(restricted(window, channelsRead(analyzer)), DEFAULT_MOTOR_PROFILE);
      expect(partial, faultType).to.deep.equal(full);
    }
    expect(channelsRead(ANALYZERS.insulation)).to.deep.equal([]);
  });

  describe("a worker given a windowRef", () => {
    const namespace = uniqueName("claimcheck");
    let caller: ServiceBroker;
    let worker: ServiceBroker;
    const seen: { channels?: string[]; type?: string | undefined } = {};

    before(async () => {
      worker = makeBroker(namespace, "worker-1");
      caller = makeBroker(namespace, "caller-1");
      worker.createService({
        name: "fault.probe",
        settings: { redisUrl: REDIS_URL },
        mixins: [
          AnalyzerWorkerMixin({
            faultType: "eccentricity",
            requirements: { channelsAnyOf: [["ia"]], optionalChannels: ["ib"], minSampleRateHz: 0, minDurationS: 0, scalars: [] },
            analyze(w: SensorWindow): Finding {
              seen.channels = Object.keys(w.channels);
              seen.type = w.channels.ia?.samples.constructor.name;
              return { fault_type: "eccentricity", status: "normal", score: 0, features: { rpm: w.rpm ?? 0 }, evidence: [] };
            },
          }),
        ],
      });
      await Promise.all([worker.start(), caller.start()]);
      await caller.waitForServices(["fault.probe"], 10_000);
    });
    after(async () => {
      await Promise.all([caller.stop(), worker.stop()]);
    });

    it("fetches only its analyzer's channels from Redis", async () => {
      const window = fullWindow();
      const windowRef = await storeWindow(redis, `${prefix}:w3`, window, 30);
      const finding = await caller.call<Finding, object>("fault.probe.analyze", { windowRef, profile: DEFAULT_MOTOR_PROFILE });
      expect(seen.channels).to.deep.equal(["ia", "ib"]);
      expect(seen.type).to.equal("Float32Array");
      expect(finding.features.rpm).to.equal(window.rpm);
    });

    it("fails the call when the window data is gone (the coordinator retries the window)", async () => {
      const windowRef = await storeWindow(redis, `${prefix}:w4`, fullWindow(), 30);
      await deleteWindow(redis, `${prefix}:w4`);
      let caught: unknown;
      await caller.call("fault.probe.analyze", { windowRef, profile: DEFAULT_MOTOR_PROFILE }).catch((err: unknown) => {
        caught = err;
      });
      expect(String((caught as Error)?.message)).to.match(/gone/);
    });
  });
});
