import { expect } from "chai";
import type { Redis } from "ioredis";
import { streamGroupInfo } from "../../../streams/stream-info";
import { useRedisFixture } from "../../helpers/redis-fixture";

describe("stream group info (monitor figures)", () => {
  let redis: Redis;
  let prefix: string;
  const fx = useRedisFixture("info", { perTest: true });
  beforeEach(() => ({ redis, prefix } = fx));

  it("reports length, lag, pending and consumers", async () => {
    const stream = `${prefix}:raw`;
    expect(await streamGroupInfo(redis, stream, "g")).to.equal(null);
    for (let i = 0; i < 10; i++) await redis.xadd(stream, "*", "i", String(i));
    await redis.xgroup("CREATE", stream, "g", "0");
    await redis.xreadgroup("GROUP", "g", "c1", "COUNT", 4, "STREAMS", stream, ">");
    const info = await streamGroupInfo(redis, stream, "g");
    expect(info).to.deep.include({ stream, group: "g", length: 10, lag: 6, pending: 4 });
    expect(info!.consumers.map((c) => [c.name, c.pending])).to.deep.equal([["c1", 4]]);
    expect(await streamGroupInfo(redis, stream, "other")).to.equal(null);
  });
});
