/**
 * Moleculer's Redis transporter with the reconnect leak of moleculer#1363 closed.
 * In 0.15.2 every "ready" of the subscriber client (each reconnect after Redis restarts) creates a NEW publisher
 * client and never closes the previous one, which keeps reconnecting on its own: +1 connection per node per Redis
 * restart (measured: 4 → 10 connections for two nodes after three restarts, test/integration/redis-restart.spec.ts).
 * Here the superseded publisher is closed once its replacement is ready — after its listeners are removed, since
 * its "close" handler would otherwise mark the transporter disconnected. A repeated connect() (Transit retries a
 * failed first connect) first closes the clients of the earlier attempt, so two subscribers never coexist
 * (the duplicate-delivery half of #1363).
 * Also: upstream fires SUBSCRIBE and PUBLISH without handling their promises. When a reconnecting client fails its
 * ready check ("Connection in subscriber mode…" after a Redis restart), ioredis rejects its queued commands and the
 * process died of an unhandled rejection (seen in the chaos run). Here a failed SUBSCRIBE is retried on the current
 * subscriber client, and a failed PUBLISH is logged (upstream semantics: a publish is fire-and-forget).
 */
import { Errors, Transporters } from "moleculer";
import type { Redis, RedisOptions } from "ioredis";

type RedisTransporterBase = InstanceType<typeof Transporters.Redis>;

interface TransporterInternals {
  _clientSub?: Redis | undefined;
  _clientPub?: Redis | undefined;
  clientPub?: Redis | null;
}

function retire(client: Redis | undefined): void {
  if (!client) return;
  // Only the transporter's own listeners: its "close" handler would mark the transporter disconnected.
  for (const event of ["ready", "close", "error", "messageBuffer"]) client.removeAllListeners(event);
  // A late socket error after disconnect() must not become an unhandled 'error' event.
  client.on("error", () => undefined);
  client.disconnect();
}

export class LeakFreeRedisTransporter extends Transporters.Redis {
  override connect(): Promise<void> {
    const self = this as unknown as TransporterInternals;
    retire(self._clientSub);
    retire(self._clientPub);
    self._clientSub = undefined;
    self._clientPub = undefined;
    return (Transporters.Redis.prototype as unknown as { connect(this: RedisTransporterBase): Promise<void> }).connect.call(this);
  }

  override subscribe(cmd: string, nodeID?: string): Promise<void> {
    const topic = this.getTopicName(cmd, nodeID);
    const attempt = (n: number): void => {
      const sub = (this as unknown as { clientSub?: Redis | null }).clientSub;
      if (!sub) return;
      sub.subscribe(topic).catch((err: Error) => {
        this.logger.warn(`SUBSCRIBE ${topic} failed (${err.message}); retrying`);
        if (n < 60) setTimeout(() => attempt(n + 1), 500);
      });
    };
    attempt(0);
    return Promise.resolve();
  }

  override send(topic: string, data: Buffer): Promise<void> {
    const pub = (this as unknown as { clientPub?: Redis | null }).clientPub;
    if (!pub) return Promise.reject(new Errors.MoleculerError("Redis Client is not available"));
    pub.publish(topic, data).catch((err: Error) => this.logger.warn(`PUBLISH ${topic} failed: ${err.message}`));
    return Promise.resolve();
  }

  override getRedisClient(opts: RedisOptions): Redis {
    const self = this as unknown as TransporterInternals;
    const base = Transporters.Redis.prototype as unknown as { getRedisClient(this: RedisTransporterBase, o: RedisOptions): Redis };
    const client = base.getRedisClient.call(this, opts);
    // Called for the publisher when the subscriber exists: the previous publisher is superseded once this one is up.
    const superseded = self._clientSub ? self._clientPub : undefined;
    if (superseded) {
      client.once("ready", () =>
        setImmediate(() => {
          if (self.clientPub !== superseded) retire(superseded);
        }),
      );
    }
    return client;
  }
}
