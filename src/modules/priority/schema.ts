import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { ConditionGroup } from "../tickets/conditions";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";

/** Facts the scorer works out itself, beyond the ticket's own fields (see signals.ts). */
export const prioritySignals = [
  "after_hours",
  "follow_up",
  "asks_status_of_tier2",
  "east_coast_afternoon",
  "new_topic_existing_case",
  "about_tier2_item",
] as const;
export type PrioritySignal = (typeof prioritySignals)[number];

/** What the scorer does besides adding points. */
export const priorityFactorActions = ["attach_to_tier2_case"] as const;
export type PriorityFactorAction = (typeof priorityFactorActions)[number];

/**
 * One line of the priority table (seeds/004): when the conditions hold (and
 * the signal, if any), the points are added. Factors accumulate.
 */
export const priorityFactors = pgTable(
  "priority_factors",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    points: integer("points").notNull(),
    conditions: jsonb("conditions").$type<ConditionGroup>().notNull().default({}),
    signal: text("signal").$type<PrioritySignal>(),
    action: text("action").$type<PriorityFactorAction>(),
    position: integer("position").notNull(),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("priority_factors_workspace_key").on(t.workspaceId, t.key), index("priority_factors_order").on(t.workspaceId, t.position)],
);

export interface PriorityBands {
  /** The lowest score of each band; below `normal` is low. */
  urgent: number;
  high: number;
  normal: number;
}

export const prioritySettings = pgTable("priority_settings", {
  workspaceId: uuid("workspace_id")
    .primaryKey()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  bands: jsonb("bands").$type<PriorityBands>().notNull(),
  /** Re-prioritise open tickets this many minutes before the business day closes (seeds/004: by around 4:30). */
  endOfDayLeadMinutes: integer("end_of_day_lead_minutes").notNull().default(30),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** A ticket whose priority an agent set by hand: the scorer keeps its score and reasons but no longer moves its band. */
export const priorityPins = pgTable(
  "priority_pins",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .primaryKey()
      .references(() => tickets.id, { onDelete: "cascade" }),
    pinnedAt: timestamp("pinned_at", { withTimezone: true }).notNull(),
  },
);

export type PriorityFactorRow = typeof priorityFactors.$inferSelect;
