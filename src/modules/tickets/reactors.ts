import { and, eq, sql } from "drizzle-orm";
import type { Reactor } from "../activity/reactors";
import type { Ctx, RecordedActivity } from "../../platform/context";
import type { ActivityRow } from "../activity/schema";
import { tags, tickets } from "./schema";
import { beforeRawWrite } from "./cache";

/**
 * Keeps the tag catalogue (names and how many tickets carry each) in step
 * with tickets, off the hot path of ticket writes. Each activity applies its
 * own +1/−1 deltas: sums do not depend on the order jobs run in, and the
 * receipt makes each activity count once however often its job is delivered.
 * (Recounting from the tickets was also order-proof, but O(tickets with the
 * tag) per job — 100k rows for a busy tag.)
 */
export const tagCatalogue: Reactor = {
  name: "tickets.tag-catalogue",
  on: ["ticket.created", "ticket.updated"],
  // Most updates (status, assignee) leave the tags alone: no job for those.
  accepts: (activity) =>
    activity.type === "ticket.created" ? ((activity.data.tags as string[] | undefined)?.length ?? 0) > 0 : activity.changes.tags !== undefined,
  async handle(ctx, activity) {
    await countTags(ctx, [activity]);
  },
  // A burst of new tickets: one upsert for the batch, not one per ticket.
  async handleMany(ctx, activities) {
    await countTags(ctx, activities);
  },
};

/** Adds the tags' changes in these activities to the catalogue's counts, in one upsert. */
async function countTags(ctx: Ctx, activities: readonly (ActivityRow | RecordedActivity)[]): Promise<void> {
  const deltas = new Map<string, number>();
  const add = (tag: string, delta: number) => deltas.set(tag, (deltas.get(tag) ?? 0) + delta);
  for (const activity of activities) {
    if (activity.type === "ticket.created") {
      for (const tag of new Set((activity.data.tags as string[] | undefined) ?? [])) add(tag, 1);
      continue;
    }
    const change = activity.changes.tags as [string[] | null, string[] | null] | undefined;
    if (!change) continue;
    const [before, after] = [change[0] ?? [], change[1] ?? []];
    for (const tag of after) if (!before.includes(tag)) add(tag, 1);
    for (const tag of before) if (!after.includes(tag)) add(tag, -1);
  }
  if (deltas.size === 0) return;
  const now = ctx.clock.now();
  await ctx.db
    .insert(tags)
    .values([...deltas].map(([name, delta]) => ({ workspaceId: ctx.workspaceId, name, ticketCount: delta, createdAt: now })))
    .onConflictDoUpdate({ target: [tags.workspaceId, tags.name], set: { ticketCount: sql`${tags.ticketCount} + excluded.ticket_count` } });
}

/** When two contacts become one, the source's tickets follow to the target. */
export const followMergedContact: Reactor = {
  name: "tickets.follow-merged-contact",
  on: ["contact.merged"],
  async handle(ctx, activity) {
    const { sourceId, targetId } = activity.data as { sourceId: string; targetId: string };
    await beforeRawWrite(ctx);
    await ctx.db
      .update(tickets)
      .set({ requesterId: targetId })
      .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.requesterId, sourceId)));
  },
};

export const ticketReactors = [tagCatalogue, followMergedContact];
