import { describe, expect, it } from "vitest";
import { auditHtml } from "./audit-view";
import type { Exception } from "./generated/Exception";
import type { StockView } from "./generated/StockView";
import { inboxEntryHtml } from "./inbox-entry";
import { stockHtml } from "./stock-view";

const milk = { sku: "MILK", name: "Whole milk <1L>", price: 129, tax_class: "reduced", tax_rate: 900, category: null, active: true };

describe("stock dialog", () => {
  const view: StockView = {
    item: milk,
    here: 49,
    position: { on_hand: 49, reserved: 2, available: 47 },
    elsewhere: { sku: "MILK", stores: [{ store: "RTM1", on_hand: 12, as_of: null }] },
    elsewhere_error: null,
  };

  it("shows here, reserved and available, and the other stores", () => {
    const html = stockHtml(view);
    expect(html).toContain("Here: 49 on hand · 2 reserved for online orders · 47 available");
    expect(html).toContain("<td>RTM1</td><td>12</td><td>never synced</td>");
    expect(html).toContain("Whole milk &#60;1L&#62;");
  });

  it("says why there are no figures from other stores", () => {
    expect(stockHtml({ ...view, elsewhere: null, elsewhere_error: "head office is offline" })).toContain("Other stores: head office is offline");
  });
});

describe("audit dialog", () => {
  it("shows the chain state and who approved what", () => {
    const html = auditHtml({
      entries: [
        { id: "a1", till: "AMS1-1", seq: 7, at: "2026-11-26T10:11:12+01:00", event: "void", record_id: null, staff: { id: "c", name: "Carl" }, approved_by: { id: "s", name: "Sofia" }, detail: "AMS1-1-3", prev_hash: "", hash: "" },
      ],
      check: { entries: 7, first_break: null },
    });
    expect(html).toContain("Chain intact: 7 entries");
    expect(html).toContain("<td>7</td><td>10:11:12</td><td>void</td><td>Carl</td><td>AMS1-1-3 (approved by Sofia)</td>");
    const broken = auditHtml({ entries: [], check: { entries: 7, first_break: { seq: 4, id: "a4", why: "hash differs" } } });
    expect(broken).toContain("Broken at entry 4: hash differs");
  });
});

describe("exceptions inbox entry", () => {
  const open: Exception = {
    id: "over-return/AMS1-1-1",
    kind: "over_return",
    store: "AMS1",
    message: "more was returned against AMS1-1-1 than was sold",
    records: ["r1", "r2"],
    tills: ["AMS1-1", "AMS1-2"],
    resolution: null,
  };

  it("says what happened and on which tills, never the id or the records' ids", () => {
    const html = inboxEntryHtml(open);
    expect(html).toContain("over return");
    expect(html).toContain("Tills: AMS1-1, AMS1-2");
    expect(html).not.toContain("over-return/");
    expect(html).not.toContain("r1");
  });

  it("shows who resolved it and how", () => {
    const html = inboxEntryHtml({ ...open, resolution: { id: "x", note: "refunded once", resolved_by: "Mia", written_by: "AMS1-1", created_at: "" } });
    expect(html).toContain("Resolved by Mia (AMS1-1): refunded once");
  });
});
