import { type SQL, and, desc, eq, gte, inArray, isNotNull, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { type Page, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { authorize, deskFilter } from "../identity/policy";
import { type SatisfactionRating, type SatisfactionSurveyRow, satisfactionSurveys as s } from "./schema";

/**
 * Reading ratings: a list with filters, CSAT per period, desk or agent, and
 * the figures the customer 360 shows. CSAT is good / (good + bad), as
 * Zendesk and Freshdesk define it; surveys offered but not answered do not
 * count either way. Every read is limited to the desks the agent works.
 */

export interface RatingFilter {
  deskId?: string;
  agentId?: string;
  rating?: SatisfactionRating;
  /** Rated at or after. */
  from?: Date;
  /** Rated before. */
  to?: Date;
}

function where(ctx: Ctx, f: RatingFilter): SQL {
  if (f.from && f.to && f.from >= f.to) throw invalid([{ path: "to", message: "must be after from" }]);
  return and(
    eq(s.workspaceId, ctx.workspaceId),
    isNotNull(s.rating),
    deskFilter(ctx.actor, s.deskId),
    f.deskId ? eq(s.deskId, f.deskId) : undefined,
    f.agentId ? eq(s.agentId, f.agentId) : undefined,
    f.rating ? eq(s.rating, f.rating) : undefined,
    f.from ? gte(s.ratedAt, f.from) : undefined,
    f.to ? lt(s.ratedAt, f.to) : undefined,
  )!;
}

const KEYS = [
  { column: s.ratedAt, direction: "desc" },
  { column: s.id, direction: "desc" },
] as const;

export async function listRatings(ctx: Ctx, filter: RatingFilter & { cursor?: string; limit?: number } = {}): Promise<Page<SatisfactionSurveyRow>> {
  authorize(ctx.actor, "ticket.read");
  const limit = pageSize(filter.limit);
  const rows = await ctx.db
    .select()
    .from(s)
    .where(and(where(ctx, filter), filter.cursor ? afterCursor(KEYS, decodeCursor(filter.cursor, 2)) : undefined))
    .orderBy(...orderByKeys(KEYS))
    .limit(limit + 1);
  return toPage(rows, limit, (r) => [r.ratedAt, r.id]);
}

export interface CsatFigure {
  good: number;
  bad: number;
  /** good / (good + bad) as a percentage with one decimal; null with no ratings. */
  csat: number | null;
}

export const csatOf = (good: number, bad: number): CsatFigure => ({
  good,
  bad,
  csat: good + bad === 0 ? null : Math.round((good / (good + bad)) * 1000) / 10,
});

export type CsatGroup = "period" | "desk" | "agent";
export type CsatPeriod = "day" | "week" | "month";

export interface CsatRow extends CsatFigure {
  /** The period's start (ISO), the desk id or the agent id (null: no agent). */
  key: string | null;
}

export async function csatReport(
  ctx: Ctx,
  filter: RatingFilter & { groupBy?: CsatGroup; period?: CsatPeriod },
): Promise<{ total: CsatFigure; rows: CsatRow[] }> {
  authorize(ctx.actor, "ticket.read");
  const period = filter.period ?? "week";
  // Periods are cut in UTC: reports compare like with like whoever reads them.
  const key =
    filter.groupBy === "desk"
      ? sql<string | null>`${s.deskId}::text`
      : filter.groupBy === "agent"
        ? sql<string | null>`${s.agentId}::text`
        : filter.groupBy === "period"
          ? sql<string | null>`to_char(date_trunc(${period}, ${s.ratedAt} at time zone 'UTC'), 'YYYY-MM-DD"T"00:00:00"Z"')`
          : sql<string | null>`null`;
  const rows = await ctx.db
    .select({
      key,
      good: sql<number>`count(*) filter (where ${s.rating} = 'good')::int`,
      bad: sql<number>`count(*) filter (where ${s.rating} = 'bad')::int`,
    })
    .from(s)
    .where(where(ctx, filter))
    .groupBy(sql`1`)
    .orderBy(sql`1`);
  const good = rows.reduce((n, r) => n + r.good, 0);
  const bad = rows.reduce((n, r) => n + r.bad, 0);
  return {
    total: csatOf(good, bad),
    rows: filter.groupBy ? rows.map((r) => ({ key: r.key, ...csatOf(r.good, r.bad) })) : [],
  };
}

export interface TicketSatisfaction {
  rating: SatisfactionRating;
  reason: string | null;
  comment: string | null;
  ratedAt: Date;
}

/**
 * What the customer 360 shows: each rated ticket's rating, and the contact's
 * CSAT over every rated ticket. Desk scoping applies as for the tickets.
 */
export async function satisfactionOfContact(
  ctx: Ctx,
  contactId: string,
  ticketIds: string[],
): Promise<{ byTicket: Map<string, TicketSatisfaction>; overall: CsatFigure }> {
  authorize(ctx.actor, "ticket.read");
  const rated = and(eq(s.workspaceId, ctx.workspaceId), isNotNull(s.rating), deskFilter(ctx.actor, s.deskId));
  const [rows, [totals]] = await Promise.all([
    ticketIds.length
      ? ctx.db
          .select()
          .from(s)
          .where(and(rated, inArray(s.ticketId, ticketIds)))
          .orderBy(desc(s.ratedAt))
      : [],
    ctx.db
      .select({
        good: sql<number>`count(*) filter (where ${s.rating} = 'good')::int`,
        bad: sql<number>`count(*) filter (where ${s.rating} = 'bad')::int`,
      })
      .from(s)
      .where(and(rated, eq(s.contactId, contactId))),
  ]);
  const byTicket = new Map<string, TicketSatisfaction>();
  for (const r of rows) byTicket.set(r.ticketId, { rating: r.rating!, reason: r.reason, comment: r.comment, ratedAt: r.ratedAt! });
  return { byTicket, overall: csatOf(totals?.good ?? 0, totals?.bad ?? 0) };
}
