/**
 * `npm run keys -- create --fleet F --role ingest|viewer|operator|admin [--label L]`
 * `npm run keys -- list --fleet F` · `npm run keys -- revoke KEYID` · `npm run keys -- generate`
 * Keys are printed once and stored only as hashes (stores/api-keys.ts). Redis from REDIS_URL.
 */
import { parseCommandLine } from "../cli/args";
import { ApiKeyStore, generateKey } from "../stores/api-keys";
import { isRole } from "../gateway/roles";
import { createRedis } from "../stores/redis";
import { loadConfigOrExit } from "../config";

const USAGE = "keys create --fleet F --role ROLE [--label L] | list --fleet F | revoke KEYID | generate";

function fail(message: string): never {
  process.stderr.write(`keys: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values, positionals } = parseCommandLine("keys", USAGE, {
    allowPositionals: true,
    options: { fleet: { type: "string" }, role: { type: "string" }, label: { type: "string" } },
  });
  const [command, ...args] = positionals;
  if (command === "generate") {
    // For VTOX_ADMIN_KEY: a key in the accepted format, never stored by this command.
    process.stdout.write(`${generateKey()}\n`);
    return;
  }
  const config = loadConfigOrExit();
  const redis = createRedis(config.redis, { lazyConnect: true, connectionName: "vtox-keys-cli" });
  try {
    await redis.connect().catch((e: Error) => fail(`cannot reach Redis at REDIS_URL: ${e.message}`));
    const store = new ApiKeyStore(redis, config.redis.prefix, { cacheTtlMs: 0 });
    if (command === "create") {
      const fleet = values.fleet ?? fail("create needs --fleet F");
      const role = values.role ?? fail("create needs --role ingest|viewer|operator|admin");
      if (!isRole(role)) fail(`unknown role ${JSON.stringify(role)}: use ingest, viewer, operator or admin`);
      const created = await store.create(fleet, role, values.label ?? "").catch((e: Error) => fail(e.message));
      process.stdout.write(`${created.key}\n`);
      process.stderr.write(`key ${created.principal.keyId} for fleet ${fleet} (${role}) — shown once, store it now\n`);
    } else if (command === "list") {
      const fleet = values.fleet ?? fail("list needs --fleet F");
      for (const k of await store.list(fleet)) {
        process.stdout.write(`${k.keyId}\t${k.role}\t${k.revoked ? "revoked" : "active"}\t${k.createdAt}\t${k.label}\n`);
      }
    } else if (command === "revoke") {
      const keyId = args[0] ?? fail("revoke needs a key id");
      if (!(await store.revoke(keyId))) fail(`no key ${keyId}`);
      process.stdout.write(`revoked ${keyId}\n`);
    } else {
      fail(`usage: ${USAGE}`);
    }
  } finally {
    redis.disconnect();
  }
}

void main();
