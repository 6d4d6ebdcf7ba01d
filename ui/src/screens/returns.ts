// Return (F11): type or scan the receipt number (`order W1001` for an online order), choose
// quantities and damaged goods, refund. Another store's sale is looked up at head office.

import { ApiError, call, errorText } from "../api";
import { withApproval } from "../approval";
import { $, valueOf } from "../dom";
import type { RefundMethod } from "../generated/RefundMethod";
import type { ReturnLookup } from "../generated/ReturnLookup";
import type { ReturnRequest } from "../generated/ReturnRequest";
import { formatMoney } from "../money";
import { parseReturnQuery, renderReturn, returnLines, returnOfSource, returnTitle } from "../omnichannel";
import { showReceipt } from "../selling/receipt-view";
import { till } from "../state";
import { refreshStatus } from "../status-bar";
import { say } from "./overlays";

let found: ReturnLookup | null = null;

export function openReturn(): void {
  found = null;
  $("return-view").hidden = false;
  $("return-detail").hidden = true;
  say("return-message", "", "info");
  const q = $<HTMLInputElement>("return-query");
  q.value = "";
  q.focus();
}

async function findReturnable(): Promise<void> {
  const of = parseReturnQuery(valueOf("return-query"));
  if (!of) return say("return-message", "Scan the receipt or type its number");
  try {
    found = await call("find_returnable", { of });
    const { returnable } = found;
    const m = (minor: number) => formatMoney(minor, till.currency);
    $("return-title").textContent = returnTitle(found);
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
    found = null;
    $("return-detail").hidden = true;
    say("return-message", errorText(e));
  }
}

async function submitReturn(): Promise<void> {
  if (!found) return findReturnable();
  try {
    const rows = Array.from($("return-lines").querySelectorAll("tr"));
    const lines = returnLines(
      rows.map((tr) => {
        const take = tr.querySelector(".take") as HTMLInputElement;
        return {
          sku: take.dataset.sku ?? "",
          returnable: Number(take.dataset.returnable),
          take: take.value,
          damaged: (tr.querySelector(".damaged") as HTMLInputElement).checked,
        };
      }),
    );
    const approver = valueOf("return-approver").trim();
    const reason = valueOf("return-reason").trim();
    const request: ReturnRequest = {
      of: returnOfSource(found.returnable.source),
      lines,
      refund: valueOf("return-refund") as RefundMethod,
      approved_by: approver || null,
      reason: reason || null,
      // The till swaps these for head office's own answer (a forged copy must not price a refund).
      remote_sale: found.remote_sale,
      remote_order: found.remote_order,
    };
    const record = await withApproval((approval) => call("return_goods", { request, approval }));
    $("return-view").hidden = true;
    showReceipt(renderReturn(record, till.currency));
    void refreshStatus();
  } catch (e) {
    const needs = e instanceof ApiError && e.code === "needs_approval";
    say("return-message", needs ? `${errorText(e)}. A manager enters their name under “Manager approval”.` : errorText(e));
    if (needs) $("return-approver").focus();
  }
}

export function wireReturns(): void {
  $("return-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitReturn();
  });
  $("return-query").addEventListener("input", () => {
    found = null;
    $("return-detail").hidden = true;
  });
  $("return-close").addEventListener("click", () => ($("return-view").hidden = true));
}
