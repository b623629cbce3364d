/**
 * POST /api/v1/diagnosis-stream/batches against a real api and Redis: many legacy batches of several vehicles per
 * request (JSON array or NDJSON), each item answered on its own; bad items are never written and never reject the
 * good ones; another fleet is refused; the entries are the single route's (same fields, same fleet).
 */
import { expect } from "chai";
import { decodeStreamEntry } from "../../ingest/raw-stream-entry";
import { encodeLegacyRows } from "../../ingest/sensor-data";
import { BATCH_MAX_ITEMS } from "../../gateway/batch-items";
import { makeFleet, nextWindow } from "../../simulator/index";
import { dropPrefix, startApi, type ApiHarness } from "./api-harness";
import { uniqueName } from "./helpers";

interface Answer {
  accepted: number;
  rejected: number;
  items: { status: number; message_id?: string; error?: string; field?: string; message?: string; retry_after_s?: number }[];
}

const rows = encodeLegacyRows(
  nextWindow(makeFleet({ vehicles: 1, seed: 11, faultyShare: 0, durationS: 10 / 3000, rateHz: 3000, vibRateHz: 3000 }).vehicles[0], 0),
);

describe("ingest batches: many legacy batches per request, answered per item", function () {
  this.timeout(60_000);
  const tag = uniqueName("batch");
  let api: ApiHarness;
  let key: string;

  before(async () => {
    api = await startApi(tag, "batch-api", { INGEST_RATE_LIMIT: "100000" });
    key = await api.key("fleetA", "ingest");
  });

  after(async () => {
    await dropPrefix(api.redis, tag);
    await api.stop();
  });

  function post(body: string | Buffer, contentType: string, k = key, query = ""): Promise<Response> {
    return fetch(`${api.base}/api/v1/diagnosis-stream/batches${query}`, {
      method: "POST",
      headers: { authorization: `Bearer ${k}`, "content-type": contentType },
      body,
    });
  }

  async function entries(ids: string[]) {
    const out = [];
    for (const id of ids) {
      const found = await api.redis.xrangeBuffer(api.keys.rawStream, id, id);
      expect(found, id).to.have.length(1);
      out.push(decodeStreamEntry(found[0][1]));
    }
    return out;
  }

  it("a JSON array of good and bad items: the good ones are written in order, each bad one answered with its field", async () => {
    const before = await api.redis.xlen(api.keys.rawStream);
    const items = [
      { vehicle_id: "EV-1", sensor_data: rows, metadata: { seq: 1 } },
      { vehicle_id: "EV-2", sensor_data: { data: [{ Ia: "x" }], sampling_rate: 3000 } },
      { vehicle_id: "bad id!", sensor_data: rows },
      { vehicle_id: "EV-2", sensor_data: rows, metadata: { seq: 2 } },
      { vehicle_id: "EV-3", sensor_data: rows, extra: true },
      "not an object",
      { vehicle_id: "EV-1", sensor_data: rows, metadata: { seq: 3 } },
    ];
    const res = await post(JSON.stringify(items), "application/json");
    expect(res.status).to.equal(200);
    const answer = (await res.json()) as Answer;
    expect(answer.accepted).to.equal(3);
    expect(answer.rejected).to.equal(4);
    expect(answer.items.map((i) => i.status)).to.deep.equal([202, 422, 422, 202, 422, 422, 202]);
    expect(answer.items[1].field).to.equal("sensor_data.data[0].Ia");
    expect(answer.items[2].field).to.equal("vehicle_id");
    expect(answer.items[4].field).to.equal("extra");
    expect(answer.items[5].field).to.equal("item");
    expect(await api.redis.xlen(api.keys.rawStream), "only the good items are written").to.equal(before + 3);
    const ids = [0, 3, 6].map((i) => answer.items[i].message_id as string);
    const written = await entries(ids);
    expect(written.map((e) => [e.fleetId, e.vehicleId, e.metadata])).to.deep.equal([
      ["fleetA", "EV-1", { seq: 1 }],
      ["fleetA", "EV-2", { seq: 2 }],
      ["fleetA", "EV-1", { seq: 3 }],
    ]);
    expect(written[0].window.channels.ia?.samples.length).to.equal(10);
  });

  it("NDJSON: one item per line; a line that is not JSON is that item's 400, the others are written", async () => {
    const body = [
      JSON.stringify({ vehicle_id: "EV-N1", sensor_data: rows }),
      "{not json",
      "",
      JSON.stringify({ vehicle_id: "EV-N2", sensor_data: rows }),
      "",
    ].join("\n");
    const res = await post(body, "application/x-ndjson");
    expect(res.status).to.equal(200);
    const answer = (await res.json()) as Answer;
    expect(answer.items.map((i) => i.status)).to.deep.equal([202, 400, 202]);
    expect(answer.items[1]).to.include({ error: "invalid_json", field: "body" });
    const written = await entries([answer.items[0].message_id as string, answer.items[2].message_id as string]);
    expect(written.map((e) => e.vehicleId)).to.deep.equal(["EV-N1", "EV-N2"]);
  });

  it("an item naming another fleet is refused (403 naming fleet_id) and not written; its own fleet may be named", async () => {
    const before = await api.redis.xlen(api.keys.rawStream);
    const res = await post(
      JSON.stringify([
        { vehicle_id: "EV-F1", fleet_id: "fleetB", sensor_data: rows },
        { vehicle_id: "EV-F1", fleet_id: "fleetA", sensor_data: rows },
      ]),
      "application/json",
    );
    const answer = (await res.json()) as Answer;
    expect(answer.items[0]).to.include({ status: 403, field: "fleet_id" });
    expect(answer.items[1].status).to.equal(202);
    expect(await api.redis.xlen(api.keys.rawStream)).to.equal(before + 1);
    expect((await entries([answer.items[1].message_id as string]))[0].fleetId).to.equal("fleetA");
  });

  it("the whole body: not an array 422, broken JSON 400, too many items 422, another media type 415, a viewer key 403", async () => {
    let res = await post(JSON.stringify({ vehicle_id: "EV-1", sensor_data: rows }), "application/json");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { field: string }).field).to.equal("body");
    res = await post('[{"vehicle_id": "EV-1"', "application/json");
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { field: string }).field).to.equal("body");
    res = await post(Array.from({ length: BATCH_MAX_ITEMS + 1 }, () => "{}").join("\n"), "application/x-ndjson");
    expect(res.status).to.equal(422);
    expect(((await res.json()) as { message: string }).message).to.contain(String(BATCH_MAX_ITEMS));
    res = await post("[]", "application/cbor");
    expect(res.status).to.equal(415);
    expect(((await res.json()) as { field: string }).field).to.equal("content-type");
    res = await post("[]", "application/json", await api.key("fleetA", "viewer"));
    expect(res.status).to.equal(403);
  });

  it("an all-fleet key names the fleet per request or per item; without one the item is refused", async () => {
    const admin = await api.key("*", "admin");
    const res = await post(
      JSON.stringify([
        { vehicle_id: "EV-X", sensor_data: rows },
        { vehicle_id: "EV-X", fleet_id: "fleetC", sensor_data: rows },
      ]),
      "application/json",
      admin,
    );
    const answer = (await res.json()) as Answer;
    expect(answer.items[0]).to.include({ status: 400, field: "fleet_id" });
    expect(answer.items[1].status).to.equal(202);
    const named = (await (
      await post(JSON.stringify([{ vehicle_id: "EV-X", sensor_data: rows }]), "application/json", admin, "?fleet_id=fleetD")
    ).json()) as Answer;
    expect((await entries([named.items[0].message_id as string]))[0].fleetId).to.equal("fleetD");
  });

  it("a vehicle over its samples budget gets 429 on its items only; other vehicles of the batch are written", async () => {
    const limited = await startApi(tag, "batch-api-limited", { INGEST_RATE_LIMIT: "100000", INGEST_VEHICLE_SAMPLES_PER_S: "1000" });
    try {
      const k = await limited.key("fleetL", "ingest");
      // Each item carries at least one channel of 10 samples: this many exceed 1000 samples.
      const many = Math.ceil(1000 / rows.data.length) + 1;
      const items = [...Array.from({ length: many }, () => ({ vehicle_id: "EV-HOT", sensor_data: rows })), { vehicle_id: "EV-COLD", sensor_data: rows }];
      // One request: the hot vehicle's samples in it exceed its budget, so all its items are refused together.
      const res = await fetch(`${limited.base}/api/v1/diagnosis-stream/batches`, {
        method: "POST",
        headers: { authorization: `Bearer ${k}`, "content-type": "application/json" },
        body: JSON.stringify(items),
      });
      const answer = (await res.json()) as Answer;
      expect(answer.items.slice(0, many).every((i) => i.status === 429 && i.field === "vehicle_id" && (i.retry_after_s ?? 0) >= 1)).to.equal(true);
      expect(answer.items[many].status).to.equal(202);
      expect(answer.accepted).to.equal(1);
    } finally {
      await dropPrefix(limited.redis, tag);
      await limited.stop();
    }
  });
});
