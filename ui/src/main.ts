// The till's front end: wires the screens (each in its own module) and starts. State lives in
// state.ts; money and rules live in the core (api.ts, commands.ts).

import { wireActionButtons } from "./actions";
import { errorText } from "./api";
import { wireDialog } from "./dialog";
import { $ } from "./dom";
import { keepFocusOnScan } from "./focus";
import { wireKeyboard } from "./keyboard";
import { KEYMAP } from "./keys";
import { showMessage } from "./messages";
import { wireInbox } from "./screens/inbox";
import { wirePickup } from "./screens/pickup";
import { wireReturns } from "./screens/returns";
import { wirePayment } from "./selling/payment";
import { wireReceiptView } from "./selling/receipt-view";
import { wireScan } from "./selling/scan";
import { start, wireSetup } from "./setup";
import { refreshStaff, wireSignIn } from "./staff/sign-in";
import { till } from "./state";
import { refreshStatus } from "./status-bar";

function showKeyBar(): void {
  $("help").innerHTML = KEYMAP.filter((k) => k.key.startsWith("F") || k.key === "Escape")
    .map((k) => `<span><kbd>${k.key}</kbd> ${k.label}</span>`)
    .join("");
}

showKeyBar();
wireScan();
wirePayment();
wireActionButtons();
wireDialog();
wireReceiptView();
wireSignIn();
wireSetup();
wirePickup();
wireReturns();
wireInbox();
wireKeyboard();
keepFocusOnScan();
start().catch((e) => showMessage(errorText(e)));
setInterval(() => {
  void refreshStatus();
  if (till.configured) void refreshStaff();
}, 1000);
