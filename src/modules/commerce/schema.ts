import { sql } from "drizzle-orm";
import { bigint, char, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts, organisations } from "../contacts/schema";
import { workspaces } from "../workspaces/schema";

/**
 * Commerce: what fans bought and what they subscribe to, so an agent never
 * leaves Usher to look up an order, and the refund/exchange workflows can run
 * themselves. Money is always integer minor units plus an ISO 4217 currency;
 * a payment keeps its method and last four digits only, never a card number
 * (PCI-DSS 3.4).
 *
 * Rows that come from a ticketing platform carry `source` + `external_id`,
 * unique per workspace, so ingestion is an idempotent upsert.
 */

const ws = () =>
  uuid("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" });
const at = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => bigint(name, { mode: "number" });

export type EventPricing = Record<string, { price: number }>;

export const eventStates = ["scheduled", "postponed", "rescheduled", "cancelled"] as const;
export type EventState = (typeof eventStates)[number];
export const eventState = pgEnum("event_state", eventStates);

export const orderStates = ["pending", "paid", "partially_refunded", "refunded", "cancelled"] as const;
export type OrderState = (typeof orderStates)[number];
export const orderState = pgEnum("order_state", orderStates);

export const admissionStates = ["valid", "scanned", "transferred", "refunded", "exchanged"] as const;
export type AdmissionState = (typeof admissionStates)[number];
export const admissionState = pgEnum("admission_state", admissionStates);

export const subscriptionStatuses = ["trialing", "active", "past_due", "paused", "cancelled"] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];
export const subscriptionStatus = pgEnum("subscription_status", subscriptionStatuses);

export const refundStates = ["pending", "succeeded", "failed"] as const;
export type RefundState = (typeof refundStates)[number];
export const refundState = pgEnum("refund_state", refundStates);

export const disputeStates = ["needs_response", "under_review", "won", "lost"] as const;
export type DisputeState = (typeof disputeStates)[number];
export const disputeState = pgEnum("dispute_state", disputeStates);

export const requestKinds = [
  "refund",
  "exchange",
  "transfer",
  "reissue",
  "subscription_cancel",
  "subscription_renew",
  "subscription_upgrade",
  "subscription_credit",
] as const;
export type RequestKind = (typeof requestKinds)[number];
export const requestKind = pgEnum("commerce_request_kind", requestKinds);

export const requestStates = ["completed", "pending_approval", "rejected", "failed"] as const;
export type RequestState = (typeof requestStates)[number];
export const requestState = pgEnum("commerce_request_state", requestStates);

export const venues = pgTable(
  "venues",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    source: text("source").notNull().default("usher"),
    externalId: text("external_id"),
    name: text("name").notNull(),
    city: text("city"),
    country: char("country", { length: 2 }),
    timezone: text("timezone").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("venues_external").on(t.workspaceId, t.source, t.externalId)],
);

export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    source: text("source").notNull().default("usher"),
    externalId: text("external_id"),
    venueId: uuid("venue_id").references(() => venues.id, { onDelete: "set null" }),
    name: text("name").notNull(),
    startsAt: at("starts_at").notNull(),
    /** IANA zone the event is announced in (its venue's, usually). */
    timezone: text("timezone").notNull(),
    state: eventState("state").notNull().default("scheduled"),
    /** When the state last changed: a postponement's "choose within N days" counts from here. */
    stateChangedAt: at("state_changed_at"),
    capacity: integer("capacity"),
    /**
     * Price per place by section (minor units, the orders' currency), "*" for
     * any section: what an exchange to this event costs. Null: unknown, and an
     * exchange keeps the price paid.
     */
    pricing: jsonb("pricing").$type<EventPricing>(),
    /** Per-event override of the workspace's refund policy (partial; see policy-engine.ts). */
    policy: jsonb("policy").$type<Record<string, unknown>>(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("events_external").on(t.workspaceId, t.source, t.externalId), index("events_starts").on(t.workspaceId, t.startsAt)],
);

export const orders = pgTable(
  "orders",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    source: text("source").notNull().default("usher"),
    externalId: text("external_id"),
    number: text("number").notNull(),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    buyerName: text("buyer_name"),
    buyerEmail: text("buyer_email"),
    buyerPhone: text("buyer_phone"),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id),
    currency: char("currency", { length: 3 }).notNull(),
    /** Ticket prices and fees, minor units. total = subtotal + fees. */
    subtotal: money("subtotal").notNull(),
    fees: money("fees").notNull().default(0),
    total: money("total").notNull(),
    refundedTotal: money("refunded_total").notNull().default(0),
    state: orderState("state").notNull().default("paid"),
    purchasedAt: at("purchased_at").notNull(),
    /** Chargeback evidence: where the purchase came from. */
    purchaseIp: text("purchase_ip"),
    purchaseLocation: text("purchase_location"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("orders_external").on(t.workspaceId, t.source, t.externalId),
    index("orders_contact").on(t.workspaceId, t.contactId, t.purchasedAt),
    index("orders_number").on(t.workspaceId, t.number),
    index("orders_email").on(t.workspaceId, t.buyerEmail),
  ],
);

