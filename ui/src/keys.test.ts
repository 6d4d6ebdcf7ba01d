import { describe, expect, it } from "vitest";
import { actionFor, keyName, KEYMAP } from "./keys";

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

  it("opens the pickup, return and exceptions screens", () => {
    expect(actionFor("F1", false)).toBe("pickup");
    expect(actionFor("F11", false)).toBe("returns");
    expect(actionFor(keyName({ key: "i", altKey: true }), false)).toBe("inbox");
    expect(keyName({ key: "i", altKey: false })).toBe("i");
    expect(keyName({ key: "F11", altKey: true })).toBe("F11");
  });

  it("has one action per key", () => {
    const keys = KEYMAP.map((k) => k.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
