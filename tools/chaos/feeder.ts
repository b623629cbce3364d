/**
 * The chaos feeder: a simulated fleet posting compact windows over HTTP to one or more api replicas.
 * Each window has its own Idempotency-Key; a 5xx, 429 or connection error is retried (next replica, short
 * backoff) with the SAME key, so a window whose first attempt did reach the stream (the reply was lost when the
 * replica died) is not written twice. A window counts as accepted only on a 2xx, with the message id returned.
 */
import { encodeCompact } from "../../ingest/sensor-data";
import { backoffDelayMs } from "../../launcher/backoff";
import { makeFleet, nextWindow } from "../../simulator/index";
import { setTimeout as sleep } from "node:timers/promises";

export interface FeederOptions {
  apiUrls: readonly string[];
  ingestKey: string;
  vehicles: number;
  /** Windows per second over the whole fleet. */
  ratePerS: number;
  windowS: number;
  rateHz: number;
  seed: number;
  /** A window whose attempts keep failing is given up after this long (counted as rejected). */
  giveUpMs: number;
}

export interface AcceptedWindow {
  idempotencyKey: string;
  vehicleId: string;
  messageId: string;
  acceptedAt: number;
  attempts: number;
}

export interface FeederStats {
  accepted: AcceptedWindow[];
  /** 4xx other than 429, or given up after giveUpMs: these windows were never acknowledged to the vehicle. */
  rejected: { idempotencyKey: string; status: number | string; url?: string; attempt?: number; at?: number }[];
  /** Attempts that failed and were retried (5xx, 429, connection errors), by cause. */
  retries: Record<string, number>;
}

export class ChaosFeeder {
  readonly stats: FeederStats = { accepted: [], rejected: [], retries: {} };
  private stopping = false;
  private running: Promise<void> | null = null;
  private readonly bodies: Map<string, string[]>;
  private readonly vehicleIds: string[];

  constructor(private readonly opts: FeederOptions) {
    const fleet = makeFleet({
      vehicles: opts.vehicles,
      seed: opts.seed,
      faultyShare: 0.3,
      durationS: opts.windowS,
      rateHz: opts.rateHz,
      vibRateHz: opts.rateHz,
    });
    // A few pre-encoded windows per vehicle, cycled: the feeder must not compete with the cluster for CPU.
    this.bodies = new Map(fleet.vehicles.map((v) => [v.id, [0, 1, 2, 3].map((k) => JSON.stringify(encodeCompact(nextWindow(v, k * opts.windowS))))]));
    this.vehicleIds = fleet.vehicles.map((v) => v.id);
  }

  start(): void {
    const intervalMs = (1000 * this.opts.vehicles) / this.opts.ratePerS;
    this.running = Promise.all(
      this.vehicleIds.map(async (vehicleId, i) => {
        await sleep((intervalMs * i) / this.vehicleIds.length);
        for (let seq = 0; !this.stopping; seq++) {
          const started = Date.now();
          await this.sendWindow(vehicleId, seq, i);
          await sleep(Math.max(0, intervalMs - (Date.now() - started)));
        }
      }),
    ).then(() => undefined);
  }

  /** Stops starting new windows and waits for the ones in progress (their retries included). */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running;
  }

  private async sendWindow(vehicleId: string, seq: number, replicaOffset: number): Promise<void> {
    const idempotencyKey = `${vehicleId}.${seq}`;
    const bodies = this.bodies.get(vehicleId)!;
    const body = `{"sensor_data":${bodies[seq % bodies.length]},"metadata":{"source":"chaos","window":"${idempotencyKey}"}}`;
    const firstAttempt = Date.now();
    for (let attempt = 0; ; attempt++) {
      const url = this.opts.apiUrls[(replicaOffset + attempt) % this.opts.apiUrls.length];
      let cause: string;
      try {
        const res = await fetch(`${url}/api/v1/diagnosis-stream/vehicles/${vehicleId}/data`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${this.opts.ingestKey}`, "idempotency-key": idempotencyKey },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) {
          const messageId = (JSON.parse(text) as { message_id: string }).message_id;
          this.stats.accepted.push({ idempotencyKey, vehicleId, messageId, acceptedAt: Date.now(), attempts: attempt + 1 });
          return;
        }
        if (res.status < 500 && res.status !== 429) {
          this.stats.rejected.push({ idempotencyKey, status: `HTTP ${res.status} ${text.slice(0, 120)}`, url, attempt, at: Date.now() });
          return;
        }
        cause = `HTTP ${res.status}`;
      } catch (err) {
        cause = errorCause(err);
      }
      this.stats.retries[cause] = (this.stats.retries[cause] ?? 0) + 1;
      if (Date.now() - firstAttempt > this.opts.giveUpMs) {
        this.stats.rejected.push({ idempotencyKey, status: cause });
        return;
      }
      await sleep(backoffDelayMs({ attempt, initialMs: 100, factor: 2, maxMs: 1000 }));
    }
  }
}

function errorCause(err: unknown): string {
  const e = err as { name?: string; cause?: { code?: string } };
  return e.cause?.code ?? e.name ?? "error";
}
