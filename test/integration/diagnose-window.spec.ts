/**
 * pipeline/diagnose-window.ts on its own: the real Redis, the five real analyzers run in-process as the fan-out's
 * analyze call (no broker), a recording broadcast, simulated windows.
 */
import { expect } from "chai";
import type { Redis } from "ioredis";
import { ANALYZERS } from "../../analyzers/index";
import { FAULT_TYPES, type FaultType, type Finding, type SensorWindow } from "../../analyzers/types";
import { loadConfig } from "../../config";
import { FAULT_SERVICES } from "../../contracts/families";
import { RESULT_ENTRY_FIELDS } from "../../contracts/streams";
import { EVENTS, type DiagnosisEvent } from "../../contracts/events";
import { redisKeys, type RedisKeys } from "../../contracts/redis-keys";
import { commitCaches, diagnoseWindow, type DiagnoseWindowDeps, type WindowJob } from "../../pipeline/diagnose-window";
import { FanOutError, type AnalyzeCall } from "../../pipeline/fan-out";
import { asTypedWindow } from "../../pipeline/typed-window";
import { windowProfile } from "../../pipeline/window-profile";
import { diagnosisSettings } from "../../services/diagnosis.service";
import { createRedis } from "../../stores/redis";
import { channelsRead, loadWindow } from "../../stores/sample-store";
import { loadEntryWindow } from "../../stores/entry-window";
import { VehicleProfiles } from "../../stores/vehicle-profiles";
import { getVehicleHistory, getVehicleState, listCriticalAlerts, listVehicles } from "../../stores/vehicle-state";
import { parseResultEntry, resultDedupeKey } from "../../streams/results-writer";
import { makeFleet, nextWindow, PMSM_400V, type SimulatedVehicle } from "../../simulator/index";
import { REDIS_URL, uniqueName } from "./helpers";
import { waitFor } from "../helpers/wait-for";

const RESULT_FIELDS = [...RESULT_ENTRY_FIELDS];

const FAMILY_OF_ACTION = Object.fromEntries(FAULT_TYPES.map((t) => [`${FAULT_SERVICES[t]}.analyze`, t])) as Record<string, FaultType>;

/** The workers' analyze action without a broker: fetch the claim-checked channels the analyzer reads, or take the inline window. */
function inProcessAnalyze(redis: Redis, calls: string[] = []): AnalyzeCall {
  return async (action, params) => {
    const analyzer = ANALYZERS[FAMILY_OF_ACTION[action]];
    calls.push(action);
    const window =
      "windowRef" in params
        ? await loadWindow(redis, params.windowRef, channelsRead(analyzer))
        : "entryRef" in params
          ? await loadEntryWindow(redis, params.entryRef)
          : asTypedWindow(params.window);
    return analyzer.analyze(window, params.profile, params.baseline);
  };
}

/** One broadcast, as the recording broadcast saw it. */
interface Sent {
  event: string;
  payload: DiagnosisEvent;
}

