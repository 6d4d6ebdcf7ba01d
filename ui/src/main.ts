// The till's selling screen. State lives here; money and rules live in the core (see api.ts).

import { ApiError, call } from "./api";
import { addScan, Basket, emptyBasket, removeLine, select, setQuantity, Tender, toRequest, updateLine } from "./basket";
import { actionFor, keyName, KEYMAP } from "./keys";
import { CurrencyInfo, formatMoney } from "./money";
import { renderReceipt } from "./receipt";
import { closeScreens, openInbox, openPickup, openReturn, openScreen, wireScreens } from "./screens";
import { renderShiftReport } from "./shift";
import { approvable, mustSignIn, operatorLabel, StaffState } from "./staff";
import { describeStatus, SyncStatus } from "./status";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let currency: CurrencyInfo = { code: "EUR", minor_digits: 2 };
let basket: Basket = emptyBasket();
let tenders: Tender[] = [];
let priced: any = null;
let dialogResolve: ((values: string[] | null) => void) | null = null;
let configured = false;
let staffState: StaffState | null = null;
let printerReady = false;
let shownSale: string | null = null;
let chosenStaff: string | null = null;

/** A second person's name (or id) and PIN, as the core's `Credentials`. */
export interface Approval {
  staff: string;
  pin: string;
}

const scan = $<HTMLInputElement>("scan");
const money = (minor: number) => formatMoney(minor, currency);

function focusScan() {
  if ($("dialog").hidden && $("setup").hidden && $("signin").hidden && !openScreen() && !isPanelFocused()) scan.focus();
}

function isPanelFocused() {
  const active = document.activeElement;
  return !!active && active !== scan && active.tagName === "INPUT";
}

function showMessage(text: string, kind: "error" | "info" = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
  if (kind === "error") {
    box.classList.add("flash");
    beep();
  }
}

function clearMessage() {
  $("message").className = "";
  $("message").textContent = "";
}

function beep() {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
  } catch {
    // No audio device: the red flash says it.
  }
}

function errorText(e: unknown) {
  return e instanceof ApiError ? e.message : String(e);
}

/** Shows a refusal; a locked till (or a leaver signed out) goes to the sign-in screen, a till
 * with no open shift offers to open one. */
function fail(e: unknown) {
  if (e instanceof ApiError && e.code === "sign_in_required") {
    void refreshStaff(e.message);
    return;
  }
  showMessage(errorText(e));
  if (e instanceof ApiError && e.code === "no_shift") void offerShift();
}

let offeringShift = false;

/** On a till with staff, asks for the float and opens a shift when none is open. */
async function offerShift() {
  if (offeringShift || !staffState?.sign_in_required || !staffState.operator) return;
  offeringShift = true;
  try {
    if (await call("current_shift")) return;
    for (;;) {
      const values = await ask("Open a shift: count the float into the drawer", [{ label: "Float", value: "" }]);
      if (!values) return;
      try {
        const float = await parseAmount(values[0] || "0");
        await call("open_shift", { float });
        showMessage(`Shift open with a float of ${money(float)}`, "info");
        return;
      } catch (e) {
        showMessage(errorText(e));
      }
    }
  } finally {
    offeringShift = false;
  }
}

async function refreshStaff(message = "") {
  try {
    staffState = await call<StaffState>("staff_state");
  } catch {
    return;
  }
  $("operator").textContent = operatorLabel(staffState);
  $("lock-button").hidden = !staffState.sign_in_required || !staffState.operator;
  // Shown once when the till locks (head office's first staff, Alt+L, a leaver signed out);
  // the poll does not reset a PIN being typed.
  if ((mustSignIn(staffState) && $("signin").hidden) || message) showSignIn(message);
}

function showSignIn(message = "") {
  const box = $("signin-staff");
  box.replaceChildren();
  for (const member of staffState?.staff ?? []) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = `secondary staff-choice${member.id === chosenStaff ? " chosen" : ""}`;
    b.dataset.id = member.id;
    b.textContent = member.name;
    b.addEventListener("click", () => {
      chosenStaff = member.id;
      box.querySelectorAll("button").forEach((x) => x.classList.toggle("chosen", x === b));
      $<HTMLInputElement>("signin-pin").focus();
    });
    box.appendChild(b);
  }
  $("signin-message").textContent = message;
  $<HTMLInputElement>("signin-pin").value = "";
  $("signin").hidden = false;
  $<HTMLInputElement>("signin-pin").focus();
}

