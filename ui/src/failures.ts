// What a refusal from the core leads to: a locked till (or a leaver signed out) goes to the
// sign-in screen, a till with no open shift offers to open one, anything else is shown.

import { ApiError, errorText } from "./api";
import { showMessage } from "./messages";
import { offerShift } from "./staff/shift-open";
import { refreshStaff } from "./staff/sign-in";

export function fail(e: unknown): void {
  if (e instanceof ApiError && e.code === "sign_in_required") {
    void refreshStaff(e.message);
    return;
  }
  showMessage(errorText(e));
  if (e instanceof ApiError && e.code === "no_shift") void offerShift();
}
