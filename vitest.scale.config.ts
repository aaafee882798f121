import { defineConfig } from "vitest/config";

/** The scale-out suite: several server processes on PostgreSQL + Redis (run by .ci/run). */
export default defineConfig({
  test: {
    include: ["tests/scaleout/**/*.test.ts"],
    globalSetup: ["tests/globalSetup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
