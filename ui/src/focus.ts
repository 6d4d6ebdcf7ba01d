// The scan field has the keyboard whenever nothing else needs it: a barcode scanner types into
// whatever has focus, so after every dialog, screen, receipt or panel closes, focus goes back to
// the scan field. One observer does it for all of them, whichever way they were closed (Enter,
// Esc, a button, or the code that opened the next step), instead of each closing path
// remembering to.

import { $ } from "./dom";

/** Everything that covers the selling screen and takes the keyboard while it is open. */
export const OVERLAYS = ["dialog", "setup", "signin", "receipt-view", "pickup-view", "return-view", "inbox-view"] as const;
/** The payment panels beside the basket: their fields take what the cashier types. */
export const PANELS = ["cash-panel", "card-panel"] as const;

export interface FocusSituation {
  /** An overlay is open: it owns the keyboard. */
  overlayOpen: boolean;
  /** Focus is inside an open payment panel (cash received, card reference, a quick amount). */
  focusInOpenPanel: boolean;
  /** Focus is on the scan field already. */
  onScan: boolean;
}

/** Whether focus should move to the scan field now. */
export function scanShouldTakeFocus(s: FocusSituation): boolean {
  return !s.onScan && !s.overlayOpen && !s.focusInOpenPanel;
}

function situation(): FocusSituation {
  const active = document.activeElement;
  return {
    overlayOpen: OVERLAYS.some((id) => !$(id).hidden),
    focusInOpenPanel: active !== null && PANELS.some((id) => !$(id).hidden && $(id).contains(active)),
    onScan: active === $("scan"),
  };
}

export function returnFocusToScan(): void {
  if (scanShouldTakeFocus(situation())) $("scan").focus();
}

/** Watches the overlays, panels and search results: when one hides, the scan field takes focus. */
export function keepFocusOnScan(): void {
  const observer = new MutationObserver(() => returnFocusToScan());
  for (const id of [...OVERLAYS, ...PANELS, "search-results"]) {
    observer.observe($(id), { attributes: true, attributeFilter: ["hidden"] });
  }
  // A click on the basket, a button or the empty screen leaves focus where a scanner finds it.
  document.addEventListener("click", () => setTimeout(returnFocusToScan, 0));
}
