import { defineConfig } from "vitest/config";

export default defineConfig({
  build: { outDir: "dist", emptyOutDir: true, target: "es2021" },
  test: { environment: "node" },
});
