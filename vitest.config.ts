import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // notebooks/src is a symlink to src/: without an explicit include vitest would run every test twice.
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // The Jupyter tests talk to kernels over a websocket: Node 20 has its WebSocket behind a flag.
    execArgv: typeof WebSocket === "undefined" ? ["--experimental-websocket"] : [],
  },
});
