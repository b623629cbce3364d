/**
 * STREAM_PARTITIONS=4 on one Redis, services as in production: the api in this process (HTTP ingest), one worker
 * process with the five fault services, two coordinator processes. Windows of many vehicles spread over the four
 * partition streams; each vehicle's windows stay in order in its one partition; a coordinator is SIGKILLed while it
 * holds entries and restarted; every window is still diagnosed exactly once with its five results, nothing stays
 * pending, nothing is dead-lettered. Then the other coordinator stops and a second round is diagnosed by the
 * restarted one alone (it reads every partition), and the monitor's figures are the partitions' sums.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { Redis } from "ioredis";
import type { ServiceBroker } from "moleculer";
import { encodeCompact } from "../../ingest/sensor-data";
import { redisKeys } from "../../contracts/redis-keys";
import { parseResultEntry } from "../../streams/results-writer";
import { partitionGroupInfo, type StreamsOverview } from "../../streams/stream-info";
import { makeFleet, nextWindow } from "../../simulator/index";
import { runnerCommand } from "../../launcher/runner-command";
import { configuredService, makeBroker, REDIS_URL, uniqueName } from "./helpers";
import { startApi, type ApiHarness } from "./api-harness";
import { waitFor } from "../helpers/wait-for";
import { useRedisFixture } from "../helpers/redis-fixture";

const ROOT = path.resolve(__dirname, "../..");
const FAULT_SERVICE_FILES = ["turn", "insulation", "bearing", "eccentricity", "broken-bar"].map((f) => `services/fault-${f}.service.ts`);
const PARTITIONS = 4;

describe("stream partitions: 4 partitions on one Redis, a coordinator killed and restarted mid-run", function () {
  this.timeout(120_000);
  const tag = uniqueName("part");
  const env = {
    REDIS_URL,
    NAMESPACE: tag,
    VTOX_PREFIX: tag,
    RAW_STREAM: `${tag}:motor_raw_data`,
    RESULTS_STREAM: `${tag}:fault_diagnosis_results`,
    STREAM_PARTITIONS: String(PARTITIONS),
    DIAGNOSIS_CLAIM_IDLE_MS: "1000",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
  };
  const keys = redisKeys({ prefix: tag, rawStream: env.RAW_STREAM, resultsStream: env.RESULTS_STREAM, partitions: PARTITIONS });
  const children = new Map<string, ChildProcess>();
  let redis: Redis;
  let observer: ServiceBroker;
  let api: ApiHarness;
  const fx = useRedisFixture("part", { prefix: tag });

  function runner(nodeID: string, files: string[]): ChildProcess {
    const { command, args } = runnerCommand({ root: ROOT, services: files });
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env, NODE_ID: nodeID }, stdio: ["ignore", "ignore", "inherit"] });
    children.set(nodeID, child);
    return child;
  }

  const coordinators = () => (observer.registry.getServiceList({ onlyAvailable: true }) as { name: string }[]).filter((s) => s.name === "diagnosis").length;

  before(async () => {
    redis = fx.redis;
    observer = makeBroker(tag, "observer");
    observer.createService(configuredService("monitor", env));
    await observer.start();
    api = await startApi(tag, "api", { ...env, INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000" });
    runner("workers", FAULT_SERVICE_FILES);
    runner("coordA", ["services/diagnosis.service.ts"]);
    runner("coordB", ["services/diagnosis.service.ts"]);
    await observer.waitForServices(["fault.turn", "fault.insulation", "fault.bearing", "fault.eccentricity", "fault.broken-bar", "diagnosis"], 40_000);
    await waitFor(() => coordinators() === 2 || undefined, 30_000, "two coordinators");
  });

  fx.beforeCleanup(async () => {
    for (const c of children.values()) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
    await Promise.all([...children.values()].filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((r) => c.once("exit", r))));
    await api?.stop();
    await observer?.stop();
  });

  /** Pending entries of coordinator A's consumer over every partition. */
  async function pendingOfA(): Promise<number> {
    const infos = await partitionGroupInfo(redis, keys.rawStreams, "diagnosis");
    return infos.reduce((a, info) => a + (info?.consumers.filter((c) => c.name.startsWith("coordA")).reduce((n, c) => n + c.pending, 0) ?? 0), 0);
  }

  /** Waits until every posted window (partition, id) has its five results, then checks none has a family twice. */
  async function expectDiagnosedOnce(posted: Map<string, string[]>, windows: number): Promise<void> {
    const perWindow = await waitFor(
      async () => {
        const counts = new Map<string, Map<string, number>>();
        for (const [p, stream] of keys.resultsStreams.entries()) {
          for (const [id, f] of await redis.xrange(stream, "-", "+")) {
            const r = parseResultEntry(id, f);
            const window = `${p}/${r.originalMessageId}`;
            const m = counts.get(window) ?? new Map<string, number>();
            m.set(r.faultType, (m.get(r.faultType) ?? 0) + 1);
            counts.set(window, m);
          }
        }
        const all = [...posted].every(([vehicle, ids]) => ids.every((id) => counts.get(`${keys.partitionOf("fleetP", vehicle)}/${id}`)?.size === 5));
        return all ? counts : undefined;
      },
      90_000,
      "every window diagnosed",
    );
    expect(perWindow.size).to.equal(windows);
    for (const [window, families] of perWindow) for (const [family, n] of families) expect(n, `${window} ${family}`).to.equal(1);
  }

  it("spreads vehicles over the partitions, keeps each vehicle's windows in order in one, and diagnoses every window once", async () => {
    const VEHICLES = 24;
    const PER_VEHICLE = 5;
    // Quarter-second windows at 8192 Hz keep the test short on a shared machine; the path is the same.
    const fleet = makeFleet({ vehicles: VEHICLES, seed: 11, faultyShare: 0.3, durationS: 0.25 });
    const ingestKey = await api.key("fleetP", "ingest");
    const posted = new Map<string, string[]>(); // vehicle → message ids in POST order

    async function postAll(vehicle: (typeof fleet.vehicles)[number]): Promise<void> {
      const ids: string[] = [];
      posted.set(vehicle.id, ids);
      for (let i = 0; i < PER_VEHICLE; i++) {
        const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${vehicle.id}/data`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
          body: JSON.stringify({ sensor_data: encodeCompact(nextWindow(vehicle, i)), metadata: {} }),
        });
        expect(res.status, await res.clone().text()).to.equal(202);
        ids.push(((await res.json()) as { message_id: string }).message_id);
      }
    }
    const sending = Promise.all(fleet.vehicles.map(postAll));

    // Kill coordinator A while it holds un-acked entries, then start it again.
    await waitFor(async () => ((await pendingOfA()) > 0 ? true : undefined), 30_000, "coordinator A holding entries");
    children.get("coordA")!.kill("SIGKILL");
    const heldAtKill = await pendingOfA();
    runner("coordA2", ["services/diagnosis.service.ts"]);
    await sending;

    // Every partition got vehicles; each vehicle's windows are in its own partition's stream, in POST order.
    const lengths = await Promise.all(keys.rawStreams.map((s) => redis.xlen(s)));
    expect(lengths.reduce((a, n) => a + n, 0)).to.equal(VEHICLES * PER_VEHICLE);
    for (const n of lengths) expect(n).to.be.greaterThan(0);
    for (const vehicle of fleet.vehicles) {
      const stream = keys.rawStreamOf("fleetP", vehicle.id);
      const rows = await redis.xrange(stream, "-", "+");
      const inStream = rows.filter(([, f]) => f[f.indexOf("vehicle_id") + 1] === vehicle.id).map(([id]) => id);
      expect(inStream, vehicle.id).to.deep.equal(posted.get(vehicle.id));
      for (const other of keys.rawStreams.filter((s) => s !== stream)) {
        const elsewhere = (await redis.xrange(other, "-", "+")).filter(([, f]) => f[f.indexOf("vehicle_id") + 1] === vehicle.id);
        expect(elsewhere, `${vehicle.id} in ${other}`).to.have.length(0);
      }
    }

    // Every window (partition, id) gets its five results in its partition's results stream, none twice.
    await expectDiagnosedOnce(posted, VEHICLES * PER_VEHICLE);
    // Nothing pending or dead-lettered in any partition; the restarted coordinator joined every partition's group.
    await waitFor(() => (observer.registry.nodes.get("coordA2")?.available ? true : undefined), 30_000, "coordinator A restarted");
    await waitFor(
      async () => ((await partitionGroupInfo(redis, keys.rawStreams, "diagnosis")).every((i) => i?.pending === 0) ? true : undefined),
      20_000,
      "nothing pending",
    );
    for (const dlq of keys.deadLetterStreams) expect(await redis.xlen(dlq)).to.equal(0);

    // Round two with coordinator B stopped: only the restarted A can diagnose it, so it reads every partition.
    children.get("coordB")!.kill("SIGTERM");
    await waitFor(() => (coordinators() === 1 ? true : undefined), 20_000, "coordinator B gone");
    const before = await Promise.all(keys.rawStreams.map((s) => redis.xlen(s)));
    for (const vehicle of fleet.vehicles) {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${vehicle.id}/data`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
        body: JSON.stringify({ sensor_data: encodeCompact(nextWindow(vehicle, PER_VEHICLE)), metadata: {} }),
      });
      expect(res.status).to.equal(202);
      posted.get(vehicle.id)!.push(((await res.json()) as { message_id: string }).message_id);
    }
    const after = await Promise.all(keys.rawStreams.map((s) => redis.xlen(s)));
    after.forEach((n, p) => expect(n, `partition ${p} got round two's windows`).to.be.greaterThan(before[p]));
    await expectDiagnosedOnce(posted, VEHICLES * (PER_VEHICLE + 1));
    await waitFor(
      async () => ((await partitionGroupInfo(redis, keys.rawStreams, "diagnosis")).every((i) => i?.pending === 0) ? true : undefined),
      20_000,
      "nothing pending after round two",
    );

    // Vehicle state lives under its partition's hash tag.
    const sample = fleet.vehicles[0].id;
    expect(await redis.exists(keys.vehicleState("fleetP", sample))).to.equal(1);
    expect(keys.vehicleState("fleetP", sample)).to.contain(`{vtox:p${keys.partitionOf("fleetP", sample)}}`);

    // The fleet overview reads every partition's vehicles (one MGET per partition).
    const viewer = await api.key("fleetP", "viewer");
    const overview = await fetch(`${api.base}/api/v1/diagnosis-stream/fleet/overview`, { headers: { authorization: `Bearer ${viewer}` } });
    const body = (await overview.json()) as { vehicle_count: number; vehicles: { vehicle_id: string }[] };
    expect(body.vehicle_count).to.equal(VEHICLES);
    expect(body.vehicles.map((v) => v.vehicle_id)).to.have.members(fleet.vehicles.map((v) => v.id));

    // The monitor sums the partitions.
    const view = await observer.call<StreamsOverview>("monitor.streams");
    expect(view.partitions).to.have.length(PARTITIONS);
    expect(view.raw.length).to.equal(VEHICLES * (PER_VEHICLE + 1));
    expect(view.results.length).to.equal(VEHICLES * (PER_VEHICLE + 1) * 5);
    expect(view.dead_letter.length).to.equal(0);
    expect(view.raw.groups.find((g) => g.name === "diagnosis")).to.include({ pending: 0, lag: 0 });
    console.log(`      ${VEHICLES * PER_VEHICLE} windows over partitions of ${lengths.join("/")} entries; coordinator A held ${heldAtKill} at SIGKILL`);
  });
});
