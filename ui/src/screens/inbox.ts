// The exceptions inbox (Alt+I): what merging revealed for this store, and Resolve, which records
// a manager's note.

import { call, errorText } from "../api";
import { withApproval } from "../approval";
import { ask } from "../dialog";
import { $ } from "../dom";
import { inboxEntryHtml } from "../inbox-entry";
import { refreshStatus } from "../status-bar";

export async function openInbox(): Promise<void> {
  $("inbox-view").hidden = false;
  await renderInbox();
  $("inbox-close").focus();
}

async function renderInbox(): Promise<void> {
  const list = $("inbox-list");
  list.replaceChildren();
  try {
    const entries = await call("exceptions");
    if (entries.length === 0) list.textContent = "Nothing to look at: merging found no problems.";
    for (const e of entries) {
      const div = document.createElement("div");
      div.className = `inbox-entry ${e.resolution ? "resolved" : "open"}`;
      div.innerHTML = inboxEntryHtml(e);
      // The id is for head office and support, not for staff: kept on the element only.
      div.dataset.exceptionId = e.id;
      if (!e.resolution) {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = "Resolve";
        b.addEventListener("click", () => void resolve(e.id));
        div.appendChild(b);
      }
      list.appendChild(div);
    }
  } catch (err) {
    list.textContent = errorText(err);
  }
}

async function resolve(id: string): Promise<void> {
  $("inbox-view").hidden = true;
  const values = await ask("Resolve exception", [{ label: "What was done" }, { label: "Manager" }]);
  $("inbox-view").hidden = false;
  $("inbox-close").focus();
  if (!values) return;
  try {
    await withApproval((approval) => call("resolve_exception", { id, note: values[0], resolvedBy: values[1] || null, approval }));
    void refreshStatus();
  } catch (e) {
    $("inbox-list").prepend(Object.assign(document.createElement("p"), { className: "error", textContent: errorText(e) }));
    return;
  }
  await renderInbox();
}

export function wireInbox(): void {
  $("inbox-close").addEventListener("click", () => ($("inbox-view").hidden = true));
}
