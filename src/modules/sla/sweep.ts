import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { systemActor } from "../../platform/context";
import { type ActivityInput, recordActivities } from "../activity/service";
import { breachActivity, upsertTargets } from "./clocks";
import { type SlaTargetRow, slaTargets } from "./schema";
import { refresh } from "./timeline";
import { calendarOf, slaConfig } from "./service";

/**
 * Warnings and breaches are a matter of time passing, not of anything
 * happening to the ticket: a job scans the clocks whose next check is due
 * (an index on `next_check_at` keeps that cheap however many clocks run),
 * records `sla.warning` / `sla.breached`, and moves the next check on.
 * Rows are locked with SKIP LOCKED, so several workers can sweep at once.
 */
export async function sweepSla(
  base: Pick<Ctx, "db" | "clock" | "outbox">,
  options: { limit?: number; workspaceId?: string } = {},
): Promise<{ warnings: number; breaches: number }> {
  const limit = options.limit ?? 500;
  let warnings = 0;
  let breaches = 0;
  for (;;) {
    const found = await base.db.transaction(async (db) => {
      const now = base.clock.now();
      const rows = await db
        .select()
        .from(slaTargets)
        .where(and(sql`${slaTargets.nextCheckAt} <= ${now}`, options.workspaceId ? eq(slaTargets.workspaceId, options.workspaceId) : undefined))
        .orderBy(asc(slaTargets.nextCheckAt))
        .limit(limit)
        .for("update", { skipLocked: true });
      const byWorkspace = new Map<string, SlaTargetRow[]>();
      for (const row of rows) byWorkspace.set(row.workspaceId, [...(byWorkspace.get(row.workspaceId) ?? []), row]);
      for (const [workspaceId, list] of byWorkspace) {
        const ctx: Ctx = { ...base, db, inTx: true, workspaceId, actor: systemActor("sla.sweep") };
        const config = await slaConfig(ctx);
        const activities: ActivityInput[] = [];
        for (const row of list) {
          if (row.dueAt && row.dueAt <= now && !row.breachedAt) {
            row.breachedAt = now;
            row.warnedAt ??= now;
            activities.push(breachActivity(row, row.ticketId));
            breaches++;
          } else if (row.warnAt && row.warnAt <= now && !row.warnedAt) {
            row.warnedAt = now;
            activities.push({
              type: "sla.warning",
              subjectType: "ticket",
              subjectId: row.ticketId,
              ticketId: row.ticketId,
              data: { metric: row.metric, dueAt: row.dueAt?.toISOString() ?? null, policyId: row.policyId },
            });
            warnings++;
          }
          row.updatedAt = now;
          refresh(row, calendarOf(config, row.calendarId));
          if (row.nextCheckAt && row.nextCheckAt <= now && row.breachedAt) row.nextCheckAt = null;
        }
        await upsertTargets(ctx, list);
        await recordActivities(ctx, activities);
      }
      return rows.length;
    });
    if (found < limit) return { warnings, breaches };
  }
}
