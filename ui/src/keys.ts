// Every action has a key; the help bar on screen is generated from this table.

export type Action =
  | "payCash"
  | "payCard"
  | "voidLast"
  | "override"
  | "lineDiscount"
  | "basketDiscount"
  | "syncNow"
  | "stock"
  | "settings"
  | "pickup"
  | "returns"
  | "inbox"
  | "lock"
  | "cashMove"
  | "xReport"
  | "closeShift"
  | "audit"
  | "search"
  | "more"
  | "less"
  | "remove"
  | "up"
  | "down"
  | "cancel";

export const KEYMAP: ReadonlyArray<{ key: string; action: Action; label: string }> = [
  { key: "F1", action: "pickup", label: "Order pickup" },
  { key: "F2", action: "payCash", label: "Cash" },
  { key: "F3", action: "payCard", label: "Card" },
  { key: "F4", action: "voidLast", label: "Void last sale" },
  { key: "F5", action: "search", label: "Search" },
  { key: "F6", action: "override", label: "Price override" },
  { key: "F7", action: "lineDiscount", label: "Line discount" },
  { key: "F8", action: "basketDiscount", label: "Basket discount" },
  { key: "F9", action: "syncNow", label: "Sync now" },
  { key: "F10", action: "stock", label: "Stock" },
  { key: "F11", action: "returns", label: "Return" },
  { key: "F12", action: "settings", label: "Settings" },
  { key: "Alt+I", action: "inbox", label: "Exceptions" },
  { key: "Alt+L", action: "lock", label: "Lock / switch cashier" },
  { key: "Alt+M", action: "cashMove", label: "Cash in / out" },
  { key: "Alt+X", action: "xReport", label: "X report" },
  { key: "Alt+Z", action: "closeShift", label: "Close shift" },
  { key: "Alt+A", action: "audit", label: "Audit log" },
  { key: "+", action: "more", label: "Qty +1" },
  { key: "-", action: "less", label: "Qty -1" },
  { key: "Delete", action: "remove", label: "Remove line" },
  { key: "ArrowUp", action: "up", label: "Previous line" },
  { key: "ArrowDown", action: "down", label: "Next line" },
  { key: "Escape", action: "cancel", label: "Close / clear" },
];

/**
 * The action for a key press. `+` and `-` only act when the scan field is empty, so that a
 * typed code containing them is not mistaken for a command.
 */
export function actionFor(key: string, scanFieldEmpty: boolean): Action | null {
  const entry = KEYMAP.find((k) => k.key === key);
  if (!entry) return null;
  if ((entry.action === "more" || entry.action === "less") && !scanFieldEmpty) return null;
  return entry.action;
}

/** The name a key press has in the key map: `F2`, `Escape`, or `Alt+I` for a letter with Alt. */
export function keyName(e: { key: string; altKey: boolean }): string {
  return e.altKey && e.key.length === 1 ? `Alt+${e.key.toUpperCase()}` : e.key;
}
