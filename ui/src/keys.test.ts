import { describe, expect, it } from "vitest";
import { actionFor, KEYMAP } from "./keys";

describe("keys", () => {
  it("maps function keys to actions", () => {
    expect(actionFor("F2", true)).toBe("payCash");
    expect(actionFor("F9", false)).toBe("syncNow");
    expect(actionFor("a", true)).toBeNull();
  });

  it("leaves + and - to the scan field while something is typed", () => {
    expect(actionFor("+", true)).toBe("more");
    expect(actionFor("+", false)).toBeNull();
    expect(actionFor("-", false)).toBeNull();
  });

  it("has one action per key", () => {
    const keys = KEYMAP.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
