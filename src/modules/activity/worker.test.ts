import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../../test/factories";
import { useTestApp } from "../../../test/helpers";
import { DomainError } from "../../platform/errors";
import { runBatch } from "../../worker";
import { applyPatch, getTicket, loadTicketForUpdate } from "../tickets/service";
import type { Reactor, ReactorJob } from "./reactors";
import { listTicketActivities, reactorQueue } from "./service";

/** A queued reactor that tags each new ticket, and chokes on one. */
const tagger: Reactor = {
  name: "test.tagger",
  on: ["ticket.created"],
  async handle(ctx, activity) {
    const ticket = await loadTicketForUpdate(ctx, activity.subjectId);
    if (ticket.subject.includes("poison")) throw new DomainError("validation.failed", "cannot digest this one");
    await applyPatch(ctx, ticket, { addTags: ["reacted"] });
  },
};

const app = useTestApp({ extraReactors: [tagger] });
const queue = reactorQueue(tagger.name);

describe("the worker", () => {
  it("runs a batch in one go, and when one job fails, fails that job alone", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const good1 = await makeTicket(admin.ctx, desk.id, { subject: "Refund please" });
    const bad = await makeTicket(admin.ctx, desk.id, { subject: "poison pill" });
    const good2 = await makeTicket(admin.ctx, desk.id, { subject: "Lost PDF" });
    const jobs = (await app().boss.fetch<ReactorJob>(queue, { batchSize: 10 })) ?? [];
    const ours = jobs.filter((j) => j.data.workspaceId === admin.ctx.workspaceId);
    expect(ours).toHaveLength(3);

    await runBatch(app(), tagger, queue, ours);
    expect((await getTicket(admin.ctx, good1.id)).tags).toEqual(["reacted"]);
    expect((await getTicket(admin.ctx, good2.id)).tags).toEqual(["reacted"]);
    expect((await getTicket(admin.ctx, bad.id)).tags).toEqual([]);

    const badActivity = (await listTicketActivities(admin.ctx, bad.id)).items.find((a) => a.type === "ticket.created")!;
    const { rows } = await app().database.executeSql("select id, state from pgboss.job where name = $1 and id = any($2::uuid[])", [
      queue,
      ours.map((j) => j.id),
    ]);
    const stateOf = (job: (typeof ours)[number]) => rows.find((r: { id: string }) => r.id === job.id)?.state;
    for (const job of ours) expect(stateOf(job)).toBe(job.data.activityId === badActivity.id ? "retry" : "active");

    // pg-boss delivers at least once: the good jobs delivered again change nothing.
    const good = ours.filter((j) => j.data.activityId !== badActivity.id);
    await runBatch(app(), tagger, queue, good);
    expect((await getTicket(admin.ctx, good1.id)).version).toBe(good1.version + 1);
    expect((await getTicket(admin.ctx, good2.id)).version).toBe(good2.version + 1);
  });
});
