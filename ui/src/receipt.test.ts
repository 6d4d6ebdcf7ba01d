import { describe, expect, it } from "vitest";
import type { Receipt } from "./generated/Receipt";
import { renderReceipt } from "./receipt";

// A receipt as the core sends it: the sale record's fields at the top level, its void beside them.
const receipt: Receipt = {
  id: "0190a0c0-0000-7000-8000-000000000007",
  receipt_no: "AMS1-2-7",
  store_code: "AMS1",
  till_no: 2,
  seq: 7,
  created_at: "2026-11-23T10:00:00+01:00",
  business_day: "2026-11-23",
  currency: "EUR",
  tax_mode: "inclusive",
  lines: [
    {
      sku: "MILK",
      name: "Whole milk 1 L",
      quantity: 2,
      list_price: 129,
      unit_price: 129,
      override_reason: null,
      gross: 258,
      line_discount: 0,
      basket_discount: 0,
      amount: 258,
      tax_rate: 900,
      tax: 21,
    },
  ],
  taxes: [{ rate: 900, net: 237, tax: 21, gross: 258 }],
  subtotal: 258,
  discount_total: 0,
  tax_total: 21,
  total: 258,
  cash_rounding: 2,
  amount_due: 260,
  tendered: 500,
  change: 240,
  tenders: [{ kind: "cash", amount: 500, reference: null }],
  cashier: { id: "s1", name: "Carl" },
  approved_by: null,
  shift_id: null,
  void: null,
};

describe("renderReceipt", () => {
  it("names the cashier, not the record holding them", () => {
    const text = renderReceipt(receipt, { code: "EUR", minor_digits: 2 });
    expect(text).toContain("Cashier: Carl");
    expect(text).not.toContain("[object Object]");
    expect(text).toContain("Receipt AMS1-2-7");
    expect(text).toMatch(/CHANGE\s+€\s?2\.40/);
  });
});
