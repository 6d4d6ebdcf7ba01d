// What the selling screen holds between key presses. Money and rules live in the core: `priced`
// is the core's answer for `basket`, never a sum made here.

import { Basket, emptyBasket } from "./basket";
import type { Currency } from "./generated/Currency";
import type { PricedBasket } from "./generated/PricedBasket";
import type { StaffState } from "./generated/StaffState";
import type { TenderRequest } from "./generated/TenderRequest";

export interface TillScreen {
  currency: Currency;
  basket: Basket;
  /** Card parts already taken for this sale (a split tender). */
  tenders: TenderRequest[];
  priced: PricedBasket | null;
  /** Set up (enrolled or stand-alone): Esc may close the settings. */
  configured: boolean;
  staff: StaffState | null;
  /** The staff member chosen on the sign-in screen. */
  chosenStaff: string | null;
  printerReady: boolean;
}

export const till: TillScreen = {
  currency: { code: "EUR", minor_digits: 2 },
  basket: emptyBasket(),
  tenders: [],
  priced: null,
  configured: false,
  staff: null,
  chosenStaff: null,
  printerReady: false,
};
