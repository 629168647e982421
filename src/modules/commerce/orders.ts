import { and, asc, eq, inArray } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { diff, recordActivity } from "../activity/service";
import { authorize } from "../identity/policy";
import {
  DEFAULT_POLICY,
  type Decision,
  type PolicyOverride,
  type RefundPolicy,
  decideExchange,
  decideRefund,
  effectivePolicy,
  policyOverrideSchema,
  refundPolicySchema,
} from "./policy-engine";
import {
  type AdmissionRow,
  type EventRow,
  type EventPricing,
  type EventState,
  type OrderRow,
  type PaymentRow,
  type VenueRow,
  admissions,
  commercePolicies,
  events,
  orders,
  payments,
  venues,
} from "./schema";

/** An order with everything a decision or a page needs about it. */
export interface OrderBundle {
  order: OrderRow;
  event: EventRow;
  venue: VenueRow | null;
  admissions: AdmissionRow[];
  payments: PaymentRow[];
}

export async function loadOrderBundle(ctx: Ctx, orderId: string, options: { forUpdate?: boolean } = {}): Promise<OrderBundle> {
  const query = ctx.db
    .select({ order: orders, event: events, venue: venues })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .leftJoin(venues, eq(venues.id, events.venueId))
    .where(and(eq(orders.workspaceId, ctx.workspaceId), eq(orders.id, orderId)));
  // Concurrent workflows on one order queue up here: the second sees what the first did.
  const [row] = options.forUpdate ? await query.for("update", { of: orders }) : await query;
  if (!row) throw notFound("order", orderId);
  const [adm, pay] = await Promise.all([
    ctx.db
      .select()
      .from(admissions)
      .where(and(eq(admissions.workspaceId, ctx.workspaceId), eq(admissions.orderId, orderId)))
      .orderBy(asc(admissions.createdAt), asc(admissions.id)),
    ctx.db
      .select()
      .from(payments)
      .where(and(eq(payments.workspaceId, ctx.workspaceId), eq(payments.orderId, orderId)))
      .orderBy(asc(payments.createdAt)),
  ]);
  return { ...row, admissions: adm, payments: pay };
}

export async function getOrder(ctx: Ctx, orderId: string): Promise<OrderBundle> {
  authorize(ctx.actor, "commerce.read");
  return loadOrderBundle(ctx, orderId);
}

export async function getEvent(ctx: Ctx, eventId: string): Promise<EventRow> {
  const [row] = await ctx.db
    .select()
    .from(events)
    .where(and(eq(events.workspaceId, ctx.workspaceId), eq(events.id, eventId)));
  if (!row) throw notFound("event", eventId);
  return row;
}

export async function listEvents(
  ctx: Ctx,
  filter: { from?: Date; ids?: string[] } = {},
): Promise<(EventRow & { venueName: string | null })[]> {
  authorize(ctx.actor, "commerce.read");
  const rows = await ctx.db
    .select({ event: events, venueName: venues.name })
    .from(events)
    .leftJoin(venues, eq(venues.id, events.venueId))
    .where(and(eq(events.workspaceId, ctx.workspaceId), filter.ids ? inArray(events.id, filter.ids) : undefined))
    .orderBy(asc(events.startsAt))
    .limit(500);
  return rows.filter((r) => !filter.from || r.event.startsAt >= filter.from).map((r) => ({ ...r.event, venueName: r.venueName }));
}

// ------------------------------------------------------------------ policy

export async function getWorkspacePolicy(ctx: Ctx): Promise<RefundPolicy> {
  const [row] = await ctx.db.select().from(commercePolicies).where(eq(commercePolicies.workspaceId, ctx.workspaceId));
  if (!row) return DEFAULT_POLICY;
  // Stored before a field existed: the default fills it.
  return { ...DEFAULT_POLICY, ...(row.policy as Partial<RefundPolicy>) };
}

export async function policyForEvent(ctx: Ctx, event: EventRow): Promise<RefundPolicy> {
  return effectivePolicy(await getWorkspacePolicy(ctx), event.policy as PolicyOverride | null);
}

