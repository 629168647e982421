import { type AnyColumn, type SQL, and, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, ne, not, notInArray, or, sql } from "drizzle-orm";
import { z } from "zod";
import { type FieldProblem, invalid } from "../../platform/errors";
import { isUuid } from "../../platform/ids";
import { escapeLike } from "../../platform/sql";
import { contacts } from "../contacts/schema";
import { type TicketRow, channels, priorities, ticketStatuses, tickets } from "./schema";

/**
 * One condition language for ticket lists, saved views, triggers,
 * automations and SLA policies (STYLE habit 6): compiled to SQL for lists,
 * evaluated in memory for a single ticket — and tested against each other.
 */

export const operators = [
  "is",
  "is_not",
  "in",
  "not_in",
  "contains",
  "not_contains",
  "gt",
  "gte",
  "lt",
  "lte",
  "is_set",
  "is_not_set",
  /** Time fields: within the next N hours from now (deadlines, event starts). */
  "within_next_hours",
  /** Time fields: more than N hours ago. */
  "older_than_hours",
] as const;
export type Operator = (typeof operators)[number];

export interface Condition {
  field: string;
  op: Operator;
  value?: unknown;
}

export interface ConditionGroup {
  all?: Array<Condition | ConditionGroup>;
  any?: Array<Condition | ConditionGroup>;
}

export const conditionSchema: z.ZodType<Condition> = z
  .object({ field: z.string().min(1).max(100), op: z.enum(operators), value: z.unknown().optional() })
  .strict() as z.ZodType<Condition>;

export const conditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z
    .object({
      all: z
        .array(z.union([conditionSchema, conditionGroupSchema]))
        .max(50)
        .optional(),
      any: z
        .array(z.union([conditionSchema, conditionGroupSchema]))
        .max(50)
        .optional(),
    })
    .strict(),
) as z.ZodType<ConditionGroup>;

/** What the ticket is evaluated with, besides itself. */
export interface ConditionEnv {
  now: Date;
  /** Resolves the value `"me"` of agent fields. */
  agentId?: string;
  /** Facts about the requester, for `requester.*` fields in memory. */
  requester?: { tier?: string };
}

type Kind = "enum" | "uuid" | "text" | "number" | "time" | "tags" | "json";

interface FieldDef {
  kind: Kind;
  nullable: boolean;
  values?: readonly string[];
  sql: (ops: { env: ConditionEnv }) => SQL | AnyColumn;
  get: (ticket: TicketRow, env: ConditionEnv) => unknown;
}

const col = (column: AnyColumn) => () => column;

const FIELDS: Record<string, FieldDef> = {
  status: { kind: "enum", nullable: false, values: ticketStatuses, sql: col(tickets.status), get: (t) => t.status },
  priority: { kind: "enum", nullable: false, values: priorities, sql: col(tickets.priority), get: (t) => t.priority },
  priority_score: { kind: "number", nullable: false, sql: col(tickets.priorityScore), get: (t) => t.priorityScore },
  channel: { kind: "enum", nullable: false, values: channels, sql: col(tickets.channel), get: (t) => t.channel },
  tier: { kind: "number", nullable: false, sql: col(tickets.tier), get: (t) => t.tier },
  desk: { kind: "uuid", nullable: false, sql: col(tickets.deskId), get: (t) => t.deskId },
  category: { kind: "uuid", nullable: true, sql: col(tickets.categoryId), get: (t) => t.categoryId },
  assignee: { kind: "uuid", nullable: true, sql: col(tickets.assigneeId), get: (t) => t.assigneeId },
  team: { kind: "uuid", nullable: true, sql: col(tickets.teamId), get: (t) => t.teamId },
  requester: { kind: "uuid", nullable: false, sql: col(tickets.requesterId), get: (t) => t.requesterId },
  organisation: { kind: "uuid", nullable: true, sql: col(tickets.organisationId), get: (t) => t.organisationId },
  parent: { kind: "uuid", nullable: true, sql: col(tickets.parentId), get: (t) => t.parentId },
  language: { kind: "text", nullable: true, sql: col(tickets.language), get: (t) => t.language },
  subject: { kind: "text", nullable: false, sql: col(tickets.subject), get: (t) => t.subject },
  tags: { kind: "tags", nullable: false, sql: col(tickets.tags), get: (t) => t.tags },
  created_at: { kind: "time", nullable: false, sql: col(tickets.createdAt), get: (t) => t.createdAt },
  updated_at: { kind: "time", nullable: false, sql: col(tickets.updatedAt), get: (t) => t.updatedAt },
  due_at: { kind: "time", nullable: true, sql: col(tickets.dueAt), get: (t) => t.dueAt },
  solved_at: { kind: "time", nullable: true, sql: col(tickets.solvedAt), get: (t) => t.solvedAt },
  last_message_at: { kind: "time", nullable: true, sql: col(tickets.lastMessageAt), get: (t) => t.lastMessageAt },
  first_response_at: { kind: "time", nullable: true, sql: col(tickets.firstResponseAt), get: (t) => t.firstResponseAt },
  event: { kind: "uuid", nullable: true, sql: col(tickets.eventId), get: (t) => t.eventId },
  "event.starts_at": { kind: "time", nullable: true, sql: col(tickets.eventStartsAt), get: (t) => t.eventStartsAt },
  "requester.tier": {
    kind: "enum",
    nullable: false,
    values: ["standard", "vip", "influencer", "premium", "advertiser"],
    sql: () => sql`(select ${contacts.tier} from ${contacts} where ${contacts.id} = ${tickets.requesterId})`,
    get: (_t, env) => env.requester?.tier ?? "standard",
  },
};

