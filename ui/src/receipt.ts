// The receipt on screen (and printed with window.print()). Every figure comes from the core.

import type { Receipt } from "./generated/Receipt";
import { CurrencyInfo, formatMoney } from "./money";
import { shownReference } from "./tender-reference";

export function percent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const fraction = String(bp % 100).padStart(2, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}%` : `${whole}%`;
}

function row(left: string, right: string, width = 42): string {
  const room = Math.max(1, width - right.length - 1);
  const l = left.length > room ? left.slice(0, room) : left;
  return l + " ".repeat(width - l.length - right.length) + right;
}

export function renderReceipt(r: Receipt, currency: CurrencyInfo): string {
  const m = (minor: number) => formatMoney(minor, currency);
  const out: string[] = [];
  out.push(`Kassa · store ${r.store_code} · till ${r.till_no}`);
  out.push(row(`Receipt ${r.receipt_no}`, String(r.created_at).slice(0, 16).replace("T", " ")));
  if (r.cashier) out.push(`Cashier: ${r.cashier.name}`);
  out.push("-".repeat(42));
  for (const l of r.lines) {
    out.push(row(l.name, m(l.gross)));
    out.push(row(`  ${l.quantity} x ${m(l.unit_price)}`, `${l.sku} ${percent(l.tax_rate)}`));
    if (l.override_reason) out.push(`  price changed: ${l.override_reason}`);
    if (l.line_discount) out.push(row("  discount", `-${m(l.line_discount)}`));
  }
  out.push("-".repeat(42));
  out.push(row("Subtotal", m(r.subtotal)));
  if (r.discount_total) out.push(row("Discounts", `-${m(r.discount_total)}`));
  if (r.tax_mode === "exclusive") out.push(row("Tax", m(r.tax_total)));
  out.push(row("TOTAL", m(r.total)));
  if (r.cash_rounding) {
    out.push(row("Cash rounding", m(r.cash_rounding)));
    out.push(row("To pay", m(r.amount_due)));
  }
  for (const t of r.tenders) {
    const reference = shownReference(t);
    out.push(row(`Paid ${t.kind}${reference ? ` (${reference})` : ""}`, m(t.amount)));
  }
  out.push(row("CHANGE", m(r.change)));
  out.push("-".repeat(42));
  for (const t of r.taxes) out.push(row(`${percent(t.rate)} tax ${m(t.tax)}`, `net ${m(t.net)}`));
  return out.join("\n");
}
