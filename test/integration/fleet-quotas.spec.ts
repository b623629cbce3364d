/** Per-fleet quotas: vehicles per fleet, and ingest bytes per second per fleet — each fleet's own, shared by replicas. */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeCompact } from "../../ingest/encode";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

const body = JSON.stringify({
  sensor_data: encodeCompact(nextWindow(makeFleet({ vehicles: 1, seed: 6, faultyShare: 0, durationS: 0.125, rateHz: 4096, vibRateHz: 4096 }).vehicles[0], 0)),
});

async function ingest(api: ApiHarness, key: string, vehicleId: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body,
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("per-fleet quotas: vehicles and ingest bytes per second", function () {
  this.timeout(30_000);
  const tag = uniqueName("quota");
  let api: ApiHarness;
  let keyA: string;
  let keyB: string;

  before(async () => {
    api = await startApi(tag, "quota-api", {
      INGEST_RATE_LIMIT: "100000",
      INGEST_VEHICLE_RATE_LIMIT: "100000",
      FLEET_MAX_VEHICLES: "2",
      FLEET_INGEST_BYTES_PER_S: "64kb",
    });
    keyA = await api.key("fleetA", "ingest");
    keyB = await api.key("fleetB", "ingest");
  });

  after(async () => {
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  it("a fleet at its vehicle quota is refused a new vehicle (403 naming vehicle_id) but keeps its own; other fleets are not affected", async () => {
    expect((await ingest(api, keyA, "V1")).status).to.equal(202);
    expect((await ingest(api, keyA, "V2")).status).to.equal(202);
    const third = await ingest(api, keyA, "V3");
    expect(third.status).to.equal(403);
    expect(third.json).to.include({ error: "quota_exceeded", field: "vehicle_id" });
    expect((await ingest(api, keyA, "V1")).status, "a known vehicle is never refused").to.equal(202);
    expect((await ingest(api, keyB, "V3")).status, "fleet B has its own quota").to.equal(202);
  });

  it("a fleet past its bytes per second gets 429 with Retry-After, while another fleet goes on", async () => {
    await sleep(1100); // the point: start from a full one-second byte budget
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${api.base}/api/v1/diagnosis-stream/vehicles/V1/data`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${keyA}` },
        body,
      });
      await res.text();
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    const accepted = statuses.filter((s) => s === 202).length;
    // ~11 KB per body against 64 KB/s: a burst of about six bodies, then 429s.
    expect(accepted, JSON.stringify(statuses)).to.be.within(4, 8);
    expect(statuses, "the rest are refused").to.include(429);
    expect(Number(retryAfter)).to.be.at.least(1);
    expect((await ingest(api, keyB, "V3")).status, "fleet B's budget is its own").to.equal(202);
  });
});
