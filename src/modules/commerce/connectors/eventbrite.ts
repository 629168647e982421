import { GatewayError } from "../payments/gateway";
import type { AdmissionState, EventState, OrderState } from "../schema";
import type { Availability, Connector, ConnectorPage, IncomingAttendee, IncomingEvent, IncomingOrder } from "./contract";

/**
 * Eventbrite API v3 (https://www.eventbrite.com/platform/api): a private
 * token as `Authorization: Bearer`, lists paged with
 * `pagination.has_more_items` / `pagination.continuation`, money as
 * `{ currency, value }` in minor units, times as `{ timezone, utc }`.
 *
 * - events:     GET /v3/organizations/{org}/events/?expand=venue&changed_since=
 * - orders:     GET /v3/organizations/{org}/orders/?changed_since=
 * - attendees:  GET /v3/events/{event}/attendees/?changed_since=
 * - capacity:   GET /v3/events/{event}/ticket_classes/
 */
export interface EventbriteOptions {
  token: string;
  organizationId: string;
  baseUrl?: string;
}

interface Money {
  currency: string;
  value: number;
}
interface EbPagination {
  has_more_items: boolean;
  continuation?: string;
}
interface EbEvent {
  id: string;
  name: { text: string };
  start: { timezone: string; utc: string };
  status: string;
  capacity?: number | null;
  venue?: { id: string; name: string; address?: { city?: string; country?: string } } | null;
}
interface EbOrder {
  id: string;
  created: string;
  name?: string;
  email?: string;
  event_id: string;
  status: string;
  costs: { base_price: Money; eventbrite_fee?: Money; payment_fee?: Money; tax?: Money; gross: Money };
}
interface EbAttendee {
  id: string;
  order_id: string;
  event_id: string;
  status?: string;
  checked_in?: boolean;
  refunded?: boolean;
  cancelled?: boolean;
  profile?: { name?: string; email?: string; cell_phone?: string };
  barcodes?: { barcode: string; status: string; changed?: string; checkin_type?: number }[];
  costs?: { base_price: Money; eventbrite_fee?: Money; payment_fee?: Money; gross: Money };
  assigned_unit?: { labels?: string[]; titles?: string[] } | null;
}

export class EventbriteConnector implements Connector {
  readonly source = "eventbrite";
  private readonly baseUrl: string;

  constructor(private readonly options: EventbriteOptions) {
    this.baseUrl = (options.baseUrl ?? "https://www.eventbriteapi.com").replace(/\/$/, "");
  }

  async listEvents(since: string | null, continuation?: string | null): Promise<ConnectorPage<IncomingEvent>> {
    const body = await this.get<{ events: EbEvent[]; pagination: EbPagination }>(
      `/v3/organizations/${this.options.organizationId}/events/`,
      { expand: "venue", changed_since: since, continuation },
    );
    return { items: body.events.map(toEvent), continuation: next(body.pagination) };
  }

  async listOrders(since: string | null, continuation?: string | null): Promise<ConnectorPage<IncomingOrder>> {
    const body = await this.get<{ orders: EbOrder[]; pagination: EbPagination }>(
      `/v3/organizations/${this.options.organizationId}/orders/`,
      {
        changed_since: since,
        continuation,
      },
    );
    return { items: body.orders.map(toOrder), continuation: next(body.pagination) };
  }

  async listAttendees(
    eventExternalId: string,
    since: string | null,
    continuation?: string | null,
  ): Promise<ConnectorPage<IncomingAttendee>> {
    const body = await this.get<{ attendees: EbAttendee[]; pagination: EbPagination }>(
      `/v3/events/${encodeURIComponent(eventExternalId)}/attendees/`,
      {
        changed_since: since,
        continuation,
      },
    );
    return { items: body.attendees.map(toAttendee), continuation: next(body.pagination) };
  }

