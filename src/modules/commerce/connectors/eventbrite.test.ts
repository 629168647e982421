import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../../../test/factories";
import { type FakeEventbrite, ebAttendee, ebEvent, ebOrder, startFakeEventbrite } from "../../../../test/fakes/eventbrite";
import { useTestApp } from "../../../../test/helpers";
import { ControlledClock } from "../../../platform/clock";
import { DomainError } from "../../../platform/errors";
import { customerOfTicket } from "../customer360";
import { findEventId, findOrderId } from "../orders";
import { SandboxGateway } from "../payments/sandbox";
import { exchangeAdmissions } from "../exchange";
import { EventbriteConnector } from "./eventbrite";
import { syncConnector } from "./sync";

let eb: FakeEventbrite;
const clock = new ControlledClock("2026-03-01T12:00:00Z");
const getApp = useTestApp({ clock });
beforeAll(async () => {
  eb = await startFakeEventbrite();
  eb.events.push(
    ebEvent("1001", "Night Tapes", "2026-03-20T19:00:00Z", "2026-02-01T10:00:00Z"),
    ebEvent("1002", "Night Tapes — matinee", "2026-03-21T14:00:00Z", "2026-02-01T10:00:00Z"),
    ebEvent("1003", "Cancelled gig", "2026-03-25T19:00:00Z", "2026-02-02T10:00:00Z", "canceled"),
  );
  eb.orders.push(
    ebOrder("5001", "1001", "sam@example.com", 8500, 500, "2026-02-20T10:00:00Z"),
    ebOrder("5002", "1001", "other@example.com", 4250, 250, "2026-02-21T10:00:00Z"),
    ebOrder("5003", "1002", "sam@example.com", 4250, 250, "2026-02-22T10:00:00Z"),
  );
  eb.attendees.push(
    ebAttendee("9001", "5001", "1001", "EB9001", "2026-02-20T10:00:00Z", ["Floor", "A", "1"]),
    ebAttendee("9002", "5001", "1001", "EB9002", "2026-02-20T10:00:00Z", ["Floor", "A", "2"], true),
    ebAttendee("9003", "5002", "1001", "EB9003", "2026-02-21T10:00:00Z"),
  );
  eb.ticketClasses["1002"] = [{ id: "tc1", name: "Floor", quantity_total: 100, quantity_sold: 99, on_sale_status: "AVAILABLE" }];
});
afterAll(async () => eb.close());

describe("the Eventbrite API v3 connector against a local fake", () => {
  it("syncs events, orders and attendees across pages, matches the fan by e-mail, and resumes from its cursor", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const ticket = await makeTicket(ws.admin.ctx, ws.desk.id, { requester: { identities: [{ kind: "email", value: "sam@example.com" }] } });
    const connector = new EventbriteConnector({ token: eb.token, organizationId: eb.organizationId, baseUrl: eb.url });
    eb.requests.length = 0;
    const result = await syncConnector(ws.admin.ctx, connector);
    expect(result).toMatchObject({ events: 3, orders: 3, admissions: 3 });
    expect(eb.requests.some((r) => r.includes("continuation="))).toBe(true);
    expect(eb.requests[0]).toContain("expand=venue");

    const view = await customerOfTicket(ws.admin.ctx, ticket.id);
    expect(view.orders.map((o) => o.order.number).sort()).toEqual(["EB-5001", "EB-5003"]);
    const o = view.orders.find((x) => x.order.number === "EB-5001")!;
    expect(o.order).toMatchObject({ total: 8500, fees: 500, currency: "GBP", source: "eventbrite" });
    expect(o.event).toMatchObject({ name: "Night Tapes", timezone: "Europe/London", state: "scheduled" });
    expect(o.venueName).toBe("Brixton Academy");
    expect(o.admissions.map((a) => [a.section, a.row, a.seat, a.state])).toEqual([
      ["Floor", "A", "1", "valid"],
      ["Floor", "A", "2", "scanned"],
    ]);
    expect(o.admissions[1]!.scans).toHaveLength(1);
    const cancelled = await findEventId(ws.system, "eventbrite", "1003");
    expect(cancelled).toBeTruthy();

    // Second run: only what changed since the first (nothing), by changed_since.
    eb.requests.length = 0;
    const second = await syncConnector(ws.admin.ctx, connector);
    expect(second).toMatchObject({ events: 0, orders: 0 });
    expect(eb.requests[0]).toContain("changed_since=2026-03-01T12%3A00%3A00Z");
  });

  it("asks Eventbrite for availability when exchanging to another of its dates", async () => {
    const app = getApp();
    const ws = await makeWorkspace(app);
    const connector = new EventbriteConnector({ token: eb.token, organizationId: eb.organizationId, baseUrl: eb.url });
    await syncConnector(ws.admin.ctx, connector);
    const orderId = await findOrderId(ws.system, "eventbrite", "5001");
    const matinee = await findEventId(ws.system, "eventbrite", "1002");
    const deps = { gateways: { sandbox: new SandboxGateway() }, connectors: { eventbrite: connector } };
    // One place left on the floor: the one valid ticket of the order (the other was scanned) moves there.
    const out = await exchangeAdmissions(ws.admin.ctx, deps, { orderId, toEventId: matinee, section: "Floor" });
    expect(out.admissions).toHaveLength(1);
    expect(eb.requests.some((r) => r.startsWith("/v3/events/1002/ticket_classes/"))).toBe(true);
    // Now sold out: the next fan is refused.
    eb.ticketClasses["1002"] = [{ id: "tc1", name: "Floor", quantity_total: 100, quantity_sold: 100, on_sale_status: "SOLD_OUT" }];
    const other = await findOrderId(ws.system, "eventbrite", "5002");
    const err = (await exchangeAdmissions(ws.admin.ctx, deps, { orderId: other, toEventId: matinee, section: "Floor" }).catch(
      (e) => e,
    )) as DomainError;
    expect(err.code).toBe("exchange.unavailable");
  });

  it("a wrong token is a connector error, not a crash", async () => {
    const ws = await makeWorkspace(getApp());
    const connector = new EventbriteConnector({ token: "WRONGTOKEN", organizationId: eb.organizationId, baseUrl: eb.url });
    const err = (await syncConnector(ws.admin.ctx, connector).catch((e) => e)) as DomainError;
    expect(err.code).toBe("connector.failed");
    expect(err.message).toContain("invalid");
  });
});
