import { type SQL, type SQLWrapper, type Table, getTableColumns, sql } from "drizzle-orm";
import type { Db } from "./db";

/**
 * Writes staged during a transaction and sent as ONE statement of
 * data-modifying CTEs. On the hot paths (a ticket from a new fan: contact,
 * identity, ticket, message, activities, reactor jobs) this turns six round
 * trips into one — and on this kind of machine each round trip costs far
 * more than the SQL it carries.
 *
 * PostgreSQL runs every CTE of the statement, checks foreign keys at its end
 * (so a child may be staged before its parent), and gives each CTE the same
 * snapshot: a staged insert is not visible to another staged statement, nor
 * to reads until flushed. Stage only writes nothing reads back before the
 * flush; `flush` before reading what was staged.
 */
export class WriteBatch {
  private parts: { query: SQL; key?: string; table?: Table; name?: string }[] = [];
  private notices: { channel: string; payload: string }[] = [];
  private results = new Map<string, Record<string, unknown>[]>();
  /** Per-transaction state other modules keep beside the batch (their caches of rows this transaction wrote). */
  readonly state = new Map<string, unknown>();

  get size(): number {
    return this.parts.length + this.notices.length;
  }

  /**
   * Stages a write. With a `key` (unique in the batch), its RETURNING rows are
   * kept, after whichever flush sends it, for `returned(key)` — as typed rows
   * of `table` when it is given (`returning()` of every column), else as plain
   * JSON objects.
   */
  add(query: SQLWrapper, key?: string, table?: Table): void {
    this.parts.push({ query: query.getSQL(), key, table });
  }

  /**
   * Stages a write under a name; staging the same name again before the
   * flush replaces it. For a row written more than once per transaction:
   * PostgreSQL applies only one of two CTEs that update the same row.
   */
  put(name: string, query: SQLWrapper): void {
    const part = this.parts.find((p) => p.name === name);
    if (part) part.query = query.getSQL();
    else this.parts.push({ query: query.getSQL(), name });
  }

  /** Whether a write staged with `put(name)` is still waiting for the flush. */
  holds(name: string): boolean {
    return this.parts.some((p) => p.name === name);
  }

  /** Whether any write staged with `put` under a name starting with `prefix` waits for the flush. */
  holdsAny(prefix: string): boolean {
    return this.parts.some((p) => p.name?.startsWith(prefix));
  }

  /**
   * Stages a NOTIFY. It goes in the select of the flush's statement (a CTE
   * that only selects runs only if the statement reads it), and PostgreSQL
   * delivers it when the transaction commits, as with a statement of its own.
   */
  notify(channel: string, payload: string): void {
    this.notices.push({ channel, payload });
  }

  /** The RETURNING rows of a keyed write, once flushed. */
  returned<T = Record<string, unknown>>(key: string): T[] {
    const rows = this.results.get(key);
    if (!rows) throw new Error(`nothing was returned under "${key}": not staged, or not flushed yet`);
    return rows as T[];
  }

  /** Sends every staged write as one statement. */
  async flush(db: Db): Promise<void> {
    const parts = this.parts;
    const notices = this.notices;
    this.parts = [];
    this.notices = [];
    if (parts.length === 0 && notices.length === 0) return;
    if (parts.length === 1 && !parts[0]!.key && notices.length === 0) {
      await db.execute(parts[0]!.query);
      return;
    }
    // Result columns are named by position, so the statement text depends only on
    // the shape of the batch and stays one prepared statement.
    const keyed = parts.map((p, i) => ({ key: p.key, table: p.table, name: `w${i}` })).filter((p) => p.key);
    const columns = [
      ...keyed.map((k) => sql`(select coalesce(json_agg(${sql.raw(k.name)}), '[]'::json) from ${sql.raw(k.name)}) as ${sql.raw(`r_${k.name}`)}`),
      ...notices.map((n, i) => sql`pg_notify(${n.channel}, ${n.payload}) as ${sql.raw(`n${i}`)}`),
    ];
    const select = columns.length ? sql.join(columns, sql`, `) : sql`1`;
    const ctes = parts.length
      ? sql`with ${sql.join(
          parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p.query})`),
          sql`, `,
        )} `
      : sql``;
    const result = (await db.execute(sql`${ctes}select ${select}`)) as unknown as { rows: Record<string, unknown>[] };
    const row = result.rows[0] ?? {};
    for (const k of keyed) {
      const value = row[`r_${k.name}`];
      const rows = (typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown>[];
      this.results.set(k.key!, k.table ? rows.map((r) => fromJsonRow(k.table!, r)) : rows);
    }
  }
}

/** A row that came back as JSON (snake_case names, ISO dates) in the table's own typed shape. */
function fromJsonRow(table: Table, json: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = json[column.name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out;
}

/** Runs a write now, or stages it when the context carries a batch. */
export async function stage(ctx: { db: Db; batch?: WriteBatch }, query: SQLWrapper & PromiseLike<unknown>): Promise<void> {
  if (ctx.batch) ctx.batch.add(query);
  else await query;
}
