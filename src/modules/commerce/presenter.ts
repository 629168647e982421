import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import { contactSchema, presentContact } from "../contacts/presenter";
import type { TicketRow } from "../tickets/schema";
import type { TicketSatisfaction } from "../feedback/reports";
import type { Customer360, OrderView } from "./customer360";
import type { ChargebackRate } from "./disputes";
import type { OrderBundle } from "./orders";
import type { Decision } from "./policy-engine";
import {
  type AdmissionRow,
  type AdvertiserAccountRow,
  type BillingEntryRow,
  type CampaignRow,
  type CommerceRequestRow,
  type DisputeRow,
  type EventRow,
  type RefundRow,
  type ScanRow,
  type SubscriptionRow,
  admissionStates,
  eventStates,
  orderStates,
  subscriptionStatuses,
} from "./schema";
import type { SubscriptionOutcome } from "./subscriptions";
import type { Outcome } from "./workflows";

/** Money on the wire: integer minor units and an ISO 4217 currency, never floats. */
const money = z.number().int();

export const scanSchema = z
  .object({ id: z.string(), scannedAt: timestamp, gate: z.string().nullable(), device: z.string().nullable(), result: z.string() })
  .meta({ id: "Scan" });
const presentScan = (s: ScanRow) => ({ id: s.id, scannedAt: isoRequired(s.scannedAt), gate: s.gate, device: s.device, result: s.result });

export const admissionSchema = z
  .object({
    id: z.string(),
    eventId: z.string(),
    section: z.string().nullable(),
    row: z.string().nullable(),
    seat: z.string().nullable(),
    barcode: z.string(),
    price: money,
    fees: money,
    state: z.enum(admissionStates),
    holderContactId: z.string().nullable(),
    replacesId: z.string().nullable(),
    scans: z.array(scanSchema),
  })
  .meta({ id: "Admission" });

export const presentAdmission = (a: AdmissionRow & { scans?: ScanRow[] }) => ({
  id: a.id,
  eventId: a.eventId,
  section: a.section,
  row: a.row,
  seat: a.seat,
  barcode: a.barcode,
  price: a.price,
  fees: a.fees,
  state: a.state,
  holderContactId: a.holderContactId,
  replacesId: a.replacesId,
  scans: (a.scans ?? []).map(presentScan),
});

export const eventSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    startsAt: timestamp,
    timezone: z.string(),
    venueName: z.string().nullable(),
    state: z.enum(eventStates),
    stateChangedAt: nullableTimestamp,
    source: z.string(),
    externalId: z.string().nullable(),
    capacity: z.number().int().nullable(),
    pricing: z.record(z.string(), z.object({ price: money })).nullable(),
    policy: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: "Event" });

export const presentEvent = (e: EventRow, venueName: string | null = null) => ({
  id: e.id,
  name: e.name,
  startsAt: isoRequired(e.startsAt),
  timezone: e.timezone,
  venueName,
  state: e.state,
  stateChangedAt: iso(e.stateChangedAt),
  source: e.source,
  externalId: e.externalId,
  capacity: e.capacity,
  pricing: e.pricing ?? null,
  policy: e.policy ?? null,
});

export const paymentSchema = z
  .object({
    id: z.string(),
    method: z.string(),
    brand: z.string().nullable(),
    last4: z.string().nullable(),
    amount: money,
    currency: z.string(),
    gateway: z.string(),
  })
  .meta({ id: "Payment" });

export const orderSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    source: z.string(),
    externalId: z.string().nullable(),
    contactId: z.string().nullable(),
    buyer: z.object({ name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() }),
    event: eventSchema,
    subtotal: money,
    fees: money,
    total: money,
    refundedTotal: money,
    currency: z.string(),
    state: z.enum(orderStates),
    purchasedAt: timestamp,
    admissions: z.array(admissionSchema),
    payments: z.array(paymentSchema),
  })
  .meta({ id: "Order" });

