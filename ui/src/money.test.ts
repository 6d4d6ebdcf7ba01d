import { describe, expect, it } from "vitest";
import { formatMoney, minorToDecimalString } from "./money";

describe("minorToDecimalString", () => {
  it.each([
    [1255, 2, "12.55"],
    [5, 2, "0.05"],
    [-5, 2, "-0.05"],
    [0, 2, "0.00"],
    [1500, 0, "1500"],
    [1234, 3, "1.234"],
    [9007199254740991, 2, "90071992547409.91"],
  ])("%i with %i digits is %s", (minor, digits, want) => {
    expect(minorToDecimalString(minor, digits)).toBe(want);
  });

  it("refuses non-integers", () => {
    expect(() => minorToDecimalString(12.5, 2)).toThrow();
  });
});

describe("formatMoney", () => {
  it("formats in the currency without arithmetic", () => {
    expect(formatMoney(1255, { code: "EUR", minor_digits: 2 }, "en-IE")).toBe("€12.55");
    expect(formatMoney(1500, { code: "JPY", minor_digits: 0 }, "en-US")).toBe("¥1,500");
    expect(formatMoney(-2, { code: "EUR", minor_digits: 2 }, "en-IE")).toBe("-€0.02");
  });
});
