/** One broker event per window, the same three Socket.IO events for browsers as when there were three broker events. */
import { expect } from "chai";
import { SOCKET_EVENTS, type DiagnosisEvent } from "../../../contracts/events";
import { socketMessagesOf } from "../../../gateway/live-sockets";

describe("socketMessagesOf: diagnosis.completed → Socket.IO events", () => {
  const base = { vehicle_id: "EV-1", fleet_id: "F1", timestamp: "2030-01-01T00:00:00.000Z" };
  const event: DiagnosisEvent = {
    ...base,
    message_id: "1-0",
    health: 0.4,
    status: "fault",
    profile: "vehicle",
    findings: [{ fault_type: "turn_fault", status: "fault", score: 0.9 }],
    processing_ms: 12,
    latency_ms: { turn_fault: 3 },
    alarms: [
      { ...base, kind: "raised", fault_type: "turn_fault", level: "fault", score: 0.9 },
      { ...base, kind: "cleared", fault_type: "bearing", previous: "warning", score: 0.1 },
    ],
  };

  it("gives diagnosis (without the alarms), health, then one alarm per transition, in that order", () => {
    const { alarms, ...diagnosis } = event;
    expect(socketMessagesOf(event)).to.deep.equal([
      { event: SOCKET_EVENTS.diagnosis, payload: diagnosis },
      { event: SOCKET_EVENTS.health, payload: { ...base, health: 0.4, status: "fault" } },
      { event: SOCKET_EVENTS.alarm, payload: alarms[0] },
      { event: SOCKET_EVENTS.alarm, payload: alarms[1] },
    ]);
  });

  it("gives no alarm event for a window without transitions", () => {
    expect(socketMessagesOf({ ...event, alarms: [] }).map((m) => m.event)).to.deep.equal([SOCKET_EVENTS.diagnosis, SOCKET_EVENTS.health]);
  });
});
