// Small DOM helpers shared by the screens.

/** The element with this id; the page (index.html) always has it. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

/** The value of an input, select or similar by id. */
export function valueOf(id: string): string {
  return $<HTMLInputElement | HTMLSelectElement>(id).value;
}

/** Text made safe to put into innerHTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
