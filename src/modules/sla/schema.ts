import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ConditionGroup } from "../tickets/conditions";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";
import type { OpeningHours } from "./calendar";

export const slaMetrics = ["first_reply", "next_reply", "resolution", "acknowledgement"] as const;
export type SlaMetric = (typeof slaMetrics)[number];

/**
 * One row per workspace: a version bumped by every change to calendars,
 * policies, priority factors, rules and routing, so each process keeps the
 * compiled configuration in memory and re-reads it only when it changed.
 */
export const automationSettings = pgTable("automation_settings", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  version: integer("version").notNull().default(1),
  /** When the defaults of the seeds were installed (the first time the workspace needed them). */
  seededAt: timestamp("seeded_at", { withTimezone: true }).notNull(),
});

export const slaCalendars = pgTable(
  "sla_calendars",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    timeZone: text("time_zone").notNull(),
    alwaysOpen: boolean("always_open").notNull().default(false),
    hours: jsonb("hours").$type<OpeningHours[]>().notNull().default([]),
    holidays: jsonb("holidays").$type<string[]>().notNull().default([]),
    /** The workspace's business hours when nothing names another calendar (after-hours priority, hand-over). */
    isDefault: boolean("is_default").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("sla_calendars_workspace_name").on(t.workspaceId, t.name)],
);

export interface PolicyTarget {
  metric: SlaMetric;
  minutes: number;
}

export const slaPolicies = pgTable(
  "sla_policies",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Policies are tried in this order; the first whose conditions match applies. */
    position: integer("position").notNull(),
    active: boolean("active").notNull().default(true),
    conditions: jsonb("conditions").$type<ConditionGroup>().notNull().default({}),
    targets: jsonb("targets").$type<PolicyTarget[]>().notNull().default([]),
    /** Business time in this calendar; null counts calendar time (around the clock). */
    calendarId: uuid("calendar_id").references(() => slaCalendars.id, { onDelete: "restrict" }),
    /** A warning when this share of the target is left. */
    warnPercent: smallint("warn_percent").notNull().default(20),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sla_policies_order").on(t.workspaceId, t.position)],
);

/**
 * A ticket's SLA clocks, one row per metric. A running clock has
 * `started_at` (the start of its current stretch) and `consumed_ms` (the
 * business time counted before it), so its deadline is
 * add(started_at, target − consumed) in its calendar — recomputable for a
 * million tickets when a calendar changes, without replaying history.
 */
export const slaTargets = pgTable(
  "sla_targets",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    metric: text("metric").$type<SlaMetric>().notNull(),
    policyId: uuid("policy_id").references(() => slaPolicies.id, { onDelete: "set null" }),
    calendarId: uuid("calendar_id"),
    targetMinutes: integer("target_minutes").notNull(),
    warnPercent: smallint("warn_percent").notNull().default(20),
    startedAt: timestamp("started_at", { withTimezone: true }),
    consumedMs: bigint("consumed_ms", { mode: "number" }).notNull().default(0),
    dueAt: timestamp("due_at", { withTimezone: true }),
    warnAt: timestamp("warn_at", { withTimezone: true }),
    achievedAt: timestamp("achieved_at", { withTimezone: true }),
    pausedAt: timestamp("paused_at", { withTimezone: true }),
    warnedAt: timestamp("warned_at", { withTimezone: true }),
    breachedAt: timestamp("breached_at", { withTimezone: true }),
    /** When the sweep must look at this clock next (a warning or a breach falls due). */
    nextCheckAt: timestamp("next_check_at", { withTimezone: true }),
    /** Next-reply clocks restart with every message from the customer. */
    cycle: integer("cycle").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ticketId, t.metric] }),
    index("sla_targets_next_check")
      .on(t.nextCheckAt)
      .where(sql`${t.nextCheckAt} is not null`),
    index("sla_targets_running")
      .on(t.workspaceId, t.calendarId, t.ticketId)
      .where(sql`${t.startedAt} is not null and ${t.achievedAt} is null`),
  ],
);

export type SlaCalendarRow = typeof slaCalendars.$inferSelect;
export type SlaPolicyRow = typeof slaPolicies.$inferSelect;
export type SlaTargetRow = typeof slaTargets.$inferSelect;
