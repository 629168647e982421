import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../test/factories";
import { useTestApp } from "../../test/helpers";
import { and, eq } from "drizzle-orm";
import { tags } from "../modules/tickets/schema";
import { getTicket, loadTicketForUpdate, updateTicket } from "../modules/tickets/service";
import { stageRows } from "./batch";
import { inTransaction } from "./context";

const app = useTestApp();

/**
 * On PostgreSQL a transaction's BEGIN waits for its first statement that
 * writes or locks, and a transaction that only read before one write
 * statement sends neither BEGIN nor COMMIT (db.ts, `wrapClient`). These
 * pin down what that must never change.
 */
describe("transactions", () => {
  it("a row locked FOR UPDATE stays locked until the transaction ends", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    const finished: string[] = [];
    let locked!: () => void;
    const holding = new Promise<void>((resolve) => (locked = resolve));
    const first = inTransaction(admin.ctx, async (tx) => {
      await loadTicketForUpdate(tx, ticket.id);
      locked();
      await new Promise((resolve) => setTimeout(resolve, 300));
      finished.push("lock holder");
    });
    await holding;
    const second = updateTicket(admin.ctx, ticket.id, { priority: "high" }).then(() => finished.push("writer"));
    await Promise.all([first, second]);
    expect(finished).toEqual(["lock holder", "writer"]);
  });

  it("a transaction that wrote and then failed leaves nothing behind", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    const failed = await inTransaction(admin.ctx, async (tx) => {
      await updateTicket(tx, ticket.id, { priority: "urgent" }); // sent at once: the transaction has begun
      await updateTicket(tx, ticket.id, { subject: "   " }); // refused
    }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "validation.failed" });
    expect((await getTicket(admin.ctx, ticket.id)).priority).toBe("normal");
  });

  it("a read sees what the transaction staged; a rollback takes it away", async () => {
    const { admin } = await makeWorkspace(app());
    const seen = await inTransaction(admin.ctx, async (tx) => {
      await stageRows(tx, tags, [{ workspaceId: tx.workspaceId, name: "staged", createdAt: tx.clock.now() }]);
      expect(tx.batch!.size).toBe(1); // staged, not sent
      return tx.db.select().from(tags).where(and(eq(tags.workspaceId, tx.workspaceId), eq(tags.name, "staged")));
    });
    expect(seen).toHaveLength(1);
    const failed = await inTransaction(admin.ctx, async (tx) => {
      await stageRows(tx, tags, [{ workspaceId: tx.workspaceId, name: "rolled-back", createdAt: tx.clock.now() }]);
      await tx.db.select().from(tags).where(eq(tags.workspaceId, tx.workspaceId)); // sends it
      throw new Error("changed my mind");
    }).catch((e: Error) => e.message);
    expect(failed).toBe("changed my mind");
    const left = await app().database.db.select().from(tags).where(eq(tags.workspaceId, admin.ctx.workspaceId));
    expect(left.map((t) => t.name)).toEqual(["staged"]);
  });

  it("gives tickets created at once distinct numbers", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const created = await Promise.all(Array.from({ length: 40 }, () => makeTicket(admin.ctx, desk.id)));
    expect(new Set(created.map((t) => t.number)).size).toBe(40);
    for (const t of created) expect((await getTicket(admin.ctx, t.id)).number).toBe(t.number);
  });

  it("leaves no connection inside a transaction after reads only, or after a refused change", async () => {
    const { admin, desk } = await makeWorkspace(app());
    const ticket = await makeTicket(admin.ctx, desk.id);
    for (let i = 0; i < 5; i++) {
      await inTransaction(admin.ctx, async (tx) => void (await getTicket(tx, ticket.id)));
      await updateTicket(admin.ctx, ticket.id, { status: "closed" }).catch(() => undefined);
    }
    await updateTicket(admin.ctx, ticket.id, { priority: "low" });
    expect((await getTicket(admin.ctx, ticket.id)).priority).toBe("low");
    if (app().database.kind === "postgres") {
      const { rows } = await app().database.executeSql(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'",
      );
      expect(rows[0].n).toBe(0);
    }
  });
});
