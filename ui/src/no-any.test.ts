// `any` switches the type checker off where the UI meets the core: none in ui/src, tests included.
// Found with the TypeScript parser, so words in comments and strings do not count.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL(".", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** `file:line` of every `any` type in `text`. */
export function anyTypes(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.AnyKeyword) {
      found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("no any", () => {
  it("finds an any type where there is one, and not in words", () => {
    expect(anyTypes("x.ts", "let a: any = 1;\nconst b = c as any;\nfunction f(x: Array<any>) {}")).toEqual(["x.ts:1", "x.ts:2", "x.ts:3"]);
    expect(anyTypes("y.ts", '// any comment\nconst s = "any";\nconst anyThing = 1;')).toEqual([]);
  });

  it("has none in ui/src", () => {
    const files = sources(SRC);
    expect(files.length).toBeGreaterThan(20);
    expect(files.flatMap((f) => anyTypes(f.slice(SRC.length), readFileSync(f, "utf8")))).toEqual([]);
  });
});
