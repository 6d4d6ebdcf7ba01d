import { describe, expect, it } from "vitest";
import type { OrderView } from "./generated/OrderView";
import type { ReturnLookup } from "./generated/ReturnLookup";
import { orderSummary, parseQuantity, parseReturnQuery, pickupLines, renderPickup, renderReturn, returnLines, returnOfSource, returnTitle } from "./omnichannel";

const eur = { code: "EUR", minor_digits: 2 };

describe("return query", () => {
  it("tells order codes from receipt numbers", () => {
    expect(parseReturnQuery(" AMS1-1-7 ")).toEqual({ kind: "receipt", receipt_no: "AMS1-1-7" });
    expect(parseReturnQuery("kassa:order:W1001")).toEqual({ kind: "order", order: "W1001" });
    expect(parseReturnQuery("order W1002")).toEqual({ kind: "order", order: "W1002" });
    expect(parseReturnQuery("  ")).toBeNull();
  });
});

describe("quantities", () => {
  it("accepts whole numbers up to what is left and refuses the rest", () => {
    expect(parseQuantity("", 3)).toBe(0);
    expect(parseQuantity("2", 3)).toBe(2);
    expect(() => parseQuantity("4", 3)).toThrow("only 3");
    expect(() => parseQuantity("1.5", 3)).toThrow("not a whole number");
    expect(() => parseQuantity("-1", 3)).toThrow("not a whole number");
  });

  it("builds pickup and return lines, refusing an empty one", () => {
    expect(pickupLines([{ sku: "A", remaining: 2, now: "2" }, { sku: "B", remaining: 1, now: "0" }])).toEqual([{ code: "A", quantity: 2 }]);
    expect(() => pickupLines([{ sku: "A", remaining: 2, now: "0" }])).toThrow("nothing to hand over");
    expect(returnLines([{ sku: "A", returnable: 2, take: "1", damaged: true }])).toEqual([{ code: "A", quantity: 1, restock: false }]);
    expect(() => returnLines([{ sku: "A", returnable: 2, take: "", damaged: false }])).toThrow("choose what comes back");
  });
});

describe("receipts", () => {
  it("shows a refund with its tenders and the credit code", () => {
    const text = renderReturn(
      {
        id: "r9", seq: 9, business_day: "2026-11-24", currency: "EUR", reason: null, approval_reasons: [], exchange_sale_id: null,
        store_code: "AMS1", till_no: 1, receipt_no: "AMS1-1-9", created_at: "2026-11-24T10:00:00+01:00",
        source: { kind: "sale", sale_id: "s3", receipt_no: "AMS1-1-3", store: "AMS1", business_day: "2026-11-23" },
        lines: [{ name: "Wine", sku: "WINE", quantity: 1, sold: 1, amount: 899, tax_rate: 2100, tax: 156, restock: false }],
        total: 899, cash_rounding: 0,
        refunds: [{ kind: "credit", amount: 899, reference: "CR-ABC" }],
        approved_by: null,
      },
      eur,
    );
    expect(text).toContain("REFUND AMS1-1-9");
    expect(text).toContain("Return of Receipt AMS1-1-3");
    expect(text).toContain("(damaged)");
    expect(text).toContain("Store credit CR-ABC");
    expect(text).toContain("8.99");
  });

  it("shows what a pickup took", () => {
    const text = renderPickup(
      { id: "p4", order_id: "o2", business_day: "2026-11-24", store: "AMS1", till_no: 1, receipt_no: "AMS1-1-4", created_at: "2026-11-24T10:00:00Z", order_no: "W1002", lines: [{ sku: "D1", quantity: 1 }], value: 1000, amount_due: 1000, cash_rounding: 0, tenders: [{ kind: "cash", amount: 2000, reference: null }], change: 1000 },
      eur,
    );
    expect(text).toContain("Online order W1002");
    expect(text).toContain("Paid now");
    expect(text).toContain("CHANGE");
  });
});

describe("screens' words", () => {
  const order: OrderView = {
    id: "o1", order_no: "W1001", customer_name: "Ada Lovelace", created_at: "", pickup_by: "", overdue: true, status: "partly_picked_up",
    lines: [], total: 0, paid_online: 0, paid_at_till: 0, balance: 0, pickups: [],
  };

  it("sums up an order for the pickup list", () => {
    expect(orderSummary(order)).toBe("W1001 · Ada Lovelace · partly picked up (overdue)");
    expect(orderSummary({ ...order, overdue: false, status: "open" })).toBe("W1001 · Ada Lovelace · open");
  });

  const found: ReturnLookup = {
    returnable: { source: { kind: "sale", sale_id: "s1", receipt_no: "RTM1-2-5", store: "RTM1", business_day: "" }, lines: [], days_since_sale: 3, paid: [], refunded_before: [] },
    remote_sale: null,
    remote_order: null,
  };

  it("titles what a return found, and says when head office was asked", () => {
    expect(returnTitle(found)).toBe("Receipt RTM1-2-5 · 3 days ago");
    const remote = { ...found, remote_sale: {} as ReturnLookup["remote_sale"] };
    expect(returnTitle(remote)).toBe("Receipt RTM1-2-5 (store RTM1, looked up at head office) · 3 days ago");
  });

  it("returns against what was found: the receipt number or the order", () => {
    expect(returnOfSource(found.returnable.source)).toEqual({ kind: "receipt", receipt_no: "RTM1-2-5" });
    expect(returnOfSource({ kind: "order", order_id: "o1", order_no: "W1001", store: "AMS1" })).toEqual({ kind: "order", order: "W1001" });
  });
});
