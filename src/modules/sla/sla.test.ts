import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { settle, useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { listTicketActivities } from "../activity/service";
import { createDesk } from "../desks/service";
import { addMessage, receiveMessage } from "../tickets/messages";
import { mergeTickets } from "../tickets/merge";
import { getTicket, updateTicket } from "../tickets/service";
import { inTransaction } from "../../platform/context";
import { getTicketSla, listCalendars, listPolicies, updateCalendar, createPolicy, createCalendar } from "./service";
import { sweepSla } from "./sweep";

const clock = new ControlledClock("2026-01-12T09:00:00Z"); // a Monday
const app = useTestApp({ clock });
const MIN = 60_000;

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);
const target = async (ctx: Parameters<typeof getTicketSla>[0], ticketId: string, metric: string) =>
  (await getTicketSla(ctx, ticketId)).targets.find((t) => t.metric === metric);

async function typesOf(ctx: Parameters<typeof getTicketSla>[0], ticketId: string) {
  return (await listTicketActivities(ctx, ticketId)).items.map((a) => a.type);
}

describe("SLA clocks with the defaults of the seeds", { timeout: 30_000 }, () => {
  it("a chat gets a 2-minute first reply the moment it exists; an agent's reply meets it", async () => {
    clock.set("2026-01-12T09:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "chat" });
    const sla = await getTicketSla(admin.ctx, ticket.id);
    expect(sla.policy?.name).toMatch(/^Chat/);
    expect(sla.targets).toEqual([
      expect.objectContaining({ metric: "first_reply", dueAt: new Date("2026-01-12T09:02:00Z"), state: "running", businessTime: false }),
    ]);
    expect(iso(ticket.dueAt)).toBe("2026-01-12T09:02:00.000Z");

    clock.advance(MIN);
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Hi! Looking into it now." });
    const met = await target(admin.ctx, ticket.id, "first_reply");
    expect(met).toMatchObject({ state: "met", achievedAt: new Date("2026-01-12T09:01:00Z") });
    expect((await getTicket(admin.ctx, ticket.id)).dueAt).toBeNull();

    // The fan writes again: a next-reply clock starts from their message.
    clock.advance(MIN);
    await receiveMessage(admin.ctx, ticket.id, { text: "Still rejected at gate B" });
    expect(await target(admin.ctx, ticket.id, "next_reply")).toMatchObject({ state: "running", dueAt: new Date("2026-01-12T09:04:00Z") });
  });

  it("a workspace's first ticket rolled back takes its defaults with it; the next ticket installs them again", async () => {
    clock.set("2026-01-12T09:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    await expect(
      inTransaction(admin.ctx, async (tx) => {
        await makeTicket(tx, desk.id, { channel: "chat" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    // Nothing of the rolled-back installation may linger in the process's configuration cache.
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "chat" });
    expect((await getTicketSla(admin.ctx, ticket.id)).policy?.name).toMatch(/^Chat/);
  });

  it("warns before and records a breach after the deadline passes, by the sweep", async () => {
    clock.set("2026-01-12T10:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "chat" });
    const db = { db: app().database.db, clock, outbox: app().outbox };
    // Only this workspace: on PostgreSQL other test files share the database.
    const sweep = () => sweepSla(db, { workspaceId: admin.ctx.workspaceId });

    clock.set("2026-01-12T10:01:30Z"); // 25% left: under the 20% warning? not yet
    await sweep();
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ state: "running" });
    clock.set("2026-01-12T10:01:40Z");
    await sweep();
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ state: "warning" });
    clock.set("2026-01-12T10:02:01Z");
    await sweep();
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ state: "breached" });
    await sweep(); // nothing more to say
    const types = await typesOf(admin.ctx, ticket.id);
    expect(types.filter((t) => t === "sla.warning")).toHaveLength(1);
    expect(types.filter((t) => t === "sla.breached")).toHaveLength(1);

    // Answering late keeps the breach on the record.
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Sorry for the wait" });
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ state: "breached" });
  });

  it("an e-mail to the box office gets 4 business hours: Friday 15:00 falls due Monday 10:00", async () => {
    clock.set("2026-01-16T15:00:00Z"); // Friday, office 08:00–17:00 UTC
    const { admin } = await makeWorkspace(app());
    const boxOffice = await createDesk(admin.ctx, { key: "box-office", name: "Box office" });
    const ticket = await makeTicket(admin.ctx, boxOffice.id, { channel: "email" });
    const sla = await getTicketSla(admin.ctx, ticket.id);
    expect(sla.policy?.name).toMatch(/^Box office/);
    expect(sla.targets[0]).toMatchObject({ metric: "first_reply", businessTime: true, dueAt: new Date("2026-01-19T10:00:00Z") });
  });

  it("voice mail is answered within 1 business hour; other desks' e-mail within 24 hours", async () => {
    clock.set("2026-01-13T16:30:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const voice = await makeTicket(admin.ctx, desk.id, { channel: "voice" });
    expect(await target(admin.ctx, voice.id, "first_reply")).toMatchObject({ dueAt: new Date("2026-01-14T08:30:00Z") });
    const email = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    expect(await target(admin.ctx, email.id, "first_reply")).toMatchObject({ dueAt: new Date("2026-01-14T16:30:00Z"), businessTime: false });
  });

  it("an outage is acknowledged within 15 minutes: assigning the ticket acknowledges it", async () => {
    clock.set("2026-01-12T11:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "email", tags: ["outage"] });
    expect(await target(admin.ctx, ticket.id, "acknowledgement")).toMatchObject({ state: "running", dueAt: new Date("2026-01-12T11:15:00Z") });
    clock.advance(5 * MIN);
    await updateTicket(admin.ctx, ticket.id, { assigneeId: admin.agent.id });
    expect(await target(admin.ctx, ticket.id, "acknowledgement")).toMatchObject({ state: "met" });
  });

  it("a VIP fan whose show starts in 3 hours gets the event policy", async () => {
    clock.set("2026-01-12T12:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "email", eventStartsAt: "2026-01-12T15:00:00Z" });
    expect((await getTicketSla(admin.ctx, ticket.id)).policy?.name).toMatch(/^Event starts within 24 hours/);
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ dueAt: new Date("2026-01-12T13:00:00Z") });
    // The event moves to next week: the ticket falls back to the e-mail policy.
    await updateTicket(admin.ctx, ticket.id, { eventStartsAt: "2026-01-20T19:00:00Z" });
    expect((await getTicketSla(admin.ctx, ticket.id)).policy?.name).toMatch(/^E-mail/);
  });

  it("a refund is resolved within 5 business days; pending pauses the clock and reopening resumes it", async () => {
    clock.set("2026-01-12T09:00:00Z"); // Monday
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "email", tags: ["refund"] });
    // 45 business hours of 08:00–17:00: Mon 8 h + Tue–Fri 36 h = 44 h, then 1 h on the next Monday.
    expect(await target(admin.ctx, ticket.id, "resolution")).toMatchObject({ dueAt: new Date("2026-01-19T09:00:00Z"), businessTime: true });

    clock.set("2026-01-13T09:00:00Z"); // used 9 h
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Which card did you pay with?", status: "pending" });
    expect(await target(admin.ctx, ticket.id, "resolution")).toMatchObject({ state: "paused", dueAt: null, pausedAt: new Date("2026-01-13T09:00:00Z") });

    clock.set("2026-01-15T08:00:00Z"); // Thursday: the fan answers, the ticket reopens
    await receiveMessage(admin.ctx, ticket.id, { text: "The Visa ending 4242" });
    // 36 h left: Thu 9, Fri 9, Mon 9, Tue 9 → Tuesday 17:00
    expect(await target(admin.ctx, ticket.id, "resolution")).toMatchObject({ state: "running", dueAt: new Date("2026-01-20T17:00:00Z") });

    clock.set("2026-01-16T10:00:00Z");
    await updateTicket(admin.ctx, ticket.id, { status: "solved" });
    expect(await target(admin.ctx, ticket.id, "resolution")).toMatchObject({ state: "met", achievedAt: new Date("2026-01-16T10:00:00Z") });
  });

  it("changing a calendar's zone and holidays moves running deadlines, across a daylight-saving change", async () => {
    clock.set("2026-03-06T20:00:00Z"); // Friday 15:00 in New York, before clocks go forward on Sunday
    const { admin, desk, system } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "voice" });
    const business = (await listCalendars(admin.ctx)).find((c) => c.isDefault)!;
    // Office in New York, Monday a holiday: Friday 15:00 EST + 1 business hour = 16:00 EST = 21:00Z.
    await updateCalendar(admin.ctx, business.id, { timeZone: "America/New_York", holidays: ["2026-03-09"] });
    await settle(app(), system.workspaceId);
    expect(await target(admin.ctx, ticket.id, "first_reply")).toMatchObject({ dueAt: new Date("2026-03-06T21:00:00Z") });
    // Another started after closing: next open hour is Tuesday 08:00 EDT (12:00Z), after the change to summer time.
    clock.set("2026-03-06T23:00:00Z");
    const late = await makeTicket(admin.ctx, desk.id, { channel: "voice" });
    expect(await target(admin.ctx, late.id, "first_reply")).toMatchObject({ dueAt: new Date("2026-03-10T13:00:00Z") });
    expect((await getTicket(admin.ctx, late.id)).dueAt).toEqual(new Date("2026-03-10T13:00:00Z"));
  });

  it("a merged ticket's clocks stop; a solved ticket reopened as pending keeps its resolution clock paused", async () => {
    clock.set("2026-01-12T09:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const a = await makeTicket(admin.ctx, desk.id, { channel: "email", tags: ["refund"] });
    const b = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    await mergeTickets(admin.ctx, a.id, [b.id]);
    expect((await getTicketSla(admin.ctx, b.id)).targets).toEqual([]);
    expect((await getTicket(admin.ctx, b.id)).dueAt).toBeNull();

    clock.set("2026-01-12T10:00:00Z");
    await updateTicket(admin.ctx, a.id, { status: "solved" });
    clock.set("2026-01-12T11:00:00Z");
    await updateTicket(admin.ctx, a.id, { status: "pending" });
    expect(await target(admin.ctx, a.id, "resolution")).toMatchObject({ state: "paused", achievedAt: null });
    clock.set("2026-01-12T12:00:00Z");
    await updateTicket(admin.ctx, a.id, { status: "open" });
    // 1 h used before solving, 44 h left from Monday 12:00: Mon 5 + Tue–Fri 36 = 41, then 3 h on the next Monday → 11:00
    expect(await target(admin.ctx, a.id, "resolution")).toMatchObject({ state: "running", dueAt: new Date("2026-01-19T11:00:00Z") });
  });

  it("policies are tried in order; agents may read them but only supervisors and admins change them", async () => {
    clock.set("2026-01-12T09:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id] });
    const policies = await listPolicies(agent.ctx);
    expect(policies.map((p) => p.position)).toEqual([...policies.map((p) => p.position)].sort((a, b) => a - b));
    await expect(createPolicy(agent.ctx, { name: "Mine", targets: [] })).rejects.toMatchObject({ code: "auth.forbidden" });
    const calendar = await createCalendar(admin.ctx, { name: "Kyiv box office", timeZone: "Europe/Kyiv", hours: [{ day: 6, start: "10:00", end: "22:00" }] });
    const vip = await createPolicy(admin.ctx, {
      name: "VIPs — 15 minutes",
      position: 1,
      conditions: { all: [{ field: "requester.tier", op: "is", value: "vip" }] },
      targets: [{ metric: "first_reply", minutes: 15 }],
      calendarId: calendar.id,
    });
    expect((await listPolicies(admin.ctx))[0]!.id).toBe(vip.id);
    await expect(createPolicy(admin.ctx, { name: "Bad", targets: [{ metric: "first_reply", minutes: 5 }], conditions: { all: [{ field: "nope", op: "is", value: 1 }] } })).rejects.toMatchObject({
      code: "validation.failed",
    });
    await expect(createCalendar(admin.ctx, { name: "Nowhere", timeZone: "Mars/Base" , hours: [] })).rejects.toMatchObject({ code: "validation.failed" });
  });
});
