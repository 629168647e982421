import { sql } from "drizzle-orm";
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { bytea } from "../../platform/columns";
import { contacts, organisations } from "../contacts/schema";
import { categories, desks } from "../desks/schema";
import { agents, teams } from "../identity/schema";
import { workspaces } from "../workspaces/schema";

export const ticketStatuses = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const ticketStatus = pgEnum("ticket_status", ticketStatuses);
/** Statuses of work not yet done — the agent's queue. */
export const unsolvedStatuses = ["new", "open", "pending", "on_hold"] as const satisfies readonly TicketStatus[];

/** Declared low→urgent, so the enum sorts by urgency. */
export const priorities = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof priorities)[number];
export const ticketPriority = pgEnum("ticket_priority", priorities);

export const channels = [
  "email",
  "chat",
  "sms",
  "whatsapp",
  "messenger",
  "instagram",
  "social",
  "in_app",
  "voice",
  "phone",
  "portal",
  "api",
] as const;
export type Channel = (typeof channels)[number];
export const channel = pgEnum("channel", channels);

export interface PriorityReason {
  factor: string;
  points: number;
  label?: string;
}

export const tickets = pgTable(
  "tickets",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    number: integer("number").notNull(),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id),
    subject: text("subject").notNull(),
    status: ticketStatus("status").notNull().default("new"),
    priority: ticketPriority("priority").notNull().default("normal"),
    priorityScore: integer("priority_score").notNull().default(0),
    priorityReasons: jsonb("priority_reasons")
      .$type<PriorityReason[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    categoryId: uuid("category_id").references(() => categories.id, { onDelete: "set null" }),
    tags: text("tags")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    customFields: jsonb("custom_fields").$type<Record<string, unknown>>().notNull().default({}),
    channel: channel("channel").notNull(),
    language: text("language"),
    sentiment: real("sentiment"),
    requesterId: uuid("requester_id")
      .notNull()
      .references(() => contacts.id),
    organisationId: uuid("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    assigneeId: uuid("assignee_id").references(() => agents.id, { onDelete: "set null" }),
    teamId: uuid("team_id").references(() => teams.id, { onDelete: "set null" }),
    tier: smallint("tier").notNull().default(1),
    parentId: uuid("parent_id"),
    mergedIntoId: uuid("merged_into_id"),
    /**
     * The live event the ticket is about (commerce module), with its start
     * time copied here so SLA policies and views can ask "starts within 24
     * hours" without a join.
     */
    eventId: uuid("event_id"),
    eventStartsAt: timestamp("event_starts_at", { withTimezone: true }),
    /** The nearest SLA deadline still running; the queue sorts on it. */
    dueAt: timestamp("due_at", { withTimezone: true }),
    firstResponseAt: timestamp("first_response_at", { withTimezone: true }),
    lastMessageAt: timestamp("last_message_at", { withTimezone: true }),
    solvedAt: timestamp("solved_at", { withTimezone: true }),
    closedAt: timestamp("closed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
    /** Bumped on every change: lets a client detect that it acts on an outdated view. */
    version: integer("version").notNull().default(1),
  },
  (t) => [
    uniqueIndex("tickets_workspace_number").on(t.workspaceId, t.number),
    // The agent's queue: one desk, unsolved, most urgent then soonest due.
    index("tickets_queue")
      .on(t.workspaceId, t.deskId, t.priority.desc(), t.dueAt.asc().nullsLast(), t.id)
      .where(sql`${t.status} in ('new', 'open', 'pending', 'on_hold')`),
    index("tickets_assignee").on(t.workspaceId, t.assigneeId, t.status),
    index("tickets_requester").on(t.workspaceId, t.requesterId, t.createdAt),
    index("tickets_updated").on(t.workspaceId, t.updatedAt, t.id),
    index("tickets_tags").using("gin", t.tags),
    index("tickets_subject_trgm").using("gin", sql`${t.subject} gin_trgm_ops`),
  ],
);

export const messageKinds = ["inbound", "outbound", "note"] as const;
export type MessageKind = (typeof messageKinds)[number];
export const messageKind = pgEnum("message_kind", messageKinds);

export const authorKinds = ["contact", "agent", "system"] as const;
export type AuthorKind = (typeof authorKinds)[number];
export const authorKind = pgEnum("author_kind", authorKinds);

/**
 * Where an outbound message is: `pending` (queued with us) → `sent` (handed to
 * the provider or relay) → `delivered` → `read`; or `failed`, which only a
 * retry (back to `pending`) leaves. See `recordDelivery` for the order rules.
 */
export const deliveryStatuses = ["pending", "sent", "delivered", "read", "failed"] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
export const deliveryStatus = pgEnum("delivery_status", deliveryStatuses);

export const messages = pgTable(
  "messages",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    kind: messageKind("kind").notNull(),
    authorKind: authorKind("author_kind").notNull(),
    authorAgentId: uuid("author_agent_id").references(() => agents.id, { onDelete: "set null" }),
    authorContactId: uuid("author_contact_id").references(() => contacts.id, { onDelete: "set null" }),
    channel: channel("channel").notNull(),
    /** Plain text as shown: quoted history and signatures stripped, card numbers redacted. */
    text: text("text").notNull(),
    /** Sanitised HTML, if the message came with HTML. */
    html: text("html"),
    /** The full text before quote stripping, kept for the record. */
    originalText: text("original_text"),
    /** The provider's id (e-mail Message-ID, Twilio MessageSid…): makes intake idempotent. */
    externalId: text("external_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    deliveryStatus: deliveryStatus("delivery_status"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("messages_ticket").on(t.workspaceId, t.ticketId, t.createdAt),
    uniqueIndex("messages_external")
      .on(t.workspaceId, t.channel, t.externalId)
      .where(sql`${t.externalId} is not null`),
  ],
);

export const attachments = pgTable(
  "attachments",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null between upload and the message that uses it. */
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "cascade" }),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    /** Content-ID of an inline e-mail part. */
    contentId: text("content_id"),
    content: bytea("content").notNull(),
    uploadedByAgentId: uuid("uploaded_by_agent_id").references(() => agents.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("attachments_message").on(t.workspaceId, t.messageId)],
);

export const ticketLinks = pgTable(
  "ticket_links",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    linkedTicketId: uuid("linked_ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId, t.linkedTicketId] })],
);

/** The tag catalogue: descriptions and how often each tag is in use. */
export const tags = pgTable(
  "tags",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    ticketCount: integer("ticket_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.name] })],
);

export type TicketRow = typeof tickets.$inferSelect;
export type MessageRow = typeof messages.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
