import { and, asc, eq, gt, isNotNull, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import type { Reactor } from "../activity/reactors";
import { setDueTimes } from "../tickets/service";
import { forgetClocks } from "./clocks";
import { slaTargets } from "./schema";
import { calendarOf, slaConfig } from "./service";

const MINUTE = 60_000;

/**
 * After a calendar's hours, holidays or zone change, every running clock
 * counted in it gets a new deadline: add(started_at, target − consumed) in
 * the new calendar. Set-based in big batches — one keyset-paged read, one
 * UPDATE … FROM unnest(…) of the clocks and one of the tickets' due times per
 * batch — so a million open tickets take seconds, not a million round trips.
 * Time already counted (`consumed_ms`) stays as it was measured.
 */
export async function recomputeCalendar(
  ctx: Ctx,
  calendarId: string,
  options: { batchSize?: number; concurrency?: number; onBatch?: (n: number) => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 20_000;
  // Writes of one batch overlap the read and arithmetic of the next, on as many connections (PGlite has one: they queue).
  const concurrency = ctx.inTx ? 1 : (options.concurrency ?? 2);
  const config = await slaConfig(ctx);
  const cal = calendarOf(config, calendarId);
  const now = ctx.clock.now();
  let after: string | null = null;
  let total = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (; failure === undefined; ) {
    const rows = await ctx.db
      .select({
        ticketId: slaTargets.ticketId,
        metric: slaTargets.metric,
        startedAt: slaTargets.startedAt,
        consumedMs: slaTargets.consumedMs,
        targetMinutes: slaTargets.targetMinutes,
        warnPercent: slaTargets.warnPercent,
        warnedAt: slaTargets.warnedAt,
        breachedAt: slaTargets.breachedAt,
      })
      .from(slaTargets)
      .where(
        and(
          eq(slaTargets.workspaceId, ctx.workspaceId),
          eq(slaTargets.calendarId, calendarId),
          isNotNull(slaTargets.startedAt),
          isNull(slaTargets.achievedAt),
          after ? gt(slaTargets.ticketId, after) : undefined,
        ),
      )
      .orderBy(asc(slaTargets.ticketId), asc(slaTargets.metric))
      .limit(batchSize);
    if (rows.length === 0) break;
    // A ticket's clocks must land in one batch (its due time is their minimum): trim a ticket cut in two.
    let end = rows.length;
    if (rows.length === batchSize) {
      const last = rows[end - 1]!.ticketId;
      while (end > 0 && rows[end - 1]!.ticketId === last) end--;
      if (end === 0) end = rows.length;
    }
    const batch = rows.slice(0, end);
    after = batch[batch.length - 1]!.ticketId;
    const ids: string[] = [];
    const metrics: string[] = [];
    const dues: string[] = [];
    const warns: string[] = [];
    const checks: string[] = [];
    const ticketDue = new Map<string, number>();
    for (const r of batch) {
      const targetMs = r.targetMinutes * MINUTE;
      const due = cal.add(r.startedAt!, Math.max(0, targetMs - r.consumedMs));
      const warn = due - Math.round((targetMs * r.warnPercent) / 100);
      const check = r.warnedAt === null && r.breachedAt === null ? warn : r.breachedAt === null ? due : null;
      ids.push(r.ticketId);
      metrics.push(r.metric);
      dues.push(new Date(due).toISOString());
      warns.push(new Date(warn).toISOString());
      checks.push(check === null ? "NULL" : new Date(check).toISOString());
      const best = ticketDue.get(r.ticketId);
      if (best === undefined || due < best) ticketDue.set(r.ticketId, due);
    }
    const write = inBatchTransaction(ctx, async (db) => {
      await db.execute(sql`
        update ${slaTargets} as t set due_at = v.due_at, warn_at = v.warn_at, next_check_at = v.next_check_at, updated_at = ${now}
        from unnest(${`{${ids.join(",")}}`}::uuid[], ${`{${metrics.join(",")}}`}::text[], ${`{${dues.join(",")}}`}::timestamptz[],
                    ${`{${warns.join(",")}}`}::timestamptz[], ${`{${checks.join(",")}}`}::timestamptz[]) as v(ticket_id, metric, due_at, warn_at, next_check_at)
        where t.ticket_id = v.ticket_id and t.metric = v.metric and t.workspace_id = ${ctx.workspaceId}`);
      await setDueTimes({ ...ctx, db }, [...ticketDue.keys()], [...ticketDue.values()].map((d) => new Date(d)));
    });
    const tracked: Promise<void> = write.then(
      () => {
        inFlight.delete(tracked);
        total += batch.length;
        options.onBatch?.(total);
      },
      (err: unknown) => {
        inFlight.delete(tracked);
        failure ??= err;
      },
    );
    inFlight.add(tracked);
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  return total;
}

/**
 * Each batch commits on its own. Its ticket updates re-index the tickets'
 * GIN indexes (subject trigrams, tags): a larger pending list for the batch
 * lets PostgreSQL merge those entries in bulk rather than every few thousand
 * rows (GIN "fast update", the documented setting for bulk changes).
 */
async function inBatchTransaction(ctx: Ctx, fn: (db: Ctx["db"]) => Promise<void>): Promise<void> {
  if (ctx.inTx) {
    forgetClocks(ctx);
    return fn(ctx.db);
  }
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`set local gin_pending_list_limit = '64MB'`);
    await fn(tx);
  });
}

export const slaCalendarChanged: Reactor = {
  name: "sla.calendar-changed",
  on: ["sla.calendar_updated"],
  async handle(ctx, activity) {
    if (activity.data.hoursChanged === false) return;
    await recomputeCalendar(ctx, activity.subjectId);
  },
};
