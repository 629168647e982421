import { type Condition, type ConditionEnv, type ConditionGroup, evaluateConditions } from "../tickets/conditions";
import { type TicketRow, priorities } from "../tickets/schema";
import type { RuleRow, TriggerEvent } from "./schema";

/**
 * Rules are compiled once per configuration version into closures: the
 * common conditions (equality, lists, tags, numbers on ticket columns) become
 * direct comparisons, anything else falls back to the shared evaluator in
 * tickets/conditions.ts, whose semantics are the reference (the test checks
 * both agree). This is what lets a process evaluate a workspace's triggers
 * for tens of thousands of ticket changes a second (bench/trigger-eval.ts).
 */
export interface CompiledRule {
  row: RuleRow;
  events: ReadonlySet<TriggerEvent>;
  wakesOn(changes: Record<string, unknown>): boolean;
  test(ticket: TicketRow, env: ConditionEnv): boolean;
}

type Test = (ticket: TicketRow, env: ConditionEnv) => boolean;

const COLUMN: Record<string, (t: TicketRow) => unknown> = {
  status: (t) => t.status,
  priority: (t) => t.priority,
  channel: (t) => t.channel,
  tier: (t) => t.tier,
  desk: (t) => t.deskId,
  category: (t) => t.categoryId,
  team: (t) => t.teamId,
  assignee: (t) => t.assigneeId,
  organisation: (t) => t.organisationId,
  language: (t) => t.language,
  priority_score: (t) => t.priorityScore,
};

/** Field names of rule `changed` lists, as the activity's `changes` spells them. */
const CHANGE_KEY: Record<string, string> = { desk: "deskId", category: "categoryId", team: "teamId", assignee: "assigneeId", requester: "requesterId", parent: "parentId", custom: "customFields" };

export function compileCondition(c: Condition): Test {
  const get = COLUMN[c.field];
  const fallback: Test = (t, env) => evaluateConditions({ all: [c] }, t, env);
  if (c.field === "tags" && (c.op === "contains" || c.op === "not_contains")) {
    const tag = String(c.value).toLowerCase();
    return c.op === "contains" ? (t) => t.tags.includes(tag) : (t) => !t.tags.includes(tag);
  }
  if (!get || c.value === "me" || c.field === "priority") {
    if (c.field === "priority" && (c.op === "is" || c.op === "is_not" || c.op === "in" || c.op === "not_in")) return compileEquality(COLUMN.priority!, c) ?? fallback;
    if (c.field === "priority" && ["gt", "gte", "lt", "lte"].includes(c.op)) {
      const rank = priorities.indexOf(c.value as never);
      const cmp = compare(c.op);
      return (t) => cmp(priorities.indexOf(t.priority), rank);
    }
    return fallback;
  }
  const eq = compileEquality(get, c);
  if (eq) return eq;
  if (["gt", "gte", "lt", "lte"].includes(c.op) && typeof c.value === "number") {
    const cmp = compare(c.op);
    const v = c.value;
    return (t) => {
      const a = get(t);
      return typeof a === "number" && cmp(a, v);
    };
  }
  return fallback;
}

function compileEquality(get: (t: TicketRow) => unknown, c: Condition): Test | undefined {
  switch (c.op) {
    case "is":
      return c.value === null ? (t) => get(t) === null : (t) => get(t) === c.value;
    case "is_not":
      return c.value === null ? (t) => get(t) !== null : (t) => get(t) !== c.value;
    case "in": {
      const set = new Set(c.value as unknown[]);
      return (t) => set.has(get(t));
    }
    case "not_in": {
      const set = new Set(c.value as unknown[]);
      return (t) => !set.has(get(t));
    }
    case "is_set":
      return (t) => get(t) !== null && get(t) !== undefined;
    case "is_not_set":
      return (t) => get(t) === null || get(t) === undefined;
    default:
      return undefined;
  }
}

const compare = (op: string) =>
  op === "gt" ? (a: number, b: number) => a > b : op === "gte" ? (a: number, b: number) => a >= b : op === "lt" ? (a: number, b: number) => a < b : (a: number, b: number) => a <= b;

export function compileGroup(group: ConditionGroup): Test {
  const all = (group.all ?? []).map((item) => ("field" in item ? compileCondition(item as Condition) : compileGroup(item as ConditionGroup)));
  const any = (group.any ?? []).map((item) => ("field" in item ? compileCondition(item as Condition) : compileGroup(item as ConditionGroup)));
  return (t, env) => {
    for (const test of all) if (!test(t, env)) return false;
    if (any.length === 0) return true;
    for (const test of any) if (test(t, env)) return true;
    return false;
  };
}

export function compileRule(row: RuleRow): CompiledRule {
  const changed = row.changed.map((f) => CHANGE_KEY[f.split(".")[0]!] ?? f);
  return {
    row,
    events: new Set(row.events),
    wakesOn: (changes) => changed.length === 0 || changed.some((f) => f in changes),
    test: compileGroup(row.conditions),
  };
}

export const matches = (rule: CompiledRule, ticket: TicketRow, env: ConditionEnv) => rule.test(ticket, env);

export function eventOf(activityType: string): TriggerEvent | undefined {
  return activityType === "ticket.created" ? "created" : activityType === "ticket.updated" ? "updated" : activityType === "message.received" ? "message" : undefined;
}
