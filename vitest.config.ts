import { defineConfig } from "vitest/config";

// Unit tests run under a non-UTC zone (set in the Makefile and package.json):
// any hidden reliance on local time makes them fail.
export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
