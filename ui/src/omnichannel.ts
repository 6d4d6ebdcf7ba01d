// Pure helpers for the pickup and return screens: what the cashier entered, turned into the
// requests the core takes, and the core's records turned into receipt text. No money is computed
// here: every amount comes from the core.

import type { OrderView } from "./generated/OrderView";
import type { PickupLineRequest } from "./generated/PickupLineRequest";
import type { PickupRecord } from "./generated/PickupRecord";
import type { ReturnLineRequest } from "./generated/ReturnLineRequest";
import type { ReturnLookup } from "./generated/ReturnLookup";
import type { ReturnOf } from "./generated/ReturnOf";
import type { ReturnRecord } from "./generated/ReturnRecord";
import type { ReturnSource } from "./generated/ReturnSource";
import { shownReference } from "./tender-reference";
import { CurrencyInfo, formatMoney } from "./money";

export type { ReturnOf };

/** A typed or scanned number: an order QR code (`kassa:order:W1001`) or `order W1001` is an order, anything else a receipt. */
export function parseReturnQuery(text: string): Exclude<ReturnOf, { kind: "no_receipt" }> | null {
  const t = text.trim();
  if (!t) return null;
  const qr = /^kassa:order:(.+)$/i.exec(t);
  if (qr) return { kind: "order", order: qr[1].trim() };
  const typed = /^order[\s:]+(.+)$/i.exec(t);
  if (typed) return { kind: "order", order: typed[1].trim() };
  return { kind: "receipt", receipt_no: t };
}

/** Whole non-negative numbers only; anything else is refused with a message. */
export function parseQuantity(text: string, max: number): number {
  const t = text.trim();
  if (t === "") return 0;
  if (!/^\d+$/.test(t)) throw new Error(`“${text}” is not a whole number`);
  const n = Number.parseInt(t, 10);
  if (n > max) throw new Error(`only ${max} can be taken`);
  return n;
}

export interface PickupLineInput {
  sku: string;
  remaining: number;
  now: string;
}

/** The lines to hand over; all remaining when the cashier left every field as it was. */
export function pickupLines(inputs: PickupLineInput[]): PickupLineRequest[] {
  const lines = inputs
    .map((i) => ({ code: i.sku, quantity: parseQuantity(i.now, i.remaining) }))
    .filter((l) => l.quantity > 0);
  if (lines.length === 0) throw new Error("nothing to hand over");
  return lines;
}

export interface ReturnLineInput {
  sku: string;
  returnable: number;
  take: string;
  damaged: boolean;
}

export function returnLines(inputs: ReturnLineInput[]): ReturnLineRequest[] {
  const lines = inputs
    .map((i) => ({ code: i.sku, quantity: parseQuantity(i.take, i.returnable), restock: !i.damaged }))
    .filter((l) => l.quantity > 0);
  if (lines.length === 0) throw new Error("choose what comes back");
  return lines;
}

function row(left: string, right: string, width = 42): string {
  const room = Math.max(1, width - right.length - 1);
  const l = left.length > room ? left.slice(0, room) : left;
  return l + " ".repeat(Math.max(1, width - l.length - right.length)) + right;
}

const rule = "-".repeat(42);

export function renderPickup(p: PickupRecord, currency: CurrencyInfo): string {
  const m = (minor: number) => formatMoney(minor, currency);
  const out = [`Kassa · store ${p.store} · till ${p.till_no}`, row(`Pickup ${p.receipt_no}`, String(p.created_at).slice(0, 16).replace("T", " ")), `Online order ${p.order_no}`, rule];
  for (const l of p.lines) out.push(row(`  ${l.quantity} x ${l.sku}`, ""));
  out.push(rule, row("Value handed over", m(p.value)));
  if (p.amount_due) {
    if (p.cash_rounding) out.push(row("Cash rounding", m(p.cash_rounding)));
    out.push(row("Paid now", m(p.amount_due)));
    for (const t of p.tenders) {
      const reference = shownReference(t);
      out.push(row(`Paid ${t.kind}${reference ? ` (${reference})` : ""}`, m(t.amount)));
    }
    out.push(row("CHANGE", m(p.change)));
  } else {
    out.push("Paid online");
  }
  return out.join("\n");
}

export function renderReturn(r: ReturnRecord, currency: CurrencyInfo): string {
  const m = (minor: number) => formatMoney(minor, currency);
  const source = r.source.kind === "sale" ? `Receipt ${r.source.receipt_no}` : r.source.kind === "order" ? `Online order ${r.source.order_no}` : "No receipt";
  const out = [`Kassa · store ${r.store_code} · till ${r.till_no}`, row(`REFUND ${r.receipt_no}`, String(r.created_at).slice(0, 16).replace("T", " ")), `Return of ${source}`, rule];
  for (const l of r.lines) {
    out.push(row(l.name, `-${m(l.amount)}`));
    out.push(`  ${l.quantity} x ${l.sku}${l.restock ? "" : " (damaged)"}`);
  }
  out.push(rule, row("REFUND TOTAL", m(r.total)));
  if (r.cash_rounding) out.push(row("Cash rounding", m(r.cash_rounding)));
  for (const t of r.refunds) {
    const reference = shownReference(t);
    const label = t.kind === "credit" ? `Store credit ${reference ?? ""}` : `Refund ${t.kind}${reference ? ` (${reference})` : ""}`;
    out.push(row(label, m(t.amount)));
  }
  if (r.approved_by) out.push(`Approved by ${r.approved_by}`);
  return out.join("\n");
}

/** An order in the pickup list and as its title: number, customer, status (and overdue). */
export function orderSummary(o: OrderView): string {
  return `${o.order_no} · ${o.customer_name} · ${o.status.replace(/_/g, " ")}${o.overdue ? " (overdue)" : ""}`;
}

/** What the return screen says it found: the receipt or order, where it was looked up, its age. */
export function returnTitle(found: ReturnLookup): string {
  const s = found.returnable.source;
  const what = s.kind === "order" ? `Online order ${s.order_no}` : s.kind === "sale" ? `Receipt ${s.receipt_no}` : "No receipt";
  const where = (found.remote_sale || found.remote_order) && s.kind !== "no_receipt" ? ` (store ${s.store}, looked up at head office)` : "";
  return `${what}${where} · ${found.returnable.days_since_sale} days ago`;
}

/** The return request's `of` for what was found: the sale's receipt number, or the order. */
export function returnOfSource(source: ReturnSource): ReturnOf {
  switch (source.kind) {
    case "sale":
      return { kind: "receipt", receipt_no: source.receipt_no };
    case "order":
      return { kind: "order", order: source.order_no };
    case "no_receipt":
      return { kind: "no_receipt" };
  }
}
