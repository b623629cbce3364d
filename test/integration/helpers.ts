/** Shared test plumbing: real brokers on the real Redis transporter, one namespace per test file. */
import { randomBytes } from "node:crypto";
import { ServiceBroker, type BrokerOptions } from "moleculer";
import { brokerConfig } from "../../moleculer.config";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export function uniqueName(tag: string): string {
  return `test-${tag}-${randomBytes(4).toString("hex")}`;
}

export function makeBroker(namespace: string, nodeID: string, extra: Partial<BrokerOptions> = {}): ServiceBroker {
  return new ServiceBroker({
    ...brokerConfig({ ...process.env, REDIS_URL, NAMESPACE: namespace, NODE_ID: nodeID, LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn" }),
    ...extra,
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
