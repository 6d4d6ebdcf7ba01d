import { describe, expect, it } from "vitest";
import { addScan, emptyBasket, MAX_QUANTITY, removeLine, select, setQuantity, toRequest, updateLine } from "./basket";

describe("basket", () => {
  it("merges repeated scans of the same item and starts new lines otherwise", () => {
    let b = addScan(emptyBasket(), " 4006381333931 ");
    b = addScan(b, "4006381333931");
    b = addScan(b, "WINE");
    expect(b.lines.map((l) => [l.code, l.quantity])).toEqual([["4006381333931", 2], ["WINE", 1]]);
    expect(b.selected).toBe(1);
    expect(addScan(b, "   ")).toBe(b);
  });

  it("does not merge into a discounted line", () => {
    let b = addScan(emptyBasket(), "MILK");
    b = updateLine(b, 0, { discount: { kind: "percent", value: 1000 } });
    b = addScan(b, "MILK");
    expect(b.lines.length).toBe(2);
  });

  it("clamps quantities and removes a line set below one", () => {
    let b = addScan(emptyBasket(), "MILK");
    b = setQuantity(b, 0, MAX_QUANTITY + 5);
    expect(b.lines[0].quantity).toBe(MAX_QUANTITY);
    b = setQuantity(b, 0, 0);
    expect(b.lines).toEqual([]);
    expect(b.selected).toBe(-1);
    expect(setQuantity(b, 3, 2)).toBe(b);
  });

  it("moves the selection within bounds", () => {
    let b = addScan(addScan(addScan(emptyBasket(), "A"), "B"), "C");
    b = select(b, -5);
    expect(b.selected).toBe(0);
    b = select(b, 10);
    expect(b.selected).toBe(2);
    b = removeLine(b, 2);
    expect(b.selected).toBe(1);
  });

  it("builds the core's request", () => {
    const b = addScan(emptyBasket(), "MILK");
    expect(toRequest(b, [{ kind: "cash", amount: null, reference: null }])).toEqual({
      lines: [{ code: "MILK", quantity: 1, discount: null, price_override: null }],
      discount: null,
      tenders: [{ kind: "cash", amount: null, reference: null }],
    });
  });
});
