import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { DomainError } from "../../platform/errors";
import { listMessages } from "../tickets/messages";
import { customerOfTicket } from "./customer360";
import type { CommerceDeps } from "./deps";
import { chargebackRate, disputeEvidence, openDispute } from "./disputes";
import { ingest, ingestAdvertisers, ingestSubscriptions } from "./ingest";
import { createOrganisation } from "../contacts/service";
import { changeEventState, createEvent, findEventId, findOrderId, loadOrderBundle, setEventPolicy } from "./orders";
import { SandboxGateway } from "./payments/sandbox";
import { changeSubscription } from "./subscriptions";
import { sampleOrder } from "./test-data";
import { exchangeAdmissions } from "./exchange";
import { decideRequest, reissueTickets, requestRefund, transferAdmission } from "./workflows";

const clock = new ControlledClock("2026-03-01T12:00:00Z");
const getApp = useTestApp({ clock });

function deps(): CommerceDeps & { sandbox: SandboxGateway } {
  const sandbox = new SandboxGateway();
  return { gateways: { sandbox }, connectors: {}, sandbox };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err.code;
    throw err;
  }
  return "no error";
}

async function setup() {
  const app = getApp();
  const ws = await makeWorkspace(app);
  const sample = await sampleOrder(ws.system);
  const orderId = await findOrderId(ws.system, "test", sample.orderExternalId);
  const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, {
    subject: "Can I get a refund?",
    requester: { identities: [{ kind: "email", value: sample.email }], name: "Dana Fan", locale: "uk" },
    language: "uk",
  });
  const agent = await makeAgent(app, ws.workspace.id, { role: "agent", allDesks: true });
  return { app, ws, sample, orderId, ticket, agent };
}

describe("ingestion", () => {
  it("upserts by external id: the same batch twice is one order, matched to the fan by e-mail", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, {
      requester: { identities: [{ kind: "email", value: "Olena@Example.com" }] },
    });
    const s = await sampleOrder(ws.system, { email: "olena@example.com" });
    await sampleOrder(ws.system); // someone else's
    const id = await findOrderId(ws.system, "test", s.orderExternalId);
    const first = await loadOrderBundle(ws.system, id);
    expect(first.order.contactId).toBe(ticket.requesterId);
    expect(first.admissions).toHaveLength(2);
    expect(first.payments[0]).toMatchObject({ method: "card", last4: "4242" });

    // Again, with a changed event state: same rows, the state and its time updated.
    await ingest(ws.system, {
      source: "test",
      events: [
        {
          externalId: s.eventExternalId,
          name: "Aurora Quartet — Spring Tour",
          startsAt: first.event.startsAt,
          timezone: "Europe/London",
          state: "postponed",
        },
      ],
    });
    const again = await loadOrderBundle(ws.system, id);
    expect(again.event).toMatchObject({ id: first.event.id, state: "postponed" });
    expect(again.event.stateChangedAt?.toISOString()).toBe(clock.now().toISOString());
  });

  it("refuses a full card number anywhere in a payment", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const event = { externalId: "e1", name: "X", startsAt: new Date("2026-04-01T19:00:00Z"), timezone: "Europe/London" };
    const base = {
      externalId: "o1",
      eventExternalId: "e1",
      buyer: { email: "a@example.com" },
      currency: "GBP",
      subtotal: 100,
      purchasedAt: new Date(),
    };
    const err = await ingest(ws.system, {
      source: "test",
      events: [event],
      orders: [{ ...base, payments: [{ method: "card 4111 1111 1111 1111", amount: 100, currency: "GBP" }] }],
    }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("commerce.card_number_refused");
    expect((err as DomainError).errors[0]!.path).toBe("orders.0.payments.0.method");
    expect(
      await codeOf(
        ingest(ws.system, {
          source: "test",
          events: [event],
          orders: [{ ...base, payments: [{ method: "card", last4: "41111", amount: 100, currency: "GBP" }] }],
        }),
      ),
    ).toBe("commerce.card_number_refused");
  });
});

