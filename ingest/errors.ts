/**
 * The one error every decoder throws for bad outside data. It names the offending field as a
 * JSON path (`sensor_data.channels.ia[12]`) so that HTTP layers can answer 4xx
 * `{error, field, message}` and the stream consumer can dead-letter the entry with a reason.
 */

export interface InputErrorBody {
  error: "invalid_input";
  field: string;
  message: string;
}

export class InputError extends Error {
  /** JSON path of the offending value, e.g. `sensor_data.data[3].Ia`. */
  readonly field: string;
  /** The human explanation alone, without the field (Error.message carries both). */
  readonly reason: string;

  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.name = "InputError";
    this.field = field;
    this.reason = reason;
  }

  /** The 4xx response body of the HTTP contract. */
  toBody(): InputErrorBody {
    return { error: "invalid_input", field: this.field, message: this.reason };
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError;
}
