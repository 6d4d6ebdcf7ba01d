import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "./commands";

describe("the command table", () => {
  it("names exactly the commands src-tauri registers", () => {
    const lib = readFileSync(new URL("../../src-tauri/src/lib.rs", import.meta.url), "utf8");
    const registered = [...lib.matchAll(/commands::\w+::(\w+),/g)].map((m) => m[1]).sort();
    expect(registered.length).toBeGreaterThan(20);
    expect(Object.keys(COMMAND_NAMES).sort()).toEqual(registered);
  });
});
