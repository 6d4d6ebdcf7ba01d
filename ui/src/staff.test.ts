import { describe, expect, it } from "vitest";
import { approvable, mustSignIn, operatorLabel, StaffState } from "./staff";

const carl = { id: "s1", name: "Carl", role: "cashier" as const };

describe("staff", () => {
  it("says who is at the till, or nothing on a till without staff", () => {
    const none: StaffState = { sign_in_required: false, staff: [], operator: null };
    expect(operatorLabel(none)).toBe("");
    expect(mustSignIn(none)).toBe(false);
    const locked: StaffState = { sign_in_required: true, staff: [carl], operator: null };
    expect(operatorLabel(locked)).toBe("Locked");
    expect(mustSignIn(locked)).toBe(true);
    const open: StaffState = { ...locked, operator: carl };
    expect(operatorLabel(open)).toBe("Carl (cashier)");
    expect(mustSignIn(open)).toBe(false);
  });

  it("asks for a second pin only for refusals a pin can lift", () => {
    expect(approvable("needs_approval")).toBe(true);
    expect(approvable("not_permitted")).toBe(true);
    expect(approvable("wrong_pin")).toBe(false);
    expect(approvable("bad_input")).toBe(false);
  });
});
