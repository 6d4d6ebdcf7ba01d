// Which part of the screen a key press belongs to: the topmost open layer takes it.

export interface OpenLayers {
  signIn: boolean;
  settings: boolean;
  dialog: boolean;
  /** Pickup, return or exceptions. */
  screen: boolean;
  receipt: boolean;
}

export type KeyLayer = "signIn" | "settings" | "dialog" | "screen" | "receipt" | "selling";

export function keyLayer(open: OpenLayers): KeyLayer {
  // An approval dialog can open over the sign-in screen (it then takes the keys).
  if (open.signIn && !open.dialog) return "signIn";
  if (open.settings) return "settings";
  if (open.dialog) return "dialog";
  if (open.screen) return "screen";
  if (open.receipt) return "receipt";
  return "selling";
}
