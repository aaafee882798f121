import { defineConfig } from "vitest/config";

/** Browser end-to-end tests: real server child process + Chromium (see tests/e2e/harness.ts). */
export default defineConfig({
  test: {
    include: ["tests/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["tests/e2e/global-setup.ts"],
    // one server + browser at a time: they are heavy, and screenshots are compared by eye
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    // a page in a cold browser on a loaded machine can take seconds to settle; 1 s (the default) flakes
    expect: { poll: { timeout: 10_000 } },
    reporters: ["default"],
  },
});
