import type { AdmissionState, EventState, OrderState } from "../schema";

/**
 * What a ticketing platform must offer for Usher to know the fan: events,
 * orders and attendees changed since a cursor, and seat availability for
 * exchanges. A connector turns the platform's wire format into these shapes
 * and knows nothing of Usher's tables; `sync.ts` writes them through the same
 * idempotent upsert as the REST and webhook ingestion API.
 *
 * Money is integer minor units with an ISO 4217 currency; times are Dates
 * (UTC) with the event's IANA zone beside them.
 */
export interface IncomingVenue {
  externalId: string;
  name: string;
  city?: string | null;
  country?: string | null;
  timezone: string;
}

export interface IncomingEvent {
  externalId: string;
  name: string;
  startsAt: Date;
  timezone: string;
  state?: EventState;
  capacity?: number | null;
  /** Price per place by section, "*" for any (see events.pricing). */
  pricing?: Record<string, { price: number }> | null;
  venue?: IncomingVenue | null;
}

export interface IncomingPayment {
  method: string;
  brand?: string | null;
  /** Exactly four digits, or nothing: a full card number is refused. */
  last4?: string | null;
  amount: number;
  currency: string;
  gateway?: string;
  chargeId?: string | null;
}

export interface IncomingScan {
  externalId?: string | null;
  scannedAt: Date;
  gate?: string | null;
  device?: string | null;
  result?: "accepted" | "rejected" | "duplicate";
}

export interface IncomingAdmission {
  externalId: string;
  section?: string | null;
  row?: string | null;
  seat?: string | null;
  barcode: string;
  price: number;
  fees?: number;
  state?: AdmissionState;
  scans?: IncomingScan[];
}

export interface IncomingOrder {
  externalId: string;
  number?: string;
  eventExternalId: string;
  buyer: { name?: string | null; email?: string | null; phone?: string | null };
  currency: string;
  subtotal: number;
  fees?: number;
  total?: number;
  state?: OrderState;
  purchasedAt: Date;
  purchaseIp?: string | null;
  purchaseLocation?: string | null;
  admissions?: IncomingAdmission[];
  payments?: IncomingPayment[];
}

/** Attendees come separately on most platforms; they attach to an order already known. */
export interface IncomingAttendee extends IncomingAdmission {
  orderExternalId: string;
  eventExternalId: string;
}

export interface ConnectorPage<T> {
  items: T[];
  /** Pass back to get the next page; null when this was the last. */
  continuation: string | null;
}

export interface Availability {
  available: boolean;
  /** Places left, when the platform says. */
  remaining: number | null;
  /** The price of one place (minor units), when the platform says: an exchange settles against it. */
  price?: number | null;
}

export interface Connector {
  /** The `source` of every row it brings in (e.g. "eventbrite"). */
  readonly source: string;
  /** `since`: an ISO time; only what changed after it (null: everything). */
  listEvents(since: string | null, continuation?: string | null): Promise<ConnectorPage<IncomingEvent>>;
  listOrders(since: string | null, continuation?: string | null): Promise<ConnectorPage<IncomingOrder>>;
  listAttendees(eventExternalId: string, since: string | null, continuation?: string | null): Promise<ConnectorPage<IncomingAttendee>>;
  checkAvailability(eventExternalId: string, request: { quantity: number; section?: string | null }): Promise<Availability>;
}

export interface IncomingBillingEntry {
  externalId?: string | null;
  kind: "charge" | "refund" | "credit";
  amount: number;
  status: string;
  description: string;
  gatewayId?: string | null;
  occurredAt: Date;
}

export interface IncomingSubscription {
  externalId: string;
  email?: string | null;
  plan: string;
  status?: "trialing" | "active" | "past_due" | "paused" | "cancelled";
  price: number;
  currency: string;
  interval?: "month" | "year";
  startedAt: Date;
  renewsAt?: Date | null;
  cancelledAt?: Date | null;
  gateway?: string;
  billing?: IncomingBillingEntry[];
}

export interface IncomingCampaign {
  externalId: string;
  name: string;
  state?: string;
  budget?: number;
  spent?: number;
  startsOn?: string | null;
  endsOn?: string | null;
}

export interface IncomingAdvertiser {
  externalId: string;
  name: string;
  currency: string;
  /** The organisation (contacts module) the account belongs to, found by e-mail domain. */
  domain?: string | null;
  campaigns?: IncomingCampaign[];
}
