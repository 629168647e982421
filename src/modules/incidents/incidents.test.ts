import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { settle, useTestApp } from "../../../test/helpers";
import { buildServer } from "../../server";
import { listTicketActivities } from "../activity/service";
import { createApiToken } from "../identity/auth";
import { listMessages } from "../tickets/messages";
import { getTicket, updateTicket } from "../tickets/service";
import {
  createIncident,
  getIncident,
  incidentOfTicket,
  linkTicket,
  listIncidentTickets,
  listIncidents,
  postIncidentUpdate,
  unlinkTicket,
  updateIncident,
} from "./service";

const app = useTestApp();
let server: FastifyInstance;
beforeAll(async () => {
  server = await buildServer(app(), { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
});

const fan = (email: string, name: string, locale: string) => ({ requester: { identities: [{ kind: "email" as const, value: email }], name, locale } });

describe("incidents", { timeout: 30_000 }, () => {
  it("links the fans' tickets, then tells every one of them in their language and solves them with one update", async () => {
    const { workspace, desk, admin } = await makeWorkspace(app());
    const supervisor = await makeAgent(app(), workspace.id, { role: "supervisor", deskIds: [desk.id] });
    const incident = await createIncident(supervisor.ctx, { title: "Stream down during the encore", severity: "critical", deskId: desk.id });
    const dana = await makeTicket(admin.ctx, desk.id, { subject: "Stream froze", ...fan("dana@example.com", "Dana", "en") });
    const olena = await makeTicket(admin.ctx, desk.id, { subject: "Трансляція зависла", ...fan("olena@example.com", "Олена", "uk") });
    const done = await makeTicket(admin.ctx, desk.id, { subject: "Stream froze, but fine now", ...fan("sam@example.com", "Sam", "en") });
    for (const t of [dana, olena, done]) expect(await linkTicket(supervisor.ctx, incident.id, t.id)).toEqual({ linked: true });
    expect(await linkTicket(supervisor.ctx, incident.id, dana.id)).toEqual({ linked: false });
    await updateTicket(admin.ctx, done.id, { status: "solved" });

    expect(await getIncident(supervisor.ctx, incident.id)).toMatchObject({ tickets: 3, unsolved: 2, status: "open" });
    expect((await incidentOfTicket(supervisor.ctx, olena.id))?.id).toBe(incident.id);
    expect((await listTicketActivities(admin.ctx, olena.id)).items.map((a) => a.type)).toContain("incident.linked");

    const posted = await postIncidentUpdate(supervisor.ctx, incident.id, {
      message: {
        en: "Hi {{requester.name}}, the stream is back: replay the encore from your account (#{{ticket.number}}).",
        uk: "Вітаємо, {{requester.name}}! Трансляція відновлена: перегляньте біс у своєму акаунті (№{{ticket.number}}).",
      },
      solve: true,
    });
    expect(posted).toEqual({ recipients: 3 });
    await settle(app(), workspace.id);

    const last = async (id: string) => (await listMessages(admin.ctx, id)).items.at(-1)!;
    expect(await last(dana.id)).toMatchObject({ kind: "outbound", text: `Hi Dana, the stream is back: replay the encore from your account (#${dana.number}).` });
    expect(await last(olena.id)).toMatchObject({ kind: "outbound", text: `Вітаємо, Олена! Трансляція відновлена: перегляньте біс у своєму акаунті (№${olena.number}).` });
    expect((await last(done.id)).kind).not.toBe("outbound"); // already solved: left alone
    for (const t of [dana, olena]) expect((await getTicket(admin.ctx, t.id)).status).toBe("solved");
    // Usher's own words are not an agent's first response (the reporting metric stays honest).
    expect((await getTicket(admin.ctx, dana.id)).firstResponseAt).toBeNull();
    expect(await getIncident(supervisor.ctx, incident.id)).toMatchObject({ status: "resolved", unsolved: 0 });
    expect(await listIncidents(supervisor.ctx)).toEqual([]);
    expect((await listIncidents(supervisor.ctx, { status: "all" })).map((i) => i.id)).toEqual([incident.id]);

    // Resolved: it takes no more tickets and no more updates.
    const late = await makeTicket(admin.ctx, desk.id);
    await expect(linkTicket(supervisor.ctx, incident.id, late.id)).rejects.toMatchObject({ code: "incident.resolved" });
    await expect(postIncidentUpdate(supervisor.ctx, incident.id, { message: { en: "again" } })).rejects.toMatchObject({ code: "incident.resolved" });
  });

  it("keeps a ticket in one live incident, lets agents link but only supervisors broadcast, and hides another desk's", async () => {
    const { workspace, desk, otherDesk, admin } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const advertisersOnly = await makeAgent(app(), workspace.id, { deskIds: [otherDesk.id] });
    const gates = await createIncident(agent.ctx, { title: "Gate B scanners offline" });
    const parking = await createIncident(agent.ctx, { title: "Car park closed", deskId: desk.id });
    const ticket = await makeTicket(admin.ctx, desk.id);

    await linkTicket(agent.ctx, gates.id, ticket.id);
    await expect(linkTicket(agent.ctx, parking.id, ticket.id)).rejects.toMatchObject({ code: "incident.ticket_elsewhere" });
    await unlinkTicket(agent.ctx, gates.id, ticket.id);
    await expect(unlinkTicket(agent.ctx, gates.id, ticket.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await linkTicket(agent.ctx, parking.id, ticket.id)).toEqual({ linked: true });

    await expect(postIncidentUpdate(agent.ctx, parking.id, { message: { en: "The car park is open again." } })).rejects.toMatchObject({ code: "auth.forbidden" });
    await expect(postIncidentUpdate(admin.ctx, parking.id, { message: { en: "  " } })).rejects.toMatchObject({ code: "validation.failed" });

    // The Fans desk's incident is not the advertiser agent's to see, nor are its tickets.
    await expect(getIncident(advertisersOnly.ctx, parking.id)).rejects.toMatchObject({ code: "not_found" });
    expect((await listIncidents(advertisersOnly.ctx)).map((i) => i.id)).toEqual([gates.id]);
    await expect(linkTicket(advertisersOnly.ctx, gates.id, ticket.id)).rejects.toMatchObject({ code: "not_found" });
    const atGateB = await makeTicket(admin.ctx, desk.id);
    await linkTicket(agent.ctx, gates.id, atGateB.id);
    expect((await listIncidentTickets(agent.ctx, gates.id)).items.map((t) => t.id)).toEqual([atGateB.id]);
    expect((await listIncidentTickets(advertisersOnly.ctx, gates.id)).items).toEqual([]);

    // Reopening a resolved incident takes tickets again.
    await updateIncident(agent.ctx, gates.id, { status: "resolved" });
    expect((await getIncident(agent.ctx, gates.id)).resolvedAt).not.toBeNull();
    await updateIncident(agent.ctx, gates.id, { status: "open" });
    expect((await getIncident(agent.ctx, gates.id)).resolvedAt).toBeNull();
  });

  it("over the API: creates, links, pages the tickets and posts an update; bad input is a 400/404 problem and nothing is written", async () => {
    const { workspace, desk, admin } = await makeWorkspace(app());
    const other = await makeWorkspace(app());
    const token = (await createApiToken(admin.ctx, { name: "t" })).token;
    const theirs = (await createApiToken(other.admin.ctx, { name: "t" })).token;
    const call = (method: "GET" | "POST" | "PATCH" | "DELETE", url: string, payload?: unknown, as = token) =>
      server.inject({ method, url, payload: payload as object, headers: { authorization: `Bearer ${as}` } });

    const created = await call("POST", "/api/v1/incidents", { title: "Show cancelled: Lumen Live, 14 March", severity: "critical", deskId: desk.id });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    const tickets = [await makeTicket(admin.ctx, desk.id), await makeTicket(admin.ctx, desk.id), await makeTicket(admin.ctx, desk.id)];
    for (const t of tickets) expect((await call("POST", `/api/v1/incidents/${id}/tickets`, { ticketId: t.id })).json()).toEqual({ linked: true });

    const first = (await call("GET", `/api/v1/incidents/${id}/tickets?limit=2`)).json();
    const second = (await call("GET", `/api/v1/incidents/${id}/tickets?limit=2&cursor=${first.nextCursor}`)).json();
    expect([...first.items, ...second.items].map((t: { id: string }) => t.id).sort()).toEqual(tickets.map((t) => t.id).sort());
    expect(second.nextCursor).toBeNull();
    expect((await call("GET", `/api/v1/tickets/${tickets[0]!.id}/incident`)).json().incident).toMatchObject({ id, tickets: 3, unsolved: 3 });

    for (const [method, url, payload, status] of [
      ["POST", "/api/v1/incidents", { title: "" }, 400],
      ["POST", "/api/v1/incidents", { title: "x", severity: "apocalyptic" }, 400],
      ["POST", "/api/v1/incidents", { title: "x", extra: 1 }, 400],
      ["POST", `/api/v1/incidents/${id}/tickets`, { ticketId: "nope" }, 400],
      ["POST", `/api/v1/incidents/${id}/updates`, { message: {} }, 400],
      ["POST", `/api/v1/incidents/${id}/updates`, { message: { "<script>": "x" } }, 400],
      ["GET", `/api/v1/incidents/${id}/tickets?cursor=bogus`, undefined, 400],
      ["GET", `/api/v1/incidents/${tickets[0]!.id}`, undefined, 404],
    ] as const) {
      const bad = await call(method, url, payload);
      expect(bad.statusCode, `${method} ${url}`).toBe(status);
      expect(bad.headers["content-type"]).toContain("application/problem+json");
    }
    // Another workspace's token sees nothing of it.
    expect((await call("GET", `/api/v1/incidents/${id}`, undefined, theirs)).statusCode).toBe(404);
    expect((await call("GET", "/api/v1/incidents", undefined, theirs)).json()).toEqual({ items: [] });
    expect((await call("GET", "/api/v1/incidents")).json().items).toHaveLength(1);

    const update = await call("POST", `/api/v1/incidents/${id}/updates`, { message: { en: "The show is cancelled; refunds go out automatically within 5 days." } });
    expect(update.statusCode).toBe(202);
    expect(update.json()).toEqual({ recipients: 3 });
    await settle(app(), workspace.id);
    for (const t of tickets) expect((await listMessages(admin.ctx, t.id)).items.at(-1)).toMatchObject({ kind: "outbound", text: expect.stringContaining("refunds go out") });
    expect((await getIncident(admin.ctx, id)).status).toBe("open");
  });
});
