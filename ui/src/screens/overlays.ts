// The pickup, return and exceptions screens: overlays over the selling screen, one at a time.

import { $ } from "../dom";

export const SCREENS = ["pickup-view", "return-view", "inbox-view"] as const;

export function openScreen(): HTMLElement | null {
  return SCREENS.map((id) => $(id)).find((s) => !s.hidden) ?? null;
}

export function closeScreens(): void {
  for (const id of SCREENS) $(id).hidden = true;
}

/** Says something on a screen's own message line. */
export function say(box: string, message: string, kind: "error" | "info" = "error"): void {
  const el = $(box);
  el.textContent = message;
  el.className = kind;
}
