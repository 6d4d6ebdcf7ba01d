// The sign-in screen: choose your name, type your PIN. Shown when the till locks (head office's
// first staff, Alt+L, a leaver signed out).

import { ApiError, call, errorText } from "../api";
import { ask } from "../dialog";
import { $ } from "../dom";
import { clearMessage } from "../messages";
import { mustSignIn, operatorLabel } from "../staff";
import { till } from "../state";
import { askNewPin, changePinAtTill } from "./pin-change";
import { offerShift } from "./shift-open";

export async function refreshStaff(message = ""): Promise<void> {
  try {
    till.staff = await call("staff_state");
  } catch {
    return;
  }
  $("operator").textContent = operatorLabel(till.staff);
  $("lock-button").hidden = !till.staff.sign_in_required || !till.staff.operator;
  // Shown once when the till locks; the poll does not reset a PIN being typed. Someone head
  // office adds while the screen is open (a sync between two additions) joins the list.
  if ((mustSignIn(till.staff) && $("signin").hidden) || message) showSignIn(message);
  else if (!$("signin").hidden) renderStaffChoices();
}

/** The names to choose from; unless `always`, redrawn only when the list changed, so a name
 * being chosen stays chosen. */
function renderStaffChoices(always = false): void {
  const box = $("signin-staff");
  const members = till.staff?.staff ?? [];
  const shown = Array.from(box.querySelectorAll<HTMLButtonElement>("button"), (b) => `${b.dataset.id}:${b.textContent}`);
  const wanted = members.map((m) => `${m.id}:${m.name}`);
  if (!always && shown.join("\n") === wanted.join("\n")) return;
  box.replaceChildren();
  for (const member of members) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `secondary staff-choice${member.id === till.chosenStaff ? " chosen" : ""}`;
    b.dataset.id = member.id;
    b.textContent = member.name;
    b.addEventListener("click", () => {
      till.chosenStaff = member.id;
      box.querySelectorAll("button").forEach((x) => x.classList.toggle("chosen", x === b));
      $("signin-pin").focus();
    });
    box.appendChild(b);
  }
}

function showSignIn(message: string): void {
  renderStaffChoices(true);
  $("signin-message").textContent = message;
  $<HTMLInputElement>("signin-pin").value = "";
  $("signin").hidden = false;
  $("signin-pin").focus();
}

async function submitSignIn(): Promise<void> {
  const pinField = $<HTMLInputElement>("signin-pin");
  const pin = pinField.value;
  pinField.value = "";
  if (!till.chosenStaff) {
    $("signin-message").textContent = "Choose your name first";
    return;
  }
  const staff = till.chosenStaff;
  try {
    try {
      await call("sign_in", { staff, pin });
    } catch (e) {
      if (!(e instanceof ApiError) || e.code !== "pin_change_required") throw e;
      const newPin = await askNewPin(staff, pin, e.message, ask, changePinAtTill);
      if (newPin === null) throw e;
      await call("sign_in", { staff, pin: newPin });
    }
    $("signin").hidden = true;
    clearMessage();
    await refreshStaff();
    await offerShift();
  } catch (e) {
    $("signin-message").textContent = errorText(e);
    pinField.focus();
  }
}

/** Alt+L: the till locks for the next person. */
export async function lockTill(): Promise<void> {
  if (!till.staff?.sign_in_required) return;
  await call("lock_till").catch(() => undefined);
  till.chosenStaff = null;
  await refreshStaff();
}

export function wireSignIn(): void {
  $("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitSignIn();
  });
  $("lock-button").addEventListener("click", () => void lockTill());
}
