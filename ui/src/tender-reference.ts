// What a receipt or screen shows for a tender's reference. Kassa keeps a store credit code only
// as its key (64 hex digits, a SHA-256 of the code): a key is shown as its first eight digits,
// like the core's `shown_reference`; a code just issued (on the refund receipt) is shown whole.

import type { Tender } from "./generated/Tender";

const CREDIT_KEY = /^[0-9a-f]{64}$/;

export function shownReference(t: Tender): string | null {
  if (t.reference === null) return null;
  if (t.kind === "credit" && CREDIT_KEY.test(t.reference)) return `#${t.reference.slice(0, 8)}`;
  return t.reference;
}