export async function setWorkspacePolicy(ctx: Ctx, input: unknown): Promise<RefundPolicy> {
  authorize(ctx.actor, "commerce.manage");
  const parsed = refundPolicySchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return inTransaction(ctx, async (tx) => {
    const before = await getWorkspacePolicy(tx);
    const now = tx.clock.now();
    await tx.db
      .insert(commercePolicies)
      .values({ workspaceId: tx.workspaceId, policy: parsed.data, updatedAt: now })
      .onConflictDoUpdate({ target: commercePolicies.workspaceId, set: { policy: parsed.data, updatedAt: now } });
    await recordActivity(tx, {
      type: "commerce.policy_changed",
      subjectType: "workspace",
      subjectId: tx.workspaceId,
      changes: diff(before, parsed.data),
    });
    return parsed.data;
  });
}

export async function setEventPolicy(ctx: Ctx, eventId: string, override: unknown): Promise<EventRow> {
  authorize(ctx.actor, "commerce.manage");
  const parsed = override === null ? { success: true as const, data: null } : policyOverrideSchema.safeParse(override);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })));
  return inTransaction(ctx, async (tx) => {
    const event = await getEvent(tx, eventId);
    const [row] = await tx.db
      .update(events)
      .set({ policy: parsed.data, updatedAt: tx.clock.now() })
      .where(and(eq(events.workspaceId, tx.workspaceId), eq(events.id, eventId)))
      .returning();
    await recordActivity(tx, {
      type: "event.policy_changed",
      subjectType: "event",
      subjectId: eventId,
      changes: { policy: [event.policy, parsed.data] },
    });
    return row!;
  });
}

/** Postpone, reschedule, cancel or reinstate an event (the box office's own events; a connector's come from its sync). */
export async function changeEventState(ctx: Ctx, eventId: string, input: { state: EventState; startsAt?: Date }): Promise<EventRow> {
  authorize(ctx.actor, "commerce.manage");
  return inTransaction(ctx, async (tx) => {
    const event = await getEvent(tx, eventId);
    const now = tx.clock.now();
    const patch = { state: input.state, startsAt: input.startsAt ?? event.startsAt };
    const [row] = await tx.db
      .update(events)
      .set({ ...patch, stateChangedAt: input.state !== event.state ? now : event.stateChangedAt, updatedAt: now })
      .where(and(eq(events.workspaceId, tx.workspaceId), eq(events.id, eventId)))
      .returning();
    await recordActivity(tx, { type: `event.${input.state}`, subjectType: "event", subjectId: eventId, changes: diff(event, patch) });
    return row!;
  });
}

export interface NewEvent {
  name: string;
  startsAt: Date;
  timezone: string;
  venueId?: string | null;
  capacity?: number | null;
  pricing?: EventPricing | null;
}

export async function createEvent(ctx: Ctx, input: NewEvent): Promise<EventRow> {
  authorize(ctx.actor, "commerce.manage");
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(events)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        ...input,
        venueId: input.venueId ?? null,
        capacity: input.capacity ?? null,
        pricing: input.pricing ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(tx, { type: "event.created", subjectType: "event", subjectId: row!.id });
    return row!;
  });
}

export async function findOrderId(ctx: Ctx, source: string, externalId: string): Promise<string> {
  const [row] = await ctx.db
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.workspaceId, ctx.workspaceId), eq(orders.source, source), eq(orders.externalId, externalId)));
  if (!row) throw notFound("order", externalId);
  return row.id;
}

export async function findEventId(ctx: Ctx, source: string, externalId: string): Promise<string> {
  const [row] = await ctx.db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.workspaceId, ctx.workspaceId), eq(events.source, source), eq(events.externalId, externalId)));
  if (!row) throw notFound("event", externalId);
  return row.id;
}

/** What the policy allows for an order now: refund and exchange decisions, in the given language. */
export async function decisionsFor(ctx: Ctx, orderId: string, locale: string | null): Promise<{ refund: Decision; exchange: Decision }> {
  authorize(ctx.actor, "commerce.read");
  const bundle = await loadOrderBundle(ctx, orderId);
  const policy = await policyForEvent(ctx, bundle.event);
  const live = bundle.admissions.filter((a) => a.state === "valid");
  const input = {
    policy,
    event: bundle.event,
    purchasedAt: bundle.order.purchasedAt,
    currency: bundle.order.currency,
    admissions: live.length ? live : bundle.admissions,
    now: ctx.clock.now(),
    locale,
  };
  return { refund: decideRefund(input), exchange: decideExchange(input) };
}

export async function readWorkspacePolicy(ctx: Ctx): Promise<RefundPolicy> {
  authorize(ctx.actor, "commerce.read");
  return getWorkspacePolicy(ctx);
}
