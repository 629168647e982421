import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import type { App } from "../../app";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";

let app: App;
let server: FastifyInstance;
const clock = new ControlledClock("2026-03-01T12:00:00Z");

beforeAll(async () => {
  app = await openTestApp({ clock });
  server = await buildServer(app, { logger: false });
  await server.ready();
}, 60_000);
afterAll(async () => {
  await server.close();
  await app.close();
});

function client(token: string) {
  const call = (method: "GET" | "POST" | "PUT" | "PATCH", url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    server.inject({ method, url, payload: payload as never, headers: { authorization: `Bearer ${token}`, ...headers } });
  return {
    get: (url: string) => call("GET", url),
    post: (url: string, body?: unknown, headers?: Record<string, string>) => call("POST", url, body ?? {}, headers),
    put: (url: string, body?: unknown) => call("PUT", url, body),
  };
}

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code });
  return body as { errors?: { path: string }[]; reasons?: { code: string; text: string }[] };
}

const batch = (email: string, suffix: string) => ({
  source: "boxoffice",
  events: [
    {
      externalId: `ev-${suffix}`,
      name: "Aurora Quartet",
      startsAt: "2026-03-22T19:30:00Z",
      timezone: "Europe/Kyiv",
      capacity: 800,
      venue: { externalId: "opera", name: "Kyiv Opera", city: "Kyiv", country: "UA", timezone: "Europe/Kyiv" },
    },
  ],
  orders: [
    {
      externalId: `ord-${suffix}`,
      number: `LL-${suffix}`,
      eventExternalId: `ev-${suffix}`,
      buyer: { name: "Олена Коваль", email, phone: "+380 67 123 4567" },
      currency: "UAH",
      subtotal: 240000,
      fees: 12000,
      purchasedAt: "2026-02-27T09:00:00Z",
      purchaseIp: "198.51.100.20",
      purchaseLocation: "Kyiv, UA",
      admissions: [
        { externalId: "1", section: "Партер", row: "7", seat: "14", barcode: `UA${suffix}1`, price: 120000, fees: 6000, scans: [] },
        { externalId: "2", section: "Партер", row: "7", seat: "15", barcode: `UA${suffix}2`, price: 120000, fees: 6000 },
      ],
      payments: [{ method: "card", brand: "mastercard", last4: "5454", amount: 252000, currency: "UAH", chargeId: `ch_${suffix}` }],
    },
  ],
  subscriptions: [
    {
      externalId: `sub-${suffix}`,
      email,
      plan: "Lumen+ Standard",
      price: 19900,
      currency: "UAH",
      startedAt: "2025-12-01T00:00:00Z",
      renewsAt: "2026-03-01T00:00:00Z",
      billing: [
        {
          externalId: `inv-${suffix}`,
          kind: "charge",
          amount: 19900,
          status: "paid",
          description: "February",
          occurredAt: "2026-02-01T00:00:00Z",
        },
      ],
    },
  ],
});

async function world() {
  const ws = await makeWorkspace(app);
  const admin = client((await createApiToken(ws.admin.ctx, { name: "t" })).token);
  const suffix = Math.random().toString(36).slice(2, 8);
  const email = `olena-${suffix}@example.com`;
  const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, {
    requester: { identities: [{ kind: "email", value: email }], name: "Олена", locale: "uk" },
    language: "uk",
    channel: "whatsapp",
  });
  return { ws, admin, suffix, email, ticket };
}