describe("refunds", () => {
  it("within policy: refunded through the gateway at once, the fan told in Ukrainian on the ticket", async () => {
    const { ws, orderId, ticket, agent } = await setup();
    const d = deps();
    const outcome = await requestRefund(agent.ctx, d, { orderId, ticketId: ticket.id });
    expect(outcome.request.state).toBe("completed");
    expect(outcome.refund).toMatchObject({ amount: 9000, currency: "GBP", state: "succeeded" });
    expect(d.sandbox.refunds).toHaveLength(1);
    expect(d.sandbox.refunds[0]).toMatchObject({ chargeId: expect.stringMatching(/^ch_/), amount: 9000 });
    const bundle = await loadOrderBundle(ws.system, orderId);
    expect(bundle.order).toMatchObject({ state: "partially_refunded", refundedTotal: 9000 });
    expect(bundle.admissions.map((a) => a.state)).toEqual(["refunded", "refunded"]);
    const messages = await listMessages(ws.admin.ctx, ticket.id);
    const reply = messages.items.find((m) => m.kind === "outbound")!;
    expect(reply.text).toContain("Ми повернули");
    expect(reply.text).toContain("visa ••••4242");
    expect(reply.channel).toBe(ticket.channel);
  });

  it("refuses bad input with stable codes and reasons", async () => {
    const { ws, orderId, agent } = await setup();
    const d = deps();
    expect(await codeOf(requestRefund(agent.ctx, d, { orderId, amount: 999_999 }))).toBe("refund.exceeds_paid");
    expect(await codeOf(requestRefund(agent.ctx, d, { orderId, currency: "EUR" }))).toBe("refund.currency_mismatch");
    await requestRefund(agent.ctx, d, { orderId });
    const second = await requestRefund(agent.ctx, d, { orderId }).catch((e: DomainError) => e);
    expect((second as DomainError).code).toBe("refund.already_refunded");
    expect(d.sandbox.refunds).toHaveLength(1);

    const scanned = await sampleOrder(ws.system, { scanned: true });
    const scannedId = await findOrderId(ws.system, "test", scanned.orderExternalId);
    const bundle = await loadOrderBundle(ws.system, scannedId);
    const err = (await requestRefund(agent.ctx, d, { orderId: scannedId, admissionIds: [bundle.admissions[0]!.id] }).catch(
      (e) => e,
    )) as DomainError;
    expect(err.code).toBe("refund.admission_scanned");
    expect((err.details.reasons as { code: string }[]).map((r) => r.code)).toContain("admission_scanned");
  });

  it("the same idempotency key twice is one refund", async () => {
    const { orderId, agent } = await setup();
    const d = deps();
    const a = await requestRefund(agent.ctx, d, { orderId, idempotencyKey: "client-key-1" });
    const b = await requestRefund(agent.ctx, d, { orderId, idempotencyKey: "client-key-1" });
    expect(b.refund!.id).toBe(a.refund!.id);
    expect(d.sandbox.refunds).toHaveLength(1);
  });

  it("outside policy: an agent's exception waits for a supervisor, who approves it", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system, { boughtDaysAgo: 30 });
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, { requester: { identities: [{ kind: "email", value: s.email }] } });
    const agent = await makeAgent(app, ws.workspace.id, { role: "agent", allDesks: true });
    const supervisor = await makeAgent(app, ws.workspace.id, { role: "supervisor", allDesks: true });
    const d = deps();
    const pending = await requestRefund(agent.ctx, d, { orderId, ticketId: ticket.id, amount: 5000 });
    expect(pending.request.state).toBe("pending_approval");
    expect(pending.decision.reasons.map((r) => r.code)).toContain("window_closed");
    expect(d.sandbox.refunds).toHaveLength(0);
    expect(await codeOf(decideRequest(agent.ctx, d, pending.request.id, { approve: true }))).toBe("auth.forbidden");
    const approved = await decideRequest(supervisor.ctx, d, pending.request.id, { approve: true });
    expect(approved.request).toMatchObject({ state: "completed", decidedByAgentId: supervisor.agent.id });
    expect(approved.refund!.amount).toBe(5000);
    expect(await codeOf(decideRequest(supervisor.ctx, d, pending.request.id, { approve: false }))).toBe("commerce.request_decided");
    const texts = (await listMessages(ws.admin.ctx, ticket.id)).items.filter((m) => m.kind === "outbound").map((m) => m.text);
    expect(texts).toHaveLength(2); // "a supervisor checks", then "refunded"
  });

  it("a cancelled event is refunded in full, fees included, even past the window", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system, { boughtDaysAgo: 60 });
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    await changeEventState(ws.admin.ctx, await findEventId(ws.system, "test", s.eventExternalId), { state: "cancelled" });
    const out = await requestRefund(ws.system, deps(), { orderId }, { via: "portal" });
    expect(out.refund!.amount).toBe(9700);
    expect((await loadOrderBundle(ws.system, orderId)).order.state).toBe("refunded");
  });

  it("a per-event override makes an event non-refundable; the fan in the portal is refused with reasons", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system);
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    await setEventPolicy(ws.admin.ctx, await findEventId(ws.system, "test", s.eventExternalId), { refundable: false });
    const err = (await requestRefund(ws.system, deps(), { orderId }, { via: "portal" }).catch((e) => e)) as DomainError;
    expect(err.code).toBe("refund.not_eligible");
    expect((err.details.reasons as { code: string }[]).map((r) => r.code)).toContain("not_refundable");
  });
});

