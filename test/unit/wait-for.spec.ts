import { expect } from "chai";
import { EventEmitter } from "node:events";
import { nextEvent, waitFor } from "../helpers/wait-for";

describe("test helpers: waitFor and nextEvent", () => {
  it("waitFor returns the probe's first value other than undefined or false", async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? { n } : undefined), 1000, "three probes", 1)).to.deep.equal({ n: 3 });
    expect(await waitFor(() => 0, 1000, "a zero")).to.equal(0);
  });

  it("waitFor names what it waited for, and the state a function describes, when the bound passes", async () => {
    const err = await waitFor(
      () => false,
      30,
      () => "a thing (last seen: none)",
      5,
    ).catch((e: Error) => e);
    expect(err).to.be.instanceOf(Error).with.property("message", "timed out after 30 ms waiting for a thing (last seen: none)");
  });

  it("nextEvent gives the event's arguments, or an error naming it after the bound", async () => {
    const e = new EventEmitter();
    setImmediate(() => e.emit("ready", 1, "two"));
    expect(await nextEvent(e, "ready", 1000, "ready")).to.deep.equal([1, "two"]);
    const err = await nextEvent(e, "never", 20, "an event that never comes").catch((x: Error) => x);
    expect(err).to.be.instanceOf(Error).with.property("message", "timed out after 20 ms waiting for an event that never comes (event 'never')");
  });
});
