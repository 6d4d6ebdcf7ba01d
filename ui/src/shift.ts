// The X and Z reports as the till shows and prints them. Every figure comes from the core.

import type { ShiftReport } from "./generated/ShiftReport";
import { CurrencyInfo, formatMoney } from "./money";
import { percent } from "./receipt";

function row(left: string, right: string, width = 42): string {
  const room = Math.max(1, width - right.length - 1);
  const l = left.length > room ? left.slice(0, room) : left;
  return l + " ".repeat(width - l.length - right.length) + right;
}

export function renderShiftReport(r: ShiftReport, currency: CurrencyInfo): string {
  const m = (minor: number) => formatMoney(minor, currency);
  // What a report subtracts, shown negative; nothing subtracted shows as 0.00, not "-€ 0.00".
  const less = (minor: number) => formatMoney(minor === 0 ? 0 : -minor, currency);
  const out: string[] = [];
  if (r.copy) out.push("*** COPY ***");
  out.push(`${r.kind} report · till ${r.till_no}`);
  out.push(`Opened ${String(r.opened_at).slice(0, 16).replace("T", " ")} by ${r.opened_by ?? "-"}`);
  if (r.closed_at) out.push(`Closed ${String(r.closed_at).slice(0, 16).replace("T", " ")} by ${r.closed_by ?? "-"}`);
  out.push("-".repeat(42));
  const s = r.sales;
  out.push(row(`Sales (${s.sales_count})`, m(s.sales_total)));
  out.push(row(`Voids (${s.voids_count})`, less(s.voids_total)));
  out.push(row(`Returns (${s.returns_count})`, less(s.returns_total)));
  out.push(row(`Pickups paid (${s.pickups_count})`, m(s.pickup_payments)));
  out.push(row("Discounts given", m(s.discount_total)));
  for (const t of s.tenders) out.push(row(`  ${t.kind} net`, m(t.net)));
  for (const t of s.taxes) out.push(row(`  tax ${percent(t.rate)}`, `${m(t.tax)} of ${m(t.gross)}`));
  out.push("-".repeat(42));
  out.push(row("Float", m(r.float)));
  out.push(row("Cash in", m(r.cash_in)));
  out.push(row("Cash out", less(r.cash_out)));
  for (const mv of r.movements) out.push(row(`  ${mv.direction} ${mv.reason}`, m(mv.amount)));
  out.push("-".repeat(42));
  out.push(row("Tender   expected", "counted   difference"));
  for (const e of r.expected) {
    const counted = r.counted.find((c) => c.kind === e.kind);
    const diff = r.difference.find((d) => d.kind === e.kind);
    out.push(row(`${e.kind}  ${m(e.amount)}`, `${counted ? m(counted.amount) : "-"}  ${diff ? m(diff.amount) : "-"}`));
  }
  return out.join("\n");
}
