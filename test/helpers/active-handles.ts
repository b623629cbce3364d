/**
 * Mocha root-hook plugin (loaded by .mocharc.json): with VTOX_TEST_HANDLES=1, reports what still keeps the event loop
 * alive after the last test, with the stack that created it (a why-is-node-running without a dependency). The suite
 * runs without mocha's `exit: true`, so anything listed here makes `npm test` hang: close it where it was opened.
 *
 *   VTOX_TEST_HANDLES=1 npx mocha 'test/**\/*.spec.ts'
 */
import { createHook } from "node:async_hooks";

const enabled = process.env.VTOX_TEST_HANDLES === "1";
/** Resource types that can keep the process alive (promises and the like cannot). */
const WATCHED = new Set(["Timeout", "Immediate", "TCPWRAP", "TCPSERVERWRAP", "PIPEWRAP", "PROCESSWRAP", "SIGNALWRAP", "FSEVENTWRAP", "UDPWRAP", "TTYWRAP"]);
const live = new Map<number, { type: string; resource: object; stack: string }>();

if (enabled) {
  createHook({
    init(asyncId, type, _trigger, resource) {
      if (!WATCHED.has(type)) return;
      const stack = (new Error().stack ?? "")
        .split("\n")
        .slice(2)
        .filter((l) => !/node:internal|node_modules\/(tsx|mocha)\//.test(l))
        .slice(0, 14)
        .join("\n");
      live.set(asyncId, { type, resource, stack });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  }).enable();
}

function describe(resource: object): string {
  const r = resource as { owner?: unknown; _onTimeout?: () => void; pid?: number; spawnargs?: string[] };
  const owner = (r.owner ?? resource) as { remoteAddress?: string; remotePort?: number; localPort?: number; address?: () => unknown; spawnargs?: string[] };
  if (owner.remotePort) return `socket ${owner.localPort} → ${owner.remoteAddress}:${owner.remotePort}`;
  if (typeof owner.address === "function") return `server ${JSON.stringify(owner.address())}`;
  if (owner.spawnargs) return `child ${owner.spawnargs.join(" ")}`;
  if (r._onTimeout) return `timer ${String(r._onTimeout).replace(/\s+/g, " ").slice(0, 120)}`;
  return resource.constructor?.name ?? "?";
}

function report(): void {
  const alive = [...live.values()].filter(({ resource }) => {
    const h = resource as { hasRef?: () => boolean; _destroyed?: boolean };
    return typeof h.hasRef === "function" ? h.hasRef() : true;
  });
  process.stderr.write(`\nactive resources 2 s after the last test: ${JSON.stringify(process.getActiveResourcesInfo())}\n`);
  for (const { type, resource, stack } of alive) process.stderr.write(`\n${type}: ${describe(resource)}\n${stack}\n`);
}

export const mochaHooks = {
  afterAll(): void {
    if (!enabled) return;
    // Unref'd: it fires only if something else keeps the process alive, which is what it reports.
    setTimeout(report, 2000).unref();
  },
};
