import { and, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { type Ctx, systemActor } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { authorize } from "../identity/policy";
import { listAgents } from "../identity/service";
import { priorityConfig, reprioritiseAll } from "../priority/service";
import { slaConfig } from "../sla/service";
import type { TicketRow } from "../tickets/schema";
import { listTickets, notesBetween } from "../tickets/service";
import { listWorkspaces } from "../workspaces/service";
import { handoverRuns } from "./schema";

/**
 * Shift hand-over (seeds/004): "prior to leaving the office, there is to be
 * a turn-over process" — near the close of day every open ticket is scored
 * again, and the report lists each agent's open tickets, most urgent first,
 * with the notes written on them that day.
 */

export interface HandoverReport {
  date: string;
  timeZone: string;
  reprioritisedAt: Date | null;
  agents: Array<{
    agent: { id: string; name: string; availability: string };
    tickets: Array<{ ticket: TicketRow; notes: Array<{ id: string; text: string; authorAgentId: string | null; createdAt: Date }> }>;
  }>;
}

export async function handoverReport(ctx: Ctx, date?: string): Promise<HandoverReport> {
  authorize(ctx.actor, "ticket.read");
  const calendar = (await slaConfig(ctx)).defaultCalendar;
  const timeZone = calendar?.spec.timeZone ?? "UTC";
  const day = date ? DateTime.fromISO(date, { zone: timeZone }) : DateTime.fromJSDate(ctx.clock.now(), { zone: timeZone });
  if (!day.isValid || (date && !/^\d{4}-\d{2}-\d{2}$/.test(date))) throw invalid([{ path: "date", message: "a date, YYYY-MM-DD" }]);
  const from = day.startOf("day").toJSDate();
  const to = day.startOf("day").plus({ days: 1 }).toJSDate();

  const open: TicketRow[] = [];
  for (let cursor: string | undefined, i = 0; i < 100; i++) {
    const page = await listTickets(ctx, {
      conditions: { all: [{ field: "assignee", op: "is_set" }, { field: "status", op: "in", value: ["new", "open", "pending", "on_hold"] }] },
      sort: "priority",
      cursor,
      limit: 100,
    });
    open.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const notes = await notesBetween(ctx, open.map((t) => t.id), from, to);
  const agents = (await listAgents({ ...ctx, actor: systemActor("handover") }, { status: "active", limit: 100 })).items;
  const isoDate = day.toISODate()!;
  const [run] = await ctx.db
    .select()
    .from(handoverRuns)
    .where(and(eq(handoverRuns.workspaceId, ctx.workspaceId), eq(handoverRuns.date, isoDate)));
  return {
    date: isoDate,
    timeZone,
    reprioritisedAt: run?.ranAt ?? null,
    agents: agents
      .map((agent) => ({
        agent: { id: agent.id, name: agent.name, availability: agent.availability },
        tickets: open.filter((t) => t.assigneeId === agent.id).map((ticket) => ({ ticket, notes: notes.filter((n) => n.ticketId === ticket.id) })),
      }))
      .filter((a) => a.tickets.length > 0),
  };
}

/**
 * Runs the end-of-day re-prioritisation for each workspace whose business
 * day (its default calendar) closes within its lead time — once per local
 * date. Called by a scheduled job every few minutes.
 */
export async function endOfDay(
  base: Pick<Ctx, "db" | "clock" | "outbox">,
  options: { workspaceIds?: string[] } = {},
): Promise<Array<{ workspaceId: string; tickets: number }>> {
  const done: Array<{ workspaceId: string; tickets: number }> = [];
  const now = base.clock.now();
  for (const workspace of await listWorkspaces(base.db)) {
    if (options.workspaceIds && !options.workspaceIds.includes(workspace.id)) continue;
    const ctx: Ctx = { ...base, workspaceId: workspace.id, actor: systemActor("handover") };
    const due = await base.db.transaction(async (db): Promise<string | null> => {
      const tx: Ctx = { ...ctx, db, inTx: true };
      const calendar = (await slaConfig(tx)).defaultCalendar;
      if (!calendar || calendar.alwaysOpen) return null;
      const closing = calendar.closingOf(now);
      const lead = (await priorityConfig(tx)).endOfDayLeadMinutes * 60_000;
      if (closing === null || now.getTime() < closing - lead || now.getTime() > closing + 4 * 3_600_000) return null;
      const date = calendar.localDate(now);
      const inserted = await db.insert(handoverRuns).values({ workspaceId: workspace.id, date, ranAt: now }).onConflictDoNothing().returning();
      return inserted.length > 0 ? date : null;
    });
    if (!due) continue;
    const tickets = await reprioritiseAll(base, workspace.id);
    await base.db
      .update(handoverRuns)
      .set({ tickets })
      .where(and(eq(handoverRuns.workspaceId, workspace.id), eq(handoverRuns.date, due)));
    done.push({ workspaceId: workspace.id, tickets });
  }
  return done;
}
