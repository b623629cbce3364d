import { expect } from "chai";
import { partitionOf, partitionTag } from "../../contracts/partitions";
import { keyNames, redisKeys } from "../../contracts/redis-keys";

/** The hash tag Redis Cluster hashes a key by: the first non-empty `{...}`. */
function hashTagOf(key: string): string | null {
  const open = key.indexOf("{");
  const close = key.indexOf("}", open + 1);
  return open >= 0 && close > open + 1 ? key.slice(open + 1, close) : null;
}

describe("stream partitions: names and the vehicle → partition hash", () => {
  it("one partition keeps today's names exactly", () => {
    const keys = redisKeys({ prefix: "vtox" });
    expect(keys.partitions).to.equal(1);
    expect(keys.rawStreams).to.deep.equal(["motor_raw_data"]);
    expect(keys.deadLetterStreams).to.deep.equal(["motor_raw_data:dlq"]);
    expect(keys.resultsStreams).to.deep.equal(["fault_diagnosis_results"]);
    expect(keys.rawStreamOf("F1", "V1")).to.equal("motor_raw_data");
    expect(keys.resultsStreamOf("F1", "V1")).to.equal("fault_diagnosis_results");
    expect(keys.vehiclePrefix("F1", "V1")).to.equal("vtox");
    expect(keys.vehicleState("F1", "V1")).to.equal("vtox:fleet:F1:vehicle:V1:state");
    expect(keys.vehicleHistory("F1", "V1")).to.equal("vtox:fleet:F1:vehicle:V1:history");
    expect(keys.vehicleAlarms("F1", "V1")).to.equal("vtox:fleet:F1:vehicle:V1:alarms");
    expect(keys.assembly("F1", "V1")).to.equal("vtox:asm:{F1/V1}");
  });

  it("the hash is stable and spreads vehicles over every partition", () => {
    // Pinned values: changing the hash would move every vehicle's stream and state.
    expect([partitionOf("F1", "V1", 4), partitionOf("F1", "V1", 7), partitionOf("F1", "V1", 1)]).to.deep.equal([0, 5, 0]);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[partitionOf("fleet-a", `VIN-${i}`, 4)]++;
    for (const n of counts) expect(n).to.be.within(850, 1150);
    // The fleet is part of the key: the same vehicle id in two fleets is two vehicles.
    const differ = Array.from({ length: 50 }, (_, i) => partitionOf("A", `V${i}`, 4) !== partitionOf("B", `V${i}`, 4)).filter(Boolean).length;
    expect(differ).to.be.greaterThan(20);
  });

  it("with several partitions, a vehicle's streams and keys share its partition's hash tag", () => {
    const keys = redisKeys({ prefix: "vtox", partitions: 4 });
    expect(keys.rawStreams).to.deep.equal([0, 1, 2, 3].map((p) => `motor_raw_data:{vtox:p${p}}`));
    expect(keys.deadLetterStreams[2]).to.equal("motor_raw_data:dlq:{vtox:p2}");
    for (let i = 0; i < 40; i++) {
      const [fleet, vehicle] = ["F1", `VIN-${i}`];
      const tag = partitionTag(keys.partitionOf(fleet, vehicle)).slice(1, -1);
      const p = keys.partitionOf(fleet, vehicle);
      const names = [
        keys.rawStreamOf(fleet, vehicle),
        keys.deadLetterStreams[p],
        keys.resultsStreamOf(fleet, vehicle),
        keys.vehicleState(fleet, vehicle),
        keys.vehicleHistory(fleet, vehicle),
        keys.vehicleAlarms(fleet, vehicle),
        keys.assembly(fleet, vehicle),
        keyNames.windowSamples(keys.vehiclePrefix(fleet, vehicle), "1-0"),
        keyNames.dedupe(keys.vehiclePrefix(fleet, vehicle), "ingest", "x"),
      ];
      for (const name of names) expect(hashTagOf(name), name).to.equal(tag);
    }
  });
});
