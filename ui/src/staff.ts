// Staff at the till: what the status bar says about who is signed in, and which refusals a
// second person's PIN can turn around. The core checks every PIN and permission.

import type { ErrorCode } from "./generated/ErrorCode";
import type { StaffState } from "./generated/StaffState";

export type { StaffState };

/** The status bar's words for who is at the till, or "" on a till with no staff. */
export function operatorLabel(state: StaffState): string {
  if (!state.sign_in_required) return "";
  return state.operator ? `${state.operator.name} (${state.operator.role})` : "Locked";
}

/** Whether the till must show the sign-in screen before anything else. */
export function mustSignIn(state: StaffState): boolean {
  return state.sign_in_required && !state.operator;
}

/** Refusals that another staff member's PIN can approve (on a till with staff). */
export function approvable(code: ErrorCode): boolean {
  return code === "needs_approval" || code === "not_permitted";
}