function fieldDef(field: string): FieldDef | undefined {
  if (field.startsWith("custom.")) {
    const key = field.slice("custom.".length);
    if (!/^[a-z0-9_]{1,64}$/i.test(key)) return undefined;
    return {
      kind: "json",
      nullable: true,
      sql: () => sql`(${tickets.customFields} -> ${key})`,
      get: (t) => t.customFields[key],
    };
  }
  return FIELDS[field];
}

export const conditionFields = () => [...Object.keys(FIELDS), "custom.<key>"];

const PRIORITY_RANK = Object.fromEntries(priorities.map((p, i) => [p, i]));

// ------------------------------------------------------------------ validation

/** Checks fields, operators and value types up front, with paths for the API's error. */
export function validateConditions(group: ConditionGroup, path = "conditions"): void {
  const problems: FieldProblem[] = [];
  walk(group, path, (c, p) => {
    const def = fieldDef(c.field);
    if (!def) return problems.push({ path: `${p}.field`, message: `unknown field ${c.field}` });
    const problem = checkOperand(def, c);
    if (problem) problems.push({ path: `${p}.value`, message: problem });
  });
  if (problems.length) throw invalid(problems, "The conditions are not valid");
}

function walk(group: ConditionGroup, path: string, visit: (c: Condition, path: string) => void) {
  for (const key of ["all", "any"] as const) {
    group[key]?.forEach((item, i) => {
      if ("field" in item) visit(item as Condition, `${path}.${key}.${i}`);
      else walk(item as ConditionGroup, `${path}.${key}.${i}`, visit);
    });
  }
}

function checkOperand(def: FieldDef, c: Condition): string | undefined {
  const list = (v: unknown) => (Array.isArray(v) ? v : undefined);
  switch (c.op) {
    case "is_set":
    case "is_not_set":
      return undefined;
    case "within_next_hours":
    case "older_than_hours":
      if (def.kind !== "time") return `${c.op} applies to time fields`;
      return typeof c.value === "number" && c.value >= 0 ? undefined : "must be a number of hours";
    case "in":
    case "not_in": {
      const values = list(c.value);
      if (!values || values.length === 0) return "must be a non-empty list";
      for (const v of values) {
        const problem = checkScalar(def, v);
        if (problem) return problem;
      }
      return undefined;
    }
    case "contains":
    case "not_contains":
      if (def.kind !== "tags" && def.kind !== "text" && def.kind !== "json") return `${c.op} applies to text and tags`;
      return typeof c.value === "string" && c.value.length > 0 ? undefined : "must be text";
    case "gt":
    case "gte":
    case "lt":
    case "lte":
      if (!["number", "time", "enum", "json"].includes(def.kind) || (def.kind === "enum" && def.values !== priorities)) {
        return `${c.op} applies to numbers, times and priority`;
      }
      return checkScalar(def, c.value);
    case "is":
    case "is_not":
      if (def.kind === "tags") return "use contains for tags";
      return c.value === null && def.nullable ? undefined : checkScalar(def, c.value);
  }
}

