import { existsSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * The domain and API tests run twice: on PGlite (always — a fresh machine has
 * nothing else) and on PostgreSQL when TEST_DATABASE_URL is set (CI sets it).
 * Pure functions run once, in `unit`. A `*.pglite.test.ts` or
 * `*.postgres.test.ts` file is about one database only (the embedded one's
 * folder lock; several processes on one server).
 */
const databaseTests = ["src/**/*.test.ts", "test/**/*.test.ts"];
const notDatabaseTests = ["**/*.unit.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"];

// The IMAP intake tests poll Debian's Dovecot (CI installs it). A fresh machine with only Node.js
// runs everything else, as the README's test command promises, and is told what it left out.
const dovecot = process.env.DOVECOT_PATH ?? "/usr/sbin/dovecot";
if (!existsSync(dovecot)) {
  notDatabaseTests.push("**/channels/email/imap.test.ts");
  console.warn(`Dovecot not found at ${dovecot}: the IMAP intake tests are not configured (apt-get install dovecot-imapd, or set DOVECOT_PATH).`);
}

const projects = [
  { extends: true as const, test: { name: "unit", include: ["src/**/*.unit.test.ts", "web/**/*.unit.test.ts"] } },
  {
    extends: true as const,
    test: {
      name: "pglite",
      include: databaseTests,
      exclude: [...notDatabaseTests, "**/*.postgres.test.ts"],
      globalSetup: ["test/setup/pglite.global.ts"],
      env: { USHER_TEST_DB: "pglite" },
    },
  },
];
if (process.env.TEST_DATABASE_URL) {
  projects.push({
    extends: true as const,
    test: {
      name: "postgres",
      include: databaseTests,
      exclude: [...notDatabaseTests, "**/*.pglite.test.ts"],
      globalSetup: ["test/setup/postgres.global.ts"],
      env: { USHER_TEST_DB: "postgres" },
    },
  });
}

// End-to-end tests need Debian's Chromium (CI installs it; a fresh machine may not have it).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(chromium)) {
  projects.push({
    extends: true as const,
    test: {
      name: "e2e",
      include: ["e2e/**/*.e2e.test.ts"],
      exclude: ["**/node_modules/**"],
      globalSetup: ["test/setup/pglite.global.ts"],
      env: { USHER_TEST_DB: "pglite" },
    },
  });
} else {
  console.warn(
    `Chromium not found at ${chromium}: the end-to-end project is not configured (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}

export default defineConfig({
  test: {
    projects,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