describe("exchange, transfer, reissue", () => {
  it("exchanges to another date when the seats there are free, with new tickets as a PDF", async () => {
    const { ws, orderId, ticket, agent } = await setup();
    const other = await createEvent(ws.admin.ctx, {
      name: "Aurora Quartet — extra date",
      startsAt: new Date("2026-04-10T19:00:00Z"),
      timezone: "Europe/London",
      capacity: 100,
    });
    const out = await exchangeAdmissions(agent.ctx, deps(), {
      orderId,
      toEventId: other.id,
      section: "Circle",
      seats: ["1", "2"],
      ticketId: ticket.id,
    });
    expect(out.admissions!.map((a) => [a.eventId, a.seat, a.state])).toEqual([
      [other.id, "1", "valid"],
      [other.id, "2", "valid"],
    ]);
    expect(out.pdf!.subarray(0, 5).toString()).toBe("%PDF-");
    const bundle = await loadOrderBundle(ws.system, orderId);
    expect(bundle.admissions.filter((a) => a.state === "exchanged")).toHaveLength(2);
    const msg = (await listMessages(ws.admin.ctx, ticket.id)).items.find((m) => m.kind === "outbound")!;
    expect(msg.attachments[0]).toMatchObject({ contentType: "application/pdf" });

    // Those seats are now taken.
    const s2 = await sampleOrder(ws.system);
    const order2 = await findOrderId(ws.system, "test", s2.orderExternalId);
    expect(
      await codeOf(exchangeAdmissions(agent.ctx, deps(), { orderId: order2, toEventId: other.id, section: "Circle", seats: ["2", "3"] })),
    ).toBe("exchange.unavailable");
  });

  it("an exchange keeps the price paid: cheaper places refund the difference, equal ones just swap, dearer ones wait for a supervisor", async () => {
    const { ws, orderId, ticket, agent, app } = await setup();
    const d = deps();
    const laterDate = (name: string, pricing: Record<string, { price: number }>) =>
      createEvent(ws.admin.ctx, { name, startsAt: new Date("2026-04-10T19:00:00Z"), timezone: "Europe/London", capacity: 100, pricing });
    const matinee = await laterDate("Aurora Quartet — matinee", { Circle: { price: 3000 }, "*": { price: 4500 } });

    // Cheaper: two £45 seats for two £30 ones — £30 back through the gateway, told in the fan's language.
    const cheaper = await exchangeAdmissions(agent.ctx, d, { orderId, toEventId: matinee.id, section: "Circle", seats: ["1", "2"], ticketId: ticket.id });
    expect(cheaper.request).toMatchObject({ state: "completed", amount: 3000 });
    expect(cheaper.admissions!.map((a) => a.price)).toEqual([3000, 3000]);
    expect(cheaper.refund).toMatchObject({ amount: 3000, currency: "GBP", state: "succeeded", reason: "exchange_difference" });
    expect(d.sandbox.refunds.map((r) => r.amount)).toEqual([3000]);
    const reason = cheaper.decision.reasons.find((r) => r.code === "exchange_refund_difference")!;
    expect(reason.text).toMatch(/^Нові квитки дешевші на 30,00\sGBP: різницю/);
    const after = await loadOrderBundle(ws.system, orderId);
    expect(after.order).toMatchObject({ refundedTotal: 3000, state: "partially_refunded" });
    const told = (await listMessages(ws.admin.ctx, ticket.id)).items.filter((m) => m.kind === "outbound").at(-1)!;
    expect(told.text).toContain("різницю ми повертаємо");

    // Equal: the "*" price of the matinee is what was paid; nothing moves but the seats.
    const same = await sampleOrder(ws.system);
    const sameId = await findOrderId(ws.system, "test", same.orderExternalId);
    const swapped = await exchangeAdmissions(agent.ctx, d, { orderId: sameId, toEventId: matinee.id, section: "Stalls", seats: ["5", "6"] });
    expect(swapped.refund).toBeUndefined();
    expect(swapped.admissions!.map((a) => a.price)).toEqual([4500, 4500]);
    expect(swapped.decision.reasons.map((r) => r.code)).toContain("exchange_same_price");
    expect(d.sandbox.refunds).toHaveLength(1);

    // Dearer: £60 seats — filed for a supervisor, nothing exchanged yet; approved, the exchange runs.
    const gala = await laterDate("Aurora Quartet — gala", { "*": { price: 6000 } });
    const dear = await sampleOrder(ws.system);
    const dearId = await findOrderId(ws.system, "test", dear.orderExternalId);
    const filed = await exchangeAdmissions(agent.ctx, d, { orderId: dearId, toEventId: gala.id });
    expect(filed.request).toMatchObject({ state: "pending_approval", amount: 3000, kind: "exchange" });
    expect(filed.decision).toMatchObject({ needsApproval: true });
    expect(filed.decision.reasons.find((r) => r.code === "exchange_dearer_approval")!.text).toContain("£30.00 more");
    expect((await loadOrderBundle(ws.system, dearId)).admissions.every((a) => a.state === "valid")).toBe(true);
    expect(await codeOf(decideRequest(agent.ctx, d, filed.request.id, { approve: true }))).toBe("auth.forbidden");
    const supervisor = await makeAgent(app, ws.workspace.id, { role: "supervisor", allDesks: true });
    const approved = await decideRequest(supervisor.ctx, d, filed.request.id, { approve: true, note: "Paid the £30 by phone" });
    expect(approved.request.state).toBe("completed");
    expect(approved.admissions!.map((a) => [a.eventId, a.price])).toEqual([
      [gala.id, 6000],
      [gala.id, 6000],
    ]);
    expect(approved.refund).toBeUndefined();
    expect(d.sandbox.refunds).toHaveLength(1);

    // A policy that refuses dearer exchanges says so, and nothing is filed.
    const strict = await sampleOrder(ws.system);
    const strictId = await findOrderId(ws.system, "test", strict.orderExternalId);
    await setEventPolicy(ws.admin.ctx, await findEventId(ws.system, "test", strict.eventExternalId), { dearerExchange: "refuse" });
    const refused = (await exchangeAdmissions(agent.ctx, d, { orderId: strictId, toEventId: gala.id, section: "Stalls", seats: ["20", "21"] }).catch((e) => e)) as DomainError;
    expect(refused.code).toBe("exchange.not_eligible");
    expect((refused.details.reasons as { code: string }[]).map((r) => r.code)).toContain("exchange_dearer_refused");
    expect((await loadOrderBundle(ws.system, strictId)).admissions.every((a) => a.state === "valid")).toBe(true);
  });

  it("transfers one ticket to a friend and reissues the rest with new barcodes", async () => {
    const { ws, orderId, ticket, agent } = await setup();
    const before = await loadOrderBundle(ws.system, orderId);
    const out = await transferAdmission(agent.ctx, {
      orderId,
      admissionId: before.admissions[0]!.id,
      to: { email: "friend@example.com", name: "Friend" },
      ticketId: ticket.id,
    });
    expect(out.admissions![0]!.holderContactId).toBeTruthy();
    const re = await reissueTickets(agent.ctx, { orderId, ticketId: ticket.id });
    expect(re.admissions).toHaveLength(2);
    const after = await loadOrderBundle(ws.system, orderId);
    expect(after.admissions.find((a) => a.id === before.admissions[1]!.id)!.barcode).not.toBe(before.admissions[1]!.barcode);
    expect(re.pdf!.length).toBeGreaterThan(1000);
  });
});