describe("diagnoseWindow: the per-window pipeline against the real Redis, analyzers in-process", function () {
  this.timeout(60_000);
  const tag = uniqueName("diagwin");
  let redis: Redis;
  let keys: RedisKeys;
  let vehicle: SimulatedVehicle;
  let healthy: SensorWindow;
  let faulty: SensorWindow;
  let seq = 0;

  function settingsFor(transport: "inline" | "claim-check") {
    return diagnosisSettings(
      loadConfig({
        REDIS_URL,
        VTOX_PREFIX: tag,
        RAW_STREAM: `${tag}:motor_raw_data`,
        RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
        WINDOW_TRANSPORT: transport,
      }),
    );
  }

  function deps(overrides: Partial<DiagnoseWindowDeps> = {}): DiagnoseWindowDeps & { sent: Sent[] } {
    const sent: Sent[] = [];
    const profiles = new VehicleProfiles(redis, keys.prefix);
    return {
      redis,
      keys,
      settings: settingsFor("claim-check"),
      analyzeCall: inProcessAnalyze(redis),
      broadcast: (event, payload) => void sent.push({ event, payload }),
      profileFor: (fleetId, vehicleId, metadata) =>
        windowProfile(profiles, { fleetId, vehicleId }, metadata, (m) => {
          throw new Error(m);
        }),
      ...overrides,
      sent,
    };
  }

  /** A window job with a fresh message id (results are keyed by it). */
  function job(vehicleId: string, window: SensorWindow, fleetId = "fleetA"): WindowJob {
    return jobOf(vehicleId, window, fleetId);
  }

  function jobOf(vehicleId: string, window: SensorWindow, fleetId: string): WindowJob {
    seq += 1;
    return { fleetId, vehicleId, messageId: `${1_700_000_000_000 + seq}-0`, timestamp: new Date().toISOString(), window, metadata: {} };
  }

  async function resultEntries(messageId: string): Promise<{ id: string; fields: string[] }[]> {
    const rows = await redis.xrange(keys.resultsStream, "-", "+");
    return rows.map(([id, fields]) => ({ id, fields })).filter((r) => parseResultEntry(r.id, r.fields).originalMessageId === messageId);
  }

  before(async () => {
    redis = createRedis(REDIS_URL);
    keys = redisKeys(settingsFor("claim-check").redis);
    // A PMSM whose turn fault (phase short) starts after t = 0 and is at full severity at onset + ramp.
    [vehicle] = makeFleet({ vehicles: 1, seed: 7, faultyShare: 1, durationS: 1, profiles: [PMSM_400V] }).vehicles;
    expect(vehicle.fault?.type).to.equal("turn_fault");
    healthy = nextWindow(vehicle, 0);
    faulty = nextWindow(vehicle, vehicle.fault!.onsetS + vehicle.fault!.rampS);
  });

  after(async () => {
    const doomed = await redis.keys(`${tag}*`);
    if (doomed.length) await redis.del(...doomed);
    await redis.quit();
  });

  it("writes five results with the contract fields, and nothing more when the same window runs again", async () => {
    const at = new Date("2030-01-02T03:04:05.000Z");
    const j = job("EV-DW-RESULTS", healthy);
    const first = await diagnoseWindow(j, deps({ clock: () => at }));
    expect(first.timestamp).to.equal(at.toISOString());

    expect(first.results.written.slice().sort()).to.deep.equal([...FAULT_TYPES].sort());
    const entries = await resultEntries(j.messageId);
    expect(entries).to.have.length(5);
    for (const e of entries) {
      expect(e.fields.filter((_, i) => i % 2 === 0)).to.deep.equal(RESULT_FIELDS);
      const r = parseResultEntry(e.id, e.fields);
      const finding = first.findings.find((f) => f.fault_type === r.faultType)!;
      expect(r.vehicleId).to.equal("EV-DW-RESULTS");
      expect(r.status).to.equal(finding.status);
      expect(r.score).to.equal(finding.score);
      expect(r.timestamp).to.equal(first.timestamp);
      expect(r.processingTimeS).to.be.greaterThan(0);
      expect(r.reason).to.equal(finding.reason);
      expect(r.evidence).to.deep.equal(JSON.parse(JSON.stringify(finding.evidence)));
    }
    expect(first.findings.map((f) => f.fault_type)).to.deep.equal([...FAULT_TYPES]);

    const length = await redis.xlen(keys.resultsStream);
    const again = await diagnoseWindow(j, deps());
    expect(again.results.written).to.deep.equal([]);
    expect(again.results.skipped.slice().sort()).to.deep.equal([...FAULT_TYPES].sort());
    expect(again.results.results.map((r) => r.id)).to.deep.equal(first.results.results.map((r) => r.id));
    expect(await redis.xlen(keys.resultsStream)).to.equal(length);
    expect(await resultEntries(j.messageId)).to.have.length(5);
  });

  it("saves the vehicle state under its fleet: the same id in another fleet is another vehicle", async () => {
    const ofA = await diagnoseWindow(job("EV-DW-SHARED", healthy, "fleetA"), deps());
    const ofB = await diagnoseWindow(job("EV-DW-SHARED", faulty, "fleetB"), deps());

    expect(ofA.fleetId).to.equal("fleetA");
    const state = await getVehicleState(redis, keys, "fleetA", "EV-DW-SHARED");
    expect(state).to.include({ vehicleId: "EV-DW-SHARED", fleetId: "fleetA", status: ofA.health.status, updatedAt: ofA.timestamp });
    expect(state!.health).to.equal(ofA.health.health);
    expect(Object.keys(state!.findings).sort()).to.deep.equal([...FAULT_TYPES].sort());
    expect(await listVehicles(redis, keys, "fleetA")).to.include("EV-DW-SHARED");

    expect((await getVehicleState(redis, keys, "fleetB", "EV-DW-SHARED"))!.status).to.equal(ofB.health.status);
    expect(ofB.health.status, "the two vehicles are diagnosed apart").to.not.equal(ofA.health.status);
    expect(ofB.event.fleet_id).to.equal("fleetB");
    const results = (await redis.xrange(keys.resultsStream, "-", "+")).map(([id, f]) => parseResultEntry(id, f)).filter((r) => r.vehicleId === "EV-DW-SHARED");
    expect(new Set(results.map((r) => r.fleetId))).to.deep.equal(new Set(["fleetA", "fleetB"]));
  });

  it("raises an alarm on a faulty window and clears it on a healthy one, with the matching events and critical alert", async () => {
    const vehicleId = "EV-DW-ALARM";
    await new VehicleProfiles(redis, keys.prefix).setProfile("fleetAlarm", vehicleId, vehicle.profile);
    const job = (v: string, w: SensorWindow): WindowJob => jobOf(v, w, "fleetAlarm");

    const calm = deps();
    const before = await diagnoseWindow(job(vehicleId, healthy), calm);
    expect(before.findings.find((f) => f.fault_type === "turn_fault")!.status).to.equal("normal");
    expect(before.transitions).to.deep.equal([]);
    expect(
      calm.sent.map((e) => e.event),
      "one broadcast per window",
    ).to.deep.equal([EVENTS.diagnosisCompleted]);
    expect(calm.sent[0].payload.alarms).to.deep.equal([]);

    const hot = deps();
    const faultJob = job(vehicleId, faulty);
    const raised = await diagnoseWindow(faultJob, hot);
    const turn = raised.findings.find((f) => f.fault_type === "turn_fault")!;
    expect(turn.status).to.equal("fault");
    expect(raised.transitions).to.deep.equal([{ kind: "raised", faultType: "turn_fault", level: "fault" }]);
    expect(hot.sent, "one broadcast per window, the one returned").to.deep.equal([{ event: EVENTS.diagnosisCompleted, payload: raised.event }]);
    const completed = raised.event;
    expect(completed).to.include({
      vehicle_id: vehicleId,
      fleet_id: "fleetAlarm",
      message_id: faultJob.messageId,
      profile: "vehicle",
      status: "fault",
      timestamp: raised.timestamp,
      health: raised.health.health,
    });
    expect(completed.findings).to.have.length(5);
    expect(Object.keys(completed.latency_ms).sort()).to.deep.equal([...FAULT_TYPES].sort());
    expect(completed.alarms).to.deep.equal([
      {
        vehicle_id: vehicleId,
        fleet_id: "fleetAlarm",
        timestamp: raised.timestamp,
        kind: "raised",
        fault_type: "turn_fault",
        level: "fault",
        score: turn.score,
        ...(turn.reason ? { reason: turn.reason } : {}),
      },
    ]);
    expect(await redis.hgetall(keys.vehicleAlarms("fleetAlarm", vehicleId))).to.deep.equal({ turn_fault: "fault" });
    const alerts = await listCriticalAlerts(redis, keys, "fleetAlarm");
    expect(alerts).to.have.length(1);
    expect(alerts[0]).to.include({ vehicleId, faultType: "turn_fault", status: "fault", originalMessageId: faultJob.messageId });

    const cool = deps();
    const cleared = await diagnoseWindow(job(vehicleId, healthy), cool);
    expect(cleared.transitions).to.deep.equal([{ kind: "cleared", faultType: "turn_fault", previous: "fault" }]);
    expect(cool.sent.map((e) => e.event)).to.deep.equal([EVENTS.diagnosisCompleted]);
    const [clearedAlarm] = cool.sent[0].payload.alarms;
    expect(clearedAlarm).to.include({ kind: "cleared", fault_type: "turn_fault", previous: "fault", fleet_id: "fleetAlarm" });
    expect(clearedAlarm).to.not.have.property("level");
    expect(await redis.exists(keys.vehicleAlarms("fleetAlarm", vehicleId))).to.equal(0);
    expect(await listCriticalAlerts(redis, keys, "fleetAlarm")).to.have.length(1);
  });

  it("throws when an analyze call fails: no result, no state, no event, and the claim-check key is gone", async () => {
    const calls: string[] = [];
    const real = inProcessAnalyze(redis, calls);
    let storedKey: string | undefined;
    const d = deps({
      analyzeCall: async (action, params, timeoutMs) => {
        if ("windowRef" in params) storedKey = params.windowRef.key;
        if (action === `${FAULT_SERVICES.bearing}.analyze`) throw new Error("worker crashed");
        return real(action, params, timeoutMs);
      },
    });
    const j = job("EV-DW-FAIL", faulty);
    const length = await redis.xlen(keys.resultsStream);

    const err = await diagnoseWindow(j, d).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FanOutError);
    expect((err as FanOutError).failures).to.deep.equal({ bearing: "worker crashed" });
    expect(calls).to.have.length(4); // the other four ran on the stored channels
    expect(storedKey).to.equal(keys.windowSamples(j.messageId));
    await waitFor(async () => (await redis.exists(storedKey!)) === 0, 5000, "claim-check key deleted");

    expect(await redis.xlen(keys.resultsStream)).to.equal(length);
    expect(await resultEntries(j.messageId)).to.deep.equal([]);
    expect(await redis.exists(resultDedupeKey(keys.resultsStream, j.messageId))).to.equal(0);
    expect(await getVehicleState(redis, keys, "fleetA", "EV-DW-FAIL")).to.equal(null);
    expect(await redis.exists(keys.vehicleAlarms("fleetA", "EV-DW-FAIL"))).to.equal(0);
    expect(d.sent).to.deep.equal([]);
  });

  it("gives identical findings inline and by claim check, and deletes the claim-check key after a success", async () => {
    let storedKey: string | undefined;
    const real = inProcessAnalyze(redis);
    await new VehicleProfiles(redis, keys.prefix).setProfile("fleetA", "EV-DW-TRANSPORT", vehicle.profile);
    const viaRedis = await diagnoseWindow(
      job("EV-DW-TRANSPORT", faulty),
      deps({
        analyzeCall: (action, params, timeoutMs) => {
          expect(params).to.have.property("windowRef").and.not.have.property("window");
          if ("windowRef" in params) storedKey = params.windowRef.key;
          return real(action, params, timeoutMs);
        },
      }),
    );
    const inline = await diagnoseWindow(
      job("EV-DW-TRANSPORT", faulty),
      deps({
        settings: settingsFor("inline"),
        analyzeCall: (action, params, timeoutMs) => {
          expect(params).to.have.property("window").and.not.have.property("windowRef");
          return real(action, params, timeoutMs);
        },
      }),
    );

    expect(storedKey).to.be.a("string");
    await waitFor(async () => (await redis.exists(storedKey!)) === 0, 5000, "claim-check key deleted");
    const byFamily = (fs: Finding[]) => Object.fromEntries(fs.map((f) => [f.fault_type, f]));
    expect(byFamily(inline.findings)).to.deep.equal(byFamily(viaRedis.findings));
    expect(inline.health).to.deep.equal(viaRedis.health);
    expect(inline.findings.find((f) => f.fault_type === "turn_fault")!.status).to.equal("fault");
  });

  it("writes a window in one Redis round trip, and a retry after a crash before the ack writes nothing twice", async () => {
    const vehicleId = "EV-DW-RETRY";
    await new VehicleProfiles(redis, keys.prefix).setProfile("fleetRetry", vehicleId, vehicle.profile);
    const j = jobOf(vehicleId, faulty, "fleetRetry");
    const first = deps({ caches: commitCaches(), settings: settingsFor("inline") });
    const writes = countWrites(redis);
    const committed = await diagnoseWindow(j, first);
    writes.stop();
    // Besides the profile read (uncached here), one script call; the inline transport leaves out the claim check's own.
    expect(
      writes.commands.filter((c) => c !== "mget"),
      "one script call for every write",
    ).to.deep.equal(["evalsha"]);
    expect(committed.firstCommit).to.equal(true);
    expect(committed.transitions).to.deep.equal([{ kind: "raised", faultType: "turn_fault", level: "fault" }]);

    // The coordinator died between the commit and the ack: a survivor (its own caches) gets the entry again.
    const survivor = deps({ caches: commitCaches() });
    const length = await redis.xlen(keys.resultsStream);
    const retried = await diagnoseWindow(j, survivor);
    expect(retried.firstCommit).to.equal(false);
    expect(retried.results.written).to.deep.equal([]);
    expect(retried.results.results.map((r) => r.id)).to.deep.equal(committed.results.results.map((r) => r.id));
    expect(await redis.xlen(keys.resultsStream)).to.equal(length);
    expect(await getVehicleHistory(redis, keys, "fleetRetry", vehicleId), "one history entry").to.have.length(1);
    expect(await listCriticalAlerts(redis, keys, "fleetRetry"), "one critical alert").to.have.length(1);
    expect(await redis.hgetall(keys.vehicleAlarms("fleetRetry", vehicleId))).to.deep.equal({ turn_fault: "fault" });
    // The survivor's event tells the browsers what the lost one would have.
    expect(retried.transitions).to.deep.equal(committed.transitions);
    expect(survivor.sent.map((e) => e.payload.alarms)).to.deep.equal([committed.event.alarms]);
  });

  it("a coordinator whose cached open alarms are stale (another took the vehicle over) still raises and clears exactly once", async () => {
    const vehicleId = "EV-DW-TAKEOVER";
    await new VehicleProfiles(redis, keys.prefix).setProfile("fleetTakeover", vehicleId, vehicle.profile);
    const [x, y] = [commitCaches(), commitCaches()];
    const on = (caches: ReturnType<typeof commitCaches>, w: SensorWindow) => diagnoseWindow(jobOf(vehicleId, w, "fleetTakeover"), deps({ caches }));

    expect((await on(x, faulty)).transitions, "x raises").to.deep.equal([{ kind: "raised", faultType: "turn_fault", level: "fault" }]);
    // y has never seen the vehicle (it guesses no open alarm): the alarm is already open, nothing to raise.
    expect((await on(y, faulty)).transitions, "y does not raise it again").to.deep.equal([]);
    expect((await on(y, healthy)).transitions, "y clears").to.deep.equal([{ kind: "cleared", faultType: "turn_fault", previous: "fault" }]);
    // x still believes the fault is open; Redis says none: x must raise it anew, not stay silent.
    expect((await on(x, faulty)).transitions, "x raises again").to.deep.equal([{ kind: "raised", faultType: "turn_fault", level: "fault" }]);
    expect(await redis.hgetall(keys.vehicleAlarms("fleetTakeover", vehicleId))).to.deep.equal({ turn_fault: "fault" });
    expect(await listCriticalAlerts(redis, keys, "fleetTakeover"), "one alert per raise").to.have.length(2);
  });
});

/** Commands sent on one client while counting (a pipeline or script call is one write to the socket). */
function countWrites(redis: Redis): { commands: string[]; stop(): void } {
  const commands: string[] = [];
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = (command: Parameters<Redis["sendCommand"]>[0], ...rest: unknown[]) => {
    commands.push(command.name);
    return (original as (...a: unknown[]) => unknown)(command, ...rest);
  };
  return {
    commands,
    stop: () => {
      redis.sendCommand = original;
    },
  };
}
