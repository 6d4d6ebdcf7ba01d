// The audit log dialog (Alt+A): whether the hash chain holds, and the newest entries.

import { escapeHtml } from "./dom";
import type { AuditView } from "./generated/AuditView";

export function auditHtml(view: AuditView): string {
  const broken = view.check.first_break;
  const state = broken
    ? `<p id="audit-state" class="error">Broken at entry ${broken.seq}: ${escapeHtml(broken.why)}</p>`
    : `<p id="audit-state">Chain intact: ${view.check.entries} entries</p>`;
  const rows = view.entries
    .map(
      (e) =>
        `<tr><td>${e.seq}</td><td>${escapeHtml(e.at.slice(11, 19))}</td><td>${escapeHtml(e.event)}</td><td>${escapeHtml(e.staff?.name ?? "")}</td><td>${escapeHtml(e.detail)}${e.approved_by ? ` (approved by ${escapeHtml(e.approved_by.name)})` : ""}</td></tr>`,
    )
    .join("");
  return `${state}<table id="audit-table"><tr><th>#</th><th>At</th><th>Event</th><th>Staff</th><th>Detail</th></tr>${rows}</table>`;
}
