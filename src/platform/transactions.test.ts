import { describe, expect, it } from "vitest";
import { makeTicket, makeWorkspace } from "../../test/factories";
import { useTestApp } from "../../test/helpers";
import { and, eq } from "drizzle-orm";
import { tags } from "../modules/tickets/schema";
import { getTicket, loadTicketForUpdate, updateTicket } from "../modules/tickets/service";
import { type StagedWrites, stageRows } from "./batch";
import { inTransaction } from "./context";
import { fromDatabaseError } from "./errors";
import { GroupCommit } from "./group-commit";
import { type Statement, compileInsert } from "./insert";
import { ReadGroup } from "./read-group";
import { query } from "./db";
import { sql } from "drizzle-orm";

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

  it("a staged write that fails before a read whose caller swallows the error still fails the transaction, with its own error", async () => {
    const { admin } = await makeWorkspace(app());
    const row = { workspaceId: admin.ctx.workspaceId, name: "twice", createdAt: new Date() };
    await stageRows(admin.ctx, tags, [row]);
    const failed = await inTransaction(admin.ctx, async (tx) => {
      await stageRows(tx, tags, [row]); // breaks the unique key when it goes out
      // An optional read: its caller makes do without it (as priority does without the contact).
      const optional = await tx.db
        .select()
        .from(tags)
        .where(eq(tags.workspaceId, tx.workspaceId))
        .catch(() => undefined);
      expect(optional).toBeUndefined();
      // Not "current transaction is aborted": the cause, which callers know how to handle.
      await tx.db.select().from(tags).where(eq(tags.workspaceId, tx.workspaceId));
    }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: "conflict.duplicate" });
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

  describe("group commit: the final writes of transactions finished together go as one statement", () => {
    /** A group commit on the test database that keeps every statement it sends. */
    const recording = () => {
      const sent: Statement[] = [];
      const group = new GroupCommit(async (statement) => {
        sent.push(statement);
        await app().database.executeSql(statement.text, statement.params);
      });
      return { group, sent };
    };
    const tagRow = (workspaceId: string, name: string) => ({ workspaceId, name, createdAt: new Date() });
    const insertTag = (workspaceId: string, name: string): StagedWrites => ({ parts: [compileInsert(tags, [tagRow(workspaceId, name)])], notices: [] });
    const names = async (workspaceId: string) =>
      (await app().database.db.select().from(tags).where(eq(tags.workspaceId, workspaceId))).map((t) => t.name).sort();

    it("rows of one table in one INSERT, and every caller answered once they are committed", async () => {
      const { admin } = await makeWorkspace(app());
      const ws = admin.ctx.workspaceId;
      const { group, sent } = recording();
      const wanted = Array.from({ length: 12 }, (_, i) => `t${String(i).padStart(2, "0")}`);
      await Promise.all(wanted.map((name) => group.write(insertTag(ws, name)).then(async () => expect(await names(ws)).toContain(name))));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.text.match(/insert into "tags"/g)).toHaveLength(1);
      expect(await names(ws)).toEqual(wanted);
    });

    it("one write that breaks a constraint fails alone, with its own error; the others commit", async () => {
      const { admin } = await makeWorkspace(app());
      const ws = admin.ctx.workspaceId;
      await app().database.db.insert(tags).values(tagRow(ws, "taken"));
      const { group, sent } = recording();
      const outcomes = await Promise.all(
        ["a", "b", "taken", "c"].map((name) =>
          group.write(insertTag(ws, name)).then(
            () => "committed",
            (err: unknown) => fromDatabaseError(err)?.code,
          ),
        ),
      );
      expect(outcomes).toEqual(["committed", "committed", "conflict.duplicate", "committed"]);
      expect(sent).toHaveLength(5); // together, refused; then each alone
      expect(await names(ws)).toEqual(["a", "b", "c", "taken"]);
    });

    it("never puts two writes that update in one statement: PostgreSQL would apply only one", async () => {
      const { admin } = await makeWorkspace(app());
      const ws = admin.ctx.workspaceId;
      await app().database.db.insert(tags).values(tagRow(ws, "counted"));
      const { group, sent } = recording();
      const increment: StagedWrites = {
        parts: [{ text: `update "tags" set "ticket_count" = "ticket_count" + 1 where "workspace_id" = $1 and "name" = 'counted'`, params: [ws] }],
        notices: [],
      };
      await Promise.all([group.write(increment), group.write(insertTag(ws, "new")), group.write(increment)]);
      expect(sent).toHaveLength(2);
      const [counted] = await app().database.db.select().from(tags).where(and(eq(tags.workspaceId, ws), eq(tags.name, "counted")));
      expect(counted!.ticketCount).toBe(2);
    });
  });

  it("reads of transactions waiting at once go as one query (PostgreSQL); one that fails is answered alone", async () => {
    const { admin } = await makeWorkspace(app());
    const calls: number[][] = [];
    // 100 / x: the input 0 fails the query it is in.
    const group = new ReadGroup<number, number>(async (db, inputs) => {
      calls.push([...inputs]);
      const rows = await query<{ y: number }>(db, sql`select 100 / x as y from unnest(${sql.param(inputs)}::int[]) with ordinality as t(x, i) order by i`);
      return rows.map((r) => r.y);
    });
    let go!: () => void;
    const barrier = new Promise<void>((resolve) => (go = resolve));
    let ready = 0;
    const inputs = [1, 2, 0, 4, 5];
    const outcomes = Promise.all(
      inputs.map((x) =>
        inTransaction(admin.ctx, async (tx) => {
          ready++;
          await barrier; // every transaction open and waiting: their reads start in one turn
          return group.load(tx, x);
        }).catch((err: unknown) => (/division by zero/.test(`${(err as Error).message} ${(err as { cause?: Error }).cause?.message}`) ? "refused" : err)),
      ),
    );
    // PGlite runs one transaction at a time: the others wait to begin.
    const concurrent = app().database.kind === "postgres";
    while (ready < (concurrent ? inputs.length : 1)) await new Promise((r) => setTimeout(r, 5));
    go();
    expect(await outcomes).toEqual([100, 50, "refused", 25, 20]);
    if (concurrent) expect(calls).toEqual([inputs, [1], [2], [0], [4], [5]]); // together, refused; then each alone
    else expect(calls).toEqual(inputs.map((x) => [x]));
  });
});
