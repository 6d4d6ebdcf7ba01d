import { describe, expect, it } from "vitest";
import { shownReference } from "./tender-reference";

const key = "0123456789abcdef".repeat(4);

describe("shownReference", () => {
  it("shows a credit key by its first eight digits", () => {
    expect(shownReference({ kind: "credit", amount: 500, reference: key })).toBe("#01234567");
  });
  it("shows a code just issued whole, and other tenders' references as written", () => {
    expect(shownReference({ kind: "credit", amount: 500, reference: "CR-ABCDEFGHJKMN" })).toBe("CR-ABCDEFGHJKMN");
    expect(shownReference({ kind: "card", amount: 500, reference: key })).toBe(key);
    expect(shownReference({ kind: "cash", amount: 500, reference: null })).toBeNull();
  });
});
