/**
 * Simulated fleet feeder: each vehicle of a seeded simulated fleet uploads one window every INTERVAL_MS over HTTP
 * (compact f32le-base64 shape), with the fleet's ingest key. Prints the achieved rate every 10 s.
 *   API_URL (default http://127.0.0.1:${PORT:-8000}), VTOX_INGEST_KEY (required), VTOX_OPERATOR_KEY (optional:
 *   registers each vehicle's motor profile first), VEHICLES (20), INTERVAL_MS (2000), FAULTY_SHARE (0.3), SEED (1),
 *   DURATION_S (optional: stop after this many seconds).
 */
import { encodeCompact } from "../ingest/sensor-data";
import { makeFleet, nextWindow, type SimulatedVehicle } from "../simulator/index";
import { setTimeout as sleep } from "node:timers/promises";
import { parseCommandLine } from "../cli/args";

parseCommandLine("feed", "npm run feed (no options: API_URL, VTOX_INGEST_KEY, VEHICLES, INTERVAL_MS... from the environment)", { options: {} });

const apiUrl = process.env.API_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8000}`;
const ingestKey = process.env.VTOX_INGEST_KEY;
const operatorKey = process.env.VTOX_OPERATOR_KEY;
const vehicles = Number(process.env.VEHICLES ?? 20);
const intervalMs = Number(process.env.INTERVAL_MS ?? 2000);
const durationS = process.env.DURATION_S ? Number(process.env.DURATION_S) : undefined;

async function registerProfile(v: SimulatedVehicle): Promise<void> {
  if (!operatorKey) return;
  const res = await fetch(`${apiUrl}/api/v1/vehicles/${encodeURIComponent(v.id)}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${operatorKey}` },
    body: JSON.stringify(v.profile),
  });
  if (!res.ok) console.error(`profile of ${v.id}: HTTP ${res.status} ${await res.text()}`);
}

async function main(): Promise<void> {
  if (!ingestKey) {
    console.error("VTOX_INGEST_KEY is required (an API key with the ingest role)");
    process.exit(2);
  }
  const fleet = makeFleet({ vehicles, seed: Number(process.env.SEED ?? 1), faultyShare: Number(process.env.FAULTY_SHARE ?? 0.3), startEpochMs: Date.now() });
  for (const v of fleet.vehicles) await registerProfile(v);
  let sent = 0;
  let failed = 0;
  let stopping = false;
  const t0 = Date.now();
  const report = setInterval(() => {
    const s = (Date.now() - t0) / 1000;
    console.log(`feeder: ${sent} windows accepted (${(sent / s).toFixed(1)}/s), ${failed} rejected, ${fleet.vehicles.length} vehicles`);
  }, 10_000);
  const stop = () => {
    stopping = true;
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);

  // One loop per vehicle, staggered, each posting its next window every intervalMs.
  await Promise.all(
    fleet.vehicles.map(async (v, i) => {
      await sleep((intervalMs * i) / fleet.vehicles.length);
      let t = 0;
      while (!stopping && (durationS === undefined || (Date.now() - t0) / 1000 < durationS)) {
        const started = Date.now();
        const body = JSON.stringify({ sensor_data: encodeCompact(nextWindow(v, t)), metadata: { source: "simulator" } });
        try {
          const res = await fetch(`${apiUrl}/api/v1/diagnosis-stream/vehicles/${encodeURIComponent(v.id)}/data`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${ingestKey}` },
            body,
          });
          if (res.status === 202) sent++;
          else {
            failed++;
            if (failed <= 5) console.error(`${v.id}: HTTP ${res.status} ${await res.text()}`);
          }
        } catch (err) {
          failed++;
          if (failed <= 5) console.error(`${v.id}: ${(err as Error).message}`);
        }
        t += v.durationS;
        await sleep(Math.max(0, intervalMs - (Date.now() - started)));
      }
    }),
  );
  clearInterval(report);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
