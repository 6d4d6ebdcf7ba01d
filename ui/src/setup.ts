// First run (enroll with head office, or stand-alone) and the start of the selling screen.

import { call, errorText } from "./api";
import { $, valueOf } from "./dom";
import { returnFocusToScan } from "./focus";
import { renderBasket } from "./selling/basket-view";
import { refreshStaff } from "./staff/sign-in";
import { till } from "./state";
import { refreshStatus } from "./status-bar";

export async function start(): Promise<void> {
  const info = await call("app_info");
  if (!info.config) {
    $("setup").hidden = false;
    return;
  }
  $("setup").hidden = true;
  till.configured = true;
  till.currency = info.config.currency;
  $("store-name").textContent = `Store ${info.config.store_code} · till ${info.config.till_no}`;
  renderBasket();
  await refreshStatus();
  await refreshStaff();
  till.printerReady = await call("printer_configured").catch(() => false);
  returnFocusToScan();
}

export function wireSetup(): void {
  const msg = $("setup-message");
  $("enroll-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await call("enroll_till", { hqUrl: valueOf("enroll-url"), code: valueOf("enroll-code") });
      await start();
    } catch (err) {
      msg.textContent = errorText(err);
    }
  });
  $("standalone-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      await call("set_up_standalone", {
        storeCode: valueOf("sa-store"),
        tillNo: Number.parseInt(valueOf("sa-till"), 10),
        currency: valueOf("sa-currency"),
        taxMode: valueOf("sa-mode"),
      });
      await start();
    } catch (err) {
      msg.textContent = errorText(err);
    }
  });
}
