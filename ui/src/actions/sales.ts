// F4 void the last sale, F6 price override, F7 line discount, F8 basket discount.

import { call } from "../api";
import { withApproval } from "../approval";
import { updateLine } from "../basket";
import { ask } from "../dialog";
import { fail } from "../failures";
import { showMessage } from "../messages";
import { tryBasket } from "../selling/basket-view";
import { till } from "../state";
import { refreshStatus } from "../status-bar";

export async function voidLastSale(): Promise<void> {
  const values = await ask("Void the last sale", [{ label: "Reason" }]);
  if (!values) return;
  try {
    const voided = await withApproval((approval) => call("void_last_sale", { reason: values[0], approval }));
    showMessage(`Voided ${voided.receipt_no}`, "info");
    void refreshStatus();
  } catch (e) {
    fail(e);
  }
}

export async function overridePrice(): Promise<void> {
  const line = till.basket.selected;
  if (line < 0) return showMessage("Select a line first");
  const values = await ask("Price override", [{ label: "New unit price" }, { label: "Reason" }]);
  if (!values) return;
  try {
    const price = await call("parse_amount", { text: values[0] });
    await tryBasket(updateLine(till.basket, line, { price_override: { price, reason: values[1] } }));
  } catch (e) {
    fail(e);
  }
}

export async function discount(scope: "line" | "basket"): Promise<void> {
  const line = till.basket.selected;
  if (scope === "line" && line < 0) return showMessage("Select a line first");
  const values = await ask(scope === "line" ? "Line discount" : "Basket discount", [{ label: "10% or an amount such as 2.50" }]);
  if (!values) return;
  try {
    const parsed = await call("parse_discount", { text: values[0] });
    await tryBasket(scope === "line" ? updateLine(till.basket, line, { discount: parsed }) : { ...till.basket, discount: parsed });
  } catch (e) {
    fail(e);
  }
}
