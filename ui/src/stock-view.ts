// The stock dialog (F10): here, reserved for online orders and available; the other stores as
// head office last heard from them.

import { escapeHtml } from "./dom";
import type { StockView } from "./generated/StockView";

export function stockHtml(s: StockView): string {
  const rows = s.elsewhere
    ? s.elsewhere.stores.map((x) => `<tr><td>${escapeHtml(x.store)}</td><td>${x.on_hand}</td><td>${escapeHtml(x.as_of ?? "never synced")}</td></tr>`).join("")
    : `<tr><td colspan="3">Other stores: ${escapeHtml(s.elsewhere_error ?? "unavailable")}</td></tr>`;
  return `<p><b>${escapeHtml(s.item.name)}</b> (${escapeHtml(s.item.sku)})</p><p id="stock-here">Here: ${s.here} on hand · ${s.position.reserved} reserved for online orders · ${s.position.available} available</p><table><tr><th>Store</th><th>On hand</th><th>As of</th></tr>${rows}</table>`;
}
