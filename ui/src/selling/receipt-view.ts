// A receipt or report on screen, with Print (the receipt printer for a sale, else the page
// printer) and New sale.

import { call, errorText } from "../api";
import { $ } from "../dom";
import { showMessage } from "../messages";
import { till } from "../state";

let shownSale: string | null = null;

/** Shows a receipt or report; `saleNo` when it is a sale's, so Print can reprint it. */
export function showReceipt(text: string, saleNo: string | null = null): void {
  $("receipt").textContent = text;
  shownSale = saleNo;
  $("receipt-view").hidden = false;
  $("new-sale").focus();
}

export function closeReceipt(): void {
  $("receipt-view").hidden = true;
}

/** A sale's receipt goes to the receipt printer (marked COPY); anything else to the page printer. */
async function printShown(): Promise<void> {
  if (!till.printerReady || !shownSale) return window.print();
  try {
    await call("print_receipt", { receiptNo: shownSale, copy: true });
    showMessage(`Printed a copy of ${shownSale}`, "info");
  } catch (e) {
    showMessage(errorText(e));
  }
}

export function wireReceiptView(): void {
  $("print").addEventListener("click", () => void printShown());
  $("new-sale").addEventListener("click", closeReceipt);
}
