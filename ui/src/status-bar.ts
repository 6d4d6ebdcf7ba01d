// The status bar: online or offline since when, what head office has not got yet, last sync.

import { call } from "./api";
import { $ } from "./dom";
import { till } from "./state";
import { describeStatus } from "./status";

export async function refreshStatus(): Promise<void> {
  try {
    const d = describeStatus(await call("sync_status"), till.currency);
    const pill = $("sync-state");
    pill.dataset.state = d.state;
    pill.textContent = d.label;
    $("sync-pending").textContent = d.pending;
    $("sync-last").textContent = d.last;
  } catch {
    // The next poll tries again.
  }
}
