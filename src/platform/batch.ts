import { type SQL, type SQLWrapper, type Table, getTableColumns } from "drizzle-orm";
import { type Db, FINAL_WRITE, groupCommitFor } from "./db";
import { type Statement, compileInsert, shiftPlaceholders } from "./insert";

type Part = SQL | Statement;

/**
 * Writes staged during a transaction and sent as ONE statement of
 * data-modifying CTEs. On the hot paths (a ticket from a new fan: contact,
 * identity, ticket, message, activities, reactor jobs) this turns six round
 * trips into one — and on this kind of machine each round trip costs far
 * more than the SQL it carries.
 *
 * PostgreSQL runs every CTE of the statement, checks foreign keys at its end
 * (so a child may be staged before its parent), and gives each CTE the same
 * snapshot: a staged insert is not visible to another staged statement. In
 * a transaction the batch is write-behind (see `inTransaction`): any other
 * statement sends what is staged first, so reads see it.
 */
export class WriteBatch {
  private parts: { query: Part | (() => SQLWrapper | Statement); name?: string }[] = [];
  private notices: { channel: string; payload: string }[] = [];
  /** Per-transaction state other modules keep beside the batch (their caches of rows this transaction wrote). */
  readonly state = new Map<string, unknown>();
  /** Run once the transaction has committed (see `afterCommit` in context.ts). */
  readonly committed: (() => void)[] = [];

  /** How many times staged writes have gone out (a flush that sent something). */
  get flushes(): number {
    return this.sent;
  }
  private sent = 0;

  get size(): number {
    return this.parts.length + this.notices.length;
  }

  /** Stages a write. */
  add(query: SQLWrapper | Statement): void {
    this.parts.push({ query: isStatement(query) ? query : query.getSQL() });
  }

  /**
   * Stages a write under a name; staging the same name again before the
   * flush replaces it. For a row written more than once per transaction:
   * PostgreSQL applies only one of two CTEs that update the same row. Given
   * a function, the write is built when sent (from the row as it is then).
   */
  put(name: string, query: SQLWrapper | Statement | (() => SQLWrapper | Statement)): void {
    const built = typeof query === "function" ? query : isStatement(query) ? query : query.getSQL();
    const part = this.parts.find((p) => p.name === name);
    if (part) part.query = built;
    else this.parts.push({ query: built, name });
  }

  /** Whether a write staged with `put(name)` is still waiting for the flush. */
  holds(name: string): boolean {
    return this.parts.some((p) => p.name === name);
  }

  /** Whether any write staged with `put` under a name starting with `prefix` (other than `except`) waits for the flush. */
  holdsAny(prefix: string, except?: string): boolean {
    return this.parts.some((p) => p.name !== undefined && p.name !== except && p.name.startsWith(prefix));
  }

  /**
   * Stages a NOTIFY. It goes in the select of the flush's statement (a CTE
   * that only selects runs only if the statement reads it), and PostgreSQL
   * delivers it when the transaction commits, as with a statement of its own.
   */
  notify(channel: string, payload: string): void {
    this.notices.push({ channel, payload });
  }

  /** The flush on its way, if any: statements sent meanwhile wait for it, to come after it. */
  private sending: Promise<void> | undefined;

  /** Before another statement of the transaction: sends what is staged, and waits for a flush on its way. */
  async sendPending(db: Db): Promise<void> {
    this.throwIfFailed();
    while (this.sending) await this.sending;
    if (this.size > 0) await this.flush(db);
  }

  private past = false;

  /**
   * Runs a read that cannot depend on anything staged (the caller knows
   * what is) without sending the staged writes first — they keep growing
   * into one statement. `run` must start its query synchronously.
   */
  readPast<T>(run: () => Promise<T>): Promise<T> {
    this.past = true;
    try {
      return run();
    } finally {
      this.past = false;
    }
  }

  /** Asked by the transaction's hook as a statement starts: whether it reads past the batch. */
  takeReadPast(): boolean {
    this.throwIfFailed();
    const past = this.past;
    this.past = false;
    return past;
  }

  /** Forgets what is staged (the transaction is rolling back). */
  discard(): void {
    this.parts = [];
    this.notices = [];
  }

  /**
   * Sends every staged write as one statement. `final`: the transaction's
   * last statement before COMMIT — if it has not written before, this
   * statement alone is the transaction (PostgreSQL: see `wrapClient` in db.ts).
   */
  async flush(db: Db, options: { final?: boolean } = {}): Promise<void> {
    this.throwIfFailed();
    const sending = this.send(db, options.final ?? false);
    this.sending = sending;
    try {
      await sending;
    } catch (err) {
      this.failure ??= { err };
      throw err;
    } finally {
      if (this.sending === sending) this.sending = undefined;
    }
  }

  /**
   * A flush that failed, kept: the flush goes out before some other
   * statement, whose caller may catch what it throws (an optional read
   * with `.catch(() => undefined)`) — but the transaction is aborted, and
   * every later statement of it would fail with "current transaction is
   * aborted", hiding the cause (a unique key broken, which callers retry).
   * So every later statement, and the commit, throws the first error.
   */
  private failure: { err: unknown } | undefined;

  throwIfFailed(): void {
    if (this.failure) throw this.failure.err;
  }