async function submitSignIn() {
  const pin = $<HTMLInputElement>("signin-pin").value;
  $<HTMLInputElement>("signin-pin").value = "";
  if (!chosenStaff) {
    $("signin-message").textContent = "Choose your name first";
    return;
  }
  try {
    await call("sign_in", { staff: chosenStaff, pin });
    $("signin").hidden = true;
    clearMessage();
    await refreshStaff();
    focusScan();
    await offerShift();
  } catch (e) {
    $("signin-message").textContent = errorText(e);
    $<HTMLInputElement>("signin-pin").focus();
  }
}

/**
 * Runs `attempt`; when the core says it needs a supervisor's or manager's approval (on a till
 * with staff), asks for their name and PIN and runs it again with them. The core checks both.
 */
async function withApproval<T>(attempt: (approval: Approval | null) => Promise<T>): Promise<T> {
  try {
    return await attempt(null);
  } catch (first) {
    if (!(first instanceof ApiError) || !approvable(first.code) || !staffState?.sign_in_required) throw first;
    let why = first.message;
    for (;;) {
      const values = await ask(`Approval needed: ${why}`, [{ label: "Supervisor or manager" }, { label: "PIN", type: "password" }]);
      if (!values) throw first;
      try {
        return await attempt({ staff: values[0], pin: values[1] });
      } catch (e) {
        if (e instanceof ApiError && (approvable(e.code) || e.code === "wrong_pin")) {
          why = e.message;
          continue;
        }
        throw e;
      }
    }
  }
}

async function reprice() {
  if (basket.lines.length === 0) {
    priced = null;
  } else {
    priced = await call("price_basket", { request: toRequest(basket, []) });
  }
  renderBasket();
}

/** Applies a change to the basket only if the core can price it; otherwise says why and keeps the old basket. */
async function tryBasket(next: Basket) {
  const before = basket;
  basket = next;
  try {
    await reprice();
  } catch (e) {
    basket = before;
    await reprice().catch(() => undefined);
    fail(e);
  }
}

function renderBasket() {
  const body = $("basket-lines");
  body.replaceChildren();
  basket.lines.forEach((line, i) => {
    const p = priced?.lines?.[i];
    const tr = document.createElement("tr");
    tr.className = i === basket.selected ? "selected" : "";
    tr.dataset.index = String(i);
    const notes = [p?.override_reason ? `price changed: ${p.override_reason}` : "", p?.line_discount ? `discount ${money(p.line_discount)}` : ""].filter(Boolean).join(" · ");
    tr.innerHTML = `<td><div class="name"></div><div class="note"></div></td>
      <td class="qty"><button type="button" class="secondary less" aria-label="less">−</button> <span class="q"></span> <button type="button" class="secondary more" aria-label="more">+</button></td>
      <td class="num unit"></td><td class="num amount"></td>
      <td><button type="button" class="secondary remove" aria-label="remove">✕</button></td>`;
    tr.querySelector(".name")!.textContent = p ? p.name : line.code;
    tr.querySelector(".note")!.textContent = notes;
    tr.querySelector(".q")!.textContent = String(line.quantity);
    tr.querySelector(".unit")!.textContent = p ? money(p.unit_price) : "";
    tr.querySelector(".amount")!.textContent = p ? money(p.amount) : "";
    tr.querySelector(".less")!.addEventListener("click", () => tryBasket(setQuantity(basket, i, line.quantity - 1)));
    tr.querySelector(".more")!.addEventListener("click", () => tryBasket(setQuantity(basket, i, line.quantity + 1)));
    tr.querySelector(".remove")!.addEventListener("click", () => tryBasket(removeLine(basket, i)));
    tr.addEventListener("click", () => {
      basket = { ...basket, selected: i };
      renderBasket();
    });
    body.appendChild(tr);
  });
  $("subtotal").textContent = priced ? money(priced.subtotal) : "–";
  $("discounts").textContent = priced ? money(priced.discount_total) : "–";
  $("tax").textContent = priced ? money(priced.tax_total) : "–";
  $("total").textContent = priced ? money(priced.total) : "–";
  $("tenders-entered").textContent = tenders.map((t) => `${t.kind} ${t.amount === null ? "rest" : money(t.amount)}${t.reference ? ` (${t.reference})` : ""}`).join(", ");
}

