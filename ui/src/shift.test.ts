import { describe, expect, it } from "vitest";
import type { ShiftReport } from "./generated/ShiftReport";
import { renderShiftReport } from "./shift";

const eur = { code: "EUR", minor_digits: 2 };
const z: ShiftReport = {
  kind: "Z",
  copy: true,
  shift_id: "shift-1",
  till_no: 1,
  opened_at: "2026-11-26T08:00:00+01:00",
  opened_by: "Carl",
  closed_at: "2026-11-26T17:00:00+01:00",
  closed_by: "Carl",
  float: 10000,
  cash_in: 500,
  cash_out: 1000,
  movements: [
    {
      id: "m1",
      shift_id: "shift-1",
      store: "AMS1",
      till_no: 1,
      direction: "out",
      reason: "flowers",
      amount: 1000,
      created_at: "2026-11-26T12:00:00+01:00",
      business_day: "2026-11-26",
      staff: null,
      approved_by: null,
    },
  ],
  sales: {
    business_day: "2026-11-26",
    currency: "EUR",
    sales_count: 2,
    sales_total: 388,
    voids_count: 0,
    voids_total: 0,
    net_total: 388,
    returns_count: 0,
    returns_total: 0,
    pickups_count: 0,
    pickup_payments: 0,
    discount_total: 0,
    cash_rounding: 0,
    tenders: [{ kind: "cash", sales: 130, voided: 0, refunded: 0, pickups: 0, net: 130 }],
    taxes: [{ rate: 900, net: 119, tax: 11, gross: 130 }],
  },
  expected: [{ kind: "cash", amount: 9630 }, { kind: "card", amount: 0 }],
  counted: [{ kind: "cash", amount: 9600 }],
  difference: [{ kind: "cash", amount: -30 }],
};

describe("shift report", () => {
  it("prints a reprinted Z with expected, counted and difference", () => {
    const text = renderShiftReport(z, eur);
    expect(text.startsWith("*** COPY ***\nZ report · till 1")).toBe(true);
    expect(text).toContain("Closed 2026-11-26 17:00 by Carl");
    const cash = text.split("\n").find((l) => l.startsWith("cash  "))!;
    expect(cash).toContain("96.30");
    expect(cash).toContain("96.00");
    expect(cash).toMatch(/-\s?€?\s?0\.30/);
    expect(text).toContain("out flowers");
    expect(text).toMatch(/card .*-\s+-$/m);
  });

  it("shows nothing subtracted as zero, never a negative zero", () => {
    const text = renderShiftReport(z, eur);
    for (const label of ["Voids (0)", "Returns (0)"]) {
      const line = text.split("\n").find((l) => l.startsWith(label))!;
      expect(line).toMatch(/0\.00$/);
      expect(line).not.toMatch(/-\s?€?\s?0\.00/);
    }
    const out = text.split("\n").find((l) => l.startsWith("Cash out"))!;
    expect(out).toMatch(/-\s?€?\s?10\.00$/);
  });

  it("has no copy mark or close line on an X report", () => {
    const text = renderShiftReport({ ...z, kind: "X", copy: false, closed_at: null, counted: [], difference: [] }, eur);
    expect(text.startsWith("X report")).toBe(true);
    expect(text).not.toContain("Closed");
  });
});
