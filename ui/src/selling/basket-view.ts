// The basket table and the totals beside it, as the core priced them.

import { Basket, removeLine, setQuantity, toRequest } from "../basket";
import { call } from "../api";
import { $ } from "../dom";
import { fail } from "../failures";
import { formatMoney } from "../money";
import { till } from "../state";

const money = (minor: number) => formatMoney(minor, till.currency);

async function reprice(): Promise<void> {
  till.priced = till.basket.lines.length === 0 ? null : await call("price_basket", { request: toRequest(till.basket, []) });
  renderBasket();
}

/** Applies a change to the basket only if the core can price it; otherwise says why and keeps the old basket. */
export async function tryBasket(next: Basket): Promise<void> {
  const before = till.basket;
  till.basket = next;
  try {
    await reprice();
  } catch (e) {
    till.basket = before;
    await reprice().catch(() => undefined);
    fail(e);
  }
}

export function renderBasket(): void {
  const { basket, priced } = till;
  const body = $("basket-lines");
  body.replaceChildren();
  basket.lines.forEach((line, i) => {
    const p = priced?.lines[i];
    const tr = document.createElement("tr");
    tr.className = i === basket.selected ? "selected" : "";
    tr.dataset.index = String(i);
    const notes = [p?.override_reason ? `price changed: ${p.override_reason}` : "", p?.line_discount ? `discount ${money(p.line_discount)}` : ""].filter(Boolean).join(" · ");
    tr.innerHTML = `<td><div class="name"></div><div class="note"></div></td>
      <td class="qty"><button type="button" class="secondary less" aria-label="less">−</button> <span class="q"></span> <button type="button" class="secondary more" aria-label="more">+</button></td>
      <td class="num unit"></td><td class="num amount"></td>
      <td><button type="button" class="secondary remove" aria-label="remove">✕</button></td>`;
    const cell = (selector: string) => tr.querySelector(selector) as HTMLElement;
    cell(".name").textContent = p ? p.name : line.code;
    cell(".note").textContent = notes;
    cell(".q").textContent = String(line.quantity);
    cell(".unit").textContent = p ? money(p.unit_price) : "";
    cell(".amount").textContent = p ? money(p.amount) : "";
    cell(".less").addEventListener("click", () => tryBasket(setQuantity(till.basket, i, line.quantity - 1)));
    cell(".more").addEventListener("click", () => tryBasket(setQuantity(till.basket, i, line.quantity + 1)));
    cell(".remove").addEventListener("click", () => tryBasket(removeLine(till.basket, i)));
    tr.addEventListener("click", () => {
      till.basket = { ...till.basket, selected: i };
      renderBasket();
    });
    body.appendChild(tr);
  });
  $("subtotal").textContent = priced ? money(priced.subtotal) : "–";
  $("discounts").textContent = priced ? money(priced.discount_total) : "–";
  $("tax").textContent = priced ? money(priced.tax_total) : "–";
  $("total").textContent = priced ? money(priced.total) : "–";
  $("tenders-entered").textContent = till.tenders.map((t) => `${t.kind} ${t.amount === null ? "rest" : money(t.amount)}${t.reference ? ` (${t.reference})` : ""}`).join(", ");
}