async function onScan(code: string) {
  const text = code.trim();
  if (!text) return;
  scan.value = "";
  try {
    await call("find_item", { code: text });
  } catch (e) {
    showMessage(e instanceof ApiError && e.code === "not_found" ? `Unknown barcode ${text} — nothing was added` : errorText(e));
    return;
  }
  clearMessage();
  await tryBasket(addScan(basket, text));
}

async function parseAmount(text: string): Promise<number> {
  return call<number>("parse_amount", { text });
}

async function complete(extra: Tender[]) {
  try {
    const request = toRequest(basket, [...tenders, ...extra]);
    const receipt = await withApproval((approval) => call<any>("complete_sale", { request, approval }));
    showReceipt(renderReceipt(receipt, currency), receipt.receipt_no);
    if (printerReady) {
      // The sale is saved already: a printer problem is reported, and Print tries again.
      call("print_receipt", { receiptNo: receipt.receipt_no, copy: false }).catch((e) =>
        showMessage(`${errorText(e)} — press Print to try again`),
      );
    }
    basket = emptyBasket();
    tenders = [];
    priced = null;
    hidePanels();
    renderBasket();
    refreshStatus();
  } catch (e) {
    fail(e);
  }
}

function hidePanels() {
  $("cash-panel").hidden = true;
  $("card-panel").hidden = true;
}

async function openCash() {
  if (!priced) return showMessage("The basket is empty");
  clearMessage();
  hidePanels();
  $("cash-panel").hidden = false;
  const quick = $("quick-cash");
  quick.replaceChildren();
  try {
    const amounts = await call<number[]>("quick_cash", { request: toRequest(basket, tenders) });
    amounts.forEach((amount, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = i === 0 ? `Exact ${money(amount)}` : money(amount);
      b.addEventListener("click", () => complete([{ kind: "cash", amount, reference: null }]));
      quick.appendChild(b);
    });
  } catch (e) {
    fail(e);
  }
  $<HTMLInputElement>("cash-amount").value = "";
  $<HTMLInputElement>("cash-amount").focus();
}

function openCard() {
  if (!priced) return showMessage("The basket is empty");
  clearMessage();
  hidePanels();
  $("card-panel").hidden = false;
  $<HTMLInputElement>("card-amount").value = "";
  $<HTMLInputElement>("card-ref").value = "";
  $<HTMLInputElement>("card-amount").focus();
}

/** A small form in a dialog; resolves with the field values, or null when cancelled. */
function ask(title: string, fields: { label: string; value?: string; type?: string }[]): Promise<string[] | null> {
  $("dialog-title").textContent = title;
  const body = $("dialog-body");
  body.replaceChildren();
  for (const f of fields) {
    const label = document.createElement("label");
    label.textContent = f.label;
    const input = document.createElement("input");
    input.value = f.value ?? "";
    if (f.type) input.type = f.type;
    label.appendChild(input);
    body.appendChild(label);
  }
  $("dialog").hidden = false;
  (body.querySelector("input") as HTMLInputElement | null)?.focus();
  return new Promise((resolve) => (dialogResolve = resolve));
}

function closeDialog(values: string[] | null) {
  $("dialog").hidden = true;
  const resolve = dialogResolve;
  dialogResolve = null;
  resolve?.(values);
  focusScan();
}