describe("customer 360", () => {
  it("shows the requester's orders, admissions, scans, subscriptions and past tickets", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const s = await sampleOrder(ws.system, { scanned: true });
    const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, { requester: { identities: [{ kind: "email", value: s.email }] } });
    const view = await customerOfTicket(ws.admin.ctx, ticket.id);
    expect(view.orders).toHaveLength(1);
    expect(view.orders[0]!.admissions[0]!.scans[0]).toMatchObject({ gate: "B", device: "scanner-7" });
    expect(view.orders[0]!.venueName).toBe("The Roundhouse");
    expect(view.tickets.map((t) => t.id)).toContain(ticket.id);
  });
});

describe("advertisers", () => {
  it("an advertiser's contact sees their organisation's accounts and campaigns in the 360", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    await createOrganisation(ws.admin.ctx, { name: "Polar Bank", domains: ["polarbank.example"], tier: "advertiser" });
    await ingestAdvertisers(ws.system, [
      {
        externalId: "acc-1",
        name: "Polar Bank",
        currency: "EUR",
        domain: "polarbank.example",
        campaigns: [{ externalId: "PB-Q3", name: "Card Q3", state: "live", budget: 5_000_000, spent: 1_200_000 }],
      },
    ]);
    const ticket = await makeTicket(ws.admin.ctx, ws.otherDesk.id, {
      requester: { identities: [{ kind: "email", value: "media@polarbank.example" }] },
    });
    const view = await customerOfTicket(ws.admin.ctx, ticket.id);
    expect(view.advertisers).toHaveLength(1);
    expect(view.advertisers[0]!.campaigns[0]).toMatchObject({ name: "Card Q3", state: "live", budget: 5_000_000, currency: "EUR" });
  });
});

