// The till's keyboard: the topmost open layer takes a key (keyboard-layers.ts); on the selling
// screen the key map (keys.ts) picks the action.

import { run } from "./actions";
import { closeDialog } from "./dialog";
import { $ } from "./dom";
import { keyLayer } from "./keyboard-layers";
import { actionFor, keyName } from "./keys";
import { closeScreens, openScreen } from "./screens/overlays";
import { closeReceipt } from "./selling/receipt-view";
import { till } from "./state";

function onKey(e: KeyboardEvent): void {
  const layer = keyLayer({
    signIn: !$("signin").hidden,
    settings: !$("setup").hidden,
    dialog: !$("dialog").hidden,
    screen: openScreen() !== null,
    receipt: !$("receipt-view").hidden,
  });
  switch (layer) {
    case "signIn":
      return; // the sign-in form takes its own keys
    case "settings":
      // Settings opened from a till that is already set up close with Esc.
      if (e.key === "Escape" && till.configured) $("setup").hidden = true;
      return;
    case "dialog":
      if (e.key === "Escape") closeDialog(null);
      return;
    case "screen":
      if (e.key === "Escape") {
        e.preventDefault();
        closeScreens();
      }
      return;
    case "receipt":
      if (e.key === "Enter" || e.key === "Escape") {
        e.preventDefault();
        closeReceipt();
      }
      return;
    case "selling": {
      const action = actionFor(keyName(e), $<HTMLInputElement>("scan").value === "");
      if (action) {
        e.preventDefault();
        void run(action);
      }
    }
  }
}

export function wireKeyboard(): void {
  document.addEventListener("keydown", onKey);
}