export function presentOrder(view: OrderView | OrderBundle) {
  const venueName = "venueName" in view ? view.venueName : (view.venue?.name ?? null);
  const o = view.order;
  return {
    id: o.id,
    number: o.number,
    source: o.source,
    externalId: o.externalId,
    contactId: o.contactId,
    buyer: { name: o.buyerName, email: o.buyerEmail, phone: o.buyerPhone },
    event: presentEvent(view.event, venueName),
    subtotal: o.subtotal,
    fees: o.fees,
    total: o.total,
    refundedTotal: o.refundedTotal,
    currency: o.currency,
    state: o.state,
    purchasedAt: isoRequired(o.purchasedAt),
    admissions: view.admissions.map(presentAdmission),
    // Method and last four digits only: nothing else of a card is ever stored or shown.
    payments: view.payments.map((p) => ({
      id: p.id,
      method: p.method,
      brand: p.brand,
      last4: p.last4,
      amount: p.amount,
      currency: p.currency,
      gateway: p.gateway,
    })),
  };
}

export const billingSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    amount: money,
    currency: z.string(),
    status: z.string(),
    description: z.string(),
    occurredAt: timestamp,
  })
  .meta({ id: "BillingEntry" });
const presentBilling = (b: BillingEntryRow) => ({
  id: b.id,
  kind: b.kind,
  amount: b.amount,
  currency: b.currency,
  status: b.status,
  description: b.description,
  occurredAt: isoRequired(b.occurredAt),
});

export const subscriptionSchema = z
  .object({
    id: z.string(),
    plan: z.string(),
    status: z.enum(subscriptionStatuses),
    price: money,
    currency: z.string(),
    interval: z.string(),
    startedAt: timestamp,
    renewsAt: nullableTimestamp,
    cancelledAt: nullableTimestamp,
    billing: z.array(billingSchema),
  })
  .meta({ id: "Subscription" });

export const presentSubscription = (s: SubscriptionRow & { billing?: BillingEntryRow[] }) => ({
  id: s.id,
  plan: s.plan,
  status: s.status,
  price: s.price,
  currency: s.currency,
  interval: s.interval,
  startedAt: isoRequired(s.startedAt),
  renewsAt: iso(s.renewsAt),
  cancelledAt: iso(s.cancelledAt),
  billing: (s.billing ?? []).map(presentBilling),
});

export const advertiserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    organisationId: z.string().nullable(),
    externalId: z.string().nullable(),
    currency: z.string(),
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        state: z.string(),
        budget: money,
        spent: money,
        currency: z.string(),
        startsOn: z.string().nullable(),
        endsOn: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "AdvertiserAccount" });
export const presentAdvertiser = (a: AdvertiserAccountRow & { campaigns: CampaignRow[] }) => ({
  id: a.id,
  name: a.name,
  organisationId: a.organisationId,
  externalId: a.externalId,
  currency: a.currency,
  campaigns: a.campaigns.map((c) => ({
    id: c.id,
    name: c.name,
    state: c.state,
    budget: c.budget,
    spent: c.spent,
    currency: c.currency,
    startsOn: c.startsOn,
    endsOn: c.endsOn,
  })),
});

const pastTicketSchema = z.object({
  id: z.string(),
  number: z.number().int(),
  subject: z.string(),
  status: z.string(),
  channel: z.string(),
  createdAt: timestamp,
  satisfaction: z
    .object({ rating: z.enum(["good", "bad"]), reason: z.string().nullable(), comment: z.string().nullable(), ratedAt: timestamp })
    .nullable(),
});
/** Satisfaction comes from the feedback module: null for a ticket not rated, never invented. */
const presentPastTicket = (t: TicketRow, rated: TicketSatisfaction | undefined) => ({
  id: t.id,
  number: t.number,
  subject: t.subject,
  status: t.status,
  channel: t.channel,
  createdAt: isoRequired(t.createdAt),
  satisfaction: rated ? { rating: rated.rating, reason: rated.reason, comment: rated.comment, ratedAt: isoRequired(rated.ratedAt) } : null,
});

export const customerSchema = z
  .object({
    contact: contactSchema,
    orders: z.array(orderSchema),
    subscriptions: z.array(subscriptionSchema),
    tickets: z.array(pastTicketSchema),
    /** The contact's CSAT over every rated ticket (good / (good + bad), in %; null with no ratings). */
    satisfaction: z.object({ good: z.number().int(), bad: z.number().int(), csat: z.number().nullable() }),
  })
  .meta({ id: "Customer360" });

