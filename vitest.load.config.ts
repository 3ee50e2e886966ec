import { defineConfig } from "vitest/config";

/**
 * `npm run test:load`: the load tests at full size (test/load/*.load.ts), 15 s to a minute on two
 * cores, kept out of `npm test`; the default suite runs the same tests at a tenth of the size
 * (test/echo-load.test.ts). CI runs both (.ci/run).
 */
export default defineConfig({
  test: {
    include: ["test/load/**/*.load.ts"],
    // One test at a time: each one alone already loads both cores, and they count descriptors.
    fileParallelism: false,
    testTimeout: 5 * 60_000,
    hookTimeout: 60_000,
  },
});
