import type { Ctx } from "../../platform/context";
import type { Lang } from "../demo/templates";
import { type Prng, events as showNames, plans, prng, sections, venues } from "../demo/world";
import type { IncomingEvent, IncomingOrder, IncomingSubscription } from "./connectors/contract";
import { ingest, ingestAdvertisers, ingestSubscriptions } from "./ingest";

/**
 * The demo's box office: venues in four cities, a season of shows (some
 * past with scans, one postponed, one cancelled), orders for most demo fans
 * and Lumen+ subscriptions with billing history — so the customer 360 on a
 * demo ticket looks like a real fan's. Everything goes through the
 * ingestion service in a few large batches: the demo stays fast.
 */
const DAY = 86_400_000;
const TZ: Record<string, string> = {
  London: "Europe/London",
  Dublin: "Europe/Dublin",
  Kyiv: "Europe/Kyiv",
  Lviv: "Europe/Kyiv",
  Valencia: "Europe/Madrid",
  Madrid: "Europe/Madrid",
};
const COUNTRY: Record<string, string> = { London: "GB", Dublin: "IE", Kyiv: "UA", Lviv: "UA", Valencia: "ES", Madrid: "ES" };
const CURRENCY: Record<string, string> = { GB: "GBP", IE: "EUR", UA: "UAH", ES: "EUR" };
/** Ticket prices in minor units, per currency. */
const PRICE: Record<string, [number, number]> = { GBP: [2500, 9500], EUR: [2800, 11000], UAH: [40000, 250000] };

export interface DemoFan {
  id: string;
  name?: string;
  lang: Lang;
  email: string;
  phone?: string;
}

export interface DemoAdvertiser {
  name: string;
  domain: string;
  campaigns: readonly string[];
}

