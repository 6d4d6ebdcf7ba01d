// One exception as staff read it: what happened, on which tills, whether and how it was resolved.
// Never its id (that is for head office and support).

import { escapeHtml } from "./dom";
import type { Exception } from "./generated/Exception";

export function inboxEntryHtml(e: Exception): string {
  const state = e.resolution
    ? `Resolved by ${escapeHtml(e.resolution.resolved_by ?? "a manager")} (${escapeHtml(e.resolution.written_by)}): ${escapeHtml(e.resolution.note)}`
    : "Open";
  return `<b>${escapeHtml(e.kind.replace(/_/g, " "))}</b> <span class="state">${state}</span><p>${escapeHtml(e.message)}</p><p class="note">Tills: ${escapeHtml(e.tills.join(", ") || "–")}</p>`;
}
