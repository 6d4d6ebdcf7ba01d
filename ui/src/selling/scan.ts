// A scanned or typed code: added to the basket when the catalogue knows it, refused otherwise.

import { addScan } from "../basket";
import { ApiError, call, errorText } from "../api";
import { $ } from "../dom";
import { clearMessage, showMessage } from "../messages";
import { till } from "../state";
import { tryBasket } from "./basket-view";

export async function onScan(code: string): Promise<void> {
  const text = code.trim();
  if (!text) return;
  $<HTMLInputElement>("scan").value = "";
  try {
    await call("find_item", { code: text });
  } catch (e) {
    showMessage(e instanceof ApiError && e.code === "not_found" ? `Unknown barcode ${text} — nothing was added` : errorText(e));
    return;
  }
  clearMessage();
  await tryBasket(addScan(till.basket, text));
}

export function wireScan(): void {
  $("scan-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void onScan($<HTMLInputElement>("scan").value);
  });
}
