import type { Clock } from "./clock";
import type { Db } from "./db";

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

/**
 * Jobs written in the caller's transaction (pg-boss lives in the same
 * database), so a crash can never keep a change and lose the work it causes.
 */
export interface Outbox {
  /** Reactor queue names subscribed to an activity type. */
  reactorsFor(type: string): readonly string[];
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
}

/** Runs `fn` in a transaction, or in the caller's one if already inside. */
export async function inTransaction<T>(ctx: Ctx, fn: (tx: Ctx) => Promise<T>): Promise<T> {
  if (ctx.inTx) return fn(ctx);
  return ctx.db.transaction(async (tx) => fn({ ...ctx, db: tx, inTx: true }));
}

export function withActor(ctx: Ctx, actor: Actor): Ctx {
  return { ...ctx, actor };
}

export const systemActor = (name: string): Actor => ({ kind: "system", name });
