// A refusal that another staff member's PIN can lift: ask for their name and PIN on the spot and
// run the command again with them. The core checks both; the UI only asks.

import { ApiError } from "./api";
import { ask, Ask } from "./dialog";
import type { Credentials } from "./generated/Credentials";
import { approvable } from "./staff";
import { till } from "./state";
import { askNewPin, ChangePin, changePinAtTill } from "./staff/pin-change";

export type Attempt<T> = (approval: Credentials | null) => Promise<T>;

/** A refusal after which the approver may try again (another person, or the PIN retyped). */
function askAgain(e: unknown): e is ApiError {
  return e instanceof ApiError && (approvable(e.code) || e.code === "wrong_pin");
}

/**
 * Runs `attempt`; when the core says it needs a supervisor's or manager's approval (on a till
 * with staff), asks with `askFor` until the approval is given or the dialog is cancelled. An
 * approver whose PIN is too short for their role chooses a new one there and then.
 */
export async function withApprovalAsking<T>(attempt: Attempt<T>, askFor: Ask, tillHasStaff: boolean, changePin: ChangePin = changePinAtTill): Promise<T> {
  try {
    return await attempt(null);
  } catch (first) {
    if (!(first instanceof ApiError) || !approvable(first.code) || !tillHasStaff) throw first;
    let why = first.message;
    for (;;) {
      const values = await askFor(`Approval needed: ${why}`, [{ label: "Supervisor or manager" }, { label: "PIN", type: "password" }]);
      if (!values) throw first;
      const [staff, pin] = values;
      try {
        try {
          return await attempt({ staff, pin });
        } catch (e) {
          if (!(e instanceof ApiError) || e.code !== "pin_change_required") throw e;
          const newPin = await askNewPin(staff, pin, e.message, askFor, changePin);
          if (newPin === null) throw first;
          return await attempt({ staff, pin: newPin });
        }
      } catch (e) {
        if (e === first || !askAgain(e)) throw e;
        why = e.message;
      }
    }
  }
}

export function withApproval<T>(attempt: Attempt<T>): Promise<T> {
  return withApprovalAsking(attempt, ask, till.staff?.sign_in_required ?? false);
}
