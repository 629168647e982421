import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { agents } from "../identity/schema";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";

/** What an agent is told about: each kind can be e-mailed or only shown in the workspace. */
export const notificationKinds = ["mention", "rule", "assigned", "sla_warning", "sla_breach"] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** Until an agent chooses: mentions, rule notifications and SLA breaches by e-mail; the rest in the workspace only. */
export const DEFAULT_EMAIL_KINDS: readonly NotificationKind[] = ["mention", "rule", "sla_breach"];

/**
 * One thing one agent should know about (a mention, a rule's "notify", an
 * assignment, an SLA warning or breach), kept until read. Written by a
 * reactor from the activity that caused it — once per agent and activity.
 */
export const agentNotifications = pgTable(
  "agent_notifications",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id").references(() => tickets.id, { onDelete: "cascade" }),
    /** The activity that caused it (the reactor's idempotency key with the agent). */
    activityId: uuid("activity_id").notNull(),
    kind: text("kind").$type<NotificationKind>().notNull(),
    /** Parameters of the message, rendered in the reader's language when read (not frozen in the writer's). */
    params: jsonb("params").$type<Record<string, string | number | null>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    readAt: timestamp("read_at", { withTimezone: true }),
    emailedAt: timestamp("emailed_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("agent_notifications_once").on(t.workspaceId, t.agentId, t.activityId),
    index("agent_notifications_inbox").on(t.workspaceId, t.agentId, t.createdAt, t.id),
    index("agent_notifications_unread").on(t.workspaceId, t.agentId).where(sql`${t.readAt} is null`),
  ],
);

/** An agent's choice of what reaches them by e-mail; no row means the defaults. */
export const notificationPreferences = pgTable(
  "notification_preferences",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    emailKinds: text("email_kinds").array().$type<NotificationKind[]>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.agentId] })],
);

export type AgentNotificationRow = typeof agentNotifications.$inferSelect;
