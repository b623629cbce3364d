/**
 * Whether the caller of a call has already given up on it: the call waited (in the bulkhead's queue, or for its
 * window's samples) past its timeout. Moleculer's timeout middleware stamps `startHrTime` when the call arrives on
 * this node, outside the bulkhead, and the caller's timeout travels with the request. Analysing such a call would
 * only spend the CPU that live calls need: under overload, a worker that works off a queue of expired calls
 * diagnoses nothing (every answer arrives after its caller's timeout, and the window is retried whole).
 */
export interface TimedCall {
  options: { timeout?: number | null | undefined };
}

/** The arrival stamp Moleculer keeps on the context (not in its typings). */
type Stamped = TimedCall & { startHrTime?: [number, number] | null };

export function callerGaveUp(ctx: TimedCall): boolean {
  const timeoutMs = ctx.options.timeout ?? 0;
  const arrived = (ctx as Stamped).startHrTime;
  if (!(timeoutMs > 0) || !arrived) return false;
  const [s, ns] = process.hrtime(arrived);
  return s * 1000 + ns / 1e6 >= timeoutMs;
}
