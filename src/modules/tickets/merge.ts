import { and, eq, inArray, or, sql } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { authorize, canAccessDesk } from "../identity/policy";
import { beforeRawWrite, remember } from "./cache";
import { insertMessage } from "./messages";
import { nextTicketNumber } from "./numbers";
import { type TicketRow, messages, ticketLinks, tickets } from "./schema";
import { applyPatch, getTicket, loadTicketForUpdate } from "./service";

export const MERGE_MAX = 20;

/**
 * Folds source tickets into a target: their messages move to the target (one
 * conversation to read), tags are united, each source is closed with a
 * pointer to the target, and both sides get a note saying so.
 */
export async function mergeTickets(ctx: Ctx, targetId: string, sourceIds: string[]): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.merge");
  const sources = [...new Set(sourceIds)];
  if (sources.length === 0 || sources.length > MERGE_MAX) throw invalid([{ path: "sourceIds", message: `1–${MERGE_MAX} tickets` }]);
  if (sources.includes(targetId)) throw new DomainError("ticket.merge_invalid", "A ticket cannot be merged into itself");
  return inTransaction(ctx, async (tx) => {
    // Lock in id order so two merges over the same tickets cannot deadlock.
    const locked = new Map<string, TicketRow>();
    for (const id of [targetId, ...sources].sort()) locked.set(id, await loadTicketForUpdate(tx, id));
    let target = locked.get(targetId)!;
    for (const t of locked.values()) {
      if (t.mergedIntoId) throw new DomainError("ticket.merge_invalid", `Ticket #${t.number} was already merged`);
      if (t.status === "closed") throw new DomainError("ticket.merge_invalid", `Ticket #${t.number} is closed`);
    }
    const sourceRows = sources.map((id) => locked.get(id)!);
    await beforeRawWrite(tx, [targetId, ...sources]);
    await tx.db
      .update(messages)
      .set({ ticketId: targetId })
      .where(and(eq(messages.workspaceId, tx.workspaceId), inArray(messages.ticketId, sources)));

    const numbers = sourceRows.map((s) => `#${s.number}`).join(", ");
    const note = await insertMessage(tx, target, { kind: "note", text: `Merged ${numbers} into this ticket.` }, target.requesterId);
    const tags = [...new Set([...target.tags, ...sourceRows.flatMap((s) => s.tags)])];
    target = (await applyPatch(tx, target, { tags }, { cause: { merge: sources } })).ticket;
    const [lastMessageAt] = await tx.db
      .select({ at: sql<Date>`max(${messages.createdAt})` })
      .from(messages)
      .where(and(eq(messages.workspaceId, tx.workspaceId), eq(messages.ticketId, targetId), sql`${messages.kind} <> 'note'`));
    await beforeRawWrite(tx, [targetId]);
    const [touched] = await tx.db
      .update(tickets)
      .set({
        lastMessageAt: lastMessageAt?.at ? new Date(lastMessageAt.at) : target.lastMessageAt,
        version: target.version + 1,
        updatedAt: tx.clock.now(),
      })
      .where(eq(tickets.id, targetId))
      .returning();
    target = remember(tx, touched!);

    const activities = [note.activity];
    for (const source of sourceRows) {
      const closing = await insertMessage(tx, source, { kind: "note", text: `Merged into #${target.number}.` }, source.requesterId);
      activities.push(closing.activity);
      await beforeRawWrite(tx, [source.id]);
      await tx.db
        .update(tickets)
        .set({ status: "closed", closedAt: tx.clock.now(), mergedIntoId: targetId, updatedAt: tx.clock.now(), version: source.version + 1 })
        .where(eq(tickets.id, source.id));
      activities.push({
        type: "ticket.updated",
        subjectType: "ticket",
        subjectId: source.id,
        ticketId: source.id,
        changes: { status: [source.status, "closed"], mergedIntoId: [null, targetId] },
      });
    }
    activities.push({
      type: "ticket.merged",
      subjectType: "ticket",
      subjectId: targetId,
      ticketId: targetId,
      data: { sourceIds: sources, sourceNumbers: sourceRows.map((s) => s.number) },
    });
    await recordActivities(tx, activities);
    return target;
  });
}

/**
 * Moves some messages of a ticket to a new ticket of the same desk and
 * requester — when one conversation turned out to hold two problems. The two
 * tickets are linked.
 */
