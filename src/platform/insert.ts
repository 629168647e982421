import { type Column, SQL, type Table, getTableColumns, getTableName } from "drizzle-orm";

/** SQL text with $1… placeholders and its parameters, ready for the driver. */
export interface Statement {
  text: string;
  params: unknown[];
  /** Set when statements of the same `key` can be combined into one (see `combineStatements` in batch.ts). */
  merge?: Merge;
}

/**
 * How statements of one kind — rows for one INSERT — combine into one
 * statement. Many tickets written at once then cost PostgreSQL one INSERT
 * per table, whose text depends only on the row count, rather than one per
 * ticket and table.
 */
export interface Merge {
  key: string;
  combine(statements: readonly Statement[]): Statement;
}

interface TableShape {
  name: string;
  columns: { key: string; name: string; column: Column }[];
  head: string;
  /** One per suffix (an ON CONFLICT clause): rows with the same head and suffix go in one INSERT. */
  merges: Map<string, Merge>;
}

const shapes = new WeakMap<Table, TableShape>();

function shapeOf(table: Table): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, name: column.name, column }));
    const name = getTableName(table);
    shape = { name, columns, head: `insert into "${name}" (${columns.map((c) => `"${c.name}"`).join(", ")}) values `, merges: new Map() };
    shapes.set(table, shape);
  }
  return shape;
}

/**
 * An INSERT of whole rows, compiled straight to text and parameters. The
 * hot writes (a new ticket, its message, its activities, a new contact) went
 * through drizzle's query builder, which on this path cost about a fifth of
 * the process's CPU per ticket; this does the same mapping (each column's
 * own `mapToDriverValue`, `default` for an absent value) without building a
 * query tree. Values must be plain values, not SQL.
 */
export function compileInsert(table: Table, rows: readonly Record<string, unknown>[], suffix = ""): Statement {
  const shape = shapeOf(table);
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const row of rows) {
    const slots: string[] = [];
    for (const { key, column } of shape.columns) {
      let value = row[key];
      if (value === undefined && column.defaultFn) value = column.defaultFn();
      if (value === undefined) {
        slots.push("default");
        continue;
      }
      if (value instanceof SQL) throw new Error(`compileInsert: ${shape.name}.${key} is SQL; use drizzle's insert for that`);
      params.push(value === null ? null : column.mapToDriverValue(value));
      slots.push(`$${params.length}`);
    }
    tuples.push(`(${slots.join(", ")})`);
  }
  const tail = suffix ? ` ${suffix}` : "";
  return { text: `${shape.head}${tuples.join(", ")}${tail}`, params, merge: valuesMerge(shape, tail) };
}

/** Rows of several INSERTs of one table and tail (all compiled by `compileInsert`) as one INSERT. */
function valuesMerge(shape: TableShape, tail: string): Merge {
  let found = shape.merges.get(tail);
  if (!found) {
    const { head } = shape;
    const merge: Merge = {
      key: head + tail,
      combine(statements) {
        const params: unknown[] = [];
        const values = statements.map((s) => {
          const tuples = shiftPlaceholders(s.text.slice(head.length, s.text.length - tail.length), params.length);
          params.push(...s.params);
          return tuples;
        });
        return { text: `${head}${values.join(", ")}${tail}`, params, merge };
      },
    };
    shape.merges.set(tail, merge);
    found = merge;
  }
  return found;
}

/** `text` with its placeholders moved up by `offset` (statements joined into one). */
export function shiftPlaceholders(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
