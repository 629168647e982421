import type { Ctx } from "../../platform/context";
import type { IncomingOrder } from "./connectors/contract";
import { ingest } from "./ingest";

/**
 * A small box office for tests and benchmarks: one venue, an event three
 * weeks ahead and an order of two seats bought yesterday through the sandbox
 * gateway. Everything goes in through the ingestion service, as real data does.
 */
export interface SampleOrder {
  eventExternalId: string;
  orderExternalId: string;
  email: string;
}

let counter = 0;

export async function sampleOrder(
  ctx: Ctx,
  options: {
    email?: string;
    phone?: string;
    startsInDays?: number;
    boughtDaysAgo?: number;
    price?: number;
    fees?: number;
    gateway?: string;
    chargeId?: string;
    scanned?: boolean;
    currency?: string;
  } = {},
): Promise<SampleOrder> {
  const n = ++counter;
  const now = ctx.clock.now().getTime();
  const day = 86_400_000;
  const price = options.price ?? 4500;
  const fees = options.fees ?? 350;
  const email = options.email ?? `buyer-${n}-${Math.random().toString(36).slice(2, 8)}@example.com`;
  const eventExternalId = `ev-${n}-${Math.random().toString(36).slice(2, 8)}`;
  const order: IncomingOrder = {
    externalId: `ord-${n}-${Math.random().toString(36).slice(2, 8)}`,
    number: `LL-${String(100000 + n)}`,
    eventExternalId,
    buyer: { name: "Dana Fan", email, phone: options.phone ?? null },
    currency: options.currency ?? "GBP",
    subtotal: 2 * price,
    fees: 2 * fees,
    purchasedAt: new Date(now - (options.boughtDaysAgo ?? 1) * day),
    purchaseIp: "203.0.113.7",
    purchaseLocation: "London, GB",
    admissions: [
      {
        externalId: "a1",
        section: "Stalls",
        row: "F",
        seat: "11",
        barcode: `BC${n}A${Math.random().toString(36).slice(2, 8)}`,
        price,
        fees,
        state: options.scanned ? "scanned" : "valid",
        scans: options.scanned ? [{ scannedAt: new Date(now - 3_600_000), gate: "B", device: "scanner-7" }] : [],
      },
      {
        externalId: "a2",
        section: "Stalls",
        row: "F",
        seat: "12",
        barcode: `BC${n}B${Math.random().toString(36).slice(2, 8)}`,
        price,
        fees,
      },
    ],
    payments: [
      {
        method: "card",
        brand: "visa",
        last4: "4242",
        amount: 2 * (price + fees),
        currency: options.currency ?? "GBP",
        gateway: options.gateway ?? "sandbox",
        chargeId: options.chargeId ?? `ch_${n}`,
      },
    ],
  };
  await ingest(ctx, {
    source: "test",
    events: [
      {
        externalId: eventExternalId,
        name: "Aurora Quartet — Spring Tour",
        startsAt: new Date(now + (options.startsInDays ?? 21) * day),
        timezone: "Europe/London",
        capacity: 500,
        venue: { externalId: "roundhouse", name: "The Roundhouse", city: "London", country: "GB", timezone: "Europe/London" },
      },
    ],
    orders: [order],
  });
  return { eventExternalId, orderExternalId: order.externalId, email };
}
