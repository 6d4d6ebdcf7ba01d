// The core, through Tauri's IPC (window.__TAURI__ with app.withGlobalTauri). Errors arrive as
// { code, message } (CommandError) and are thrown as ApiError; the UI branches on the code only.

import type { CommandName, Commands } from "./commands";
import type { ErrorCode } from "./generated/ErrorCode";

export class ApiError extends Error {
  constructor(
    public code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

interface TauriGlobal {
  __TAURI__?: { core?: { invoke?: Invoke } };
}

function invoker(): Invoke {
  const invoke = (globalThis as TauriGlobal).__TAURI__?.core?.invoke;
  if (!invoke) throw new ApiError("internal", "not running inside the Kassa app");
  return invoke;
}

/** A rejection from the core is `{ code, message }`; anything else is the UI's or IPC's own failure. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  if (e && typeof e === "object" && "code" in e && "message" in e && typeof e.code === "string" && typeof e.message === "string") {
    return new ApiError(e.code as ErrorCode, e.message);
  }
  return new ApiError("internal", String(e));
}

/** Calls a command with its arguments; resolves with its result, rejects with an ApiError. */
export async function call<K extends CommandName>(cmd: K, ...args: Commands[K]["args"] extends Record<string, never> ? [] : [Commands[K]["args"]]): Promise<Commands[K]["result"]> {
  try {
    return (await invoker()(cmd, args[0])) as Commands[K]["result"];
  } catch (e) {
    throw toApiError(e);
  }
}

/** What a person reads about a failure. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
