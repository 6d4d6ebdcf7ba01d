// A refusal that another staff member's PIN can lift: ask for their name and PIN on the spot and
// run the command again with them. The core checks both; the UI only asks.

import { ApiError } from "./api";
import { ask, Ask } from "./dialog";
import type { Credentials } from "./generated/Credentials";
import { approvable } from "./staff";
import { till } from "./state";

export type Attempt<T> = (approval: Credentials | null) => Promise<T>;

/**
 * Runs `attempt`; when the core says it needs a supervisor's or manager's approval (on a till
 * with staff), asks with `askFor` until the approval is given or the dialog is cancelled.
 */
export async function withApprovalAsking<T>(attempt: Attempt<T>, askFor: Ask, tillHasStaff: boolean): Promise<T> {
  try {
    return await attempt(null);
  } catch (first) {
    if (!(first instanceof ApiError) || !approvable(first.code) || !tillHasStaff) throw first;
    let why = first.message;
    for (;;) {
      const values = await askFor(`Approval needed: ${why}`, [{ label: "Supervisor or manager" }, { label: "PIN", type: "password" }]);
      if (!values) throw first;
      try {
        return await attempt({ staff: values[0], pin: values[1] });
      } catch (e) {
        if (e instanceof ApiError && (approvable(e.code) || e.code === "wrong_pin")) {
          why = e.message;
          continue;
        }
        throw e;
      }
    }
  }
}

export function withApproval<T>(attempt: Attempt<T>): Promise<T> {
  return withApprovalAsking(attempt, ask, till.staff?.sign_in_required ?? false);
}
