import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // Python, Airflow and JVM checks spawn processes that take seconds each.
    testTimeout: 300_000,
    hookTimeout: 1_800_000,
    pool: "forks",
  },
});