export const admissions = pgTable(
  "admissions",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id),
    externalId: text("external_id"),
    section: text("section"),
    row: text("row"),
    seat: text("seat"),
    barcode: text("barcode").notNull(),
    price: money("price").notNull(),
    fees: money("fees").notNull().default(0),
    state: admissionState("state").notNull().default("valid"),
    /** Who holds it now, when not the buyer (a transfer). */
    holderContactId: uuid("holder_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    /** The admission this one replaced (exchange, transfer, reissue). */
    replacesId: uuid("replaces_id"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    index("admissions_order").on(t.workspaceId, t.orderId),
    uniqueIndex("admissions_barcode").on(t.workspaceId, t.barcode),
    uniqueIndex("admissions_external").on(t.workspaceId, t.orderId, t.externalId),
    index("admissions_seat").on(t.workspaceId, t.eventId, t.section, t.row, t.seat),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    /** card, paypal, apple_pay, google_pay, bank_transfer, cash, gift_card… */
    method: text("method").notNull(),
    brand: text("brand"),
    /** The last four digits of a card: the only part of a card number ever stored. */
    last4: char("last4", { length: 4 }),
    amount: money("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    gateway: text("gateway").notNull().default("sandbox"),
    /** The gateway's charge or payment-intent id, which refunds point at. */
    gatewayChargeId: text("gateway_charge_id"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [index("payments_order").on(t.workspaceId, t.orderId)],
);

export const refunds = pgTable(
  "refunds",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    paymentId: uuid("payment_id").references(() => payments.id, { onDelete: "set null" }),
    admissionIds: uuid("admission_ids")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    amount: money("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    reason: text("reason").notNull(),
    state: refundState("state").notNull().default("pending"),
    gateway: text("gateway").notNull(),
    gatewayRefundId: text("gateway_refund_id"),
    /** Sent to the gateway as its Idempotency-Key; a retry of the same request is one refund. */
    idempotencyKey: text("idempotency_key").notNull(),
    requestId: uuid("request_id"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [uniqueIndex("refunds_idempotency").on(t.workspaceId, t.idempotencyKey), index("refunds_order").on(t.workspaceId, t.orderId)],
);

export const scans = pgTable(
  "scans",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    admissionId: uuid("admission_id")
      .notNull()
      .references(() => admissions.id, { onDelete: "cascade" }),
    externalId: text("external_id"),
    scannedAt: at("scanned_at").notNull(),
    gate: text("gate"),
    device: text("device"),
    /** accepted, rejected, duplicate */
    result: text("result").notNull().default("accepted"),
  },
  (t) => [
    index("scans_admission").on(t.workspaceId, t.admissionId, t.scannedAt),
    uniqueIndex("scans_external").on(t.workspaceId, t.externalId),
  ],
);

export const subscriptions = pgTable(
  "subscriptions",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    source: text("source").notNull().default("usher"),
    externalId: text("external_id"),
    contactId: uuid("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    email: text("email"),
    plan: text("plan").notNull(),
    status: subscriptionStatus("status").notNull().default("active"),
    price: money("price").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    /** month or year */
    interval: text("interval").notNull().default("month"),
    startedAt: at("started_at").notNull(),
    renewsAt: at("renews_at"),
    cancelledAt: at("cancelled_at"),
    gateway: text("gateway").notNull().default("sandbox"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("subscriptions_external").on(t.workspaceId, t.source, t.externalId),
    index("subscriptions_contact").on(t.workspaceId, t.contactId),
  ],
);

/** A subscription's billing history: charges, refunds and credits, newest last. */
export const billingEntries = pgTable(
  "billing_entries",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    subscriptionId: uuid("subscription_id")
      .notNull()
      .references(() => subscriptions.id, { onDelete: "cascade" }),
    /** charge, refund, credit */
    kind: text("kind").notNull(),
    amount: money("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    /** paid, failed, refunded, issued */
    status: text("status").notNull(),
    description: text("description").notNull(),
    gatewayId: text("gateway_id"),
    externalId: text("external_id"),
    occurredAt: at("occurred_at").notNull(),
  },
  (t) => [index("billing_subscription").on(t.workspaceId, t.subscriptionId, t.occurredAt)],
);

export const advertiserAccounts = pgTable(
  "advertiser_accounts",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    organisationId: uuid("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    externalId: text("external_id"),
    name: text("name").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("advertiser_accounts_external").on(t.workspaceId, t.externalId),
    index("advertiser_accounts_org").on(t.workspaceId, t.organisationId),
  ],
);

export const campaigns = pgTable(
  "campaigns",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    advertiserAccountId: uuid("advertiser_account_id")
      .notNull()
      .references(() => advertiserAccounts.id, { onDelete: "cascade" }),
    externalId: text("external_id"),
    name: text("name").notNull(),
    /** draft, scheduled, live, paused, ended */
    state: text("state").notNull().default("draft"),
    budget: money("budget").notNull().default(0),
    spent: money("spent").notNull().default(0),
    currency: char("currency", { length: 3 }).notNull(),
    startsOn: text("starts_on"),
    endsOn: text("ends_on"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("campaigns_account").on(t.workspaceId, t.advertiserAccountId),
    uniqueIndex("campaigns_external").on(t.workspaceId, t.externalId),
  ],
);

/** The workspace's refund and exchange policy (policy-engine.ts `RefundPolicy`), and its approval thresholds. */
export const commercePolicies = pgTable("commerce_policies", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  policy: jsonb("policy").$type<Record<string, unknown>>().notNull(),
  updatedAt: at("updated_at").notNull(),
});

/**
 * Every workflow request (refund, exchange, transfer, reissue, subscription
 * change), from an agent or a fan in the portal: the approval record when it
 * needs one, and the source of the self-service rate.
 */
export const commerceRequests = pgTable(
  "commerce_requests",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    kind: requestKind("kind").notNull(),
    state: requestState("state").notNull(),
    orderId: uuid("order_id").references(() => orders.id, { onDelete: "cascade" }),
    subscriptionId: uuid("subscription_id").references(() => subscriptions.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id"),
    contactId: uuid("contact_id"),
    /** agent, portal, system */
    via: text("via").notNull(),
    requestedByAgentId: uuid("requested_by_agent_id"),
    /** The request as made, replayed when an approver approves it. */
    input: jsonb("input").$type<Record<string, unknown>>().notNull(),
    decision: jsonb("decision").$type<Record<string, unknown>>().notNull().default({}),
    amount: money("amount"),
    currency: char("currency", { length: 3 }),
    decidedByAgentId: uuid("decided_by_agent_id"),
    decidedAt: at("decided_at"),
    note: text("note"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    index("commerce_requests_state").on(t.workspaceId, t.state, t.createdAt),
    index("commerce_requests_created").on(t.workspaceId, t.createdAt),
  ],
);

/** A chargeback: at most one per payment. */
export const disputes = pgTable(
  "disputes",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    paymentId: uuid("payment_id")
      .notNull()
      .references(() => payments.id, { onDelete: "cascade" }),
    orderId: uuid("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    externalId: text("external_id"),
    reason: text("reason").notNull(),
    amount: money("amount").notNull(),
    currency: char("currency", { length: 3 }).notNull(),
    state: disputeState("state").notNull().default("needs_response"),
    openedAt: at("opened_at").notNull(),
    respondBy: at("respond_by"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [uniqueIndex("disputes_payment").on(t.workspaceId, t.paymentId), index("disputes_opened").on(t.workspaceId, t.openedAt)],
);

/** Where a connector's last sync stopped, per resource (events, orders, attendees). */
export const connectorCursors = pgTable(
  "connector_cursors",
  {
    workspaceId: ws(),
    connector: text("connector").notNull(),
    resource: text("resource").notNull(),
    cursor: text("cursor"),
    syncedAt: at("synced_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.connector, t.resource] })],
);

/**
 * A source's webhook signing secret. Deliveries carry
 * `Usher-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (Stripe's
 * scheme). HMAC needs the secret itself to verify, so it is kept as given —
 * like a channel's app secret — and shown to an admin only when created.
 */
export const commerceWebhookSecrets = pgTable(
  "commerce_webhook_secrets",
  {
    workspaceId: ws(),
    source: text("source").notNull(),
    secret: text("secret").notNull(),
    createdAt: at("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.source] })],
);

export type VenueRow = typeof venues.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type AdmissionRow = typeof admissions.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;
export type ScanRow = typeof scans.$inferSelect;
export type SubscriptionRow = typeof subscriptions.$inferSelect;
export type BillingEntryRow = typeof billingEntries.$inferSelect;
export type AdvertiserAccountRow = typeof advertiserAccounts.$inferSelect;
export type CampaignRow = typeof campaigns.$inferSelect;
export type CommerceRequestRow = typeof commerceRequests.$inferSelect;
export type DisputeRow = typeof disputes.$inferSelect;
