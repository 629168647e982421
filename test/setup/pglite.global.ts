import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { openPglite } from "../../src/platform/db";
import { migrate } from "../../src/platform/migrate";
import { ensureQueues, openQueue } from "../../src/platform/queue";
import { reactorQueues } from "../../src/modules/activity/reactors";
import { allReactors } from "../../src/reactors";

/**
 * A new PGlite database takes seconds to create; loading a dump takes a
 * fraction of that. One migrated database is dumped here, and every test
 * file starts from the dump.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "usher-test-"));
  const database = await openPglite();
  await migrate(database);
  const boss = await openQueue(database);
  await ensureQueues(boss, reactorQueues(allReactors));
  await boss.stop({ graceful: false, wait: true } as never);
  const dump = await database.dump!();
  const file = join(dir, "migrated.tar.gz");
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide("pgliteDump", file);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteDump: string;
    postgresUrl: string;
  }
}
