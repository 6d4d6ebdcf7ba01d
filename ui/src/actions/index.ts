// What each action of the key map does (keys.ts has the keys). A Record over every Action, so a
// new key without a handler does not compile.

import { removeLine, select, setQuantity } from "../basket";
import { clearMessage } from "../messages";
import { $ } from "../dom";
import { Action } from "../keys";
import { openInbox } from "../screens/inbox";
import { openPickup } from "../screens/pickup";
import { openReturn } from "../screens/returns";
import { renderBasket, tryBasket } from "../selling/basket-view";
import { hidePanels, openCard, openCash } from "../selling/payment";
import { lockTill } from "../staff/sign-in";
import { till } from "../state";
import { auditLog, cashMovement, closeShift, xReport } from "./drawer";
import { search, stock, syncNow } from "./lookups";
import { discount, overridePrice, voidLastSale } from "./sales";

/** Changes the selected line's quantity by `delta` (to zero removes it). */
async function changeQuantity(delta: number): Promise<void> {
  const i = till.basket.selected;
  if (i >= 0) await tryBasket(setQuantity(till.basket, i, till.basket.lines[i].quantity + delta));
}

const ACTIONS: Record<Action, () => void | Promise<void>> = {
  payCash: openCash,
  payCard: openCard,
  voidLast: voidLastSale,
  override: overridePrice,
  lineDiscount: () => discount("line"),
  basketDiscount: () => discount("basket"),
  syncNow,
  stock,
  search,
  settings: () => {
    $("setup").hidden = false;
  },
  pickup: openPickup,
  returns: openReturn,
  inbox: openInbox,
  cashMove: cashMovement,
  audit: auditLog,
  xReport,
  closeShift,
  lock: lockTill,
  more: () => changeQuantity(1),
  less: () => changeQuantity(-1),
  remove: async () => {
    const i = till.basket.selected;
    if (i >= 0) await tryBasket(removeLine(till.basket, i));
  },
  up: () => {
    till.basket = select(till.basket, -1);
    renderBasket();
  },
  down: () => {
    till.basket = select(till.basket, 1);
    renderBasket();
  },
  cancel: () => {
    hidePanels();
    $("search-results").hidden = true;
    clearMessage();
  },
};

export async function run(action: Action): Promise<void> {
  await ACTIONS[action]();
}

export function wireActionButtons(): void {
  const buttons: [string, Action][] = [
    ["void-last", "voidLast"],
    ["stock-button", "stock"],
    ["pickup-button", "pickup"],
    ["return-button", "returns"],
    ["inbox-button", "inbox"],
    ["search-button", "search"],
    ["sync-now", "syncNow"],
  ];
  for (const [id, action] of buttons) $(id).addEventListener("click", () => void run(action));
}
