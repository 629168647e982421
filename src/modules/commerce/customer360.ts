import { and, asc, desc, eq, inArray, or } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { type ContactWithIdentities, getContact, normaliseIdentity } from "../contacts/service";
import { type CsatFigure, type TicketSatisfaction, satisfactionOfContact } from "../feedback/reports";
import { authorize } from "../identity/policy";
import type { TicketRow } from "../tickets/schema";
import { getTicket, listTickets } from "../tickets/service";
import { listAdvertiserAccounts } from "./ingest";
import {
  type AdmissionRow,
  type AdvertiserAccountRow,
  type CampaignRow,
  type BillingEntryRow,
  type EventRow,
  type OrderRow,
  type PaymentRow,
  type ScanRow,
  type SubscriptionRow,
  admissions,
  billingEntries,
  events,
  orders,
  payments,
  scans,
  subscriptions,
  venues,
} from "./schema";

/**
 * Everything about the fan behind a ticket, in one call: orders with their
 * event, admissions and scans, payments; subscriptions with their billing
 * history; past tickets. Orders are found by contact, and also by the
 * contact's e-mail addresses and phone numbers — an order imported before
 * the fan first wrote in still shows up.
 *
 * Seven queries whatever the fan's history (ticket, contact + identities,
 * orders, admissions with scans, payments, subscriptions, billing,
 * tickets); the independent ones run together.
 */
export interface OrderView {
  order: OrderRow;
  event: EventRow;
  venueName: string | null;
  admissions: (AdmissionRow & { scans: ScanRow[] })[];
  payments: PaymentRow[];
}

export interface Customer360 {
  contact: ContactWithIdentities;
  orders: OrderView[];
  subscriptions: (SubscriptionRow & { billing: BillingEntryRow[] })[];
  tickets: TicketRow[];
  /** For an advertiser's people: their organisation's accounts and campaigns (the advertiser desk). */
  advertisers: (AdvertiserAccountRow & { campaigns: CampaignRow[] })[];
  /** Ratings from the feedback module: per past ticket, and the contact's CSAT over all their rated tickets. */
  satisfaction: { byTicket: Map<string, TicketSatisfaction>; overall: CsatFigure };
}

const MAX_ORDERS = 50;

export async function customerOfTicket(ctx: Ctx, ticketIdOrNumber: string): Promise<Customer360> {
  authorize(ctx.actor, "commerce.read");
  const ticket = await getTicket(ctx, ticketIdOrNumber);
  return customer360(ctx, ticket.requesterId);
}

export async function customer360(ctx: Ctx, contactId: string): Promise<Customer360> {
  authorize(ctx.actor, "commerce.read");
  const contact = await getContact(ctx, contactId);
  const emails = contact.identities.filter((i) => i.kind === "email").map((i) => i.value);
  const phones = contact.identities.filter((i) => i.kind === "phone").map((i) => i.value);
  const mine = or(
    eq(orders.contactId, contactId),
    emails.length ? inArray(orders.buyerEmail, emails) : undefined,
    phones.length ? inArray(orders.buyerPhone, phones) : undefined,
  );
  const subsMine = or(eq(subscriptions.contactId, contactId), emails.length ? inArray(subscriptions.email, emails) : undefined);

  const [orderRows, subRows, ticketPage, advertisers] = await Promise.all([
    ctx.db
      .select({ order: orders, event: events, venueName: venues.name })
      .from(orders)
      .innerJoin(events, eq(events.id, orders.eventId))
      .leftJoin(venues, eq(venues.id, events.venueId))
      .where(and(eq(orders.workspaceId, ctx.workspaceId), mine))
      .orderBy(desc(orders.purchasedAt))
      .limit(MAX_ORDERS),
    ctx.db
      .select()
      .from(subscriptions)
      .where(and(eq(subscriptions.workspaceId, ctx.workspaceId), subsMine))
      .orderBy(desc(subscriptions.startedAt)),
    listTickets(ctx, { conditions: { all: [{ field: "requester", op: "is", value: contactId }] }, sort: "-created", limit: 50 }),
    contact.organisationId ? listAdvertiserAccounts(ctx, contact.organisationId) : [],
  ]);
  const subIds = subRows.map((s) => s.id);
  const [orderViews, billingRows, satisfaction] = await Promise.all([
    withAdmissionsAndPayments(ctx, orderRows),
    subIds.length
      ? ctx.db
          .select()
          .from(billingEntries)
          .where(and(eq(billingEntries.workspaceId, ctx.workspaceId), inArray(billingEntries.subscriptionId, subIds)))
          .orderBy(asc(billingEntries.occurredAt))
      : [],
    satisfactionOfContact(
      ctx,
      contactId,
      ticketPage.items.map((t) => t.id),
    ),
  ]);
  return {
    contact,
    orders: orderViews,
    subscriptions: subRows.map((s) => ({ ...s, billing: billingRows.filter((b) => b.subscriptionId === s.id) })),
    tickets: ticketPage.items,
    advertisers,
    satisfaction,
  };
}

