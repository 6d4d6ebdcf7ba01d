// F5 search by name, F10 stock here and elsewhere, F9 sync now.

import { call } from "../api";
import { ask, showInfo } from "../dialog";
import { $ } from "../dom";
import { fail } from "../failures";
import { showMessage } from "../messages";
import { formatMoney } from "../money";
import { onScan } from "../selling/scan";
import { till } from "../state";
import { refreshStatus } from "../status-bar";
import { stockHtml } from "../stock-view";

export async function search(): Promise<void> {
  const typed = $<HTMLInputElement>("scan").value.trim();
  const query = typed || ((await ask("Search products", [{ label: "Name" }])) ?? [""])[0];
  if (!query) return;
  try {
    const items = await call("search_items", { query });
    const box = $("search-results");
    box.replaceChildren();
    box.hidden = false;
    for (const item of items) {
      const b = document.createElement("button");
      b.type = "button";
      b.innerHTML = `<span></span><span></span>`;
      b.children[0].textContent = item.name;
      b.children[1].textContent = formatMoney(item.price, till.currency);
      b.addEventListener("click", () => {
        box.hidden = true;
        void onScan(item.sku);
      });
      box.appendChild(b);
    }
    if (items.length === 0) showMessage(`Nothing matches “${query}”`);
  } catch (e) {
    fail(e);
  }
}

export async function stock(): Promise<void> {
  const i = till.basket.selected;
  const code = i >= 0 ? till.basket.lines[i].code : "";
  const values = await ask("Stock lookup", [{ label: "Barcode or SKU", value: code }]);
  if (!values) return;
  try {
    await showInfo("Stock", stockHtml(await call("stock_lookup", { code: values[0] })));
  } catch (e) {
    fail(e);
  }
}

export async function syncNow(): Promise<void> {
  try {
    await call("sync_now");
    showMessage("Synced with head office", "info");
  } catch (e) {
    fail(e);
  }
  await refreshStatus();
}
