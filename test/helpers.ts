import { readFileSync } from "node:fs";
import { afterAll, beforeAll, inject } from "vitest";
import { type App, openApp } from "../src/app";
import type { Clock } from "../src/platform/clock";
import { loadConfig } from "../src/platform/config";
import { type Database, openPglite, openPostgres } from "../src/platform/db";
import { createLogger } from "../src/platform/logger";
import { drainReactors } from "../src/worker";
import type { Reactor } from "../src/modules/activity/reactors";
import { allReactors } from "../src/reactors";

export const testDb = () => (process.env.USHER_TEST_DB === "postgres" ? "postgres" : "pglite");

export function testConfig(overrides: Parameters<typeof loadConfig>[1] = {}) {
  return loadConfig({}, { logLevel: "silent", ...overrides }, { defaultFile: false });
}

export async function openTestDatabase(): Promise<Database> {
  if (testDb() === "postgres") return openPostgres(inject("postgresUrl"), { poolSize: 8, applicationName: "usher-test" });
  return openPglite({ loadDataDir: new Blob([readFileSync(inject("pgliteDump"))]) });
}

export interface TestAppOptions {
  clock?: Clock;
  config?: Parameters<typeof loadConfig>[1];
  /** Reactors in addition to Usher's own (inline ones for tests of the mechanism). */
  extraReactors?: readonly Reactor[];
}

/** An App on this run's test database (already migrated), closed with the database. */
export async function openTestApp(options: TestAppOptions = {}): Promise<App> {
  const database = await openTestDatabase();
  const app = await openApp(testConfig(options.config), {
    database,
    clock: options.clock,
    skipMigrations: true,
    log: createLogger("silent"),
    reactors: [...allReactors, ...(options.extraReactors ?? [])],
  });
  return {
    ...app,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** One app per test file: opened before the first test, closed after the last. */
export function useTestApp(options: TestAppOptions = {}): () => App {
  let app: App | undefined;
  beforeAll(async () => {
    app = await openTestApp(options);
  });
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error("the test app is not open yet");
    return app;
  };
}

/**
 * Runs reactor jobs until none of this workspace's is left. Test files share
 * the queues on PostgreSQL, so another file may be running ours: wait for it.
 */
export async function settle(app: App, workspaceId: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    await drainReactors(app);
    const { rows } = await app.database.executeSql(
      "select count(*)::int as n from pgboss.job where data->>'workspaceId' = $1 and state in ('created', 'retry', 'active')",
      [workspaceId],
    );
    if (rows[0].n === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("reactor jobs did not settle");
}

export async function pendingJobs(app: App, workspaceId: string): Promise<number> {
  const { rows } = await app.database.executeSql(
    "select count(*)::int as n from pgboss.job where data->>'workspaceId' = $1 and state in ('created', 'retry')",
    [workspaceId],
  );
  return rows[0].n;
}
