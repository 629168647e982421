import type { Clock } from "./clock";
import { WriteBatch } from "./batch";
import type { Db } from "./db";
import { fromDatabaseError } from "./errors";
import type { Statement } from "./insert";

/** Who is acting. Services authorize against this, never against HTTP details. */
export type Actor =
  | {
      kind: "agent";
      agentId: string;
      name: string;
      role: "admin" | "supervisor" | "agent" | "light_agent";
      /** True when the agent may work every desk; otherwise only `deskIds`. */
      allDesks: boolean;
      deskIds: readonly string[];
      teamIds: readonly string[];
      /** How the agent authenticated — API tokens are noted in the activity log. */
      via: "session" | "token" | "cli";
    }
  | { kind: "contact"; contactId: string }
  /** Usher itself: intake, reactors, automations, the CLI's seed. */
  | { kind: "system"; name: string };

export interface JobInsert {
  name: string;
  data: Record<string, unknown>;
  singletonKey?: string;
  startAfter?: Date;
}

/** What an in-transaction reactor is told about an activity just recorded. */
export interface RecordedActivity {
  id: string;
  type: string;
  subjectType: string;
  subjectId: string;
  ticketId: string | null;
  changes: Record<string, [unknown, unknown]>;
  data: Record<string, unknown>;
  createdAt: Date;
}

/** Runs inside the transaction that recorded the activity, before it commits. */
export type InlineHandler = (ctx: Ctx, activity: RecordedActivity) => Promise<void>;

/**
 * Where recorded activities go. Queued reactors get a job written in the
 * caller's transaction (pg-boss lives in the same database), so a crash can
 * never keep a change and lose the work it causes. Inline reactors run in
 * that transaction before it commits: what must be true the moment a ticket
 * exists (its priority, its SLA clock, its route) is decided there.
 */
export interface Outbox {
  /** Queue names of reactors subscribed to an activity type (and, given the activity, accepting it). */
  reactorsFor(type: string, activity?: RecordedActivity): readonly string[];
  /** The jobs as one INSERT, to stage in a write batch. */
  jobsSql(jobs: JobInsert[]): Statement;
  /** In-transaction handlers subscribed to an activity type. */
  inlineFor(type: string): readonly InlineHandler[];
  enqueue(db: Db, jobs: JobInsert[]): Promise<void>;
}

/** Everything a service needs, passed explicitly: no globals, no request objects. */
export interface Ctx {
  db: Db;
  workspaceId: string;
  actor: Actor;
  clock: Clock;
  outbox: Outbox;
  /** True inside `inTransaction`, so nested calls reuse the transaction. */
  inTx?: boolean;
  /** How deep inside inline reactors this call is: a change made by one may trigger others, up to a limit. */
  depth?: number;
  /** Writes staged in this transaction, sent as one statement (see platform/batch.ts). */
  batch?: WriteBatch;
}

/**
 * Runs `fn` in a transaction, or in the caller's one if already inside. A
 * constraint the database enforces (unique key, foreign key, format) comes
 * out as a DomainError, so callers see the same typed errors whichever layer
 * caught the mistake.
 */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTx) return fn(ctx);
  const batch = new WriteBatch();
  let result: T;
  try {
    result = await ctx.db.transaction(async (tx) => {
      flushBeforeEachStatement(tx, batch);
      const value = await fn({ ...ctx, db: tx, inTx: true, batch });
      await batch.flush(tx, { final: true });
      return value;
    });
  } catch (err) {
    throw fromDatabaseError(err) ?? err;
  }
  for (const done of batch.committed) done();
  return result;
}

/**
 * Runs `fn` once the caller's transaction has committed (at once outside
 * one): for process memory that must not learn of a change that may still
 * roll back — caches of what other transactions read.
 */
export function afterCommit(ctx: Ctx, fn: () => void): void {
  if (ctx.inTx && ctx.batch) ctx.batch.committed.push(fn);
  else fn();
}

/**
 * Makes the batch write-behind: any statement the transaction sends by
 * other means first sends what is staged, so it sees those writes (and a
 * row it refers to exists). Code that only stages — a new ticket's inline
 * reactors deciding its priority, SLA clocks and jobs — then costs one
 * statement, without every caller having to know when to flush.
 *
 * Every drizzle query, `execute` and pg-boss's SQL go through the
 * transaction's own session's `prepareQuery` (a session per transaction, in
 * both drivers), so that is where it hooks in. The batch's own statement
 * goes to the driver directly, so it never waits for itself.
 */
function flushBeforeEachStatement(tx: Db, batch: WriteBatch): void {
  type Prepared = Record<"execute" | "all", (...args: unknown[]) => Promise<unknown>>;
  const session = (tx as unknown as { session?: { prepareQuery: (query: { sql: string }, ...rest: unknown[]) => Prepared } }).session;
  if (!session) return;
  const prepare = session.prepareQuery.bind(session);
  session.prepareQuery = (query, ...rest) => {
    const prepared = prepare(query, ...rest);
    // Rolling back: what is staged goes with the rest.
    if (/^\s*rollback/i.test(query.sql)) {
      batch.discard();
      return prepared;
    }
    for (const method of ["execute", "all"] as const) {
      const original = prepared[method].bind(prepared);
      prepared[method] = async (...args) => {
        if (!batch.takeReadPast()) await batch.sendPending(tx);
        return original(...args);
      };
    }
    return prepared;
  };
}

export function withActor(ctx: Ctx, actor: Actor): Ctx {
  return { ...ctx, actor };
}

export const systemActor = (name: string): Actor => ({ kind: "system", name });