describe("subscriptions", () => {
  it("renew, upgrade pro rata, credit a billing error, cancel", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const [sub] = await ingestSubscriptions(ws.system, "test", [
      {
        externalId: "sub-1",
        email: "sub@example.com",
        plan: "Lumen+ Basic",
        price: 599,
        currency: "GBP",
        interval: "month",
        startedAt: new Date("2026-01-15T00:00:00Z"),
        renewsAt: new Date("2026-03-15T00:00:00Z"),
        status: "active",
      },
    ]);
    const d = deps();
    const renewed = await changeSubscription(ws.admin.ctx, d, sub!.id, { action: "renew" });
    expect(renewed.subscription.renewsAt?.toISOString()).toBe("2026-04-15T00:00:00.000Z");
    const up = await changeSubscription(ws.admin.ctx, d, sub!.id, { action: "upgrade", plan: "Lumen+ Premium 4K", price: 1399 });
    expect(up.entry!.amount).toBeGreaterThan(0);
    expect(up.entry!.amount).toBeLessThanOrEqual(800);
    expect(
      await codeOf(
        changeSubscription(ws.admin.ctx, d, sub!.id, {
          action: "credit",
          amount: 10_000,
          currency: "GBP",
          billingEntryId: renewed.entry!.id,
        }),
      ),
    ).toBe("refund.exceeds_paid");
    expect(
      await codeOf(
        changeSubscription(ws.admin.ctx, d, sub!.id, { action: "credit", amount: 100, currency: "USD", billingEntryId: renewed.entry!.id }),
      ),
    ).toBe("refund.currency_mismatch");
    const credit = await changeSubscription(ws.admin.ctx, d, sub!.id, {
      action: "credit",
      amount: 599,
      currency: "GBP",
      billingEntryId: renewed.entry!.id,
    });
    expect(credit.entry).toMatchObject({ kind: "credit", amount: 599 });
    const cancelled = await changeSubscription(ws.admin.ctx, d, sub!.id, { action: "cancel" });
    expect(cancelled.subscription.status).toBe("cancelled");
    expect(await codeOf(changeSubscription(ws.admin.ctx, d, sub!.id, { action: "cancel" }))).toBe("subscription.invalid_transition");
  });
});

