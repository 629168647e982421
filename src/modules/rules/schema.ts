import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import type { ConditionGroup } from "../tickets/conditions";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";
import type { RuleAction } from "./actions";

/**
 * trigger: runs when a ticket is created, updated or gets a customer message.
 * automation: runs on a schedule over tickets whose conditions hold (time-based).
 * macro: a set of actions an agent applies by hand.
 */
export const ruleKinds = ["trigger", "automation", "macro"] as const;
export type RuleKind = (typeof ruleKinds)[number];
export const ruleKind = pgEnum("rule_kind", ruleKinds);

export const triggerEvents = ["created", "updated", "message"] as const;
export type TriggerEvent = (typeof triggerEvents)[number];

export const rules = pgTable(
  "rules",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    kind: ruleKind("kind").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    /** Evaluation order within the kind: lower first, then older first. */
    position: integer("position").notNull(),
    active: boolean("active").notNull().default(true),
    /** Triggers: which changes wake it. */
    events: text("events").array().$type<TriggerEvent[]>().notNull().default([]),
    /** Triggers on update: only when one of these fields changed (empty: any change). */
    changed: text("changed").array().notNull().default([]),
    conditions: jsonb("conditions").$type<ConditionGroup>().notNull().default({}),
    actions: jsonb("actions").$type<RuleAction[]>().notNull().default([]),
    /** Macros: offered on this desk only (null: every desk). */
    deskId: uuid("desk_id").references(() => desks.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rules_order").on(t.workspaceId, t.kind, t.position)],
);

/** The audit: every time a rule acted on a ticket, what it changed and what else it did. */
export const ruleRuns = pgTable(
  "rule_runs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ruleId: uuid("rule_id")
      .notNull()
      .references(() => rules.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    /** The activity that woke a trigger (null for automations and macros). */
    causeActivityId: uuid("cause_activity_id"),
    changes: jsonb("changes").$type<Record<string, [unknown, unknown]>>().notNull().default({}),
    effects: jsonb("effects").$type<string[]>().notNull().default([]),
    actorId: uuid("actor_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("rule_runs_rule").on(t.workspaceId, t.ruleId, t.createdAt), index("rule_runs_ticket").on(t.workspaceId, t.ticketId, t.ruleId)],
);

export type RuleRow = typeof rules.$inferSelect;
export type RuleRunRow = typeof ruleRuns.$inferSelect;
