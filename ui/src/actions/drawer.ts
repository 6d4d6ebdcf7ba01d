// The shift and the cash drawer: Alt+M cash in or out, Alt+X the X report, Alt+Z close with a
// blind count, Alt+A the audit log.

import { call } from "../api";
import { withApproval } from "../approval";
import { auditHtml } from "../audit-view";
import { ask, showInfo } from "../dialog";
import { fail } from "../failures";
import type { TenderCount } from "../generated/TenderCount";
import { showMessage } from "../messages";
import { formatMoney } from "../money";
import { showReceipt } from "../selling/receipt-view";
import { renderShiftReport } from "../shift";
import { till } from "../state";
import { refreshStatus } from "../status-bar";

export async function cashMovement(): Promise<void> {
  const values = await ask("Cash in or out of the drawer", [{ label: "in or out", value: "in" }, { label: "Amount" }, { label: "Reason" }]);
  if (!values) return;
  const direction = values[0].trim().toLowerCase();
  if (direction !== "in" && direction !== "out") return showMessage("Type in or out");
  try {
    const amount = await call("parse_amount", { text: values[1] });
    const moved = await withApproval((approval) => call("cash_movement", { direction, amount, reason: values[2], approval }));
    showMessage(`Cash ${moved.direction} ${formatMoney(moved.amount, till.currency)}: ${moved.reason}`, "info");
  } catch (e) {
    fail(e);
  }
}

export async function xReport(): Promise<void> {
  try {
    showReceipt(renderShiftReport(await withApproval((approval) => call("x_report", { approval })), till.currency));
  } catch (e) {
    fail(e);
  }
}

export async function closeShift(): Promise<void> {
  // Blind count: the expected figures appear only on the Z report, after the count.
  const values = await ask("Close the shift: count the drawer", [{ label: "Cash counted" }, { label: "Card terminal total (optional)" }]);
  if (!values) return;
  try {
    const counts: TenderCount[] = [{ kind: "cash", amount: await call("parse_amount", { text: values[0] }), denominations: [] }];
    if (values[1].trim()) counts.push({ kind: "card", amount: await call("parse_amount", { text: values[1] }), denominations: [] });
    showReceipt(renderShiftReport(await call("close_shift", { counts }), till.currency));
    void refreshStatus();
  } catch (e) {
    fail(e);
  }
}

export async function auditLog(): Promise<void> {
  try {
    await showInfo("Audit log", auditHtml(await call("audit_log", { limit: 100 })));
  } catch (e) {
    fail(e);
  }
}
