/**
 * `npm run test:unit`: the inner loop. Tests that need no build, no Python
 * venv, no Go tool, no JVM and no local server: test/unit/ and the golden
 * comparisons. They run in seconds; `npm test` runs them with everything else.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/golden.test.ts", "test/schema.test.ts"],
    testTimeout: 20_000,
  },
});