function checkScalar(def: FieldDef, v: unknown): string | undefined {
  switch (def.kind) {
    case "enum":
      return typeof v === "string" && def.values!.includes(v) ? undefined : `must be one of ${def.values!.join(", ")}`;
    case "uuid":
      return v === "me" || isUuid(v) ? undefined : "must be an id";
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? undefined : "must be a number";
    case "time":
      return typeof v === "string" && !Number.isNaN(Date.parse(v)) ? undefined : "must be an ISO date-time";
    case "text":
    case "tags":
      return typeof v === "string" ? undefined : "must be text";
    case "json":
      return ["string", "number", "boolean"].includes(typeof v) ? undefined : "must be text, a number or true/false";
  }
}

// ------------------------------------------------------------------ SQL

export function compileConditions(group: ConditionGroup, env: ConditionEnv): SQL | undefined {
  const parts: SQL[] = [];
  const all = (group.all ?? []).map((item) => compileItem(item, env)).filter((s): s is SQL => !!s);
  const any = (group.any ?? []).map((item) => compileItem(item, env)).filter((s): s is SQL => !!s);
  if (all.length) parts.push(and(...all)!);
  if (any.length) parts.push(or(...any)!);
  else if (group.any && group.any.length === 0) parts.push(sql`true`);
  return parts.length ? and(...parts) : undefined;
}

function compileItem(item: Condition | ConditionGroup, env: ConditionEnv): SQL | undefined {
  return "field" in item ? compileCondition(item as Condition, env) : compileConditions(item as ConditionGroup, env);
}

function resolve(def: FieldDef, v: unknown, env: ConditionEnv): unknown {
  if (def.kind === "uuid" && v === "me") return env.agentId ?? "00000000-0000-0000-0000-000000000000";
  if (def.kind === "time" && typeof v === "string") return new Date(v);
  return v;
}

function compileCondition(c: Condition, env: ConditionEnv): SQL {
  const def = fieldDef(c.field)!;
  const column = def.sql({ env }) as AnyColumn;
  const value = resolve(def, c.value, env);
  const hours = (n: unknown) => new Date(env.now.getTime() + Number(n) * 3_600_000);

  if (def.kind === "json") return compileJson(column as unknown as SQL, c);
  switch (c.op) {
    case "is_set":
      return def.kind === "tags" ? sql`cardinality(${column}) > 0` : isNotNull(column);
    case "is_not_set":
      return def.kind === "tags" ? sql`cardinality(${column}) = 0` : isNull(column);
    case "is":
      return value === null ? isNull(column) : eq(column, value);
    case "is_not":
      return value === null ? isNotNull(column) : def.nullable ? or(ne(column, value), isNull(column))! : ne(column, value);
    case "in":
      return inArray(
        column,
        (c.value as unknown[]).map((v) => resolve(def, v, env)),
      );
    case "not_in": {
      const notIn = notInArray(
        column,
        (c.value as unknown[]).map((v) => resolve(def, v, env)),
      );
      return def.nullable ? or(notIn, isNull(column))! : notIn;
    }
    case "contains":
      return def.kind === "tags"
        ? sql`${column} @> array[${String(c.value).toLowerCase()}]::text[]`
        : sql`${column} ilike ${`%${escapeLike(String(c.value))}%`}`;
    case "not_contains":
      return def.kind === "tags"
        ? not(sql`${column} @> array[${String(c.value).toLowerCase()}]::text[]`)
        : sql`coalesce(${column}, '') not ilike ${`%${escapeLike(String(c.value))}%`}`;
    case "gt":
      return gt(column, value);
    case "gte":
      return gte(column, value);
    case "lt":
      return lt(column, value);
    case "lte":
      return lte(column, value);
    case "within_next_hours":
      return and(gte(column, env.now), lte(column, hours(c.value)))!;
    case "older_than_hours":
      return lt(column, hours(-Number(c.value)));
  }
}

