import { describe, expect, it } from "vitest";
import { keyLayer, OpenLayers } from "./keyboard-layers";
import { scanShouldTakeFocus } from "./focus";

describe("scan field focus", () => {
  it("goes back to the scan field once nothing else is open", () => {
    expect(scanShouldTakeFocus({ overlayOpen: false, focusInOpenPanel: false, onScan: false })).toBe(true);
  });

  it("stays with an open dialog, screen or payment panel", () => {
    expect(scanShouldTakeFocus({ overlayOpen: true, focusInOpenPanel: false, onScan: false })).toBe(false);
    expect(scanShouldTakeFocus({ overlayOpen: false, focusInOpenPanel: true, onScan: false })).toBe(false);
  });

  it("is left alone when the scan field has it (a code being typed keeps its caret)", () => {
    expect(scanShouldTakeFocus({ overlayOpen: false, focusInOpenPanel: false, onScan: true })).toBe(false);
  });
});

describe("which layer takes a key", () => {
  const none: OpenLayers = { signIn: false, settings: false, dialog: false, screen: false, receipt: false };

  it("is the selling screen when nothing is open", () => {
    expect(keyLayer(none)).toBe("selling");
  });

  it("is the topmost open layer", () => {
    expect(keyLayer({ ...none, screen: true, dialog: true })).toBe("dialog");
    expect(keyLayer({ ...none, screen: true, receipt: true })).toBe("screen");
    expect(keyLayer({ ...none, receipt: true })).toBe("receipt");
    expect(keyLayer({ ...none, settings: true, dialog: true })).toBe("settings");
  });

  it("is the sign-in form, unless an approval dialog is open over it", () => {
    expect(keyLayer({ ...none, signIn: true, receipt: true })).toBe("signIn");
    expect(keyLayer({ ...none, signIn: true, dialog: true })).toBe("dialog");
  });
});
