// A supervisor's or manager's PIN shorter than six digits (set before approvers needed six) no
// longer lets them in: the core refuses it with pin_change_required, and the till asks for a new
// one on the spot, at sign-in or approval, online or not. Head office takes it at the next sync.

import { ApiError, call } from "../api";
import type { Ask } from "../dialog";

export type ChangePin = (staff: string, oldPin: string, newPin: string) => Promise<void>;

export const changePinAtTill: ChangePin = async (staff, oldPin, newPin) => {
  await call("change_pin", { staff, oldPin, newPin });
};

/** Asks `staff` for a new PIN, twice, and changes it: the new PIN, or null when cancelled. */
export async function askNewPin(staff: string, oldPin: string, why: string, askFor: Ask, changePin: ChangePin): Promise<string | null> {
  let title = why;
  for (;;) {
    const values = await askFor(title, [
      { label: "New PIN (at least 6 digits)", type: "password" },
      { label: "New PIN again", type: "password" },
    ]);
    if (!values) return null;
    if (values[0] !== values[1]) {
      title = "The two PINs differ: type the new PIN twice";
      continue;
    }
    try {
      await changePin(staff, oldPin, values[0]);
      return values[0];
    } catch (e) {
      if (e instanceof ApiError && e.code === "bad_input") {
        title = e.message;
        continue;
      }
      throw e;
    }
  }
}
