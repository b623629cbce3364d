/**
 * The live push (moleculer-io / Socket.IO on the api's HTTP server). A socket authenticates with an API key
 * (`auth.token`, `?token=` or the key headers) whose role may read, joins its fleet's room and may follow the
 * vehicles of its fleet; it cannot call actions. Broker events reach the rooms through pushToRooms(). Vehicle ids
 * are unique within a fleet only, so a vehicle's room names its fleet: following an id follows the caller's own
 * fleet's vehicle of that id, whether or not it exists yet (the answer tells nothing about other fleets).
 */
import type { Server as IOServer, Socket } from "socket.io";
import { SOCKET_EVENTS, type AlarmEvent, type DiagnosisEvent, type DiagnosisSocketPayload, type HealthEvent } from "../contracts/events";
import { FLEET_ID_PATTERN, isValidVehicleId } from "../ingest/vehicle-id";
import { keyFromHeaders, type ApiKeyStore } from "../stores/api-keys";
import { ALL_FLEETS, can, type Principal } from "./roles";

/** What a socket carries after its handshake. */
interface SocketData {
  principal: Principal;
}

/** The room of one fleet's vehicle. */
export function vehicleRoom(fleetId: string, vehicleId: string): string {
  return `vehicle:${fleetId}/${vehicleId}`;
}

/**
 * The room a subscription names: a vehicle id of the socket's own fleet, or, for an all-fleet key,
 * `{ fleet_id, vehicle_id }`. Null when malformed.
 */
function requestedRoom(principal: Principal, target: unknown): string | null {
  if (principal.fleetId !== ALL_FLEETS) return isValidVehicleId(target) ? vehicleRoom(principal.fleetId, target) : null;
  const t = (typeof target === "object" && target !== null ? target : {}) as { fleet_id?: unknown; vehicle_id?: unknown };
  if (typeof t.fleet_id !== "string" || !FLEET_ID_PATTERN.test(t.fleet_id) || !isValidVehicleId(t.vehicle_id)) return null;
  return vehicleRoom(t.fleet_id, t.vehicle_id);
}

/** moleculer-io settings: sockets only receive; arbitrary action calls from a socket are refused. */
export const ioSettings = {
  namespaces: {
    "/": {
      events: {
        call: (...args: unknown[]) => {
          const respond = args[args.length - 1];
          if (typeof respond === "function") (respond as (answer: unknown) => void)({ name: "Forbidden", message: "calls over Socket.IO are not allowed" });
        },
      },
    },
  },
};

/** Handshake needs a key; the socket joins its fleet's room and may follow its fleet's vehicles. */
export function attachLiveSockets(io: IOServer, deps: { apiKeys: ApiKeyStore }): void {
  const nsp = io.of("/");
  nsp.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown } | undefined;
    const token =
      typeof auth?.token === "string"
        ? auth.token
        : typeof socket.handshake.query.token === "string"
          ? socket.handshake.query.token
          : keyFromHeaders(socket.handshake.headers);
    if (!token) return next(new Error("unauthorized: API key required"));
    deps.apiKeys.verify(token).then(
      (principal) => {
        // Not an HTTP route: the socket's one permission (read) is checked here.
        if (!principal) return next(new Error("unauthorized: invalid API key"));
        if (!can(principal.role, "read")) return next(new Error(`forbidden: the ${principal.role} role may not read`));
        (socket.data as SocketData).principal = principal;
        next();
      },
      () => next(new Error("unavailable: key store unreachable")),
    );
  });
  nsp.on("connection", (socket: Socket) => {
    const { principal } = socket.data as SocketData;
    void socket.join(`fleet:${principal.fleetId}`);
    socket.on("subscribe", async (target: unknown, ack?: (r: unknown) => void) => {
      const room = requestedRoom(principal, target);
      if (room) await socket.join(room);
      if (typeof ack === "function") ack(room ? { ok: true, room } : { ok: false, error: "invalid vehicle id" });
    });
    socket.on("unsubscribe", async (target: unknown, ack?: (r: unknown) => void) => {
      const room = requestedRoom(principal, target);
      if (room) await socket.leave(room);
      if (typeof ack === "function") ack({ ok: true });
    });
  });
}

/** One Socket.IO event and its payload. */
export type SocketMessage =
  | { event: typeof SOCKET_EVENTS.diagnosis; payload: DiagnosisSocketPayload }
  | { event: typeof SOCKET_EVENTS.health; payload: HealthEvent }
  | { event: typeof SOCKET_EVENTS.alarm; payload: AlarmEvent };

/** What browsers get for one window: `diagnosis`, `health`, then one `alarm` per transition, as before one event carried it all. */
export function socketMessagesOf(e: DiagnosisEvent): SocketMessage[] {
  const { alarms = [], ...diagnosis } = e;
  return [
    { event: SOCKET_EVENTS.diagnosis, payload: diagnosis },
    { event: SOCKET_EVENTS.health, payload: { vehicle_id: e.vehicle_id, fleet_id: e.fleet_id, timestamp: e.timestamp, health: e.health, status: e.status } },
    ...alarms.map((payload): SocketMessage => ({ event: SOCKET_EVENTS.alarm, payload })),
  ];
}

/** One emit to the union of rooms: a socket in several of them receives the event once. */
export function pushToRooms(io: IOServer | undefined, event: string, vehicleId: string, fleetId: string, payload: unknown): void {
  if (!io) return;
  io.to([vehicleRoom(fleetId, vehicleId), `fleet:${fleetId}`, `fleet:${ALL_FLEETS}`]).emit(event, payload);
}

/**
 * A revoked key's sockets are closed (the `apikey.revoked` event, broadcast by the api that revoked it, reaches every
 * api replica). Returns how many were closed.
 */
export function disconnectKey(io: IOServer | undefined, keyId: string): number {
  if (!io) return 0;
  let closed = 0;
  for (const socket of io.of("/").sockets.values()) {
    if ((socket.data as { principal?: Principal }).principal?.keyId === keyId) {
      socket.disconnect(true);
      closed++;
    }
  }
  return closed;
}

/**
 * The safety net for revocations that did not come through the api (`npm run keys -- revoke` writes Redis directly)
 * or whose event this replica missed: the keys of the open sockets are checked in Redis every `intervalMs`.
 * Returns a function that stops the sweep.
 */
export function sweepRevokedSockets(io: IOServer | undefined, apiKeys: ApiKeyStore, intervalMs: number): () => void {
  const timer = setInterval(() => {
    if (!io) return;
    const keyIds = new Set<string>();
    for (const socket of io.of("/").sockets.values()) {
      const keyId = (socket.data as { principal?: Principal }).principal?.keyId;
      if (keyId) keyIds.add(keyId);
    }
    apiKeys.revokedAmong([...keyIds]).then(
      (revoked) => {
        for (const keyId of revoked) {
          apiKeys.forget(keyId);
          disconnectKey(io, keyId);
        }
      },
      () => undefined, // Redis away: the next sweep tries again
    );
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
