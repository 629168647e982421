import { and, desc, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { compileRead, queryBuilder } from "../../platform/compiled";
import type { Ctx } from "../../platform/context";
import { type Channel, type DeliveryStatus, type MessageRow, type TicketRow, messages, tickets, unsolvedStatuses } from "./schema";

/**
 * Lookups intake needs to thread a message onto its ticket. Called by the
 * system actor inside intake's transaction; no desk scoping is needed there.
 */

/** A message already stored under this provider id, if any (a redelivery). */
export async function findMessageByExternalId(
  ctx: Ctx,
  channel: Channel,
  externalId: string,
): Promise<Pick<MessageRow, "id" | "ticketId"> | undefined> {
  const [row] = await ctx.db
    .select({ id: messages.id, ticketId: messages.ticketId })
    .from(messages)
    .where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.channel, channel), eq(messages.externalId, externalId)));
  return row;
}

/** The ticket whose message carries one of these provider ids (e-mail In-Reply-To / References). */
export async function findTicketByMessageIds(ctx: Ctx, channel: Channel, externalIds: string[]): Promise<TicketRow | undefined> {
  if (externalIds.length === 0) return undefined;
  const [row] = await ctx.db
    .select({ ticket: tickets })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.channel, channel), inArray(messages.externalId, externalIds)))
    .orderBy(desc(messages.createdAt))
    .limit(1);
  return row?.ticket;
}

export async function findTicketById(ctx: Ctx, idOrNumber: string | number): Promise<TicketRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(tickets)
    .where(
      and(eq(tickets.workspaceId, ctx.workspaceId), typeof idOrNumber === "number" ? eq(tickets.number, idOrNumber) : eq(tickets.id, idOrNumber)),
    );
  return row;
}

/**
 * The conversation a fan is having on a channel: their latest ticket on this
 * desk and channel that is still unsolved, or solved less than `reopenWithin`
 * ago (a "thanks, one more thing" the next morning belongs to it).
 */
export async function findOpenConversation(
  ctx: Ctx,
  input: { requesterId: string; deskId: string; channel: Channel; reopenWithinMs: number },
): Promise<TicketRow | undefined> {
  const since = new Date(ctx.clock.now().getTime() - input.reopenWithinMs);
  const [row] = await openConversation.run(ctx, { workspaceId: ctx.workspaceId, requesterId: input.requesterId, deskId: input.deskId, channel: input.channel, since });
  return row;
}

/** Read for every message of a fan who writes again: compiled once (see platform/compiled.ts). */
const openConversation = compileRead<TicketRow>(
  queryBuilder
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, sql.placeholder("workspaceId")),
        eq(tickets.requesterId, sql.placeholder("requesterId")),
        eq(tickets.deskId, sql.placeholder("deskId")),
        eq(tickets.channel, sql.placeholder("channel")),
        isNull(tickets.mergedIntoId),
        or(inArray(tickets.status, [...unsolvedStatuses]), and(eq(tickets.status, "solved"), gt(tickets.solvedAt, sql.placeholder("since")))),
      ),
    )
    .orderBy(desc(tickets.updatedAt))
    .limit(1),
  tickets,
);

/**
 * The states a delivery state may be reached from. Providers' callbacks come
 * late, twice and out of order: a "sent" arriving after "delivered" or "read"
 * changes nothing, and "failed" is final — only a retry (→ `pending`) leaves it.
 */
const reachableFrom: Record<DeliveryStatus, readonly DeliveryStatus[]> = {
  pending: ["failed"],
  sent: ["pending"],
  delivered: ["pending", "sent"],
  read: ["pending", "sent", "delivered"],
  failed: ["pending", "sent"],
};

export interface DeliveryOutcome {
  status: DeliveryStatus;
  externalId?: string | null;
  metadata?: Record<string, unknown>;
}

/**
 * What a channel adapter or a provider's status callback reports about an
 * outbound message: the provider's id (so replies and callbacks find the
 * message) and the delivery state, applied only when it moves the message
 * forward. The metadata is merged, not replaced. Returns the message when it
 * changed, nothing when the report was stale or repeated.
 */
export async function recordDelivery(
  ctx: Ctx,
  messageId: string,
  outcome: DeliveryOutcome,
): Promise<Pick<MessageRow, "id" | "ticketId" | "channel" | "deliveryStatus"> | undefined> {
  const [row] = await ctx.db
    .update(messages)
    .set({
      deliveryStatus: outcome.status,
      ...(outcome.externalId ? { externalId: outcome.externalId } : {}),
      ...(outcome.metadata ? { metadata: sql`${messages.metadata} || ${JSON.stringify(outcome.metadata)}::jsonb` } : {}),
    })
    .where(
      and(
        eq(messages.workspaceId, ctx.workspaceId),
        eq(messages.id, messageId),
        eq(messages.kind, "outbound"),
        inArray(messages.deliveryStatus, [...reachableFrom[outcome.status]]),
      ),
    )
    .returning({ id: messages.id, ticketId: messages.ticketId, channel: messages.channel, deliveryStatus: messages.deliveryStatus });
  return row;
}

/** The outbound message a provider knows by this id (a status callback's MessageSid, wamid, our Message-ID in a bounce). */
export async function findOutboundByExternalId(
  ctx: Ctx,
  channels: readonly Channel[],
  externalId: string,
): Promise<Pick<MessageRow, "id" | "ticketId" | "channel" | "deliveryStatus"> | undefined> {
  const [row] = await ctx.db
    .select({ id: messages.id, ticketId: messages.ticketId, channel: messages.channel, deliveryStatus: messages.deliveryStatus })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, ctx.workspaceId),
        inArray(messages.channel, [...channels]),
        eq(messages.externalId, externalId),
        eq(messages.kind, "outbound"),
      ),
    )
    .limit(1);
  return row;
}

/** The latest inbound messages of a ticket, newest first (for reply threading and the address the fan wrote to). */
export async function latestInbound(ctx: Ctx, ticketId: string, limit = 20): Promise<MessageRow[]> {
  return ctx.db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.ticketId, ticketId), eq(messages.kind, "inbound")))
    .orderBy(desc(messages.createdAt))
    .limit(limit);
}
