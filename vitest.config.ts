import { defineConfig } from "vitest/config";

/**
 * The domain and API tests run twice: on PGlite (always — a fresh machine has
 * nothing else) and on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
 * Pure functions run once, in `unit`.
 */
const databaseTests = ["src/**/*.test.ts", "test/**/*.test.ts"];
const notDatabaseTests = ["**/*.unit.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"];

const projects = [
  { test: { name: "unit", include: ["src/**/*.unit.test.ts"] } },
  {
    test: {
      name: "pglite",
      include: databaseTests,
      exclude: notDatabaseTests,
      globalSetup: ["test/setup/pglite.global.ts"],
      env: { USHER_TEST_DB: "pglite" },
    },
  },
];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    test: {
      name: "postgres",
      include: databaseTests,
      exclude: notDatabaseTests,
      globalSetup: ["test/setup/postgres.global.ts"],
      env: { USHER_TEST_DB: "postgres" },
    },
  });
}

export default defineConfig({
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
