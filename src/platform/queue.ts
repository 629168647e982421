import PgBoss from "pg-boss";
import type { JobInsert } from "./context";
import { type Database, type Db, executorFor } from "./db";
import { type Merge, type Statement, shiftPlaceholders } from "./insert";

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

// pg-boss's own job INSERT (the one `boss.insert` runs), so staged jobs get exactly
// the defaults, policies and singleton handling pg-boss gives them. Pinned with
// pg-boss ~10.4; the reactor tests fail if a new version changes its shape.
// @ts-expect-error -- pg-boss ships no types for its internals
import plans from "pg-boss/src/plans.js";

const INSERT_JOBS: string = (plans as { insertJobs(schema: string): string }).insertJobs("pgboss");

function toBossJobs(jobs: JobInsert[]) {
  return jobs.map((j) => ({
    name: j.name,
    data: j.data,
    ...(j.singletonKey ? { singletonKey: j.singletonKey } : {}),
    ...(j.startAfter ? { startAfter: j.startAfter.toISOString() } : {}),
  }));
}

/** The jobs as one INSERT statement, to run or to stage in a write batch. */
export function jobsSql(jobs: JobInsert[]): Statement {
  return jobsStatement(JSON.stringify(toBossJobs(jobs)));
}

// Queue settings (retries, expiry) come from the queue; null defaults defer to them.
const jobsStatement = (json: string, offset = 0): Statement => ({
  text: offset === 0 ? INSERT_JOBS : shiftPlaceholders(INSERT_JOBS, offset),
  params: [json, null, null, null, null, null],
  merge: JOBS_MERGE,
});

/** Jobs of several statements as one: the elements of their JSON arrays joined in one array. */
const JOBS_MERGE: Merge = {
  key: INSERT_JOBS,
  combine: (statements, offset) =>
    jobsStatement(`[${statements.map((s) => (s.params[0] as string).slice(1, -1).trim()).filter(Boolean).join(",")}]`, offset),
};

/** Inserts jobs with the caller's handle, so they commit or roll back with its transaction. */
export async function insertJobs(boss: PgBoss, db: Db, jobs: JobInsert[]): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(toBossJobs(jobs) as never, { db: executorFor(db) });
}
