import { and, eq, sql } from "drizzle-orm";
import type { Reactor } from "../activity/reactors";
import { tags, tickets } from "./schema";

/**
 * Keeps the tag catalogue (names and how many tickets carry each) in step
 * with tickets, off the hot path of ticket writes. Jobs may run late, twice
 * or out of order, so the counts are recounted from the tickets, never
 * incremented.
 */
export const tagCatalogue: Reactor = {
  name: "tickets.tag-catalogue",
  on: ["ticket.created", "ticket.updated"],
  async handle(ctx, activity) {
    let touched: string[];
    if (activity.type === "ticket.created") {
      touched = (activity.data.tags as string[] | undefined) ?? [];
    } else {
      const change = activity.changes.tags as [string[] | null, string[] | null] | undefined;
      touched = change ? [...new Set([...(change[0] ?? []), ...(change[1] ?? [])])] : [];
    }
    if (touched.length === 0) return;
    await ctx.db.execute(sql`
      insert into ${tags} (workspace_id, name, ticket_count, created_at)
      select ${ctx.workspaceId}, t.name,
        (select count(*)::int from ${tickets}
          where ${tickets.workspaceId} = ${ctx.workspaceId} and ${tickets.tags} @> array[t.name]),
        ${ctx.clock.now()}
      from unnest(${sql.param(touched)}::text[]) as t(name)
      on conflict (workspace_id, name) do update set ticket_count = excluded.ticket_count`);
  },
};

/** When two contacts become one, the source's tickets follow to the target. */
export const followMergedContact: Reactor = {
  name: "tickets.follow-merged-contact",
  on: ["contact.merged"],
  async handle(ctx, activity) {
    const { sourceId, targetId } = activity.data as { sourceId: string; targetId: string };
    await ctx.db
      .update(tickets)
      .set({ requesterId: targetId })
      .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.requesterId, sourceId)));
  },
};

export const ticketReactors = [tagCatalogue, followMergedContact];
