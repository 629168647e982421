import { type Column, Table, fillPlaceholders, getTableColumns, is } from "drizzle-orm";
import { QueryBuilder } from "drizzle-orm/pg-core";
import { type WriteBatch, clientOf, failedQuery, isPglite } from "./batch";
import type { Db } from "./db";

/** drizzle's query builder without a connection: queries built with it are compiled once, at load. */
export const queryBuilder = new QueryBuilder();

/**
 * A hot read, built by drizzle ONCE (with `sql.placeholder`s) and then run
 * by its text. drizzle builds the query tree and its SQL on every call —
 * for a select of a whole ticket, forty columns checked and quoted — and
 * that was a fifth of the intake burst's CPU, though the text never
 * changes. Its rows are mapped as drizzle maps them (each column's
 * `mapFromDriverValue`), by column name.
 *
 * It runs on the context's own connection like any statement of its
 * transaction: what the transaction staged is sent first, unless it reads
 * past the batch (`WriteBatch.readPast`, which this honours: it starts
 * synchronously).
 */
export interface CompiledRead<R> {
  readonly text: string;
  run(ctx: { db: Db; batch?: WriteBatch }, values: Record<string, unknown>): Promise<R[]>;
}

/** `rowsOf`: the table selected whole, or the selection's columns by key; without it, rows are as the driver gives them. */
export function compileRead<R>(query: { toSQL(): { sql: string; params: unknown[] } }, rowsOf?: Table | Record<string, Column>): CompiledRead<R> {
  const { sql: text, params } = query.toSQL();
  const map = rowsOf ? rowMapper(rowsOf) : (row: Record<string, unknown>) => row;
  return {
    text,
    run(ctx, values) {
      const filled = fillPlaceholders(params, values);
      const batch = ctx.batch;
      const client = clientOf(ctx.db);
      const send = () =>
        (isPglite(client) ? client.query(text, filled) : client.query({ text }, filled)).then(
          (result) => result.rows.map(map) as R[],
          (err: unknown) => {
            throw failedQuery(text, err);
          },
        );
      return batch && !batch.takeReadPast() ? batch.sendPending(ctx.db).then(send) : send();
    },
  };
}

/** Rows by column name → the typed shape. Drivers hand timestamps back as Dates already (drizzle's own queries ask for text). */
function rowMapper(rowsOf: Table | Record<string, Column>): (row: Record<string, unknown>) => Record<string, unknown> {
  const fields: Record<string, Column> = is(rowsOf, Table) ? getTableColumns(rowsOf) : rowsOf;
  const columns = Object.entries(fields).map(([key, column]) => ({ key, name: column.name, column }));
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const { key, name, column } of columns) {
      const value = row[name];
      out[key] = value === null || value === undefined ? null : value instanceof Date ? value : column.mapFromDriverValue(value);
    }
    return out;
  };
}

