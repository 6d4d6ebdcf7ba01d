// The message line under the scan field: red with a beep for a refusal, green for information.

import { $ } from "./dom";

export function showMessage(text: string, kind: "error" | "info" = "error"): void {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
  if (kind === "error") {
    box.classList.add("flash");
    beep();
  }
}

export function clearMessage(): void {
  $("message").className = "";
  $("message").textContent = "";
}

function beep(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    osc.frequency.value = 880;
    osc.connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.15);
  } catch {
    // No audio device: the red flash says it.
  }
}
