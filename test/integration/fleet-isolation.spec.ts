/**
 * Vehicle ids are scoped per fleet (the same id in two fleets is two vehicles), and so is the dead-letter queue:
 * regression tests for findings 2 and 7 of the security pass against the running api.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { encodeCompact } from "../../ingest/encode";
import { generateKey } from "../../stores/api-keys";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

const window = nextWindow(makeFleet({ vehicles: 1, seed: 5, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0);
const body = JSON.stringify({ sensor_data: encodeCompact(window) });

function ingestUrl(api: ApiHarness, vehicleId: string): string {
  return `${api.base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`;
}

async function post(url: string, key: string, payload: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: payload });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

describe("fleet isolation: per-fleet vehicle ids and dead letters", function () {
  this.timeout(60_000);
  const tag = uniqueName("fleets");
  const adminKey = generateKey();
  let api: ApiHarness;
  const k: Record<string, string> = {};

  before(async () => {
    api = await startApi(tag, "fleets-api", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_RATE_LIMIT: "100000", VTOX_ADMIN_KEY: adminKey });
    for (const f of ["A", "B"]) for (const r of ["ingest", "viewer", "operator"] as const) k[`${r}${f}`] = await api.key(`fleet${f}`, r);
  });

  after(async () => {
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  it("ingest writes the key's fleet into the raw entry, after the original fields of the binary layout", async () => {
    const res = await post(ingestUrl(api, "VIN-FIELDS"), k.ingestA, body);
    expect(res.status).to.equal(202);
    const [[, fields]] = await api.redis.xrange(api.keys.rawStream, String(res.json.message_id), String(res.json.message_id));
    const names = fields.filter((_, i) => i % 2 === 0);
    expect(names.slice(0, 6)).to.deep.equal(["vehicle_id", "timestamp", "metadata", "data_type", "fleet_id", "sensor_layout"]);
    expect(fields[names.indexOf("fleet_id") * 2 + 1]).to.equal("fleetA");
  });

  it("an all-fleet key must name the fleet of a vehicle", async () => {
    const unnamed = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/VIN-X/health`, { headers: { authorization: `Bearer ${adminKey}` } });
    expect(unnamed.status).to.equal(400);
    expect(await unnamed.json()).to.include({ field: "fleet_id" });
    const named = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/VIN-X/health?fleet_id=fleetA`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    await named.text();
    expect(named.status).to.equal(404);
  });

  describe("2. the dead-letter queue is scoped to the key's fleet", () => {
    async function deadLetter(fleetId: string, vehicleId: string): Promise<string> {
      const id = await api.redis.xadd(
        api.keys.deadLetterStream,
        "*",
        "vehicle_id",
        vehicleId,
        "timestamp",
        new Date().toISOString(),
        "sensor_data",
        "{",
        "metadata",
        "{}",
        "data_type",
        "motor_sensor_data",
        "fleet_id",
        fleetId,
        "error",
        "sensor_data: not valid JSON",
        "original_id",
        "1-1",
        "original_stream",
        api.keys.rawStream,
        "group",
        "diagnosis",
        "deliveries",
        "1",
        "failed_at",
        new Date().toISOString(),
      );
      return id!;
    }

    it("B lists only B's dead letters and cannot replay A's; the root admin sees both", async () => {
      const ofA = await deadLetter("fleetA", "EV-DLQ-A");
      const ofB = await deadLetter("fleetB", "EV-DLQ-B");
      const listB = (await (await fetch(`${api.base}/api/v1/diagnosis-stream/dlq`, { headers: { authorization: `Bearer ${k.operatorB}` } })).json()) as {
        entries: { id: string }[];
      };
      expect(listB.entries.map((e) => e.id))
        .to.include(ofB)
        .and.not.include(ofA);
      const replay = await fetch(`${api.base}/api/v1/diagnosis-stream/dlq/${ofA}/replay`, {
        method: "POST",
        headers: { authorization: `Bearer ${k.operatorB}` },
      });
      await replay.text();
      expect(replay.status).to.equal(404);
      const listAll = (await (await fetch(`${api.base}/api/v1/diagnosis-stream/dlq`, { headers: { authorization: `Bearer ${adminKey}` } })).json()) as {
        entries: { id: string }[];
      };
      expect(listAll.entries.map((e) => e.id)).to.include.members([ofA, ofB]);
    });
  });

  describe("7. vehicle ids are scoped per fleet", () => {
    it("the same id in two fleets is two vehicles: B's profile write does not take A's vehicle", async () => {
      const profile = JSON.parse(readFileSync(path.resolve(__dirname, "../../examples/profile-pmsm.json"), "utf8")) as object;
      const put = await fetch(`${api.base}/api/v1/vehicles/VIN-SHARED`, {
        method: "PUT",
        headers: { authorization: `Bearer ${k.operatorB}`, "content-type": "application/json" },
        body: JSON.stringify(profile),
      });
      expect(put.status).to.equal(200);
      const ingest = await post(ingestUrl(api, "VIN-SHARED"), k.ingestA, body);
      expect(ingest.status, JSON.stringify(ingest.json)).to.equal(202);
      const ofA = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/VIN-SHARED/health`, { headers: { authorization: `Bearer ${k.viewerA}` } });
      await ofA.text();
      expect(ofA.status, "A's VIN-SHARED has no diagnosis: B's profile did not create A's vehicle").to.equal(404);
    });

    it("an id another fleet uses answers exactly like an id nobody uses", async () => {
      await post(ingestUrl(api, "VIN-ONLY-A"), k.ingestA, body);
      const other = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/VIN-ONLY-A/health`, { headers: { authorization: `Bearer ${k.viewerB}` } });
      const none = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/VIN-NOBODY/health`, { headers: { authorization: `Bearer ${k.viewerB}` } });
      expect(other.status).to.equal(none.status);
      expect((await other.text()).replace(/VIN-ONLY-A/g, "X")).to.equal((await none.text()).replace(/VIN-NOBODY/g, "X"));
    });
  });
});
