// On a till with staff no money is taken without an open shift: after sign-in (or when the core
// says so) the cashier counts the float into the drawer.

import { call, errorText } from "../api";
import { ask } from "../dialog";
import { formatMoney } from "../money";
import { showMessage } from "../messages";
import { till } from "../state";

let offering = false;

export async function offerShift(): Promise<void> {
  if (offering || !till.staff?.sign_in_required || !till.staff.operator) return;
  offering = true;
  try {
    if (await call("current_shift")) return;
    for (;;) {
      const values = await ask("Open a shift: count the float into the drawer", [{ label: "Float", value: "" }]);
      if (!values) return;
      try {
        const float = await call("parse_amount", { text: values[0] || "0" });
        await call("open_shift", { float });
        showMessage(`Shift open with a float of ${formatMoney(float, till.currency)}`, "info");
        return;
      } catch (e) {
        showMessage(errorText(e));
      }
    }
  } finally {
    offering = false;
  }
}
