// Every Tauri command the UI calls: the arguments it sends (camelCase, as Tauri maps them to the
// Rust parameters) and what it gets back. The types come from Rust (generated/, by ts-rs), so a
// changed command shows up here as a type error instead of at the till.

import type { AppInfo } from "./generated/AppInfo";
import type { AuditView } from "./generated/AuditView";
import type { CashDirection } from "./generated/CashDirection";
import type { CashMovementRecord } from "./generated/CashMovementRecord";
import type { CatalogItem } from "./generated/CatalogItem";
import type { Credentials } from "./generated/Credentials";
import type { Discount } from "./generated/Discount";
import type { Exception } from "./generated/Exception";
import type { Money } from "./generated/Money";
import type { Operator } from "./generated/Operator";
import type { OrderView } from "./generated/OrderView";
import type { PickupRecord } from "./generated/PickupRecord";
import type { PickupRequest } from "./generated/PickupRequest";
import type { PricedBasket } from "./generated/PricedBasket";
import type { Receipt } from "./generated/Receipt";
import type { ResolutionRecord } from "./generated/ResolutionRecord";
import type { ReturnLookup } from "./generated/ReturnLookup";
import type { ReturnOf } from "./generated/ReturnOf";
import type { ReturnRecord } from "./generated/ReturnRecord";
import type { ReturnRequest } from "./generated/ReturnRequest";
import type { SaleRequest } from "./generated/SaleRequest";
import type { ShiftOpened } from "./generated/ShiftOpened";
import type { ShiftReport } from "./generated/ShiftReport";
import type { StaffState } from "./generated/StaffState";
import type { StockView } from "./generated/StockView";
import type { StoreConfig } from "./generated/StoreConfig";
import type { SyncReport } from "./generated/SyncReport";
import type { SyncStatus } from "./generated/SyncStatus";
import type { TenderCount } from "./generated/TenderCount";
import type { VoidRecord } from "./generated/VoidRecord";

/** A second person's name (or id) and PIN, or none. */
type Approval = { approval: Credentials | null };
type NoArgs = Record<string, never>;

export interface Commands {
  app_info: { args: NoArgs; result: AppInfo };
  enroll_till: { args: { hqUrl: string; code: string }; result: StoreConfig };
  set_up_standalone: { args: { storeCode: string; tillNo: number; currency: string; taxMode: string }; result: StoreConfig };
  find_item: { args: { code: string }; result: CatalogItem };
  search_items: { args: { query: string }; result: CatalogItem[] };
  price_basket: { args: { request: SaleRequest }; result: PricedBasket };
  complete_sale: { args: { request: SaleRequest } & Approval; result: Receipt };
  void_last_sale: { args: { reason: string } & Approval; result: VoidRecord };
  quick_cash: { args: { request: SaleRequest }; result: Money[] };
  parse_amount: { args: { text: string }; result: Money };
  parse_discount: { args: { text: string }; result: Discount };
  sync_status: { args: NoArgs; result: SyncStatus };
  sync_now: { args: NoArgs; result: SyncReport };
  stock_lookup: { args: { code: string }; result: StockView };
  find_orders: { args: { query: string }; result: OrderView[] };
  pickup_order: { args: { request: PickupRequest }; result: PickupRecord };
  find_returnable: { args: { of: ReturnOf }; result: ReturnLookup };
  return_goods: { args: { request: ReturnRequest } & Approval; result: ReturnRecord };
  exceptions: { args: NoArgs; result: Exception[] };
  resolve_exception: { args: { id: string; note: string; resolvedBy: string | null } & Approval; result: ResolutionRecord };
  staff_state: { args: NoArgs; result: StaffState };
  sign_in: { args: { staff: string; pin: string }; result: Operator };
  change_pin: { args: { staff: string; oldPin: string; newPin: string }; result: Operator };
  lock_till: { args: NoArgs; result: null };
  current_shift: { args: NoArgs; result: ShiftOpened | null };
  open_shift: { args: { float: Money }; result: ShiftOpened };
  cash_movement: { args: { direction: CashDirection; amount: Money; reason: string } & Approval; result: CashMovementRecord };
  x_report: { args: Approval; result: ShiftReport };
  close_shift: { args: { counts: TenderCount[] }; result: ShiftReport };
  printer_configured: { args: NoArgs; result: boolean };
  print_receipt: { args: { receiptNo: string; copy: boolean }; result: null };
  open_drawer: { args: NoArgs; result: null };
  audit_log: { args: { limit: number }; result: AuditView };
}

export type CommandName = keyof Commands;

/** Every command by name (a Record, so it cannot miss one of Commands); commands.test.ts checks
 * it against the commands src-tauri registers. */
export const COMMAND_NAMES: Record<CommandName, true> = {
  app_info: true,
  enroll_till: true,
  set_up_standalone: true,
  find_item: true,
  search_items: true,
  price_basket: true,
  complete_sale: true,
  void_last_sale: true,
  quick_cash: true,
  parse_amount: true,
  parse_discount: true,
  sync_status: true,
  sync_now: true,
  stock_lookup: true,
  find_orders: true,
  pickup_order: true,
  find_returnable: true,
  return_goods: true,
  exceptions: true,
  resolve_exception: true,
  staff_state: true,
  sign_in: true,
  change_pin: true,
  lock_till: true,
  current_shift: true,
  open_shift: true,
  cash_movement: true,
  x_report: true,
  close_shift: true,
  printer_configured: true,
  print_receipt: true,
  open_drawer: true,
  audit_log: true,
};
