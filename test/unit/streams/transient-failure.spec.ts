/** Which failures the coordinator retries in place (cluster or Redis away) and which count as deliveries. */
import { expect } from "chai";
import { Errors } from "moleculer";
import { FanOutError } from "../../../pipeline/fan-out";
import { isTransientFailure } from "../../../mixins/redis-stream-consumer.mixin";

describe("isTransientFailure", () => {
  it("no worker registered for a family (killed, restarting, breaker open) is transient", () => {
    expect(isTransientFailure(new Errors.ServiceNotAvailableError({ action: "fault.turn.analyze" })), "ServiceNotAvailableError").to.equal(true);
    expect(isTransientFailure(new Errors.ServiceNotFoundError({ action: "fault.turn.analyze" })), "ServiceNotFoundError").to.equal(true);
    expect(
      isTransientFailure(
        new FanOutError({ turn_fault: "Service 'fault.turn.analyze' is not available.", bearing: "Service 'fault.bearing.analyze' is not found." }),
      ),
      "FanOutError of unavailable services",
    ).to.equal(true);
  });

  it("Redis away is transient", () => {
    expect(isTransientFailure(new Error("Connection is closed.")), "Connection is closed.").to.equal(true);
    expect(isTransientFailure(Object.assign(new Error("x"), { name: "MaxRetriesPerRequestError" })), "MaxRetriesPerRequestError").to.equal(true);
  });

  it("a timeout or a worker error is not: a window that hangs or breaks workers must reach the DLQ", () => {
    expect(isTransientFailure(new Errors.RequestTimeoutError({ action: "fault.turn.analyze", nodeID: "w1" }))).to.equal(false);
    expect(isTransientFailure(new FanOutError({ turn_fault: "Service 'fault.turn.analyze' is not available.", bearing: "Request timed out" }))).to.equal(false);
    expect(isTransientFailure(new FanOutError({ bearing: "RangeError: offset out of bounds" }))).to.equal(false);
    expect(isTransientFailure(new Error("decode failed"))).to.equal(false);
    expect(isTransientFailure(null)).to.equal(false);
  });
});