  async checkAvailability(eventExternalId: string, request: { quantity: number; section?: string | null }): Promise<Availability> {
    let remaining = 0;
    let continuation: string | null = null;
    do {
      const body: {
        ticket_classes: { name: string; quantity_total: number; quantity_sold: number; on_sale_status?: string }[];
        pagination: EbPagination;
      } = await this.get(`/v3/events/${encodeURIComponent(eventExternalId)}/ticket_classes/`, { continuation });
      for (const tc of body.ticket_classes) {
        if (request.section && tc.name.toLowerCase() !== request.section.toLowerCase()) continue;
        if (tc.on_sale_status && tc.on_sale_status !== "AVAILABLE") continue;
        remaining += Math.max(0, tc.quantity_total - tc.quantity_sold);
      }
      continuation = next(body.pagination);
    } while (continuation);
    return { available: remaining >= request.quantity, remaining };
  }

  private async get<T>(path: string, query: Record<string, string | null | undefined>): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [k, v] of Object.entries(query)) if (v) url.searchParams.set(k, v);
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${this.options.token}` }, signal: AbortSignal.timeout(30_000) });
    } catch (err) {
      throw new GatewayError("eventbrite", "connection_error", undefined, `Eventbrite did not answer: ${(err as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (!response.ok) {
      // Eventbrite's errors: { status_code, error, error_description }.
      throw new GatewayError(
        "eventbrite",
        String(body.error ?? "http_error"),
        String(response.status),
        String(body.error_description ?? `HTTP ${response.status}`),
      );
    }
    return body as T;
  }
}

const next = (p: EbPagination | undefined) => (p?.has_more_items && p.continuation ? p.continuation : null);

const EVENT_STATE: Record<string, EventState> = { canceled: "cancelled", cancelled: "cancelled" };

function toEvent(e: EbEvent): IncomingEvent {
  return {
    externalId: e.id,
    name: e.name.text,
    startsAt: new Date(e.start.utc),
    timezone: e.start.timezone,
    state: EVENT_STATE[e.status] ?? "scheduled",
    capacity: e.capacity ?? null,
    venue: e.venue
      ? {
          externalId: e.venue.id,
          name: e.venue.name,
          city: e.venue.address?.city ?? null,
          country: e.venue.address?.country ?? null,
          timezone: e.start.timezone,
        }
      : null,
  };
}

const ORDER_STATE: Record<string, OrderState> = { placed: "paid", refunded: "refunded", cancelled: "cancelled", pending: "pending" };

function toOrder(o: EbOrder): IncomingOrder {
  const fees = (o.costs.eventbrite_fee?.value ?? 0) + (o.costs.payment_fee?.value ?? 0);
  return {
    externalId: o.id,
    number: `EB-${o.id}`,
    eventExternalId: o.event_id,
    buyer: { name: o.name ?? null, email: o.email ?? null },
    currency: o.costs.gross.currency,
    subtotal: o.costs.gross.value - fees,
    fees,
    total: o.costs.gross.value,
    state: ORDER_STATE[o.status] ?? "paid",
    purchasedAt: new Date(o.created),
    payments: [
      { method: "eventbrite", amount: o.costs.gross.value, currency: o.costs.gross.currency, gateway: "eventbrite", chargeId: o.id },
    ],
  };
}

function toAttendee(a: EbAttendee): IncomingAttendee {
  const unit: Record<string, string> = {};
  (a.assigned_unit?.titles ?? []).forEach((title, i) => (unit[title.toLowerCase()] = a.assigned_unit?.labels?.[i] ?? ""));
  const barcode = a.barcodes?.[0];
  const state: AdmissionState = a.refunded ? "refunded" : a.checked_in || barcode?.status === "used" ? "scanned" : "valid";
  const fees = (a.costs?.eventbrite_fee?.value ?? 0) + (a.costs?.payment_fee?.value ?? 0);
  return {
    externalId: a.id,
    orderExternalId: a.order_id,
    eventExternalId: a.event_id,
    section: unit.section ?? null,
    row: unit.row ?? null,
    seat: unit.seat ?? null,
    barcode: barcode?.barcode ?? `eb-${a.id}`,
    price: a.costs?.base_price.value ?? 0,
    fees,
    state,
    scans:
      barcode?.status === "used" && barcode.changed
        ? [{ externalId: `eb-${barcode.barcode}`, scannedAt: new Date(barcode.changed), device: "eventbrite" }]
        : [],
  };
}
