import PgBoss from "pg-boss";
import type { JobInsert } from "./context";
import { type Database, type Db, executorFor } from "./db";

export type { PgBoss };

export interface QueueOptions {
  /** Run pg-boss maintenance (expiry, archiving); one process in a cluster is enough but more is safe. */
  supervise?: boolean;
}

/**
 * pg-boss on the application's own database (PGlite or PostgreSQL), so jobs
 * are inserted in the same transaction as the activity that caused them.
 */
export async function openQueue(database: Database, options: QueueOptions = {}): Promise<PgBoss> {
  const boss = new PgBoss({
    db: database,
    supervise: options.supervise ?? false,
    schedule: options.supervise ?? false,
    migrate: true,
  });
  boss.on("error", () => undefined); // surfaced through the workers' own handlers
  await boss.start();
  return boss;
}

export async function ensureQueues(boss: PgBoss, names: Iterable<string>): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q) => q.name));
  for (const name of names) {
    if (!existing.has(name)) {
      await boss.createQueue(name, { name, retryLimit: 5, retryDelay: 5, retryBackoff: true });
    }
  }
}

/** Inserts jobs with the caller's handle, so they commit or roll back with its transaction. */
export async function insertJobs(boss: PgBoss, db: Db, jobs: JobInsert[]): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(
    jobs.map((j) => ({
      name: j.name,
      data: j.data,
      ...(j.singletonKey ? { singletonKey: j.singletonKey } : {}),
      ...(j.startAfter ? { startAfter: j.startAfter } : {}),
    })),
    { db: executorFor(db) },
  );
}