export async function seedCommerceDemo(
  ctx: Ctx,
  options: { seed: number; now: Date; fans: DemoFan[]; advertisers: readonly DemoAdvertiser[] },
): Promise<{ orders: number; subscriptions: number }> {
  const rnd: Prng = prng(options.seed + 7);
  const now = options.now.getTime();
  const at = (days: number, hour = 19) => {
    const d = new Date(now + days * DAY);
    d.setUTCHours(hour, 30, 0, 0);
    return d;
  };

  // A season: every show at two or three venues, from 45 days ago to 90 days ahead.
  const season: (IncomingEvent & { currency: string; lang: Lang })[] = [];
  showNames.forEach((show, s) => {
    const places = venues.filter((_, v) => (v + s) % 2 === 0 || rnd.chance(0.3));
    places.forEach((venue, v) => {
      const days = rnd.int(-45, 90);
      const country = COUNTRY[venue.city]!;
      const state = s === 1 && v === 0 ? "postponed" : s === 4 && v === 0 ? "cancelled" : "scheduled";
      season.push({
        externalId: `ll-ev-${s}-${v}`,
        name: show.name[venue.lang],
        startsAt: at(state === "postponed" ? days + 30 : days),
        timezone: TZ[venue.city]!,
        state,
        capacity: rnd.pick([800, 1200, 2500, 5000]),
        venue: {
          externalId: `ll-venue-${venues.indexOf(venue)}`,
          name: venue.name[venue.lang],
          city: venue.city,
          country,
          timezone: TZ[venue.city]!,
        },
        currency: CURRENCY[country]!,
        lang: venue.lang,
      });
    });
  });

  // Orders: most fans bought something, in their own country's shows when there are any.
  const orders: IncomingOrder[] = [];
  let seq = 0;
  for (const fan of options.fans) {
    if (!rnd.chance(0.75)) continue;
    const count = rnd.weighted([
      [1, 6],
      [2, 3],
      [3, 1],
    ]);
    const local = season.filter((e) => e.lang === fan.lang);
    for (let k = 0; k < count; k++) {
      const event = rnd.pick(local.length && rnd.chance(0.8) ? local : season);
      const [lo, hi] = PRICE[event.currency]!;
      const price = Math.round(rnd.int(lo, hi) / 100) * 100;
      const fee = Math.round(price * 0.08);
      const seats = rnd.weighted([
        [1, 3],
        [2, 5],
        [4, 2],
      ]);
      const section = rnd.pick(sections);
      const row = String.fromCharCode(65 + rnd.int(0, 15));
      const first = rnd.int(1, 30);
      const purchasedAt = new Date(Math.min(now - DAY, event.startsAt.getTime() - rnd.int(1, 60) * DAY));
      const past = event.startsAt.getTime() < now && event.state !== "cancelled";
      seq++;
      const number = `LL-${String(200000 + seq)}`;
      orders.push({
        externalId: `ll-ord-${seq}`,
        number,
        eventExternalId: event.externalId,
        buyer: { name: fan.name ?? null, email: fan.email, phone: fan.phone ?? null },
        currency: event.currency,
        subtotal: price * seats,
        fees: fee * seats,
        purchasedAt,
        purchaseIp: `198.51.100.${rnd.int(1, 254)}`,
        purchaseLocation: event.venue!.city,
        admissions: Array.from({ length: seats }, (_, i) => ({
          externalId: `${i + 1}`,
          section,
          row,
          seat: String(first + i),
          barcode: `LL${seq.toString(36).toUpperCase()}${i}${rnd.int(100000, 999999)}`,
          price,
          fees: fee,
          state: past && rnd.chance(0.9) ? ("scanned" as const) : ("valid" as const),
          scans:
            past && rnd.chance(0.9)
              ? [
                  {
                    scannedAt: new Date(event.startsAt.getTime() - rnd.int(5, 60) * 60_000),
                    gate: rnd.pick(["A", "B", "C", "VIP"]),
                    device: `scanner-${rnd.int(1, 12)}`,
                  },
                ]
              : [],
        })),
        payments: [
          rnd.chance(0.85)
            ? {
                method: "card",
                brand: rnd.pick(["visa", "mastercard", "amex"]),
                last4: String(rnd.int(1000, 9999)),
                amount: (price + fee) * seats,
                currency: event.currency,
                gateway: "sandbox",
                chargeId: `ch_demo_${seq}`,
              }
            : {
                method: rnd.pick(["apple_pay", "google_pay", "paypal"]),
                amount: (price + fee) * seats,
                currency: event.currency,
                gateway: "sandbox",
                chargeId: `ch_demo_${seq}`,
              },
        ],
      });
    }
  }
  const events = season.map(({ currency: _c, lang: _l, ...e }) => e);
  for (let i = 0; i < orders.length || i === 0; i += 1000) {
    await ingest(ctx, { source: "lumen", events: i === 0 ? events : [], orders: orders.slice(i, i + 1000) });
  }

  // Lumen+ subscriptions with a few months of billing; one in ten had a failed payment.
  const subscriptions: IncomingSubscription[] = [];
  for (const fan of options.fans) {
    if (!rnd.chance(0.3)) continue;
    const plan = rnd.pick(plans);
    const price = { "Lumen+ Basic": 599, "Lumen+ Standard": 999, "Lumen+ Premium 4K": 1499, "Lumen+ Fan Club": 2499 }[plan] ?? 999;
    const months = rnd.int(1, 14);
    const started = new Date(now - months * 30 * DAY);
    const status = rnd.weighted<IncomingSubscription["status"]>([
      ["active", 80],
      ["past_due", 8],
      ["cancelled", 8],
      ["trialing", 4],
    ]);
    subscriptions.push({
      externalId: `ll-sub-${subscriptions.length + 1}`,
      email: fan.email,
      plan,
      status,
      price,
      currency: fan.lang === "uk" ? "UAH" : fan.lang === "es" ? "EUR" : "GBP",
      startedAt: started,
      renewsAt: status === "cancelled" ? null : new Date(now + rnd.int(1, 29) * DAY),
      cancelledAt: status === "cancelled" ? new Date(now - rnd.int(1, 20) * DAY) : null,
      billing: Array.from({ length: Math.min(months, 6) }, (_, m) => ({
        externalId: `ll-inv-${subscriptions.length + 1}-${m}`,
        kind: "charge" as const,
        amount: price,
        status: status === "past_due" && m === Math.min(months, 6) - 1 ? "failed" : "paid",
        description: `${plan} — month ${months - Math.min(months, 6) + m + 1}`,
        gatewayId: `ch_demo_sub_${subscriptions.length + 1}_${m}`,
        occurredAt: new Date(now - (Math.min(months, 6) - m) * 30 * DAY),
      })),
    });
  }
  for (let i = 0; i < subscriptions.length; i += 1000) await ingestSubscriptions(ctx, "lumen", subscriptions.slice(i, i + 1000));

  await ingestAdvertisers(
    ctx,
    options.advertisers.map((a, i) => ({
      externalId: `ll-adv-${i + 1}`,
      name: a.name,
      currency: "EUR",
      domain: a.domain,
      campaigns: a.campaigns.map((c, k) => ({
        externalId: c,
        name: c,
        state: k === 0 ? "live" : "scheduled",
        budget: rnd.int(5, 120) * 100_000,
        spent: k === 0 ? rnd.int(1, 40) * 100_000 : 0,
        startsOn: new Date(now - 10 * DAY).toISOString().slice(0, 10),
        endsOn: new Date(now + 50 * DAY).toISOString().slice(0, 10),
      })),
    })),
  );
  return { orders: orders.length, subscriptions: subscriptions.length };
}
