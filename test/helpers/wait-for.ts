/** Waiting in tests: on a condition or on an event, always with a bound and a name for what was awaited. */
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";

/** What was awaited; a function is called on timeout, so the error can show the state the probe last saw. */
export type Awaited = string | (() => string | Promise<string>);

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined or false, and returns that.
 * Throws `timed out after N ms waiting for <what>` when `timeoutMs` passes first.
 */
export async function waitFor<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs: number,
  what: Awaited,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) {
      const text = typeof what === "function" ? await what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${text}`);
    }
    await sleep(intervalMs);
  }
}

/** Anything with Node-style on/once/removeListener: an EventEmitter, a ChildProcess, a socket.io-client Socket. */
interface Emitter {
  on(...args: never): unknown;
}

/** The arguments of the next `event` on `emitter`, or an error naming `what` after `timeoutMs`. */
export async function nextEvent<A extends unknown[] = unknown[]>(emitter: Emitter, event: string, timeoutMs: number, what: string): Promise<A> {
  try {
    return (await once(emitter as unknown as NodeJS.EventEmitter, event, { signal: AbortSignal.timeout(timeoutMs) })) as A;
  } catch (err) {
    if ((err as { name?: string }).name === "AbortError")
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (event '${event}')`, { cause: err });
    throw err;
  }
}
