import { defineConfig } from "vitest/config";

// Unit tests run under a non-UTC zone, whoever starts them (`make test`, `npx vitest`):
// any hidden reliance on the machine's local time makes them fail. The test worker
// processes inherit this variable. test/time/zone.test.ts checks it took effect.
process.env.TZ = process.env.TEST_TZ ?? "America/Los_Angeles";

export default defineConfig({
  test: {
    environment: "node",
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
