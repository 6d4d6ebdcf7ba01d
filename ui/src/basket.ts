// The basket as the cashier builds it: codes and quantities, discounts and overrides as typed.
// It is a request to the core; prices, totals and tax always come back from the core.

import type { LineRequest } from "./generated/LineRequest";
import type { SaleRequest } from "./generated/SaleRequest";
import type { TenderRequest } from "./generated/TenderRequest";
import type { Discount } from "./generated/Discount";

/** A line as typed: the core's LineRequest (code, quantity, discount, price override). */
export type BasketLine = LineRequest;

export interface Basket {
  lines: BasketLine[];
  discount: Discount | null;
  selected: number;
}

export const MAX_QUANTITY = 100_000;

export function emptyBasket(): Basket {
  return { lines: [], discount: null, selected: -1 };
}

/** A scan adds one; scanning the same item again raises the quantity of its (last) line. */
export function addScan(basket: Basket, code: string): Basket {
  const trimmed = code.trim();
  if (!trimmed) return basket;
  const lines = basket.lines.slice();
  const last = lines.length - 1;
  if (last >= 0 && lines[last].code === trimmed && !lines[last].discount && !lines[last].price_override) {
    lines[last] = { ...lines[last], quantity: Math.min(lines[last].quantity + 1, MAX_QUANTITY) };
    return { ...basket, lines, selected: last };
  }
  lines.push({ code: trimmed, quantity: 1, discount: null, price_override: null });
  return { ...basket, lines, selected: lines.length - 1 };
}

export function setQuantity(basket: Basket, index: number, quantity: number): Basket {
  if (index < 0 || index >= basket.lines.length) return basket;
  if (!Number.isInteger(quantity) || quantity < 1) return removeLine(basket, index);
  const lines = basket.lines.slice();
  lines[index] = { ...lines[index], quantity: Math.min(quantity, MAX_QUANTITY) };
  return { ...basket, lines };
}

export function removeLine(basket: Basket, index: number): Basket {
  if (index < 0 || index >= basket.lines.length) return basket;
  const lines = basket.lines.filter((_, i) => i !== index);
  return { ...basket, lines, selected: Math.min(basket.selected, lines.length - 1) };
}

export function select(basket: Basket, delta: number): Basket {
  if (basket.lines.length === 0) return { ...basket, selected: -1 };
  const selected = Math.max(0, Math.min(basket.lines.length - 1, basket.selected + delta));
  return { ...basket, selected };
}

export function updateLine(basket: Basket, index: number, change: Partial<BasketLine>): Basket {
  if (index < 0 || index >= basket.lines.length) return basket;
  const lines = basket.lines.slice();
  lines[index] = { ...lines[index], ...change };
  return { ...basket, lines };
}

/** The request the core prices and completes. */
export function toRequest(basket: Basket, tenders: TenderRequest[]): SaleRequest {
  return {
    lines: basket.lines.map((l) => ({
      code: l.code,
      quantity: l.quantity,
      discount: l.discount,
      price_override: l.price_override,
    })),
    discount: basket.discount,
    tenders,
  };
}