export async function splitTicket(ctx: Ctx, ticketId: string, input: { messageIds: string[]; subject?: string }): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.merge");
  const ids = [...new Set(input.messageIds)];
  if (ids.length === 0) throw invalid([{ path: "messageIds", message: "choose at least one message" }]);
  return inTransaction(ctx, async (tx) => {
    const original = await loadTicketForUpdate(tx, ticketId);
    if (original.mergedIntoId || original.status === "closed")
      throw new DomainError("ticket.split_invalid", `Ticket #${original.number} cannot change`);
    const all = await tx.db
      .select({ id: messages.id, kind: messages.kind, createdAt: messages.createdAt })
      .from(messages)
      .where(and(eq(messages.workspaceId, tx.workspaceId), eq(messages.ticketId, ticketId)));
    const chosen = all.filter((m) => ids.includes(m.id));
    if (chosen.length !== ids.length) throw new DomainError("ticket.split_invalid", "Some messages are not on this ticket");
    if (all.filter((m) => m.kind !== "note" && !ids.includes(m.id)).length === 0) {
      throw new DomainError("ticket.split_invalid", "At least one message must stay on the original ticket");
    }
    const now = tx.clock.now();
    const first = chosen.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())[0]!;
    const row: TicketRow = {
      ...original,
      id: newId(),
      number: await nextTicketNumber(tx.db, tx.workspaceId),
      subject: input.subject?.trim() || `${original.subject} (split)`,
      status: "open",
      assigneeId: original.assigneeId,
      parentId: null,
      mergedIntoId: null,
      dueAt: null,
      firstResponseAt: null,
      solvedAt: null,
      closedAt: null,
      lastMessageAt: first.createdAt,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    await beforeRawWrite(tx, [original.id]);
    await tx.db.insert(tickets).values(row);
    await tx.db
      .update(messages)
      .set({ ticketId: row.id })
      .where(and(eq(messages.workspaceId, tx.workspaceId), inArray(messages.id, ids)));
    await tx.db.insert(ticketLinks).values([
      { workspaceId: tx.workspaceId, ticketId: original.id, linkedTicketId: row.id, createdAt: now },
      { workspaceId: tx.workspaceId, ticketId: row.id, linkedTicketId: original.id, createdAt: now },
    ]);
    await tx.db
      .update(tickets)
      .set({ version: original.version + 1, updatedAt: now })
      .where(eq(tickets.id, original.id));
    await recordActivities(tx, [
      {
        type: "ticket.created",
        subjectType: "ticket",
        subjectId: row.id,
        ticketId: row.id,
        data: {
          number: row.number,
          deskId: row.deskId,
          channel: row.channel,
          status: row.status,
          priority: row.priority,
          tags: row.tags,
          splitFrom: original.id,
        },
      },
      {
        type: "ticket.split",
        subjectType: "ticket",
        subjectId: original.id,
        ticketId: original.id,
        data: { newTicketId: row.id, newTicketNumber: row.number, messageIds: ids },
      },
    ]);
    return row;
  });
}

// ------------------------------------------------------------------ links

export async function linkTickets(ctx: Ctx, ticketId: string, otherId: string): Promise<void> {
  authorize(ctx.actor, "ticket.update");
  if (ticketId === otherId) throw invalid([{ path: "ticketId", message: "a ticket cannot be linked to itself" }]);
  await inTransaction(ctx, async (tx) => {
    const [a, b] = [await getTicket(tx, ticketId), await getTicket(tx, otherId)];
    const now = tx.clock.now();
    const inserted = await tx.db
      .insert(ticketLinks)
      .values([
        { workspaceId: tx.workspaceId, ticketId: a.id, linkedTicketId: b.id, createdAt: now },
        { workspaceId: tx.workspaceId, ticketId: b.id, linkedTicketId: a.id, createdAt: now },
      ])
      .onConflictDoNothing()
      .returning();
    if (inserted.length === 0) return;
    await recordActivities(tx, [
      { type: "ticket.linked", subjectType: "ticket", subjectId: a.id, ticketId: a.id, data: { linkedTicketId: b.id, number: b.number } },
      { type: "ticket.linked", subjectType: "ticket", subjectId: b.id, ticketId: b.id, data: { linkedTicketId: a.id, number: a.number } },
    ]);
  });
}

export async function unlinkTickets(ctx: Ctx, ticketId: string, otherId: string): Promise<void> {
  authorize(ctx.actor, "ticket.update");
  await inTransaction(ctx, async (tx) => {
    const a = await getTicket(tx, ticketId);
    const removed = await tx.db
      .delete(ticketLinks)
      .where(
        and(
          eq(ticketLinks.workspaceId, tx.workspaceId),
          or(
            and(eq(ticketLinks.ticketId, a.id), eq(ticketLinks.linkedTicketId, otherId)),
            and(eq(ticketLinks.ticketId, otherId), eq(ticketLinks.linkedTicketId, a.id)),
          ),
        ),
      )
      .returning();
    if (removed.length === 0) throw notFound("link", otherId);
    await recordActivities(tx, [
      { type: "ticket.unlinked", subjectType: "ticket", subjectId: a.id, ticketId: a.id, data: { linkedTicketId: otherId } },
      { type: "ticket.unlinked", subjectType: "ticket", subjectId: otherId, ticketId: otherId, data: { linkedTicketId: a.id } },
    ]);
  });
}

/** Linked tickets, children (sub-tickets) and the parent, as the actor may see them. */
export async function relatedTickets(
  ctx: Ctx,
  ticketId: string,
): Promise<{ linked: TicketRow[]; children: TicketRow[]; parent: TicketRow | null }> {
  const ticket = await getTicket(ctx, ticketId);
  const linkedIds = (
    await ctx.db
      .select({ id: ticketLinks.linkedTicketId })
      .from(ticketLinks)
      .where(and(eq(ticketLinks.workspaceId, ctx.workspaceId), eq(ticketLinks.ticketId, ticket.id)))
  ).map((r) => r.id);
  const [linked, children, parent] = await Promise.all([
    linkedIds.length
      ? ctx.db
          .select()
          .from(tickets)
          .where(and(eq(tickets.workspaceId, ctx.workspaceId), inArray(tickets.id, linkedIds)))
      : [],
    ctx.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.parentId, ticket.id))),
    ticket.parentId ? getTicket(ctx, ticket.parentId).catch(() => null) : null,
  ]);
  const visible = (t: TicketRow) => canAccessDesk(ctx.actor, t.deskId);
  return { linked: linked.filter(visible), children: children.filter(visible), parent };
}