describe("commerce over the API", () => {
  it("ingests idempotently and shows the customer 360 on the ticket in one call", async () => {
    const { admin, suffix, email, ticket } = await world();
    const first = await admin.post("/api/v1/commerce/ingest", batch(email, suffix));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ events: 1, orders: 1, admissions: 2, payments: 1, matchedContacts: 1, subscriptions: 1 });
    const again = await admin.post("/api/v1/commerce/ingest", batch(email, suffix));
    expect(again.json()).toMatchObject({ orders: 1, payments: 0 });

    const found = (await admin.get(`/api/v1/commerce/orders?q=${encodeURIComponent(`UA${suffix}2`)}`)).json();
    expect(found.items.map((o: { number: string }) => o.number)).toEqual([`LL-${suffix}`]);
    expect((await admin.get(`/api/v1/commerce/orders?q=${encodeURIComponent(email.toUpperCase())}`)).json().items).toHaveLength(1);
    expect((await admin.get(`/api/v1/commerce/orders?q=nobody`)).json().items).toHaveLength(0);

    const view = (await admin.get(`/api/v1/tickets/${ticket.number}/customer`)).json();
    expect(view.contact.id).toBe(ticket.requesterId);
    expect(view.orders).toHaveLength(1);
    expect(view.orders[0]).toMatchObject({
      number: `LL-${suffix}`,
      total: 252000,
      currency: "UAH",
      state: "paid",
      event: { name: "Aurora Quartet", venueName: "Kyiv Opera", state: "scheduled", timezone: "Europe/Kyiv" },
      payments: [{ method: "card", last4: "5454" }],
    });
    expect(view.orders[0].admissions.map((a: { seat: string }) => a.seat)).toEqual(["14", "15"]);
    expect(view.subscriptions[0]).toMatchObject({ plan: "Lumen+ Standard", status: "active", billing: [{ amount: 19900 }] });
    expect(view.tickets[0]).toMatchObject({ id: ticket.id, satisfaction: null });
    expect(JSON.stringify(view)).not.toMatch(/5454\d{8,}/);
  });

  it("refuses card numbers and bad input with problem+json", async () => {
    const { admin, suffix, email } = await world();
    const b = batch(email, suffix);
    b.orders[0]!.payments[0]!.last4 = "5454 5454 5454 5454";
    const body = expectProblem(await admin.post("/api/v1/commerce/ingest", b), 422, "commerce.card_number_refused");
    expect(body.errors![0]!.path).toBe("orders.0.payments.0.last4");
    expectProblem(await admin.post("/api/v1/commerce/ingest", { ...batch(email, suffix), extra: 1 }), 400, "validation.failed");
  });

  it("refunds with reasons in the fan's language; a second refund, too much, or the wrong currency are refused", async () => {
    const { ws, admin, suffix, email, ticket } = await world();
    await admin.post("/api/v1/commerce/ingest", batch(email, suffix));
    const orderId = (await admin.get(`/api/v1/tickets/${ticket.id}/customer`)).json().orders[0].id;

    const decision = (await admin.get(`/api/v1/commerce/orders/${orderId}/decision?locale=uk`)).json();
    expect(decision.refund).toMatchObject({ eligible: true, amount: 240000, options: ["keep", "exchange", "refund"] });
    expect(decision.refund.reasons.map((r: { text: string }) => r.text).join(" ")).toContain("Ви отримаєте назад");

    expectProblem(await admin.post(`/api/v1/commerce/orders/${orderId}/refunds`, { amount: 999999 }), 422, "refund.exceeds_paid");
    expectProblem(await admin.post(`/api/v1/commerce/orders/${orderId}/refunds`, { currency: "EUR" }), 422, "refund.currency_mismatch");

    const policy = (await admin.get("/api/v1/commerce/policy")).json();
    await admin.put("/api/v1/commerce/policy", { ...policy, autoApproveMax: 500000 });
    const agent = await makeAgent(app, ws.workspace.id, { role: "agent", allDesks: true });
    const api = client((await createApiToken(agent.ctx, { name: "t" })).token);
    const done = await api.post(
      `/api/v1/commerce/orders/${orderId}/refunds`,
      { ticketId: ticket.id },
      { "idempotency-key": `k-${suffix}` },
    );
    expect(done.statusCode, done.body).toBe(201);
    expect(done.json()).toMatchObject({
      request: { state: "completed", via: "agent" },
      refund: { amount: 240000, currency: "UAH", state: "succeeded", gateway: "sandbox" },
    });
    const replay = await api.post(
      `/api/v1/commerce/orders/${orderId}/refunds`,
      { ticketId: ticket.id },
      { "idempotency-key": `k-${suffix}` },
    );
    expect(replay.json().refund.id).toBe(done.json().refund.id);
    const twice = expectProblem(await api.post(`/api/v1/commerce/orders/${orderId}/refunds`, {}), 409, "refund.already_refunded");
    expect(twice.reasons!.map((r) => r.code)).toContain("admission_refunded");

    const messages = (await admin.get(`/api/v1/tickets/${ticket.id}/messages`)).json().items;
    const told = messages.find((m: { kind: string }) => m.kind === "outbound");
    expect(told).toMatchObject({ channel: "whatsapp" });
    expect(told.text).toContain("mastercard ••••5454");
    const activity = (await admin.get(`/api/v1/tickets/${ticket.id}/activities`)).json().items.map((a: { type: string }) => a.type);
    expect(activity).toContain("refund.completed");
  });

  it("routes a refund above the threshold to a supervisor; an agent may not approve", async () => {
    const { ws, admin, suffix, email, ticket } = await world();
    await admin.post("/api/v1/commerce/ingest", batch(email, suffix));
    const policy = (await admin.get("/api/v1/commerce/policy")).json();
    expect((await admin.put("/api/v1/commerce/policy", { ...policy, autoApproveMax: 100000 })).statusCode).toBe(200);
    const orderId = (await admin.get(`/api/v1/tickets/${ticket.id}/customer`)).json().orders[0].id;
    const agent = client((await createApiToken((await makeAgent(app, ws.workspace.id, { allDesks: true })).ctx, { name: "t" })).token);
    const supervisor = client(
      (await createApiToken((await makeAgent(app, ws.workspace.id, { role: "supervisor", allDesks: true })).ctx, { name: "t" })).token,
    );
    const filed = await agent.post(`/api/v1/commerce/orders/${orderId}/refunds`, { ticketId: ticket.id });
    expect(filed.statusCode, filed.body).toBe(202);
    const requestId = filed.json().request.id;
    expect((await supervisor.get("/api/v1/commerce/requests")).json().items.map((r: { id: string }) => r.id)).toContain(requestId);
    expectProblem(await agent.post(`/api/v1/commerce/requests/${requestId}/approve`), 403, "auth.forbidden");
    const approved = await supervisor.post(`/api/v1/commerce/requests/${requestId}/approve`, { note: "VIP" });
    expect(approved.json()).toMatchObject({ request: { state: "completed" }, refund: { amount: 240000 } });
    expectProblem(await supervisor.post(`/api/v1/commerce/requests/${requestId}/reject`), 409, "commerce.request_decided");
  });

  it("webhooks upsert one change at a time; disputes give an evidence PDF and a chargeback rate", async () => {
    const { admin, suffix, email, ticket } = await world();
    const b = batch(email, suffix);
    expect(
      (await admin.post("/api/v1/commerce/webhooks/boxoffice", { id: "wh-1", type: "event.updated", data: b.events[0] })).statusCode,
    ).toBe(202);
    const hook = await admin.post("/api/v1/commerce/webhooks/boxoffice", { id: "wh-2", type: "order.updated", data: b.orders[0] });
    expect(hook.json()).toMatchObject({ id: "wh-2", applied: { orders: 1, payments: 1 } });
    expect(
      (await admin.post("/api/v1/commerce/webhooks/boxoffice", { id: "wh-2", type: "order.updated", data: b.orders[0] })).json().applied
        .payments,
    ).toBe(0);

    const order = (await admin.get(`/api/v1/tickets/${ticket.id}/customer`)).json().orders[0];
    const dispute = await admin.post("/api/v1/commerce/disputes", { paymentId: order.payments[0].id, reason: "product_not_received" });
    expect(dispute.statusCode, dispute.body).toBe(201);
    const pdf = await admin.get(`/api/v1/commerce/disputes/${dispute.json().id}/evidence.pdf`);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe("%PDF-");
    const rate = (await admin.get("/api/v1/commerce/chargeback-rate?from=2026-02-01T00:00:00Z&to=2026-03-02T00:00:00Z")).json();
    expect(rate).toMatchObject({ transactions: 1, disputes: 1, rate: 1 });
    const self = (await admin.get("/api/v1/commerce/self-service-rate?from=2026-02-01T00:00:00Z&to=2026-03-02T00:00:00Z")).json();
    expect(self).toMatchObject({ selfServed: 0, target: { min: 0.25, max: 0.4 } });
  });

  it("documents the commerce API in OpenAPI", async () => {
    const doc = (await server.inject({ method: "GET", url: "/api/openapi.json" })).json();
    for (const path of [
      "/api/v1/tickets/{id}/customer",
      "/api/v1/commerce/orders/{id}/refunds",
      "/api/v1/commerce/self-service-rate",
      "/api/v1/commerce/chargeback-rate",
    ]) {
      expect(doc.paths[path], path).toBeTruthy();
    }
  });
});
