/** Asserts that a decoder rejects input with an InputError naming exactly `field`. */
import { expect } from "chai";
import { InputError } from "../../ingest/errors";

export function expectInputError(fn: () => unknown, field: string, messagePart?: string | RegExp): InputError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected an InputError naming ${field}, but nothing was thrown`).to.not.equal(undefined);
  expect(thrown, `expected InputError, got ${String(thrown)}`).to.be.instanceOf(InputError);
  const err = thrown as InputError;
  expect(err.field, `wrong field (message: ${err.reason})`).to.equal(field);
  if (typeof messagePart === "string") expect(err.reason).to.include(messagePart);
  else if (messagePart) expect(err.reason).to.match(messagePart);
  return err;
}
