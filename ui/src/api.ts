// The core, through Tauri's IPC (window.__TAURI__ with app.withGlobalTauri). Errors arrive as
// { code, message } and are thrown as ApiError.

export class ApiError extends Error {
  constructor(public code: string, message: string) {
    super(message);
  }
}

type Invoke = (cmd: string, args?: Record<string, unknown>) => Promise<unknown>;

function invoker(): Invoke {
  const tauri = (globalThis as any).__TAURI__;
  if (!tauri?.core?.invoke) throw new ApiError("internal", "not running inside the Kassa app");
  return tauri.core.invoke;
}

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return (await invoker()(cmd, args)) as T;
  } catch (e: any) {
    if (e instanceof ApiError) throw e;
    if (e && typeof e === "object" && "code" in e && "message" in e) throw new ApiError(e.code, e.message);
    throw new ApiError("internal", String(e));
  }
}
