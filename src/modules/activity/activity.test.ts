import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { DomainError } from "../../platform/errors";
import { applyPatch, getTicket, listTickets, loadTicketForUpdate, updateTicket } from "../tickets/service";
import type { Reactor } from "./reactors";
import { MAX_INLINE_DEPTH, listTicketActivities } from "./service";

/** An inline reactor as the SLA and routing modules write them: it decides in the same transaction. */
const doorIsUrgent: Reactor = {
  name: "test.door-is-urgent",
  mode: "inline",
  on: ["ticket.created"],
  async handle(ctx, activity) {
    const ticket = await loadTicketForUpdate(ctx, activity.subjectId);
    if (ticket.subject.includes("door"))
      await applyPatch(ctx, ticket, { priority: "urgent" }, { cause: { reactor: "test.door-is-urgent" } });
  },
};

/** A reactor that would loop forever: each change it makes triggers it again. */
const restless: Reactor = {
  name: "test.restless",
  mode: "inline",
  on: ["ticket.updated"],
  async handle(ctx, activity) {
    const ticket = await loadTicketForUpdate(ctx, activity.subjectId);
    if (ticket.tags.includes("restless")) await applyPatch(ctx, ticket, { addTags: [`round-${ctx.depth}`] });
  },
};

/** Refuses some changes: its failure must fail the whole change. */
const veto: Reactor = {
  name: "test.veto",
  mode: "inline",
  on: ["ticket.created"],
  async handle(_ctx, activity) {
    if ((activity.data.tags as string[]).includes("veto")) throw new DomainError("validation.failed", "vetoed");
  },
};

const app = useTestApp({ extraReactors: [doorIsUrgent, restless, veto] });

describe("inline reactors", () => {
  it("decide in the same transaction: the ticket is urgent the moment it exists, and the log says why", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const created = await makeTicket(admin.ctx, desk.id, { subject: "Stuck at the door" });
    expect((await getTicket(admin.ctx, created.id)).priority).toBe("urgent");
    const history = await listTicketActivities(admin.ctx, created.id);
    expect(history.items.find((a) => a.type === "ticket.updated")).toMatchObject({
      changes: { priority: ["normal", "urgent"] },
      data: { reactor: "test.door-is-urgent" },
    });
  });

  it("stop after a bounded depth instead of looping", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id, { subject: "Refund" });
    await updateTicket(admin.ctx, ticket.id, { addTags: ["restless"] });
    const after = await getTicket(admin.ctx, ticket.id);
    expect(after.tags.filter((t) => t.startsWith("round-"))).toHaveLength(MAX_INLINE_DEPTH);
  });

  it("fail the change they object to: nothing of it is stored", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const error = await makeTicket(admin.ctx, desk.id, { tags: ["veto"] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((await listTickets(admin.ctx)).items).toHaveLength(0);
  });
});
