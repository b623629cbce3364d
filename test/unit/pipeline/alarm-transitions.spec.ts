import { expect } from "chai";
import { alarmTransitions } from "../../../pipeline/alarm-transitions";

describe("alarmTransitions", () => {
  it("raises when a family enters warning, escalates to fault, clears on normal", () => {
    const a = alarmTransitions({}, { bearing: "warning", turn_fault: "normal" });
    expect(a.transitions).to.deep.equal([{ kind: "raised", faultType: "bearing", level: "warning" }]);
    const b = alarmTransitions(a.next, { bearing: "fault" });
    expect(b.transitions).to.deep.equal([{ kind: "raised", faultType: "bearing", level: "fault", previous: "warning" }]);
    const c = alarmTransitions(b.next, { bearing: "normal" });
    expect(c.transitions).to.deep.equal([{ kind: "cleared", faultType: "bearing", previous: "fault" }]);
    expect(c.next).to.deep.equal({});
  });

  it("does not re-raise an alarm that is already open at the same level", () => {
    const r = alarmTransitions({ insulation: "fault" }, { insulation: "fault" });
    expect(r.transitions).to.have.length(0);
    expect(r.next).to.deep.equal({ insulation: "fault" });
  });

  it("keeps an open alarm through undecided answers", () => {
    const r = alarmTransitions({ turn_fault: "warning" }, { turn_fault: "insufficient_data", broken_bar: "not_applicable" });
    expect(r.transitions).to.have.length(0);
    expect(r.next).to.deep.equal({ turn_fault: "warning" });
  });

  it("does not mutate the previous state", () => {
    const open = { bearing: "warning" as const };
    alarmTransitions(open, { bearing: "normal" });
    expect(open).to.deep.equal({ bearing: "warning" });
  });
});