  private async send(db: Db, final: boolean): Promise<void> {
    const parts = this.parts;
    const notices = this.notices;
    this.parts = [];
    this.notices = [];
    if (parts.length === 0 && notices.length === 0) return;
    this.sent++;
    const dialect = (db as unknown as { dialect: { sqlToQuery(sql: SQL): { sql: string; params: unknown[] } } }).dialect;
    const staged: StagedWrites = {
      parts: parts.map((p) => {
        const built = typeof p.query === "function" ? p.query() : p.query;
        if (isStatement(built)) return built;
        const { sql, params } = dialect.sqlToQuery(built.getSQL());
        return { text: sql, params };
      }),
      notices,
    };
    const client = clientOf(db);
    // The last write of a transaction that has written nothing before goes with those of others.
    const group = final ? groupCommitFor(client) : undefined;
    if (group) return group.write(staged);
    const { text, params } = combineStatements([staged]);
    await sendSql(client, text, params, final);
  }
}

/** What a transaction staged, compiled: its write statements and its notices. */
export interface StagedWrites {
  parts: Statement[];
  notices: { channel: string; payload: string }[];
}

/**
 * Staged writes — of one transaction, or of several whose statements go as
 * one (see group-commit.ts) — as ONE statement of data-modifying CTEs.
 * Statements that can merge (rows for the same INSERT) become one, in the
 * place of the first; NOTIFYs go in the final select (a CTE that only
 * selects runs only if the statement reads it), and PostgreSQL delivers them
 * at commit as it would a statement of their own. The text depends only on
 * the shape of what is staged, so it stays one prepared statement.
 */
export function combineStatements(writes: readonly StagedWrites[]): Statement {
  const slots: (Statement | Statement[])[] = [];
  const merging = new Map<string, Statement[]>();
  const notices: StagedWrites["notices"] = [];
  for (const write of writes) {
    for (const part of write.parts) {
      if (!part.merge) {
        slots.push(part);
        continue;
      }
      let same = merging.get(part.merge.key);
      if (!same) {
        same = [];
        merging.set(part.merge.key, same);
        slots.push(same);
      }
      same.push(part);
    }
    notices.push(...write.notices);
  }
  if (slots.length === 1 && notices.length === 0) {
    const only = slots[0]!;
    return !Array.isArray(only) ? only : only.length === 1 ? only[0]! : only[0]!.merge!.combine(only, 0);
  }
  const params: unknown[] = [];
  const ctes = slots.map((slot, i) => {
    // Merging statements number their own placeholders; others are renumbered.
    const part = Array.isArray(slot) ? slot[0]!.merge!.combine(slot, params.length) : { ...slot, text: shiftPlaceholders(slot.text, params.length) };
    params.push(...part.params);
    return `w${i} as (${part.text})`;
  });
  const columns: string[] = [];
  for (const [i, n] of notices.entries()) {
    params.push(n.channel, n.payload);
    columns.push(`pg_notify($${params.length - 1}, $${params.length}) as n${i}`);
  }
  return { text: `${ctes.length ? `with ${ctes.join(", ")} ` : ""}select ${columns.length ? columns.join(", ") : "1"}`, params };
}

const isStatement = (value: unknown): value is Statement => typeof (value as Statement).text === "string" && Array.isArray((value as Statement).params);

/**
 * Sends text and parameters on the transaction's own connection, past
 * drizzle (its SQL tree is what this spares) and past the write-behind hook
 * (this is the batch's own statement). Both drivers' clients take
 * `query(config, values)`.
 */
async function sendSql(client: DriverClient, text: string, params: unknown[], final: boolean): Promise<{ rows: Record<string, unknown>[] }> {
  try {
    return await client.query(isPglite(client) ? text : { text, [FINAL_WRITE]: final }, params);
  } catch (err) {
    throw failedQuery(text, err);
  }
}

/** A driver's error wrapped as drizzle wraps it, so `fromDatabaseError` reads its cause the same way. */
export const failedQuery = (text: string, cause: unknown) => Object.assign(new Error(`Failed query: ${text.slice(0, 200)}`), { cause });

/** The driver's client under a drizzle database or transaction: a pg pool or pool client, or PGlite or its transaction. */
export interface DriverClient {
  query(config: unknown, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export const clientOf = (db: Db) => (db as unknown as { session: { client: DriverClient } }).session.client;

/** PGlite takes the text itself; a pg client a config object (which `statementName` may prepare). */
export const isPglite = (client: object) => !("release" in client) && "exec" in client;

/** A row that came back as JSON (snake_case names, ISO dates) in the table's own typed shape. */
export function fromJsonRow(table: Table, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out;
}

/** Inserts whole rows now, or stages them (compiled without drizzle's builder: see insert.ts) when the context carries a batch. */
export async function stageRows<T extends Table>(ctx: { db: Db; batch?: WriteBatch }, table: T, rows: T["$inferInsert"][]): Promise<void> {
  if (rows.length === 0) return;
  if (ctx.batch) ctx.batch.add(compileInsert(table, rows as Record<string, unknown>[]));
  else await ctx.db.insert(table as never).values(rows as never);
}

/** Runs a write now, or stages it when the context carries a batch. */
export async function stage(ctx: { db: Db; batch?: WriteBatch }, query: SQLWrapper & PromiseLike<unknown>): Promise<void> {
  if (ctx.batch) ctx.batch.add(query);
  else await query;
}
