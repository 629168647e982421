import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import type { OpeningHours } from "../sla/calendar";
import { workspaces } from "../workspaces/schema";

export const routingStrategies = ["round_robin", "least_loaded"] as const;
export type RoutingStrategy = (typeof routingStrategies)[number];
export const routingStrategy = pgEnum("routing_strategy", routingStrategies);

export interface RoutingSkills {
  /** Empty lists mean "any". Languages come from the agent's profile when empty here. */
  languages: string[];
  categories: string[];
  desks: string[];
  /** Support tiers the agent works (1–3). */
  tiers: number[];
}

/**
 * What routing knows of an agent beyond identity: skills, shifts and how
 * many open tickets of each channel they can hold at once. Online / away /
 * offline is the agent's `availability` (identity module).
 */
export const agentRoutingProfiles = pgTable("agent_routing_profiles", {
  agentId: uuid("agent_id")
    .primaryKey()
    .references(() => agents.id, { onDelete: "cascade" }),
  workspaceId: uuid("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" }),
  skills: jsonb("skills").$type<RoutingSkills>().notNull(),
  /** Open tickets at once, per channel ("*" for any channel not listed). */
  capacity: jsonb("capacity").$type<Record<string, number>>().notNull(),
  /** Weekly shifts in the agent's time zone; empty: whenever online. */
  shifts: jsonb("shifts").$type<OpeningHours[]>().notNull().default([]),
  timeZone: text("time_zone").notNull().default("UTC"),
  lastAssignedAt: timestamp("last_assigned_at", { withTimezone: true }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** Automatic assignment on a desk (or, with no desk, every desk without its own). */
export const routingConfigs = pgTable(
  "routing_configs",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id").references(() => desks.id, { onDelete: "cascade" }),
    strategy: routingStrategy("strategy").notNull().default("round_robin"),
    useSkills: boolean("use_skills").notNull().default(true),
    active: boolean("active").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [unique("routing_configs_desk").on(t.workspaceId, t.deskId).nullsNotDistinct(), index("routing_configs_workspace").on(t.workspaceId)],
);

/** The end-of-day re-prioritisation ran for this workspace on this local date. */
export const handoverRuns = pgTable(
  "handover_runs",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    date: text("date").notNull(),
    ranAt: timestamp("ran_at", { withTimezone: true }).notNull(),
    tickets: integer("tickets").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.date] })],
);
