import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { ControlledClock } from "../../platform/clock";
import { updateContact } from "../contacts/service";
import { createCategory } from "../desks/service";
import { receiveMessage } from "../tickets/messages";
import { getTicket, updateTicket } from "../tickets/service";
import { createFactor, listFactors, reprioritiseAll, updatePrioritySettings } from "./service";

const clock = new ControlledClock("2026-01-13T10:00:00Z"); // Tuesday, inside office hours (08:00–17:00 UTC)
const app = useTestApp({ clock });

const reasons = (t: { priorityReasons: { factor: string; points: number }[] }) => t.priorityReasons.map((r) => `${r.factor}${r.points >= 0 ? "+" : ""}${r.points}`);

describe("priority score (the table of seeds/004)", { timeout: 30_000 }, () => {
  it("ships the seeds' factors, in order", async () => {
    const { admin } = await makeWorkspace(app());
    const factors = await listFactors(admin.ctx);
    expect(factors.map((f) => [f.key, f.points])).toEqual([
      ["cannot_sell", 10],
      ["data_not_stored", 8],
      ["after_hours_voicemail", 5],
      ["phoned_in", 3],
      ["email_after_close", 2],
      ["follow_up", 1],
      ["status_of_tier2", 1],
      ["east_coast_afternoon", 1],
      ["new_topic_existing_case", 0],
      ["tier2_item", -1],
      ["workaround_insists", -5],
    ]);
  });

  it("a venue that cannot sell, phoning after hours, is urgent: +10 +5 +3 accumulate", async () => {
    clock.set("2026-01-13T21:30:00Z"); // after close
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "voice", subject: "Box office cannot sell tickets for tonight" });
    expect(ticket.priorityScore).toBe(18);
    expect(reasons(ticket)).toEqual(["cannot_sell+10", "after_hours_voicemail+5", "phoned_in+3"]);
    expect(ticket.priority).toBe("urgent");
    expect(ticket.priorityReasons[0]!.label).toBe("Venue cannot process a sale");
  });

  it("an e-mail during office hours is normal; after close it gets +2; writing again adds +1", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const day = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    expect([day.priorityScore, day.priority]).toEqual([0, "normal"]);
    clock.set("2026-01-13T19:00:00Z");
    const evening = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    expect(reasons(evening)).toEqual(["email_after_close+2"]);
    await receiveMessage(admin.ctx, evening.id, { text: "Any news? The show is on Friday." });
    const again = await getTicket(admin.ctx, evening.id);
    expect(reasons(again)).toEqual(["email_after_close+2", "follow_up+1"]);
    expect(again.priorityScore).toBe(3);
  });

  it("a new case about an item already at Tier 2 scores −1 and is attached to it as a sub-ticket", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk } = await makeWorkspace(app());
    const seating = await createCategory(admin.ctx, desk.id, { key: "seating", name: "Seating" });
    const requester = { identities: [{ kind: "email" as const, value: "venue@example.com" }], name: "Venue manager" };
    const original = await makeTicket(admin.ctx, desk.id, { requester, categoryId: seating.id, tier: 2, subject: "Seat map is wrong" });
    const another = await makeTicket(admin.ctx, desk.id, { requester, categoryId: seating.id, subject: "Row K shows twice" });
    expect(reasons(another)).toEqual(["new_topic_existing_case+0", "tier2_item-1"]);
    expect(another.parentId).toBe(original.id);
    expect(another.priority).toBe("low");
  });

  it("a fan given a workaround who insists on a fix gets −5; an east-coast afternoon request +1", async () => {
    clock.set("2026-01-13T19:00:00Z"); // 14:00 in New York, after close in UTC
    const { admin, desk, system } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { channel: "portal", tags: ["workaround-given"] });
    await updateContact(system, ticket.requesterId, { timezone: "America/New_York" });
    await receiveMessage(admin.ctx, ticket.id, { text: "I still want it fixed properly." });
    const scored = await getTicket(admin.ctx, ticket.id);
    expect(reasons(scored)).toEqual(["follow_up+1", "east_coast_afternoon+1", "workaround_insists-5"]);
    expect(scored.priority).toBe("low");
  });

  it("a priority set by hand is kept; factors and bands are configurable; the end-of-day job rescored everything", async () => {
    clock.set("2026-01-13T10:00:00Z");
    const { admin, desk, system } = await makeWorkspace(app());
    const pinned = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    await updateTicket(admin.ctx, pinned.id, { priority: "high" });
    const vip = await createFactor(admin.ctx, {
      key: "vip",
      label: "VIP fan",
      points: 6,
      conditions: { all: [{ field: "requester.tier", op: "is", value: "vip" }] },
    });
    expect(vip.points).toBe(6);
    await updatePrioritySettings(admin.ctx, { bands: { urgent: 12, high: 6, normal: 0 } });
    const fan = await makeTicket(admin.ctx, desk.id, { channel: "email" });
    await updateContact(system, fan.requesterId, { tier: "vip" });
    await receiveMessage(admin.ctx, fan.id, { text: "Hello again" });
    const rescored = await getTicket(admin.ctx, fan.id);
    expect(reasons(rescored)).toEqual(["follow_up+1", "vip+6"]);
    expect(rescored.priority).toBe("high");
    expect(await reprioritiseAll({ db: app().database.db, clock, outbox: app().outbox }, system.workspaceId)).toBe(2);
    expect((await getTicket(admin.ctx, pinned.id)).priority).toBe("high");
    await expect(updatePrioritySettings(admin.ctx, { bands: { urgent: 1, high: 5, normal: 0 } })).rejects.toMatchObject({ code: "validation.failed" });
    await expect(createFactor({ ...admin.ctx, actor: { ...admin.ctx.actor, role: "agent" } as never }, { key: "x", label: "x", points: 1 })).rejects.toMatchObject({ code: "auth.forbidden" });
  });
});
