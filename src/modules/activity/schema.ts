import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { workspaces } from "../workspaces/schema";

export const actorKinds = ["agent", "contact", "system", "api"] as const;
export type ActorKind = (typeof actorKinds)[number];
export const actorKind = pgEnum("actor_kind", actorKinds);

/** `{ field: [before, after] }` */
export type Changes = Record<string, [unknown, unknown]>;

/**
 * The append-only record of every change: audit trail, outbox for reactors,
 * and the source for analytics — written in the same transaction as the change.
 */
export const activities = pgTable(
  "activities",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: uuid("subject_id").notNull(),
    /** Set for anything that happened on a ticket, so its history is one index scan. */
    ticketId: uuid("ticket_id"),
    actorKind: actorKind("actor_kind").notNull(),
    actorId: uuid("actor_id"),
    changes: jsonb("changes").$type<Changes>().notNull().default({}),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("activities_ticket").on(t.workspaceId, t.ticketId, t.id),
    index("activities_subject").on(t.workspaceId, t.subjectType, t.subjectId, t.id),
    index("activities_type").on(t.workspaceId, t.type, t.createdAt),
  ],
);

/** One row per (reactor, activity) handled: makes every reactor idempotent under retries. */
export const reactorReceipts = pgTable(
  "reactor_receipts",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    reactor: text("reactor").notNull(),
    activityId: uuid("activity_id").notNull(),
    processedAt: timestamp("processed_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.reactor, t.activityId] })],
);

export type ActivityRow = typeof activities.$inferSelect;
