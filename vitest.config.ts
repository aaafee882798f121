import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "tests/scaleout/**", "node_modules/**"],
    globalSetup: ["tests/globalSetup.ts"],
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own server; two at a time suits this 2-core machine.
    maxWorkers: 2,
  },
});
