import { type Column, SQL, type Table, getTableColumns, getTableName } from "drizzle-orm";

/** SQL text with $1… placeholders and its parameters, ready for the driver. */
export interface Statement {
  text: string;
  params: unknown[];
}

interface TableShape {
  name: string;
  columns: { key: string; name: string; column: Column }[];
  head: string;
}

const shapes = new WeakMap<Table, TableShape>();

function shapeOf(table: Table): TableShape {
  let shape = shapes.get(table);
  if (!shape) {
    const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, name: column.name, column }));
    const name = getTableName(table);
    shape = { name, columns, head: `insert into "${name}" (${columns.map((c) => `"${c.name}"`).join(", ")}) values ` };
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
  return { text: `${shape.head}${tuples.join(", ")}${suffix ? ` ${suffix}` : ""}`, params };
}

/** `text` with its placeholders moved up by `offset` (statements joined into one). */
export function shiftPlaceholders(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
