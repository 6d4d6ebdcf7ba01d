// Online order pickup (F1): find the order (number, QR code, customer name), check the pickup
// code, hand over everything or some of it, take any balance. The core checks everything.

import { call, errorText } from "../api";
import { $, valueOf } from "../dom";
import type { OrderView } from "../generated/OrderView";
import type { TenderKind } from "../generated/TenderKind";
import type { TenderRequest } from "../generated/TenderRequest";
import { formatMoney } from "../money";
import { orderSummary, pickupLines, renderPickup } from "../omnichannel";
import { showReceipt } from "../selling/receipt-view";
import { till } from "../state";
import { refreshStatus } from "../status-bar";
import { say } from "./overlays";

let order: OrderView | null = null;

export function openPickup(): void {
  order = null;
  $("pickup-view").hidden = false;
  $("order-detail").hidden = true;
  $("order-list").replaceChildren();
  say("pickup-message", "", "info");
  const q = $<HTMLInputElement>("order-query");
  q.value = "";
  q.focus();
  void listOrders("");
}

async function listOrders(query: string): Promise<OrderView[]> {
  try {
    const orders = await call("find_orders", { query });
    const list = $("order-list");
    list.replaceChildren();
    for (const o of orders) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "order-choice";
      b.textContent = orderSummary(o);
      b.addEventListener("click", () => showOrder(o));
      list.appendChild(b);
    }
    if (query && orders.length === 1) showOrder(orders[0]);
    else if (query && orders.length === 0) say("pickup-message", `No order matches “${query}”`);
    return orders;
  } catch (e) {
    say("pickup-message", errorText(e));
    return [];
  }
}

function showOrder(o: OrderView): void {
  order = o;
  const m = (minor: number) => formatMoney(minor, till.currency);
  $("order-list").replaceChildren();
  $("order-detail").hidden = false;
  $("order-title").textContent = `Order ${orderSummary(o)}`;
  const body = $("pickup-lines");
  body.replaceChildren();
  for (const l of o.lines) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td></td><td class="num"></td><td class="num"></td><td><input class="now" inputmode="numeric" size="3" /></td>`;
    tr.children[0].textContent = `${l.name} (${l.sku})`;
    tr.children[1].textContent = String(l.ordered);
    tr.children[2].textContent = String(l.picked_up);
    const input = tr.querySelector("input") as HTMLInputElement;
    input.value = String(l.remaining);
    input.dataset.sku = l.sku;
    input.dataset.remaining = String(l.remaining);
    input.disabled = l.remaining === 0;
    body.appendChild(tr);
  }
  const paid = o.paid_online > 0 ? `paid online ${m(o.paid_online)}` : "to pay at pickup";
  $("order-balance").textContent = `Total ${m(o.total)} · ${paid} · due for everything left: ${m(o.balance)}`;
  $("pickup-pay-row").hidden = o.balance === 0;
  $<HTMLInputElement>("pickup-amount").value = "";
  say("pickup-message", "", "info");
  $<HTMLInputElement>("pickup-code").value = "";
  $("pickup-code").focus();
}

async function submitPickup(): Promise<void> {
  if (!order) {
    const orders = await listOrders(valueOf("order-query").trim());
    if (orders.length > 1) say("pickup-message", `${orders.length} orders match: choose one`, "info");
    return;
  }
  try {
    const lines = pickupLines(
      Array.from($("pickup-lines").querySelectorAll("input")).map((input) => ({
        sku: input.dataset.sku ?? "",
        remaining: Number(input.dataset.remaining),
        now: input.value,
      })),
    );
    const tenders: TenderRequest[] = [];
    if (order.balance > 0) {
      const amountText = valueOf("pickup-amount").trim();
      const amount = amountText ? await call("parse_amount", { text: amountText }) : null;
      tenders.push({ kind: valueOf("pickup-tender") as TenderKind, amount, reference: null });
    }
    const record = await call("pickup_order", { request: { order: order.order_no, code: valueOf("pickup-code"), lines, tenders } });
    $("pickup-view").hidden = true;
    showReceipt(renderPickup(record, till.currency));
    void refreshStatus();
  } catch (e) {
    say("pickup-message", errorText(e));
  }
}

export function wirePickup(): void {
  $("pickup-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitPickup();
  });
  $("order-query").addEventListener("input", () => {
    order = null;
    $("order-detail").hidden = true;
  });
  $("pickup-close").addEventListener("click", () => ($("pickup-view").hidden = true));
}
