import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { settle, useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { buildServer } from "../../server";
import { listTicketActivities } from "../activity/service";
import { createApiToken } from "../identity/auth";
import { actorOf, createTeam, loadAgentWithAccess, updateAgent } from "../identity/service";
import { createRule } from "../rules/service";
import { sweepSla } from "../sla/sweep";
import { addMessage } from "../tickets/messages";
import { updateTicket } from "../tickets/service";
import { countUnread, getPreferences, listNotifications, markRead, notifyFromActivity, setPreferences } from "./service";

const clock = new ControlledClock("2026-03-10T10:00:00Z");
const app = useTestApp({ clock });
let server: FastifyInstance;
beforeAll(async () => {
  server = await buildServer(app(), { logger: false });
  await server.ready();
});
afterAll(async () => {
  await server.close();
});

const mailTo = (address: string) => app().mailer.sent.filter((m) => m.to === address);

describe("agent notifications", { timeout: 30_000 }, () => {
  it("a mention reaches the mentioned agent once — in the workspace and by e-mail in their language — and never the author", async () => {
    const { workspace, desk, admin } = await makeWorkspace(app());
    const author = await makeAgent(app(), workspace.id, { deskIds: [desk.id], name: "Aoife Byrne" });
    const olena = await makeAgent(app(), workspace.id, { deskIds: [desk.id], name: "Olena" });
    await updateAgent(admin.ctx, olena.agent.id, { locale: "uk" });
    const ticket = await makeTicket(author.ctx, desk.id, { subject: "Seats split across two rows" });

    await addMessage(author.ctx, ticket.id, { kind: "note", text: "Can you check the seat map?", mentions: { agentIds: [olena.agent.id, author.agent.id] } });
    await settle(app(), workspace.id);

    const page = await listNotifications(olena.ctx);
    expect(page.unread).toBe(1);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ kind: "mention", ticketId: ticket.id, ticketNumber: ticket.number, title: `Aoife Byrne згадує вас у №${ticket.number}` });
    expect((await listNotifications(author.ctx)).items).toEqual([]);

    const mail = mailTo(olena.agent.email);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Aoife Byrne згадує вас у №${ticket.number} — Seats split across two rows`);
    expect(mail[0]!.text).toContain(`/tickets/${ticket.number}`);
    expect(mail[0]!.headers?.["Auto-Submitted"]).toBe("auto-generated");

    // Delivered again (a retried job past its receipt): the same agent is not told twice.
    const [mention] = (await listTicketActivities(admin.ctx, ticket.id)).items.filter((a) => a.type === "agent.mentioned" && a.subjectId === olena.agent.id);
    expect(await notifyFromActivity(app().ctx(workspace.id, admin.ctx.actor), mention!)).toBe(0);
    expect(await countUnread(olena.ctx)).toBe(1);
    expect(mailTo(olena.agent.email)).toHaveLength(1);
  });

  it("an assignment tells the new assignee (not by e-mail unless they ask); assigning yourself tells no one", async () => {
    const { workspace, desk, admin } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const ticket = await makeTicket(admin.ctx, desk.id);

    await updateTicket(admin.ctx, ticket.id, { assigneeId: agent.agent.id });
    await settle(app(), workspace.id);
    const [assigned] = (await listNotifications(agent.ctx)).items;
    expect(assigned).toMatchObject({ kind: "assigned", emailedAt: null });
    expect(assigned!.title).toBe(`${admin.agent.name} assigned #${ticket.number} to you`);
    expect(mailTo(agent.agent.email)).toHaveLength(0);

    // Asking for assignments by e-mail; then taking a ticket oneself is not news.
    expect(await setPreferences(agent.ctx, { emailKinds: ["assigned", "mention"] })).toEqual({ emailKinds: ["mention", "assigned"] });
    const other = await makeTicket(admin.ctx, desk.id);
    await updateTicket(agent.ctx, other.id, { assigneeId: agent.agent.id });
    await updateTicket(admin.ctx, other.id, { assigneeId: null });
    await updateTicket(admin.ctx, other.id, { assigneeId: agent.agent.id });
    await settle(app(), workspace.id);
    const items = (await listNotifications(agent.ctx)).items;
    expect(items.map((n) => [n.kind, n.ticketId])).toEqual([
      ["assigned", other.id],
      ["assigned", ticket.id],
    ]);
    expect(items[0]!.emailedAt).toEqual(clock.now());
    expect(mailTo(agent.agent.email)).toHaveLength(1);
  });

  it("a rule's notify reaches only those who may see the desk; SLA breaches go to the assignee, or the team while nobody has it", async () => {
    clock.set("2026-03-10T10:00:00Z");
    const { workspace, desk, otherDesk, admin } = await makeWorkspace(app());
    const fans = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const advertisers = await makeAgent(app(), workspace.id, { deskIds: [otherDesk.id] });
    const team = await createTeam(admin.ctx, { key: "tier2", name: "Tier 2", agentIds: [fans.agent.id, advertisers.agent.id] });
    for (const to of [fans.agent.id, advertisers.agent.id]) {
      await createRule(admin.ctx, {
        kind: "trigger",
        name: `Tell ${to} about outages`,
        events: ["created"],
        conditions: { all: [{ field: "subject", op: "contains", value: "outage" }] },
        actions: [{ type: "notify", to, text: "Stream outage reported: check the status page first." }],
      });
    }
    const outage = await makeTicket(admin.ctx, desk.id, { subject: "Stream outage during the encore", channel: "chat" });
    await settle(app(), workspace.id);
    expect((await listNotifications(fans.ctx)).items).toMatchObject([
      { kind: "rule", ticketId: outage.id, body: "Stream outage reported: check the status page first." },
    ]);
    expect((await listNotifications(advertisers.ctx)).items).toEqual([]);

    // A chat's first reply is due in 2 minutes (the seeds' figure): past it, the team hears (only those with the desk).
    await updateTicket(admin.ctx, outage.id, { teamId: team.id });
    clock.advance(3 * 60_000);
    expect((await sweepSla({ db: app().database.db, clock, outbox: app().outbox }, { workspaceId: workspace.id })).breaches).toBeGreaterThan(0);
    await settle(app(), workspace.id);
    const breach = (await listNotifications(fans.ctx)).items.find((n) => n.kind === "sla_breach");
    expect(breach?.title).toBe(`#${outage.number}: first reply is overdue`);
    expect(mailTo(fans.agent.email).some((m) => m.subject.startsWith(`#${outage.number}: first reply is overdue`))).toBe(true);
    expect((await listNotifications(advertisers.ctx)).items).toEqual([]);
  });

  it("marks read by id (another agent's ids change nothing) or all; losing a desk hides its notifications", async () => {
    const { workspace, desk, admin } = await makeWorkspace(app());
    const a = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const b = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    for (let i = 0; i < 3; i++) {
      const ticket = await makeTicket(admin.ctx, desk.id);
      await addMessage(admin.ctx, ticket.id, { kind: "note", text: "Look", mentions: { agentIds: [a.agent.id, b.agent.id] } });
    }
    await settle(app(), workspace.id);
    const [first, second] = (await listNotifications(a.ctx)).items;
    const ofB = (await listNotifications(b.ctx)).items;

    expect(await markRead(a.ctx, { ids: [first!.id, ...ofB.map((n) => n.id)] })).toEqual({ unread: 2 });
    expect(await countUnread(b.ctx)).toBe(3);
    expect((await listNotifications(a.ctx, { unread: true })).items.map((n) => n.id)).not.toContain(first!.id);
    expect((await listNotifications(a.ctx, { limit: 1 })).nextCursor).not.toBeNull();
    const next = await listNotifications(a.ctx, { limit: 1, cursor: (await listNotifications(a.ctx, { limit: 1 })).nextCursor! });
    expect(next.items.map((n) => n.id)).toEqual([second!.id]);
    await expect(markRead(a.ctx, {})).rejects.toMatchObject({ code: "validation.failed" });
    expect(await markRead(a.ctx, { all: true })).toEqual({ unread: 0 });

    await updateAgent(admin.ctx, b.agent.id, { deskIds: [] });
    const signedInAgain = app().ctx(workspace.id, actorOf((await loadAgentWithAccess(app().database.db, workspace.id, b.agent.id))!, "session"));
    expect(await listNotifications(signedInAgain)).toMatchObject({ items: [], unread: 0 });
  });

  it("over the API: the agent's own list, read marks and e-mail choices; bad input is a 400 and another workspace sees nothing", async () => {
    const one = await makeWorkspace(app());
    const two = await makeWorkspace(app());
    const agent = await makeAgent(app(), one.workspace.id, { deskIds: [one.desk.id] });
    const ticket = await makeTicket(one.admin.ctx, one.desk.id);
    await addMessage(one.admin.ctx, ticket.id, { kind: "note", text: "Please look", mentions: { agentIds: [agent.agent.id] } });
    await settle(app(), one.workspace.id);
    const auth = (token: string) => ({ authorization: `Bearer ${token}` });
    const mine = auth((await createApiToken(agent.ctx, { name: "t" })).token);
    const theirs = auth((await createApiToken(two.admin.ctx, { name: "t" })).token);

    const list = await server.inject({ method: "GET", url: "/api/v1/notifications?unread=true", headers: mine });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toMatchObject({ unread: 1, items: [{ kind: "mention", ticketNumber: ticket.number, readAt: null, emailed: true }] });
    expect((await server.inject({ method: "GET", url: "/api/v1/notifications", headers: theirs })).json()).toMatchObject({ items: [], unread: 0 });

    const id = list.json().items[0].id;
    const foreign = await server.inject({ method: "POST", url: "/api/v1/notifications/read", headers: theirs, payload: { ids: [id] } });
    expect(foreign.json()).toEqual({ unread: 0 });
    expect(await countUnread(agent.ctx)).toBe(1);
    const read = await server.inject({ method: "POST", url: "/api/v1/notifications/read", headers: mine, payload: { ids: [id] } });
    expect(read.json()).toEqual({ unread: 0 });

    for (const [payload, url, method] of [
      [{ ids: ["not-a-uuid"] }, "/api/v1/notifications/read", "POST"],
      [{ ids: [id], everything: true }, "/api/v1/notifications/read", "POST"],
      [{ emailKinds: ["carrier-pigeon"] }, "/api/v1/notifications/preferences", "PUT"],
    ] as const) {
      const bad = await server.inject({ method, url, headers: mine, payload });
      expect(bad.statusCode).toBe(400);
      expect(bad.headers["content-type"]).toContain("application/problem+json");
    }
    expect(await getPreferences(agent.ctx)).toEqual({ emailKinds: ["mention", "rule", "sla_breach"] });
    const put = await server.inject({ method: "PUT", url: "/api/v1/notifications/preferences", headers: mine, payload: { emailKinds: [] } });
    expect(put.json()).toEqual({ emailKinds: [] });
    expect(await getPreferences(agent.ctx)).toEqual({ emailKinds: [] });
  });
});
