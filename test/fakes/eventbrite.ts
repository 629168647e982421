import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local Eventbrite API v3, serving JSON in its documented shape: lists
 * paged by `continuation` with `pagination.has_more_items`, `changed_since`
 * filters, money as `{ currency, value, major_value, display }`, times as
 * `{ timezone, local, utc }`, and errors as `{ status_code, error,
 * error_description }`. Page size is small so tests page.
 */
export interface FakeEventbrite {
  url: string;
  token: string;
  organizationId: string;
  events: Record<string, unknown>[];
  orders: Record<string, unknown>[];
  attendees: Record<string, unknown>[];
  ticketClasses: Record<string, Record<string, unknown>[]>;
  requests: string[];
  close(): Promise<void>;
}

const PAGE = 2;

export async function startFakeEventbrite(): Promise<FakeEventbrite> {
  const fake: Omit<FakeEventbrite, "url" | "close"> = {
    token: "EBTOKEN123",
    organizationId: "4242",
    events: [],
    orders: [],
    attendees: [],
    ticketClasses: {},
    requests: [],
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    fake.requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${fake.token}`)
      return send(401, { status_code: 401, error: "INVALID_AUTH", error_description: "The OAuth token you provided was invalid." });
    const since = url.searchParams.get("changed_since");
    const page = (key: string, items: Record<string, unknown>[]) => {
      const filtered = since ? items.filter((i) => String(i.changed) > since) : items;
      const start = Number(
        url.searchParams.get("continuation") ? Buffer.from(url.searchParams.get("continuation")!, "base64url").toString() : 0,
      );
      const slice = filtered.slice(start, start + PAGE);
      const more = start + PAGE < filtered.length;
      send(200, {
        pagination: {
          object_count: filtered.length,
          page_number: Math.floor(start / PAGE) + 1,
          page_size: PAGE,
          page_count: Math.ceil(filtered.length / PAGE),
          has_more_items: more,
          ...(more ? { continuation: Buffer.from(String(start + PAGE)).toString("base64url") } : {}),
        },
        [key]: slice,
      });
    };
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/v3\/organizations\/(\d+)\/events\/$/)) && m[1] === fake.organizationId) {
      const expand = url.searchParams.get("expand") === "venue";
      return page(
        "events",
        fake.events.map((e) => (expand ? e : { ...e, venue: undefined })),
      );
    }
    if ((m = url.pathname.match(/^\/v3\/organizations\/(\d+)\/orders\/$/)) && m[1] === fake.organizationId)
      return page("orders", fake.orders);
    if ((m = url.pathname.match(/^\/v3\/events\/(\w+)\/attendees\/$/)))
      return page(
        "attendees",
        fake.attendees.filter((a) => a.event_id === m![1]),
      );
    if ((m = url.pathname.match(/^\/v3\/events\/(\w+)\/ticket_classes\/$/))) return page("ticket_classes", fake.ticketClasses[m[1]!] ?? []);
    send(404, { status_code: 404, error: "NOT_FOUND", error_description: "The path you requested does not exist." });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) });
}

const money = (value: number, currency = "GBP") => ({
  currency,
  value,
  major_value: (value / 100).toFixed(2),
  display: `£${(value / 100).toFixed(2)}`,
});

/** Fixtures in Eventbrite's shape. */
export function ebEvent(id: string, name: string, startUtc: string, changed: string, status = "live") {
  return {
    id,
    name: { text: name, html: name },
    start: { timezone: "Europe/London", local: startUtc.replace("Z", ""), utc: startUtc },
    end: { timezone: "Europe/London", local: startUtc.replace("Z", ""), utc: startUtc },
    status,
    currency: "GBP",
    capacity: 400,
    changed,
    venue_id: "v1",
    venue: {
      id: "v1",
      name: "Brixton Academy",
      address: { city: "London", country: "GB", localized_address_display: "211 Stockwell Rd, London" },
    },
  };
}

export function ebOrder(id: string, eventId: string, email: string, gross: number, fee: number, changed: string) {
  return {
    id,
    created: changed,
    changed,
    name: "Sam Rivera",
    first_name: "Sam",
    last_name: "Rivera",
    email,
    status: "placed",
    event_id: eventId,
    costs: { base_price: money(gross - fee), eventbrite_fee: money(fee), payment_fee: money(0), tax: money(0), gross: money(gross) },
  };
}

export function ebAttendee(
  id: string,
  orderId: string,
  eventId: string,
  barcode: string,
  changed: string,
  seat?: [string, string, string],
  checkedIn = false,
) {
  return {
    id,
    order_id: orderId,
    event_id: eventId,
    changed,
    status: checkedIn ? "Checked In" : "Attending",
    checked_in: checkedIn,
    refunded: false,
    cancelled: false,
    profile: { name: "Sam Rivera", email: "sam@example.com" },
    barcodes: [{ barcode, status: checkedIn ? "used" : "unused", changed, checkin_type: 0 }],
    costs: { base_price: money(4000), eventbrite_fee: money(250), payment_fee: money(0), gross: money(4250) },
    assigned_unit: seat ? { unit_id: `u-${id}`, description: seat.join(" "), titles: ["Section", "Row", "Seat"], labels: seat } : null,
  };
}
