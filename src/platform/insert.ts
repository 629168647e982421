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
 * per table, whose text depends only on the rows' count and shape, rather
 * than one per ticket and table.
 */
export interface Merge {
  key: string;
  /** Statements of this kind as one, its placeholders numbered from `offset + 1` (it is to follow `offset` parameters). */
  combine(statements: readonly Statement[], offset: number): Statement;
}

interface TableShape {
  name: string;
  columns: { key: string; name: string; column: Column }[];
  head: string;
}

/** The merge of a `compileInsert` statement: which of each row's columns take a parameter ("p") and which their default ("d"). */
interface ValuesMerge extends Merge {
  shape: TableShape;
  tail: string;
  rows: string[];
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
  const patterns: string[] = [];
  for (const row of rows) {
    let pattern = "";
    for (const { key, column } of shape.columns) {
      let value = row[key];
      if (value === undefined && column.defaultFn) value = column.defaultFn();
      if (value === undefined) {
        pattern += "d";
        continue;
      }
      if (value instanceof SQL) throw new Error(`compileInsert: ${shape.name}.${key} is SQL; use drizzle's insert for that`);
      params.push(value === null ? null : column.mapToDriverValue(value));
      pattern += "p";
    }
    patterns.push(pattern);
  }
  const merge: ValuesMerge = { key: shape.head + suffix, combine: combineValues, shape, tail: suffix ? ` ${suffix}` : "", rows: patterns };
  return { text: valuesText(merge.shape, merge.tail, patterns, 0), params, merge };
}

/** Rows of several `compileInsert` statements of one table and suffix as one INSERT. */
function combineValues(statements: readonly Statement[], offset: number): Statement {
  const first = statements[0]!.merge as ValuesMerge;
  const rows: string[] = [];
  const params: unknown[] = [];
  for (const s of statements) {
    rows.push(...(s.merge as ValuesMerge).rows);
    params.push(...s.params);
  }
  const merge: ValuesMerge = { ...first, rows };
  return { text: valuesText(first.shape, first.tail, rows, offset), params, merge };
}

function valuesText(shape: TableShape, tail: string, rows: readonly string[], offset: number): string {
  let n = offset;
  let text = shape.head;
  for (let r = 0; r < rows.length; r++) {
    const pattern = rows[r]!;
    text += r === 0 ? "(" : ", (";
    for (let c = 0; c < pattern.length; c++) {
      if (c > 0) text += ", ";
      text += pattern.charCodeAt(c) === 112 /* p */ ? `$${++n}` : "default";
    }
    text += ")";
  }
  return text + tail;
}

/** `text` with its placeholders moved up by `offset` (statements joined into one). */
export function shiftPlaceholders(text: string, offset: number): string {
  return offset === 0 ? text : text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}