async function showInfo(title: string, html: string) {
  $("dialog-title").textContent = title;
  $("dialog-body").innerHTML = html;
  $("dialog").hidden = false;
  $<HTMLButtonElement>("dialog-cancel").focus();
  return new Promise<string[] | null>((resolve) => (dialogResolve = resolve));
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function run(action: string) {
  const i = basket.selected;
  switch (action) {
    case "payCash":
      return openCash();
    case "payCard":
      return openCard();
    case "voidLast": {
      const values = await ask("Void the last sale", [{ label: "Reason" }]);
      if (!values) return;
      try {
        const v = await withApproval((approval) => call<any>("void_last_sale", { reason: values[0], approval }));
        showMessage(`Voided ${v.receipt_no}`, "info");
        refreshStatus();
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "override": {
      if (i < 0) return showMessage("Select a line first");
      const values = await ask("Price override", [{ label: "New unit price" }, { label: "Reason" }]);
      if (!values) return;
      try {
        const price = await parseAmount(values[0]);
        await tryBasket(updateLine(basket, i, { price_override: { price, reason: values[1] } }));
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "lineDiscount":
    case "basketDiscount": {
      if (action === "lineDiscount" && i < 0) return showMessage("Select a line first");
      const values = await ask(action === "lineDiscount" ? "Line discount" : "Basket discount", [{ label: "10% or an amount such as 2.50" }]);
      if (!values) return;
      try {
        const discount = await call<any>("parse_discount", { text: values[0] });
        await tryBasket(action === "lineDiscount" ? updateLine(basket, i, { discount }) : { ...basket, discount });
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "syncNow": {
      try {
        await call("sync_now");
        showMessage("Synced with head office", "info");
      } catch (e) {
        fail(e);
      }
      return refreshStatus();
    }
    case "stock": {
      const code = i >= 0 ? basket.lines[i].code : "";
      const values = await ask("Stock lookup", [{ label: "Barcode or SKU", value: code }]);
      if (!values) return;
      try {
        const s = await call<any>("stock_lookup", { code: values[0] });
        const rows = s.elsewhere
          ? s.elsewhere.stores.map((x: any) => `<tr><td>${escapeHtml(x.store)}</td><td>${x.on_hand}</td><td>${escapeHtml(x.as_of ?? "never synced")}</td></tr>`).join("")
          : `<tr><td colspan="3">Other stores: ${escapeHtml(s.elsewhere_error ?? "unavailable")}</td></tr>`;
        await showInfo(
          "Stock",
          `<p><b>${escapeHtml(s.item.name)}</b> (${escapeHtml(s.item.sku)})</p><p id="stock-here">Here: ${s.here} on hand · ${s.position.reserved} reserved for online orders · ${s.position.available} available</p><table><tr><th>Store</th><th>On hand</th><th>As of</th></tr>${rows}</table>`,
        );
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "search": {
      const query = scan.value.trim() || ((await ask("Search products", [{ label: "Name" }])) ?? [""])[0];
      if (!query) return;
      try {
        const items = await call<any[]>("search_items", { query });
        const box = $("search-results");
        box.replaceChildren();
        box.hidden = false;
        for (const item of items) {
          const b = document.createElement("button");
          b.type = "button";
          b.innerHTML = `<span></span><span></span>`;
          b.children[0].textContent = item.name;
          b.children[1].textContent = money(item.price);
          b.addEventListener("click", () => {
            box.hidden = true;
            onScan(item.sku);
          });
          box.appendChild(b);
        }
        if (items.length === 0) showMessage(`Nothing matches “${query}”`);
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "settings":
      $("setup").hidden = false;
      return;
    case "pickup":
      return openPickup();
    case "returns":
      return openReturn();
    case "inbox":
      return openInbox();
    case "cashMove": {
      const values = await ask("Cash in or out of the drawer", [{ label: "in or out", value: "in" }, { label: "Amount" }, { label: "Reason" }]);
      if (!values) return;
      const direction = values[0].trim().toLowerCase();
      if (direction !== "in" && direction !== "out") return showMessage("Type in or out");
      try {
        const amount = await parseAmount(values[1]);
        const moved = await withApproval((approval) => call<any>("cash_movement", { direction, amount, reason: values[2], approval }));
        showMessage(`Cash ${moved.direction} ${money(moved.amount)}: ${moved.reason}`, "info");
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "audit":
      try {
        const view = await call<any>("audit_log", { limit: 100 });
        const state = view.check.first_break
          ? `<p id="audit-state" class="error">Broken at entry ${view.check.first_break.seq}: ${escapeHtml(view.check.first_break.why)}</p>`
          : `<p id="audit-state">Chain intact: ${view.check.entries} entries</p>`;
        const rows = view.entries
          .map(
            (e: any) =>
              `<tr><td>${e.seq}</td><td>${escapeHtml(String(e.at).slice(11, 19))}</td><td>${escapeHtml(e.event)}</td><td>${escapeHtml(e.staff?.name ?? "")}</td><td>${escapeHtml(e.detail)}${e.approved_by ? ` (approved by ${escapeHtml(e.approved_by.name)})` : ""}</td></tr>`,
          )
          .join("");
        await showInfo("Audit log", `${state}<table id="audit-table"><tr><th>#</th><th>At</th><th>Event</th><th>Staff</th><th>Detail</th></tr>${rows}</table>`);
      } catch (e) {
        fail(e);
      }
      return;
    case "xReport":
      try {
        showReceipt(renderShiftReport(await withApproval((approval) => call<any>("x_report", { approval })), currency));
      } catch (e) {
        fail(e);
      }
      return;
    case "closeShift": {
      // Blind count: the expected figures appear only on the Z report, after the count.
      const values = await ask("Close the shift: count the drawer", [{ label: "Cash counted" }, { label: "Card terminal total (optional)" }]);
      if (!values) return;
      try {
        const counts: any[] = [{ kind: "cash", amount: await parseAmount(values[0]) }];
        if (values[1].trim()) counts.push({ kind: "card", amount: await parseAmount(values[1]) });
        showReceipt(renderShiftReport(await call<any>("close_shift", { counts }), currency));
        refreshStatus();
      } catch (e) {
        fail(e);
      }
      return;
    }
    case "lock":
      if (!staffState?.sign_in_required) return;
      await call("lock_till").catch(() => undefined);
      chosenStaff = null;
      return refreshStaff();
    case "more":
      return i >= 0 ? tryBasket(setQuantity(basket, i, basket.lines[i].quantity + 1)) : undefined;
    case "less":
      return i >= 0 ? tryBasket(setQuantity(basket, i, basket.lines[i].quantity - 1)) : undefined;
    case "remove":
      return i >= 0 ? tryBasket(removeLine(basket, i)) : undefined;
    case "up":
    case "down":
      basket = select(basket, action === "up" ? -1 : 1);
      return renderBasket();
    case "cancel":
      hidePanels();
      $("search-results").hidden = true;
      clearMessage();
      return;
  }
}

async function refreshStatus() {
  try {
    const s = await call<SyncStatus>("sync_status");
    const d = describeStatus(s, currency);
    const pill = $("sync-state");
    pill.dataset.state = d.state;
    pill.textContent = d.label;
    $("sync-pending").textContent = d.pending;
    $("sync-last").textContent = d.last;
  } catch {
    // The next poll tries again.
  }
}

function wire() {
  $("help").innerHTML = KEYMAP.filter((k) => k.key.startsWith("F") || k.key === "Escape")
    .map((k) => `<span><kbd>${k.key}</kbd> ${k.label}</span>`)
    .join("");
  $("scan-form").addEventListener("submit", (e) => {
    e.preventDefault();
    onScan(scan.value);
  });
  $("cash-panel").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $<HTMLInputElement>("cash-amount").value.trim();
    try {
      const amount = text ? await parseAmount(text) : null;
      await complete([{ kind: "cash", amount, reference: null }]);
    } catch (err) {
      fail(err);
    }
  });
  $("card-panel").addEventListener("submit", async (e) => {
    e.preventDefault();
    const text = $<HTMLInputElement>("card-amount").value.trim();
    const reference = $<HTMLInputElement>("card-ref").value.trim() || null;
    try {
      if (!text) return await complete([{ kind: "card", amount: null, reference }]);
      tenders = [...tenders, { kind: "card", amount: await parseAmount(text), reference }];
      hidePanels();
      renderBasket();
      showMessage("Card part taken: take the rest in cash (F2) or card (F3)", "info");
      focusScan();
    } catch (err) {
      fail(err);
    }
  });
  $("pay-cash").addEventListener("click", () => run("payCash"));
  $("pay-card").addEventListener("click", () => run("payCard"));
  $("void-last").addEventListener("click", () => run("voidLast"));
  $("stock-button").addEventListener("click", () => run("stock"));
  $("pickup-button").addEventListener("click", () => run("pickup"));
  $("return-button").addEventListener("click", () => run("returns"));
  $("inbox-button").addEventListener("click", () => run("inbox"));
  $("search-button").addEventListener("click", () => run("search"));
  $("sync-now").addEventListener("click", () => run("syncNow"));
  $("lock-button").addEventListener("click", () => run("lock"));
  $("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void submitSignIn();
  });
  $("print").addEventListener("click", () => void printShown());
  $("new-sale").addEventListener("click", () => {
    $("receipt-view").hidden = true;
    focusScan();
  });
  $("dialog-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const values = Array.from($("dialog-body").querySelectorAll("input")).map((i) => (i as HTMLInputElement).value);
    closeDialog(values);
  });
  $("dialog-cancel").addEventListener("click", () => closeDialog(null));
  document.addEventListener("keydown", (e) => {
    if (!$("signin").hidden && $("dialog").hidden) return; // the sign-in form takes its own keys
    if (!$("setup").hidden) {
      // Settings opened from a till that is already set up close with Esc.
      if (e.key === "Escape" && configured) $("setup").hidden = true;
      return;
    }
    if (!$("dialog").hidden) {
      if (e.key === "Escape") closeDialog(null);
      return;
    }
    if (openScreen()) {
      if (e.key === "Escape") {
        e.preventDefault();
        closeScreens();
        focusScan();
      }
      return;
    }
    if (!$("receipt-view").hidden) {
      if (e.key === "Enter" || e.key === "Escape") {
        e.preventDefault();
        $("receipt-view").hidden = true;
        focusScan();
      }
      return;
    }
    const action = actionFor(keyName(e), scan.value === "");
    if (action) {
      e.preventDefault();
      run(action);
    }
  });
  document.addEventListener("click", () => setTimeout(focusScan, 0));
  setupForms();
  wireScreens({
    currency: () => currency,
    showReceipt,
    afterChange: () => void refreshStatus(),
    ask,
    withApproval,
  });
}

/** Shows a receipt or report; `saleNo` when it is a sale's, so Print can reprint it. */
function showReceipt(text: string, saleNo: string | null = null) {
  $("receipt").textContent = text;
  shownSale = saleNo;
  $("receipt-view").hidden = false;
  $<HTMLButtonElement>("new-sale").focus();
}

/** A sale's receipt goes to the receipt printer (marked COPY); anything else to the page printer. */
async function printShown() {
  if (!printerReady || !shownSale) return window.print();
  try {
    await call("print_receipt", { receiptNo: shownSale, copy: true });
    showMessage(`Printed a copy of ${shownSale}`, "info");
  } catch (e) {
    showMessage(errorText(e));
  }
}

function setupForms() {
  const msg = $("setup-message");
  $("enroll-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await call("enroll_till", { hqUrl: $<HTMLInputElement>("enroll-url").value, code: $<HTMLInputElement>("enroll-code").value });
      await start();
    } catch (err) {
      msg.textContent = errorText(err);
    }
  });
  $("standalone-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await call("set_up_standalone", {
        storeCode: $<HTMLInputElement>("sa-store").value,
        tillNo: Number.parseInt($<HTMLInputElement>("sa-till").value, 10),
        currency: $<HTMLInputElement>("sa-currency").value,
        taxMode: $<HTMLSelectElement>("sa-mode").value,
      });
      await start();
    } catch (err) {
      msg.textContent = errorText(err);
    }
  });
}

async function start() {
  const info = await call<any>("app_info");
  if (!info.config) {
    $("setup").hidden = false;
    return;
  }
  $("setup").hidden = true;
  configured = true;
  currency = info.config.currency;
  $("store-name").textContent = `Store ${info.config.store_code} · till ${info.config.till_no}`;
  renderBasket();
  await refreshStatus();
  await refreshStaff();
  printerReady = await call<boolean>("printer_configured").catch(() => false);
  focusScan();
}

wire();
start().catch((e) => showMessage(errorText(e)));
setInterval(() => {
  void refreshStatus();
  if (configured) void refreshStaff();
}, 1000);
