// Taking payment: F2 cash (quick amounts or what was handed over), F3 card (terminal reference;
// an amount makes a split tender), then the sale is completed and its receipt shown.

import { emptyBasket, toRequest } from "../basket";
import { call, errorText } from "../api";
import { withApproval } from "../approval";
import { $, valueOf } from "../dom";
import { fail } from "../failures";
import type { TenderRequest } from "../generated/TenderRequest";
import { clearMessage, showMessage } from "../messages";
import { formatMoney } from "../money";
import { renderReceipt } from "../receipt";
import { till } from "../state";
import { refreshStatus } from "../status-bar";
import { renderBasket } from "./basket-view";
import { showReceipt } from "./receipt-view";

async function complete(extra: TenderRequest[]): Promise<void> {
  try {
    const request = toRequest(till.basket, [...till.tenders, ...extra]);
    const receipt = await withApproval((approval) => call("complete_sale", { request, approval }));
    showReceipt(renderReceipt(receipt, till.currency), receipt.receipt_no);
    if (till.printerReady) {
      // The sale is saved already: a printer problem is reported, and Print tries again.
      call("print_receipt", { receiptNo: receipt.receipt_no, copy: false }).catch((e) => showMessage(`${errorText(e)} — press Print to try again`));
    }
    till.basket = emptyBasket();
    till.tenders = [];
    till.priced = null;
    hidePanels();
    renderBasket();
    void refreshStatus();
  } catch (e) {
    fail(e);
  }
}

export function hidePanels(): void {
  $("cash-panel").hidden = true;
  $("card-panel").hidden = true;
}

export async function openCash(): Promise<void> {
  if (!till.priced) return showMessage("The basket is empty");
  clearMessage();
  hidePanels();
  $("cash-panel").hidden = false;
  const quick = $("quick-cash");
  quick.replaceChildren();
  const amountField = $<HTMLInputElement>("cash-amount");
  amountField.value = "";
  amountField.focus();
  try {
    const amounts = await call("quick_cash", { request: toRequest(till.basket, till.tenders) });
    amounts.forEach((amount, i) => {
      const b = document.createElement("button");
      b.type = "button";
      const text = formatMoney(amount, till.currency);
      b.textContent = i === 0 ? `Exact ${text}` : text;
      b.addEventListener("click", () => complete([{ kind: "cash", amount, reference: null }]));
      quick.appendChild(b);
    });
  } catch (e) {
    fail(e);
  }
}

export function openCard(): void {
  if (!till.priced) return showMessage("The basket is empty");
  clearMessage();
  hidePanels();
  $("card-panel").hidden = false;
  $<HTMLInputElement>("card-amount").value = "";
  $<HTMLInputElement>("card-ref").value = "";
  $("card-amount").focus();
}

async function submitCash(): Promise<void> {
  const text = valueOf("cash-amount").trim();
  try {
    const amount = text ? await call("parse_amount", { text }) : null;
    await complete([{ kind: "cash", amount, reference: null }]);
  } catch (e) {
    fail(e);
  }
}

async function submitCard(): Promise<void> {
  const text = valueOf("card-amount").trim();
  const reference = valueOf("card-ref").trim() || null;
  try {
    if (!text) return await complete([{ kind: "card", amount: null, reference }]);
    till.tenders = [...till.tenders, { kind: "card", amount: await call("parse_amount", { text }), reference }];
    hidePanels();
    renderBasket();
    showMessage("Card part taken: take the rest in cash (F2) or card (F3)", "info");
  } catch (e) {
    fail(e);
  }
}

export function wirePayment(): void {
  $("cash-panel").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitCash();
  });
  $("card-panel").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitCard();
  });
  $("pay-cash").addEventListener("click", () => void openCash());
  $("pay-card").addEventListener("click", openCard);
}
