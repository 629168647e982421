import { index, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";

export const incidentStatuses = ["open", "monitoring", "resolved"] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];
export const incidentSeverities = ["minor", "major", "critical"] as const;
export type IncidentSeverity = (typeof incidentSeverities)[number];

/**
 * One thing going wrong for many people — a show cancelled, a stream down, a
 * gate's scanners offline. The fans' tickets link to it, and updates go out
 * from it to every one of them at once, each in the fan's language.
 */
export const incidents = pgTable(
  "incidents",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** The desk whose agents run it; null: workspace-wide. */
    deskId: uuid("desk_id").references(() => desks.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    description: text("description").notNull().default(""),
    status: text("status").$type<IncidentStatus>().notNull().default("open"),
    severity: text("severity").$type<IncidentSeverity>().notNull().default("major"),
    /** The live event it is about (commerce's events), when it is about one. */
    eventId: uuid("event_id"),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("incidents_workspace_status").on(t.workspaceId, t.status, t.startedAt)],
);

/** A ticket affected by an incident. A ticket belongs to at most one open incident at a time (checked by the service). */
export const incidentTickets = pgTable(
  "incident_tickets",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    incidentId: uuid("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    linkedAt: timestamp("linked_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.ticketId] }), index("incident_tickets_ticket").on(t.workspaceId, t.ticketId)],
);

export type IncidentRow = typeof incidents.$inferSelect;
