/** The api's error mapping: a client learns the class of failure, never internals (stack, file paths, messages). */
import { expect } from "chai";
import { Errors } from "moleculer";
import { InputError } from "../../../ingest/errors";
import { HttpError, toHttpError } from "../../../gateway/http-errors";

describe("toHttpError", () => {
  it("hides an unexpected internal error behind a generic 500 without stack or message", () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'x') at /srv/vtox/services/api.service.ts:123");
    const { status, body } = toHttpError(err);
    expect(status).to.equal(500);
    expect(body).to.deep.equal({ error: "internal_error", message: "internal error" });
  });

  it("maps a Moleculer 5xx (a worker's failure) to its class only", () => {
    const { status, body } = toHttpError(new Errors.MoleculerError("db exploded: secret detail", 503, "X"));
    expect(status).to.equal(503);
    expect(JSON.stringify(body)).not.to.include("secret detail");
    expect(toHttpError(new Errors.RequestTimeoutError({ action: "fault.turn.analyze", nodeID: "node-1" })).status).to.equal(504);
  });

  it("keeps the field and reason of client errors", () => {
    expect(toHttpError(new HttpError(422, "invalid_input", "must be > 0", "sampling_rate")).body).to.deep.equal({
      error: "invalid_input",
      field: "sampling_rate",
      message: "must be > 0",
    });
    const input = toHttpError(new InputError("sensor_data.channels.ia", "expected an array"));
    expect(input.status).to.equal(422);
    expect(input.body.field).to.equal("sensor_data.channels.ia");
  });

  it("maps Redis being away to 503 (retryable), not 500", () => {
    expect(toHttpError(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6379"), { code: "ECONNREFUSED" })).status).to.equal(503);
    expect(toHttpError(new Error("Connection is closed.")).status).to.equal(503);
  });

  it("maps a params ValidationError to {error, field, message}: 400 for a URL parameter, 422 for a body field", () => {
    const pattern = new Errors.ValidationError("Parameters validation error!", "VALIDATION_ERROR", [
      { type: "stringPattern", field: "vehicle_id", message: "The 'vehicle_id' field fails to match the required pattern.", expected: "/^x$/" },
    ]);
    expect(toHttpError(pattern, { inUrl: (f) => f === "vehicle_id" })).to.deep.equal({
      status: 400,
      body: { error: "invalid_input", field: "vehicle_id", message: "must match /^x$/" },
    });
    const required = new Errors.ValidationError("x", "VALIDATION_ERROR", [
      { type: "required", field: "sensor_data", message: "The 'sensor_data' field is required." },
    ]);
    expect(toHttpError(required, { inUrl: () => false })).to.deep.equal({
      status: 422,
      body: { error: "invalid_input", field: "sensor_data", message: "missing (required)" },
    });
    // A rule's own message is kept; an unknown key is named as the field.
    const own = new Errors.ValidationError("x", "VALIDATION_ERROR", [{ type: "enumValue", field: "role", message: "role must be one of a, b" }]);
    expect(toHttpError(own).body).to.deep.equal({ error: "invalid_input", field: "role", message: "role must be one of a, b" });
    const strict = new Errors.ValidationError("x", "VALIDATION_ERROR", [
      { type: "objectStrict", message: "The object '' contains forbidden keys: 'gearbox, x'.", actual: "gearbox, x" },
    ]);
    expect(toHttpError(strict)).to.deep.equal({ status: 422, body: { error: "invalid_input", field: "gearbox", message: 'unknown field "gearbox"' } });
  });
});
