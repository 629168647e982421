import { and, asc, desc, eq, gt, inArray, lt } from "drizzle-orm";
import { stageRows } from "../../platform/batch";
import type { Actor, Ctx, JobInsert } from "../../platform/context";
import { newId } from "../../platform/ids";
import { type ActivityRow, type Changes, activities, reactorReceipts } from "./schema";

export interface ActivityInput {
  type: string;
  subjectType: string;
  subjectId: string;
  ticketId?: string | null;
  changes?: Changes;
  data?: Record<string, unknown>;
  /** When it happened, if not now (imports of past conversations). */
  at?: Date;
}

export const reactorQueue = (reactor: string) => `reactor.${reactor}`;

function actorColumns(actor: Actor): { actorKind: ActivityRow["actorKind"]; actorId: string | null; via?: string } {
  switch (actor.kind) {
    case "agent":
      return { actorKind: actor.via === "token" ? "api" : "agent", actorId: actor.agentId };
    case "contact":
      return { actorKind: "contact", actorId: actor.contactId };
    case "system":
      return { actorKind: "system", actorId: null };
  }
}

/**
 * Appends activities and, in the same transaction, the reactor jobs they
 * cause. Call it inside the transaction that made the change: the change, its
 * record and its consequences commit together or not at all.
 */
export async function recordActivities(ctx: Ctx, inputs: ActivityInput[], options: { react?: boolean } = {}): Promise<ActivityRow[]> {
  if (inputs.length === 0) return [];
  const now = ctx.clock.now();
  const { actorKind, actorId } = actorColumns(ctx.actor);
  const systemName = ctx.actor.kind === "system" ? ctx.actor.name : undefined;
  const rows = inputs.map((input) => ({
    id: newId(),
    workspaceId: ctx.workspaceId,
    type: input.type,
    subjectType: input.subjectType,
    subjectId: input.subjectId,
    ticketId: input.ticketId ?? null,
    actorKind,
    actorId,
    changes: input.changes ?? {},
    data: systemName ? { ...input.data, system: systemName } : (input.data ?? {}),
    createdAt: input.at ?? now,
  }));
  await stageRows(ctx, activities, rows);

  // Imports of past conversations are history: no rules, timers or notifications fire for them.
  if (options.react === false) return rows;
  await runInline(ctx, rows);
  const jobs: JobInsert[] = [];
  for (const row of rows) {
    for (const reactor of ctx.outbox.reactorsFor(row.type, row)) {
      jobs.push({
        name: reactorQueue(reactor),
        data: { workspaceId: row.workspaceId, activityId: row.id },
        singletonKey: row.id,
      });
    }
  }
  if (jobs.length === 0) return rows;
  if (ctx.batch) ctx.batch.add(ctx.outbox.jobsSql(jobs));
  else await ctx.outbox.enqueue(ctx.db, jobs);
  return rows;
}

/** Inline reactors may change the ticket and so record activities of their own; past this depth they stop. */
export const MAX_INLINE_DEPTH = 4;

async function runInline(ctx: Ctx, rows: ActivityRow[]): Promise<void> {
  const depth = ctx.depth ?? 0;
  if (depth >= MAX_INLINE_DEPTH) return;
  const handlers = rows.flatMap((row) => ctx.outbox.inlineFor(row.type).map((handle) => ({ row, handle })));
  if (handlers.length === 0) return;
  // What they read sees the staged writes: the batch sends them before any other statement.
  const inner: Ctx = { ...ctx, depth: depth + 1 };
  for (const { row, handle } of handlers) await handle(inner, row);
}

export const recordActivity = async (ctx: Ctx, input: ActivityInput) => (await recordActivities(ctx, [input]))[0]!;

/** `{ field: [before, after] }` for the fields that differ. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): Changes {
  const changes: Changes = {};
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const old = before[key];
    if (!sameValue(old, value)) changes[key] = [old ?? null, value];
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return a == b;
  if (typeof a === "object" && typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

export interface ActivityPage {
  items: ActivityRow[];
  nextCursor: string | null;
}

/** A ticket's history, oldest first (ids are time-ordered UUIDs). */
export async function listTicketActivities(
  ctx: Ctx,
  ticketId: string,
  options: { after?: string; limit?: number; order?: "asc" | "desc" } = {},
): Promise<ActivityPage> {
  const limit = Math.min(options.limit ?? 100, 500);
  const order = options.order ?? "asc";
  const rows = await ctx.db
    .select()
    .from(activities)
    .where(
      and(
        eq(activities.workspaceId, ctx.workspaceId),
        eq(activities.ticketId, ticketId),
        options.after ? (order === "asc" ? gt(activities.id, options.after) : lt(activities.id, options.after)) : undefined,
      ),
    )
    .orderBy(order === "asc" ? asc(activities.id) : desc(activities.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items.at(-1)!.id : null };
}

export async function getActivity(ctx: Pick<Ctx, "db">, workspaceId: string, id: string): Promise<ActivityRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(activities)
    .where(and(eq(activities.workspaceId, workspaceId), eq(activities.id, id)));
  return row;
}

/** Activities by id, in id (time) order. */
export async function getActivities(ctx: Ctx, ids: string[]): Promise<ActivityRow[]> {
  if (ids.length === 0) return [];
  return ctx.db
    .select()
    .from(activities)
    .where(and(eq(activities.workspaceId, ctx.workspaceId), inArray(activities.id, ids)))
    .orderBy(asc(activities.id));
}

/** Claims many (reactor, activity) pairs at once; returns the ids not handled before. */
export async function claimReceipts(ctx: Ctx, reactor: string, activityIds: string[]): Promise<string[]> {
  if (activityIds.length === 0) return [];
  const now = ctx.clock.now();
  const inserted = await ctx.db
    .insert(reactorReceipts)
    .values(activityIds.map((activityId) => ({ workspaceId: ctx.workspaceId, reactor, activityId, processedAt: now })))
    .onConflictDoNothing()
    .returning({ activityId: reactorReceipts.activityId });
  return inserted.map((r) => r.activityId);
}

/**
 * Claims (reactor, activity) inside the reactor's transaction. False means a
 * previous attempt already committed its effects: skip.
 */
export async function claimReceipt(ctx: Ctx, reactor: string, activityId: string): Promise<boolean> {
  const inserted = await ctx.db
    .insert(reactorReceipts)
    .values({ workspaceId: ctx.workspaceId, reactor, activityId, processedAt: ctx.clock.now() })
    .onConflictDoNothing()
    .returning({ activityId: reactorReceipts.activityId });
  return inserted.length === 1;
}
