import type { TestProject } from "vitest/node";
import { reactorQueues } from "../../src/modules/activity/reactors";
import { allReactors } from "../../src/reactors";
import { openPostgres } from "../../src/platform/db";
import { migrate } from "../../src/platform/migrate";
import { ensureQueues, openQueue } from "../../src/platform/queue";

/**
 * A fresh database per run on the server in TEST_DATABASE_URL, migrated once
 * and dropped at the end; test files share it, each test in workspaces of its own.
 */
export default async function setup(project: TestProject) {
  const base = new URL(process.env.TEST_DATABASE_URL!);
  const name = `usher_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = openPostgres(base.toString());
  await admin.executeSql(`CREATE DATABASE ${name}`);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  await migrate(database);
  const boss = await openQueue(database);
  await ensureQueues(boss, reactorQueues(allReactors));
  await boss.stop({ graceful: false, wait: true } as never);
  await database.close();
  project.provide("postgresUrl", url.toString());
  return async () => {
    await admin.executeSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.close();
  };
}
