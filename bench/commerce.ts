/**
 * Commerce (issue #6): order ingestion through the idempotent upsert, the
 * customer 360 on a ticket, and the refund workflow end to end (policy,
 * row lock, sandbox gateway, activities, the fan told on the ticket).
 *
 *   npm run bench:commerce -- --db postgres|pglite [--orders 50000] [--samples 300]
 *
 * Targets on a 2-core machine: ingestion ≥ 2,000 orders/s (each with two
 * admissions and a payment); customer 360 p99 < 50 ms; a refund p99 < 100 ms.
 */
import { importContacts } from "../src/modules/contacts/import";
import { customerOfTicket } from "../src/modules/commerce/customer360";
import type { IncomingOrder } from "../src/modules/commerce/connectors/contract";
import { ingest } from "../src/modules/commerce/ingest";
import { findOrderId } from "../src/modules/commerce/orders";
import { SandboxGateway } from "../src/modules/commerce/payments/sandbox";
import { requestRefund } from "../src/modules/commerce/workflows";
import { createTicket } from "../src/modules/tickets/service";
import { arg, report, summarise } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "postgres");
const total = Number(arg("orders", "50000"));
const samples = Number(arg("samples", "300"));
const fans = Math.max(100, Math.ceil(total / 5));

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { system, desk } = await benchWorkspace(app);
  const contactIds = await importContacts(
    system,
    Array.from({ length: fans }, (_, i) => ({
      name: `Fan ${i}`,
      locale: "en",
      identities: [{ kind: "email" as const, value: `fan${i}@example.com` }],
    })),
  );
  const day = 86_400_000;
  const now = Date.now();
  const events = Array.from({ length: 50 }, (_, i) => ({
    externalId: `ev${i}`,
    name: `Show ${i}`,
    startsAt: new Date(now + (10 + i) * day),
    timezone: "Europe/London",
    capacity: 100_000,
    venue: { externalId: `v${i % 5}`, name: `Venue ${i % 5}`, timezone: "Europe/London" },
  }));
  await ingest(system, { source: "bench", events });
  const order = (n: number): IncomingOrder => ({
    externalId: `o${n}`,
    number: `LL-${n}`,
    eventExternalId: `ev${n % 50}`,
    buyer: { email: `fan${n % fans}@example.com` },
    currency: "GBP",
    subtotal: 9000,
    fees: 700,
    purchasedAt: new Date(now - day),
    admissions: [
      { externalId: "1", section: "Stalls", row: "A", seat: String(n % 40), barcode: `B${n}a`, price: 4500, fees: 350 },
      { externalId: "2", section: "Stalls", row: "A", seat: String((n % 40) + 1), barcode: `B${n}b`, price: 4500, fees: 350 },
    ],
    payments: [{ method: "card", brand: "visa", last4: "4242", amount: 9700, currency: "GBP", gateway: "sandbox", chargeId: `ch_${n}` }],
  });
  const started = performance.now();
  for (let i = 0; i < total; i += 1000) {
    await ingest(system, { source: "bench", orders: Array.from({ length: Math.min(1000, total - i) }, (_, k) => order(i + k)) });
    process.stdout.write(`\r  ingested ${Math.min(total, i + 1000).toLocaleString("en")} / ${total.toLocaleString("en")} orders`);
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  console.log("");

  // Customer 360 on tickets of fans with orders (each fan has ~5 orders, 10 admissions).
  const tickets: string[] = [];
  for (let i = 0; i < Math.min(samples, 100); i++) {
    tickets.push(
      (
        await createTicket(system, {
          deskId: desk.id,
          subject: "Where are my tickets?",
          channel: "email",
          requester: { contactId: contactIds[i % fans]! },
        })
      ).id,
    );
  }
  for (let i = 0; i < 20; i++) await customerOfTicket(system, tickets[i % tickets.length]!);
  const view: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await customerOfTicket(system, tickets[i % tickets.length]!);
    view.push(performance.now() - t0);
  }

  // Refunds: distinct orders, each on a ticket, sequentially.
  const deps = { gateways: { sandbox: new SandboxGateway() }, connectors: {} };
  const refunds: number[] = [];
  for (let i = 0; i < Math.min(samples, total); i++) {
    const orderId = await findOrderId(system, "bench", `o${i}`);
    const t0 = performance.now();
    await requestRefund(system, deps, { orderId, ticketId: tickets[i % tickets.length] });
    refunds.push(performance.now() - t0);
  }
  const v = summarise(view);
  const r = summarise(refunds);
  report(`Commerce on ${kind}: ${total.toLocaleString("en")} orders, ${fans.toLocaleString("en")} fans`, [
    { what: "ingestion", value: total / ingestSeconds, unit: "orders/s", target: "≥ 2000", ok: total / ingestSeconds >= 2000 },
    { what: "customer 360 p50", value: v.p50, unit: "ms" },
    { what: "customer 360 p99", value: v.p99, unit: "ms", target: "< 50", ok: v.p99 < 50 },
    { what: "refund (policy, lock, gateway, notify) p50", value: r.p50, unit: "ms" },
    { what: "refund p99", value: r.p99, unit: "ms", target: "< 100", ok: r.p99 < 100 },
  ]);
  await app.close();
} finally {
  await db.drop();
}
