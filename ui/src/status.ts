// The sync status line: online, or offline since when; what head office has not got yet.

import type { SyncStatus } from "./generated/SyncStatus";
import { CurrencyInfo, formatMoney } from "./money";

export type { SyncStatus };

function time(rfc3339: string | null): string {
  if (!rfc3339) return "never";
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export interface StatusLine {
  state: "standalone" | "online" | "offline" | "unknown";
  label: string;
  pending: string;
  last: string;
}

export function describeStatus(s: SyncStatus, currency: CurrencyInfo): StatusLine {
  const state = !s.enrolled ? "standalone" : s.online ? "online" : s.offline_since ? "offline" : "unknown";
  const label =
    state === "standalone" ? "Stand-alone" : state === "online" ? "Online" : state === "offline" ? `Offline since ${time(s.offline_since)}` : "Connecting…";
  const other = s.pending_other;
  const otherText = other === 0 ? "" : ` · ${other} return${other === 1 ? "" : "s"}/pickup${other === 1 ? "" : "s"}`;
  const pending =
    s.pending_sales === 0 && other === 0
      ? "All sales at head office"
      : s.pending_sales === 0
        ? `${other} return${other === 1 ? "" : "s"}/pickup${other === 1 ? "" : "s"} not yet at head office`
        : `${s.pending_sales} sale${s.pending_sales === 1 ? "" : "s"} · ${formatMoney(s.pending_amount, currency)}${otherText} not yet at head office`;
  // Rows the till could not apply stay visible until head office fixes them.
  const skipped = s.catalogue_skipped;
  const skippedText = skipped === 0 ? "" : ` · ${skipped} catalogue row${skipped === 1 ? "" : "s"} skipped`;
  return {
    state,
    label,
    pending: s.enrolled ? pending + skippedText : "",
    last: s.enrolled ? `Last sync ${time(s.last_success_at)}` : "",
  };
}