export const presentCustomer = (c: Customer360) => ({
  contact: presentContact(c.contact),
  orders: c.orders.map(presentOrder),
  subscriptions: c.subscriptions.map(presentSubscription),
  tickets: c.tickets.map((t) => presentPastTicket(t, c.satisfaction.byTicket.get(t.id))),
  satisfaction: c.satisfaction.overall,
  advertisers: c.advertisers.map(presentAdvertiser),
});

export const decisionSchema = z
  .object({
    eligible: z.boolean(),
    amount: money,
    currency: z.string(),
    options: z.array(z.enum(["keep", "exchange", "refund"])),
    needsApproval: z.boolean(),
    reasons: z.array(z.object({ code: z.string(), text: z.string() })),
  })
  .meta({ id: "PolicyDecision" });
export const presentDecision = (d: Decision) => d;

export const refundSchema = z
  .object({
    id: z.string(),
    amount: money,
    currency: z.string(),
    state: z.string(),
    gateway: z.string(),
    gatewayRefundId: z.string().nullable(),
    admissionIds: z.array(z.string()),
    createdAt: timestamp,
  })
  .meta({ id: "Refund" });
const presentRefund = (r: RefundRow) => ({
  id: r.id,
  amount: r.amount,
  currency: r.currency,
  state: r.state,
  gateway: r.gateway,
  gatewayRefundId: r.gatewayRefundId,
  admissionIds: r.admissionIds,
  createdAt: isoRequired(r.createdAt),
});

export const requestSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    state: z.string(),
    orderId: z.string().nullable(),
    subscriptionId: z.string().nullable(),
    ticketId: z.string().nullable(),
    via: z.string(),
    amount: money.nullable(),
    currency: z.string().nullable(),
    reasons: z.array(z.object({ code: z.string(), text: z.string() })),
    decidedByAgentId: z.string().nullable(),
    decidedAt: nullableTimestamp,
    note: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: "CommerceRequest" });

export const presentRequest = (r: CommerceRequestRow) => ({
  id: r.id,
  kind: r.kind,
  state: r.state,
  orderId: r.orderId,
  subscriptionId: r.subscriptionId,
  ticketId: r.ticketId,
  via: r.via,
  amount: r.amount,
  currency: r.currency,
  reasons: ((r.decision as { reasons?: { code: string; text: string }[] }).reasons ?? []).map((x) => ({ code: x.code, text: x.text })),
  decidedByAgentId: r.decidedByAgentId,
  decidedAt: iso(r.decidedAt),
  note: r.note,
  createdAt: isoRequired(r.createdAt),
});

export const outcomeSchema = z
  .object({ request: requestSchema, decision: decisionSchema, refund: refundSchema.nullable(), admissions: z.array(admissionSchema) })
  .meta({ id: "WorkflowOutcome" });

export const presentOutcome = (o: Outcome) => ({
  request: presentRequest(o.request),
  decision: o.decision,
  refund: o.refund ? presentRefund(o.refund) : null,
  admissions: (o.admissions ?? []).map(presentAdmission),
});

export const subscriptionOutcomeSchema = z.object({
  subscription: subscriptionSchema,
  entry: billingSchema.nullable(),
  request: requestSchema,
});
export const presentSubscriptionOutcome = (o: SubscriptionOutcome) => ({
  subscription: presentSubscription(o.subscription),
  entry: o.entry ? presentBilling(o.entry) : null,
  request: presentRequest(o.request),
});

export const disputeSchema = z
  .object({
    id: z.string(),
    paymentId: z.string(),
    orderId: z.string(),
    reason: z.string(),
    amount: money,
    currency: z.string(),
    state: z.string(),
    openedAt: timestamp,
    respondBy: nullableTimestamp,
  })
  .meta({ id: "Dispute" });
export const presentDispute = (d: DisputeRow) => ({
  id: d.id,
  paymentId: d.paymentId,
  orderId: d.orderId,
  reason: d.reason,
  amount: d.amount,
  currency: d.currency,
  state: d.state,
  openedAt: isoRequired(d.openedAt),
  respondBy: iso(d.respondBy),
});

export const chargebackRateSchema = z.object({
  from: timestamp,
  to: timestamp,
  transactions: z.number().int(),
  disputes: z.number().int(),
  rate: z.number(),
  disputedAmount: z.record(z.string(), money),
  grossAmount: z.record(z.string(), money),
});
export const presentChargebackRate = (r: ChargebackRate) => r;
