// The one small dialog: a form of a few fields (ask) or a page of information (showInfo). It
// resolves with the typed values, or null when cancelled.

import { $ } from "./dom";

export interface Field {
  label: string;
  value?: string;
  type?: "text" | "password";
}

export type Ask = (title: string, fields: Field[]) => Promise<string[] | null>;

let resolveOpen: ((values: string[] | null) => void) | null = null;

export const ask: Ask = (title, fields) => {
  $("dialog-title").textContent = title;
  const body = $("dialog-body");
  body.replaceChildren();
  for (const f of fields) {
    const label = document.createElement("label");
    label.textContent = f.label;
    const input = document.createElement("input");
    input.value = f.value ?? "";
    if (f.type) input.type = f.type;
    label.appendChild(input);
    body.appendChild(label);
  }
  return open(() => body.querySelector("input")?.focus());
};

/** Shows `html` (escaped by the caller) with a Close button. */
export function showInfo(title: string, html: string): Promise<string[] | null> {
  $("dialog-title").textContent = title;
  $("dialog-body").innerHTML = html;
  return open(() => $("dialog-cancel").focus());
}

function open(focus: () => void): Promise<string[] | null> {
  // A dialog replaced by the next one (an approval after a refusal) is answered as cancelled.
  resolveOpen?.(null);
  $("dialog").hidden = false;
  focus();
  return new Promise((resolve) => (resolveOpen = resolve));
}

export function dialogOpen(): boolean {
  return !$("dialog").hidden;
}

export function closeDialog(values: string[] | null): void {
  $("dialog").hidden = true;
  const resolve = resolveOpen;
  resolveOpen = null;
  resolve?.(values);
}

export function wireDialog(): void {
  $("dialog-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const values = Array.from($("dialog-body").querySelectorAll("input")).map((input) => input.value);
    closeDialog(values);
  });
  $("dialog-cancel").addEventListener("click", () => closeDialog(null));
}
