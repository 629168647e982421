import type { Clock } from "./clock";
import type { SQL } from "drizzle-orm";
import { WriteBatch } from "./batch";
import type { Db } from "./db";
import { fromDatabaseError } from "./errors";

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
  jobsSql(jobs: JobInsert[]): SQL;
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
  try {
    return await ctx.db.transaction(async (tx) => {
      const batch = new WriteBatch();
      const result = await fn({ ...ctx, db: tx, inTx: true, batch });
      await batch.flush(tx);
      return result;
    });
  } catch (err) {
    throw fromDatabaseError(err) ?? err;
  }
}

export function withActor(ctx: Ctx, actor: Actor): Ctx {
  return { ...ctx, actor };
}

export const systemActor = (name: string): Actor => ({ kind: "system", name });