/**
 * An agent looking an order up by what the fan quotes: the order number, a
 * barcode, or the buyer's e-mail or phone. Exact matches only, newest first.
 */
export async function findOrders(ctx: Ctx, q: string): Promise<OrderView[]> {
  authorize(ctx.actor, "commerce.read");
  const text = q.trim();
  if (!text) return [];
  const email = normaliseIdentity({ kind: "email", value: text })?.value;
  const phone = normaliseIdentity({ kind: "phone", value: text })?.value;
  const byBarcode = ctx.db
    .select({ id: admissions.orderId })
    .from(admissions)
    .where(and(eq(admissions.workspaceId, ctx.workspaceId), eq(admissions.barcode, text)));
  const rows = await ctx.db
    .select({ order: orders, event: events, venueName: venues.name })
    .from(orders)
    .innerJoin(events, eq(events.id, orders.eventId))
    .leftJoin(venues, eq(venues.id, events.venueId))
    .where(
      and(
        eq(orders.workspaceId, ctx.workspaceId),
        or(
          eq(orders.number, text),
          email ? eq(orders.buyerEmail, email) : undefined,
          phone ? eq(orders.buyerPhone, phone) : undefined,
          inArray(orders.id, byBarcode),
        ),
      ),
    )
    .orderBy(desc(orders.purchasedAt))
    .limit(MAX_ORDERS);
  return withAdmissionsAndPayments(ctx, rows);
}

/** Orders' admissions (with their scans) and payments: two queries for any number of orders. */
async function withAdmissionsAndPayments(
  ctx: Ctx,
  rows: { order: OrderRow; event: EventRow; venueName: string | null }[],
): Promise<OrderView[]> {
  const ids = rows.map((r) => r.order.id);
  if (ids.length === 0) return [];
  const [admissionRows, paymentRows] = await Promise.all([
    ctx.db
      .select({ admission: admissions, scan: scans })
      .from(admissions)
      .leftJoin(scans, eq(scans.admissionId, admissions.id))
      .where(and(eq(admissions.workspaceId, ctx.workspaceId), inArray(admissions.orderId, ids)))
      .orderBy(asc(admissions.createdAt), asc(admissions.id), asc(scans.scannedAt)),
    ctx.db
      .select()
      .from(payments)
      .where(and(eq(payments.workspaceId, ctx.workspaceId), inArray(payments.orderId, ids))),
  ]);
  const byAdmission = new Map<string, AdmissionRow & { scans: ScanRow[] }>();
  for (const { admission, scan } of admissionRows) {
    let a = byAdmission.get(admission.id);
    if (!a) byAdmission.set(admission.id, (a = { ...admission, scans: [] }));
    if (scan) a.scans.push(scan);
  }
  const all = [...byAdmission.values()];
  return rows.map((r) => ({
    order: r.order,
    event: r.event,
    venueName: r.venueName,
    admissions: all.filter((a) => a.orderId === r.order.id),
    payments: paymentRows.filter((p) => p.orderId === r.order.id),
  }));
}
