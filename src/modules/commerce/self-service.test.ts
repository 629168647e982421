import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, uid } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { WebClient, csrfOf, linkFromMail } from "../../../test/web-client";
import type { App } from "../../app";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { updateHelpCenter } from "../kb/structure";
import { listMessages } from "../tickets/messages";
import { listTickets } from "../tickets/service";
import { createEvent, findOrderId, loadOrderBundle } from "./orders";
import { selfServiceRate } from "./stats";
import { sampleOrder } from "./test-data";

const clock = new ControlledClock("2026-03-01T12:00:00Z");
let app: App;
let server: FastifyInstance;

beforeAll(async () => {
  app = await openTestApp({ clock, config: { signInRateLimit: 200 } });
  server = await buildServer(app, { logger: false });
  await server.ready();
}, 60_000);
afterAll(async () => {
  await server.close();
  await app.close();
});

async function signedInFan(email: string) {
  const ws = await makeWorkspace(app);
  const host = `help-${uid()}.test`;
  await updateHelpCenter(ws.admin.ctx, ws.desk.id, { hostname: host });
  const base = `/help/${ws.desk.key}/en`;
  const web = new WebClient(server, host);
  const form = await web.get(`${base}/sign-in`);
  await web.post(`${base}/sign-in`, { _csrf: csrfOf(form.body), email });
  const mail = [...app.mailer.sent].reverse().find((m) => m.to === email)!;
  const link = linkFromMail(mail.text);
  const landing = await web.get(link);
  expect((await web.post(link, { _csrf: csrfOf(landing.body) })).statusCode).toBe(303);
  return { ws, base, web };
}

describe("self-service in the customer portal", () => {
  it("shows the fan's orders with what policy allows, refunds without an agent, and counts it in the self-service rate", async () => {
    const email = `fan-${uid()}@example.com`;
    const { ws, base, web } = await signedInFan(email);
    const mine = await sampleOrder(ws.system, { email });
    const theirs = await sampleOrder(ws.system);
    const orderId = await findOrderId(ws.system, "test", mine.orderExternalId);
    const otherId = await findOrderId(ws.system, "test", theirs.orderExternalId);

    const page = await web.get(`${base}/orders`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain("Aurora Quartet");
    expect(page.body).toContain("Refund £90.00");
    expect(page.body).toContain("Booking fees of £7.00 are not refundable.");
    expect(page.body).not.toContain(otherId);

    // Someone else's order: not found, and nothing refunded.
    const csrf = csrfOf(page.body);
    const foreign = await web.post(`${base}/orders/${otherId}/refund`, { _csrf: csrf });
    expect(foreign.statusCode).toBe(404);

    const done = await web.post(`${base}/orders/${orderId}/refund`, { _csrf: csrf });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).toContain("Done — we have also written to you about it.");
    expect((await loadOrderBundle(ws.system, orderId)).order.refundedTotal).toBe(9000);

    const again = await web.post(`${base}/orders/${orderId}/refund`, { _csrf: csrf });
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain("has already been refunded");

    const tickets = (await listTickets(ws.admin.ctx, { conditions: { all: [{ field: "tags", op: "contains", value: "self-service" }] } }))
      .items;
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ status: "solved", channel: "portal" });
    const told = (await listMessages(ws.admin.ctx, tickets[0]!.id)).items.filter((m) => m.kind === "outbound");
    expect(told[0]!.text).toContain("We have refunded £90.00");

    const rate = await selfServiceRate(ws.admin.ctx, new Date("2026-02-01T00:00:00Z"), new Date("2026-03-02T00:00:00Z"));
    expect(rate).toMatchObject({ selfServed: 1, requests: 1, rate: 1, byKind: { refund: 1 } });
  });

  it("resends the tickets as a PDF on the fan's request and refuses a forged form", async () => {
    const email = `fan-${uid()}@example.com`;
    const { ws, base, web } = await signedInFan(email);
    const s = await sampleOrder(ws.system, { email });
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const page = await web.get(`${base}/orders`);
    expect((await web.post(`${base}/orders/${orderId}/reissue`, { _csrf: "forged-token-forged-token" })).statusCode).toBe(403);
    const done = await web.post(`${base}/orders/${orderId}/reissue`, { _csrf: csrfOf(page.body) });
    expect(done.statusCode).toBe(200);
    const ticket = (await listTickets(ws.admin.ctx, { conditions: { all: [{ field: "tags", op: "contains", value: "reissue" }] } }))
      .items[0]!;
    const msg = (await listMessages(ws.admin.ctx, ticket.id)).items.find((m) => m.kind === "outbound")!;
    expect(msg.attachments[0]).toMatchObject({ contentType: "application/pdf" });
  });

  it("offers an exchange to another date of the same show, and moves the tickets there", async () => {
    const email = `fan-${uid()}@example.com`;
    const { ws, base, web } = await signedInFan(email);
    const s = await sampleOrder(ws.system, { email });
    const orderId = await findOrderId(ws.system, "test", s.orderExternalId);
    const extra = await createEvent(ws.admin.ctx, {
      name: "Aurora Quartet — extra date",
      startsAt: new Date("2026-04-02T19:00:00Z"),
      timezone: "Europe/London",
      capacity: 50,
    });
    const page = await web.get(`${base}/orders`);
    expect(page.body).toContain(`<option value="${extra.id}">`);
    const done = await web.post(`${base}/orders/${orderId}/exchange`, { _csrf: csrfOf(page.body), toEventId: extra.id });
    expect(done.statusCode, done.body).toBe(200);
    const bundle = await loadOrderBundle(ws.system, orderId);
    expect(bundle.admissions.filter((a) => a.eventId === extra.id && a.state === "valid")).toHaveLength(2);
  });
});