describe("subscription credits above the threshold", () => {
  it("wait for a supervisor, and are credited once approved", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const [sub] = await ingestSubscriptions(ws.system, "test", [
      {
        externalId: "sub-2",
        email: "big@example.com",
        plan: "Lumen+ Fan Club",
        price: 2499,
        currency: "GBP",
        startedAt: new Date("2026-01-15T00:00:00Z"),
        renewsAt: new Date("2026-03-15T00:00:00Z"),
        billing: [
          {
            externalId: "inv-1",
            kind: "charge",
            amount: 2499,
            status: "paid",
            description: "February",
            gatewayId: "ch_sub_1",
            occurredAt: new Date("2026-02-15T00:00:00Z"),
          },
        ],
      },
    ]);
    const agent = await makeAgent(app, ws.workspace.id, { allDesks: true });
    const supervisor = await makeAgent(app, ws.workspace.id, { role: "supervisor", allDesks: true });
    const d = deps();
    const { billingOf } = await import("./subscriptions");
    const charge = (await billingOf(ws.system, sub!.id))[0]!;
    const filed = await changeSubscription(
      agent.ctx,
      d,
      sub!.id,
      { action: "credit", amount: 2000, currency: "GBP", billingEntryId: charge.id },
      { autoApproveMax: 1000 },
    );
    expect(filed.request.state).toBe("pending_approval");
    expect(d.sandbox.refunds).toHaveLength(0);
    const approved = await decideRequest(supervisor.ctx, d, filed.request.id, { approve: true });
    expect(approved.request.state).toBe("completed");
    expect(d.sandbox.refunds[0]).toMatchObject({ chargeId: "ch_sub_1", amount: 2000 });
    expect((await billingOf(ws.system, sub!.id)).map((b) => b.kind)).toEqual(["charge", "credit"]);
  });
});

describe("chargebacks", () => {
  it("one dispute per payment, an evidence PDF, and the rate per period", async () => {
    const { ws, orderId } = await setup();
    const bundle = await loadOrderBundle(ws.system, orderId);
    const dispute = await openDispute(ws.admin.ctx, { paymentId: bundle.payments[0]!.id, reason: "fraudulent" });
    expect(await codeOf(openDispute(ws.admin.ctx, { paymentId: bundle.payments[0]!.id, reason: "again" }))).toBe("conflict.duplicate");
    const { pdf } = await disputeEvidence(ws.admin.ctx, dispute.id);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    await sampleOrder(ws.system);
    const rate = await chargebackRate(ws.admin.ctx, new Date("2026-02-01T00:00:00Z"), new Date("2026-03-02T00:00:00Z"));
    expect(rate).toMatchObject({ transactions: 2, disputes: 1, rate: 0.5 });
  });
});
