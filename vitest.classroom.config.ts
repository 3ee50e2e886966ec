import { defineConfig } from "vitest/config";

/**
 * `npm run test:classroom`: the slow checks a course on a shared hub needs, kept out of `npm test`
 * (minutes, not seconds): the image's build step (binder/postBuild) and the whole course run by
 * many students at once. CI runs them after `npm test` (.ci/run).
 */
export default defineConfig({
  test: {
    include: ["test/classroom/**/*.classroom.ts"],
    // One file at a time: each one alone already loads both cores.
    fileParallelism: false,
    // 8 students x 10 lessons on 2 cores took 7.5 to over 12 minutes here; CI has 90 minutes in all.
    testTimeout: 35 * 60_000,
    hookTimeout: 5 * 60_000,
  },
});
