import { describe, expect, it } from "vitest";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { createCategory } from "../desks/service";
import { addMessage } from "../tickets/messages";
import { getTicket, updateTicket } from "../tickets/service";
import { endOfDay, handoverReport } from "./handover";
import { createRoutingConfig, getAvailability, setAvailability, updateRoutingConfig } from "./service";

const clock = new ControlledClock("2026-01-13T10:00:00Z"); // Tuesday
const app = useTestApp({ clock });

async function team(workspaceId: string, deskId: string, n: number) {
  const agents = [];
  for (let i = 0; i < n; i++) {
    const a = await makeAgent(app(), workspaceId, { deskIds: [deskId], name: `Agent ${i}` });
    await setAvailability(a.ctx, a.agent.id, { status: "online" });
    agents.push(a);
  }
  return agents;
}

describe("routing", { timeout: 30_000 }, () => {
  it("does nothing until a desk turns it on; then round-robin spreads new tickets over online agents", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    const agents = await team(workspace.id, desk.id, 3);
    expect((await makeTicket(admin.ctx, desk.id)).assigneeId).toBeNull();
    await createRoutingConfig(admin.ctx, { deskId: desk.id, strategy: "round_robin" });
    const assigned: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      clock.advance(1000);
      assigned.push((await makeTicket(admin.ctx, desk.id)).assigneeId);
    }
    const counts = agents.map((a) => assigned.filter((id) => id === a.agent.id).length);
    expect(counts).toEqual([2, 2, 2]);
    expect(new Set(assigned.slice(0, 3)).size).toBe(3);
  });

  it("skips agents who are away, off shift or at capacity; least-loaded picks the emptiest", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    const [busy, away, nightShift, free] = await team(workspace.id, desk.id, 4);
    await setAvailability(away!.ctx, away!.agent.id, { status: "away" });
    await setAvailability(nightShift!.ctx, nightShift!.agent.id, { shifts: [{ day: 2, start: "20:00", end: "24:00" }], timeZone: "UTC" });
    expect((await getAvailability(nightShift!.ctx, nightShift!.agent.id)).onShift).toBe(false);
    await setAvailability(admin.ctx, busy!.agent.id, { capacity: { email: 1 } });
    await makeTicket(admin.ctx, desk.id, { assigneeId: busy!.agent.id });
    const config = await createRoutingConfig(admin.ctx, { deskId: desk.id, strategy: "least_loaded" });
    const ticket = await makeTicket(admin.ctx, desk.id);
    expect(ticket.assigneeId).toBe(free!.agent.id);
    // The only agent left is at capacity for e-mail, but has room for chat.
    await setAvailability(free!.ctx, free!.agent.id, { status: "offline" });
    expect((await makeTicket(admin.ctx, desk.id)).assigneeId).toBeNull();
    expect((await makeTicket(admin.ctx, desk.id, { channel: "chat" })).assigneeId).toBe(busy!.agent.id);
    await updateRoutingConfig(admin.ctx, config.id, { active: false });
    await setAvailability(free!.ctx, free!.agent.id, { status: "online" });
    expect((await makeTicket(admin.ctx, desk.id)).assigneeId).toBeNull();
  });

  it("matches skills: language, category and tier", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    const refunds = await createCategory(admin.ctx, desk.id, { key: "refunds", name: "Refunds" });
    const [english, ukrainian, tier3] = await team(workspace.id, desk.id, 3);
    await setAvailability(admin.ctx, english!.agent.id, { skills: { languages: ["en"], tiers: [1, 2] } });
    await setAvailability(admin.ctx, ukrainian!.agent.id, { skills: { languages: ["uk"], categories: [refunds.id], tiers: [1, 2] } });
    await setAvailability(admin.ctx, tier3!.agent.id, { skills: { languages: ["en", "uk"], tiers: [3] } });
    await createRoutingConfig(admin.ctx, { strategy: "round_robin" }); // every desk
    expect((await makeTicket(admin.ctx, desk.id, { language: "uk", categoryId: refunds.id })).assigneeId).toBe(ukrainian!.agent.id);
    expect((await makeTicket(admin.ctx, desk.id, { language: "en" })).assigneeId).toBe(english!.agent.id);
    const escalated = await makeTicket(admin.ctx, desk.id, { language: "en" });
    await updateTicket(admin.ctx, escalated.id, { tier: 3, assigneeId: null });
    expect((await getTicket(admin.ctx, escalated.id)).assigneeId).toBe(tier3!.agent.id);
  });

  it("only supervisors and admins set someone else's availability; bad shifts are refused", async () => {
    const { desk, workspace } = await makeWorkspace(app());
    const [a, b] = await team(workspace.id, desk.id, 2);
    await expect(setAvailability(a!.ctx, b!.agent.id, { status: "away" })).rejects.toMatchObject({ code: "auth.forbidden" });
    await expect(setAvailability(a!.ctx, a!.agent.id, { shifts: [{ day: 9, start: "25:00", end: "08:00" }] })).rejects.toMatchObject({ code: "validation.failed" });
  });
});

describe("shift hand-over", { timeout: 30_000 }, () => {
  it("re-prioritises open tickets near the close of day, once, and reports each agent's open tickets with the day's notes", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, workspace } = await makeWorkspace(app());
    const agent = await makeAgent(app(), workspace.id, { deskIds: [desk.id], name: "Ira" });
    const urgent = await makeTicket(admin.ctx, desk.id, { assigneeId: agent.agent.id, subject: "Venue cannot sell at door 3" });
    const routine = await makeTicket(admin.ctx, desk.id, { assigneeId: agent.agent.id });
    clock.set("2026-01-13T15:00:00Z");
    await addMessage(agent.ctx, routine.id, { kind: "note", text: "Waiting on the promoter; call back tomorrow 9:00" });
    const db = { db: app().database.db, clock, outbox: app().outbox };
    // Only this workspace: on PostgreSQL other test files share the database.
    const base = { ...db };
    const endOfDayHere = () => endOfDay(base, { workspaceIds: [workspace.id] });
    expect((await endOfDayHere()).find((r) => r.workspaceId === workspace.id)).toBeUndefined(); // too early
    clock.set("2026-01-13T16:40:00Z"); // closes 17:00, 30-minute lead
    expect((await endOfDayHere()).find((r) => r.workspaceId === workspace.id)).toMatchObject({ tickets: 2 });
    expect((await endOfDayHere()).find((r) => r.workspaceId === workspace.id)).toBeUndefined(); // once a day

    const report = await handoverReport(admin.ctx, "2026-01-13");
    expect(report.reprioritisedAt).toEqual(new Date("2026-01-13T16:40:00Z"));
    const ira = report.agents.find((a) => a.agent.id === agent.agent.id)!;
    expect(ira.tickets.map((t) => t.ticket.id)).toEqual([urgent.id, routine.id]);
    expect(ira.tickets[1]!.notes.map((n) => n.text)).toEqual(["Waiting on the promoter; call back tomorrow 9:00"]);
    expect((await handoverReport(admin.ctx, "2026-01-14")).agents.find((a) => a.agent.id === agent.agent.id)!.tickets[1]!.notes).toEqual([]);
    await expect(handoverReport(admin.ctx, "2026-13-45")).rejects.toMatchObject({ code: "validation.failed" });
  });
});
