import { and, eq, inArray, sql } from "drizzle-orm";
import type { Reactor } from "../activity/reactors";
import { tags, tickets } from "./schema";

/**
 * Keeps the tag catalogue (names and how many tickets carry each) in step
 * with tickets, off the hot path of ticket writes.
 */
export const tagCatalogue: Reactor = {
  name: "tickets.tag-catalogue",
  on: ["ticket.created", "ticket.updated"],
  async handle(ctx, activity) {
    let added: string[] = [];
    let removed: string[] = [];
    if (activity.type === "ticket.created") {
      const [ticket] = await ctx.db
        .select({ tags: tickets.tags })
        .from(tickets)
        .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, activity.subjectId)));
      added = ticket?.tags ?? [];
    } else {
      const change = activity.changes.tags as [string[] | null, string[]] | undefined;
      if (!change) return;
      const [before, after] = [change[0] ?? [], change[1] ?? []];
      added = after.filter((t) => !before.includes(t));
      removed = before.filter((t) => !after.includes(t));
    }
    const now = ctx.clock.now();
    if (added.length) {
      await ctx.db
        .insert(tags)
        .values(added.map((name) => ({ workspaceId: ctx.workspaceId, name, ticketCount: 1, createdAt: now })))
        .onConflictDoUpdate({ target: [tags.workspaceId, tags.name], set: { ticketCount: sql`${tags.ticketCount} + 1` } });
    }
    if (removed.length) {
      await ctx.db
        .update(tags)
        .set({ ticketCount: sql`greatest(${tags.ticketCount} - 1, 0)` })
        .where(and(eq(tags.workspaceId, ctx.workspaceId), inArray(tags.name, removed)));
    }
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
