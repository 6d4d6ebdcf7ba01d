// The pickup, return and exceptions screens. Each is an overlay over the selling screen; the core
// does the checking (pickup code, quantities, policy) and every amount shown comes from it.

import { ApiError, call } from "./api";
import { CurrencyInfo, formatMoney } from "./money";
import { parseReturnQuery, pickupLines, renderPickup, renderReturn, returnLines } from "./omnichannel";

export interface ScreenContext {
  currency: () => CurrencyInfo;
  showReceipt: (text: string) => void;
  afterChange: () => void;
  ask: (title: string, fields: { label: string; value?: string; type?: string }[]) => Promise<string[] | null>;
  /** Runs a command again with a supervisor's or manager's PIN when the core asks for one. */
  withApproval: <T>(attempt: (approval: { staff: string; pin: string } | null) => Promise<T>) => Promise<T>;
}

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const text = (e: unknown) => (e instanceof ApiError || e instanceof Error ? e.message : String(e));

function escapeHtml(t: string) {
  return t.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const SCREENS = ["pickup-view", "return-view", "inbox-view"];

export function openScreen(): HTMLElement | null {
  return SCREENS.map((id) => $(id)).find((s) => !s.hidden) ?? null;
}

export function closeScreens() {
  for (const id of SCREENS) $(id).hidden = true;
}

// ---- Online order pickup ----

let order: any = null;

function say(box: string, message: string, kind: "error" | "info" = "error") {
  const el = $(box);
  el.textContent = message;
  el.className = kind;
}

export function openPickup() {
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

async function listOrders(query: string) {
  try {
    const orders = await call<any[]>("find_orders", { query });
    const list = $("order-list");
    list.replaceChildren();
    for (const o of orders) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "order-choice";
      b.textContent = `${o.order_no} · ${o.customer_name} · ${o.status.replace(/_/g, " ")}${o.overdue ? " (overdue)" : ""}`;
      b.addEventListener("click", () => showOrder(o));
      list.appendChild(b);
    }
    if (query && orders.length === 1) showOrder(orders[0]);
    else if (query && orders.length === 0) say("pickup-message", `No order matches “${query}”`);
    return orders;
  } catch (e) {
    say("pickup-message", text(e));
    return [];
  }
}

function showOrder(o: any) {
  order = o;
  const m = (minor: number) => formatMoney(minor, ctx.currency());
  $("order-list").replaceChildren();
  $("order-detail").hidden = false;
  $("order-title").textContent = `Order ${o.order_no} · ${o.customer_name} · ${o.status.replace(/_/g, " ")}`;
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
  $<HTMLInputElement>("pickup-code").focus();
}

async function submitPickup() {
  if (!order) {
    const orders = await listOrders($<HTMLInputElement>("order-query").value.trim());
    if (orders.length > 1) say("pickup-message", `${orders.length} orders match: choose one`, "info");
    return;
  }
  try {
    const lines = pickupLines(
      Array.from($("pickup-lines").querySelectorAll("input")).map((i) => ({
        sku: (i as HTMLInputElement).dataset.sku!,
        remaining: Number((i as HTMLInputElement).dataset.remaining),
        now: (i as HTMLInputElement).value,
      })),
    );
    const tenders = [];
    if (order.balance > 0) {
      const amountText = $<HTMLInputElement>("pickup-amount").value.trim();
      const amount = amountText ? await call<number>("parse_amount", { text: amountText }) : null;
      tenders.push({ kind: $<HTMLSelectElement>("pickup-tender").value, amount, reference: null });
    }
    const record = await call<any>("pickup_order", {
      request: { order: order.order_no, code: $<HTMLInputElement>("pickup-code").value, lines, tenders },
    });
    $("pickup-view").hidden = true;
    ctx.showReceipt(renderPickup(record, ctx.currency()));
    ctx.afterChange();
  } catch (e) {
    say("pickup-message", text(e));
  }
}

// ---- Returns ----

let returnable: any = null;
let remoteSale: any = null;

export function openReturn() {
  returnable = null;
  remoteSale = null;
  $("return-view").hidden = false;
  $("return-detail").hidden = true;
  say("return-message", "", "info");
  const q = $<HTMLInputElement>("return-query");
  q.value = "";
  q.focus();
}

async function findReturnable() {
  const of = parseReturnQuery($<HTMLInputElement>("return-query").value);
  if (!of) return say("return-message", "Scan the receipt or type its number");
  try {
    const found = await call<any>("find_returnable", { of });
    returnable = found.returnable;
    remoteSale = found.remote_sale;
    const m = (minor: number) => formatMoney(minor, ctx.currency());
    const s = returnable.source;
    const where = remoteSale ? ` (store ${s.store}, looked up at head office)` : "";
    $("return-title").textContent = `${s.kind === "order" ? `Online order ${s.order_no}` : `Receipt ${s.receipt_no}`}${where} · ${returnable.days_since_sale} days ago`;
    const body = $("return-lines");
    body.replaceChildren();
    for (const l of returnable.lines) {
      const tr = document.createElement("tr");
      tr.innerHTML = `<td></td><td class="num"></td><td class="num"></td><td><input class="take" inputmode="numeric" size="3" /></td><td><input class="damaged" type="checkbox" /></td><td class="num"></td>`;
      tr.children[0].textContent = `${l.name} (${l.sku})`;
      tr.children[1].textContent = String(l.sold);
      tr.children[2].textContent = String(l.returned);
      tr.children[5].textContent = l.returnable > 0 ? `${m(l.next_unit_refund)} each` : "all returned";
      const take = tr.querySelector(".take") as HTMLInputElement;
      take.dataset.sku = l.sku;
      take.dataset.returnable = String(l.returnable);
      take.value = l.returnable > 0 ? String(l.returnable) : "0";
      take.disabled = l.returnable === 0;
      body.appendChild(tr);
    }
    $("return-detail").hidden = false;
    say("return-message", "", "info");
  } catch (e) {
    returnable = null;
    $("return-detail").hidden = true;
    say("return-message", text(e));
  }
}

async function submitReturn() {
  if (!returnable) return findReturnable();
  try {
    const rows = Array.from($("return-lines").querySelectorAll("tr"));
    const lines = returnLines(
      rows.map((tr) => {
        const take = tr.querySelector(".take") as HTMLInputElement;
        return {
          sku: take.dataset.sku!,
          returnable: Number(take.dataset.returnable),
          take: take.value,
          damaged: (tr.querySelector(".damaged") as HTMLInputElement).checked,
        };
      }),
    );
    const s = returnable.source;
    const of = s.kind === "order" ? { kind: "order", order: s.order_no } : { kind: "receipt", receipt_no: s.receipt_no };
    const approver = $<HTMLInputElement>("return-approver").value.trim();
    const reason = $<HTMLInputElement>("return-reason").value.trim();
    const request = {
      of,
      lines,
      refund: $<HTMLSelectElement>("return-refund").value,
      approved_by: approver || null,
      reason: reason || null,
      remote_sale: remoteSale,
    };
    const record = await ctx.withApproval((approval) => call<any>("return_goods", { request, approval }));
    $("return-view").hidden = true;
    ctx.showReceipt(renderReturn(record, ctx.currency()));
    ctx.afterChange();
  } catch (e) {
    const needs = e instanceof ApiError && e.code === "needs_approval";
    say("return-message", needs ? `${text(e)}. A manager enters their name under “Manager approval”.` : text(e));
    if (needs) $<HTMLInputElement>("return-approver").focus();
  }
}

// ---- Exceptions inbox ----

export async function openInbox() {
  $("inbox-view").hidden = false;
  await renderInbox();
  $<HTMLButtonElement>("inbox-close").focus();
}

async function renderInbox() {
  const list = $("inbox-list");
  list.replaceChildren();
  try {
    const entries = await call<any[]>("exceptions");
    if (entries.length === 0) list.textContent = "Nothing to look at: merging found no problems.";
    for (const e of entries) {
      const div = document.createElement("div");
      div.className = `inbox-entry ${e.resolution ? "resolved" : "open"}`;
      const state = e.resolution
        ? `Resolved by ${escapeHtml(e.resolution.resolved_by ?? "a manager")} (${escapeHtml(e.resolution.written_by)}): ${escapeHtml(e.resolution.note)}`
        : "Open";
      div.innerHTML = `<b>${escapeHtml(e.kind.replace(/_/g, " "))}</b> <span class="state">${state}</span><p>${escapeHtml(e.message)}</p><p class="note">Tills: ${escapeHtml(e.tills.join(", ") || "–")}</p>`;
      // The id is for head office and support, not for staff: kept on the element only.
      div.dataset.exceptionId = e.id;
      if (!e.resolution) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = "Resolve";
        b.addEventListener("click", () => resolve(e.id));
        div.appendChild(b);
      }
      list.appendChild(div);
    }
  } catch (err) {
    list.textContent = text(err);
  }
}

async function resolve(id: string) {
  $("inbox-view").hidden = true;
  const values = await ctx.ask("Resolve exception", [{ label: "What was done" }, { label: "Manager" }]);
  $("inbox-view").hidden = false;
  if (!values) return;
  try {
    await ctx.withApproval((approval) => call("resolve_exception", { id, note: values[0], resolvedBy: values[1] || null, approval }));
    ctx.afterChange();
  } catch (e) {
    $("inbox-list").prepend(Object.assign(document.createElement("p"), { className: "error", textContent: text(e) }));
    return;
  }
  await renderInbox();
}

let ctx: ScreenContext;

export function wireScreens(context: ScreenContext) {
  ctx = context;
  $("pickup-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitPickup();
  });
  $("order-query").addEventListener("input", () => {
    order = null;
    $("order-detail").hidden = true;
  });
  $("return-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitReturn();
  });
  $("return-query").addEventListener("input", () => {
    returnable = null;
    $("return-detail").hidden = true;
  });
  for (const id of ["pickup-close", "return-close", "inbox-close"]) $(id).addEventListener("click", () => closeScreens());
}
