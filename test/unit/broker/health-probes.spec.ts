import { expect } from "chai";
import { ServiceBroker } from "moleculer";
import { HealthProbeMiddleware, probeAnswer } from "../../../broker/health-probes";
import { waitFor } from "../../helpers/wait-for";

async function status(port: number, path: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  await res.arrayBuffer();
  return res.status;
}

describe("health probes", () => {
  it("answers live/ready per lifecycle state", () => {
    const codes = (["starting", "ready", "stopping", "down"] as const).map((s) => [probeAnswer(s, "/live")!.status, probeAnswer(s, "/ready")!.status]);
    expect(codes).to.deep.equal([
      [200, 503],
      [200, 200],
      [200, 503],
      [503, 503],
    ]);
    expect(probeAnswer("ready", "/other")).to.equal(undefined);
    expect(probeAnswer("ready", "/ready?x=1")!.status).to.equal(200);
  });

  it("is disabled without a port (HEALTH_PORT unset)", () => {
    const mw = HealthProbeMiddleware({ port: undefined });
    expect(mw.created).to.equal(undefined);
  });

  it("follows a real broker: starting → ready → stopping (503) → closed", async () => {
    const probes = HealthProbeMiddleware({ port: 0, host: "127.0.0.1" });
    let releaseStop: () => void = () => undefined;
    const broker = new ServiceBroker({ logger: false, nodeID: `probe-${process.pid}`, middlewares: [probes] });
    broker.createService({
      name: "slowstop",
      stopped: () => new Promise<void>((resolve) => (releaseStop = resolve)),
    });
    const port = await waitFor(() => probes.port(), 5000, "the probe server's port");
    expect(await status(port, "/live")).to.equal(200);
    expect(await status(port, "/ready")).to.equal(503);
    await broker.start();
    expect(await status(port, "/ready")).to.equal(200);
    expect(await status(port, "/nothing")).to.equal(404);
    const stopping = broker.stop();
    await waitFor(() => probes.state() === "stopping", 5000, "state 'stopping'");
    expect(await status(port, "/ready")).to.equal(503);
    expect(await status(port, "/live")).to.equal(200);
    releaseStop();
    await stopping;
    expect(probes.state()).to.equal("down");
    const err = await fetch(`http://127.0.0.1:${port}/live`).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(Error);
  });
});