function compileJson(expr: SQL, c: Condition): SQL {
  const asJson = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
  switch (c.op) {
    case "is_set":
      return sql`${expr} is not null`;
    case "is_not_set":
      return sql`${expr} is null`;
    case "is":
      return sql`${expr} = ${asJson(c.value)}`;
    case "is_not":
      return sql`${expr} is distinct from ${asJson(c.value)}`;
    case "in":
      return or(...(c.value as unknown[]).map((v) => sql`${expr} = ${asJson(v)}`))!;
    case "not_in":
      return and(...(c.value as unknown[]).map((v) => sql`${expr} is distinct from ${asJson(v)}`))!;
    case "contains":
      return sql`(${expr} #>> '{}') ilike ${`%${escapeLike(String(c.value))}%`} or ${expr} @> ${asJson([c.value])}`;
    case "not_contains":
      return sql`not coalesce((${expr} #>> '{}') ilike ${`%${escapeLike(String(c.value))}%`} or ${expr} @> ${asJson([c.value])}, false)`;
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const op = { gt: ">", gte: ">=", lt: "<", lte: "<=" }[c.op];
      return typeof c.value === "number"
        ? sql`(case when jsonb_typeof(${expr}) = 'number' then (${expr})::numeric ${sql.raw(op)} ${c.value} else false end)`
        : sql`(${expr} #>> '{}') ${sql.raw(op)} ${String(c.value)}`;
    }
    default:
      return sql`false`;
  }
}

// ------------------------------------------------------------------ in memory

export function evaluateConditions(group: ConditionGroup, ticket: TicketRow, env: ConditionEnv): boolean {
  const all = (group.all ?? []).every((item) => evaluateItem(item, ticket, env));
  const any = !group.any || group.any.length === 0 || group.any.some((item) => evaluateItem(item, ticket, env));
  return all && any;
}

function evaluateItem(item: Condition | ConditionGroup, ticket: TicketRow, env: ConditionEnv): boolean {
  return "field" in item ? evaluateCondition(item as Condition, ticket, env) : evaluateConditions(item as ConditionGroup, ticket, env);
}

function comparable(def: FieldDef, v: unknown): number | string | null {
  if (v === null || v === undefined) return null;
  if (def.kind === "enum" && def.values === priorities) return PRIORITY_RANK[v as string] ?? null;
  if (v instanceof Date) return v.getTime();
  if (def.kind === "time") return new Date(v as string).getTime();
  return v as number | string;
}

function evaluateCondition(c: Condition, ticket: TicketRow, env: ConditionEnv): boolean {
  const def = fieldDef(c.field)!;
  const actual = def.get(ticket, env);
  const value = resolve(def, c.value, env);
  const isNone = actual === null || actual === undefined || (Array.isArray(actual) && def.kind === "tags" && actual.length === 0);
  const same = (a: unknown, b: unknown) => {
    if (a instanceof Date || b instanceof Date) return comparable(def, a) === comparable(def, b);
    if (def.kind === "json") return JSON.stringify(a) === JSON.stringify(b);
    return a === b;
  };
  const text = (v: unknown) => (typeof v === "string" ? v : v === null || v === undefined ? "" : JSON.stringify(v)).toLowerCase();
  switch (c.op) {
    case "is_set":
      return !isNone;
    case "is_not_set":
      return isNone;
    case "is":
      return value === null ? isNone : same(actual, value);
    case "is_not":
      return value === null ? !isNone : !same(actual, value);
    case "in":
      return (c.value as unknown[]).some((v) => same(actual, resolve(def, v, env)));
    case "not_in":
      return !(c.value as unknown[]).some((v) => same(actual, resolve(def, v, env)));
    case "contains":
    case "not_contains": {
      const needle = String(c.value).toLowerCase();
      const has =
        def.kind === "tags"
          ? (actual as string[]).includes(needle)
          : Array.isArray(actual)
            ? actual.some((x) => String(x) === String(c.value))
            : text(actual).includes(needle);
      return c.op === "contains" ? has : !has;
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const a = comparable(def, actual);
      const b = comparable(def, value);
      if (a === null || b === null || typeof a !== typeof b) return false;
      return c.op === "gt" ? a > b : c.op === "gte" ? a >= b : c.op === "lt" ? a < b : a <= b;
    }
    case "within_next_hours": {
      const a = comparable(def, actual);
      return a !== null && (a as number) >= env.now.getTime() && (a as number) <= env.now.getTime() + Number(c.value) * 3_600_000;
    }
    case "older_than_hours": {
      const a = comparable(def, actual);
      return a !== null && (a as number) < env.now.getTime() - Number(c.value) * 3_600_000;
    }
  }
}
