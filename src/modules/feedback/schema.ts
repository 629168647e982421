import { sql } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { contacts } from "../contacts/schema";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import { tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";

/**
 * Customer satisfaction (CSAT): a survey offered once per solved ticket,
 * rated good or bad (as Zendesk does) with an optional comment and reason.
 */

const ws = () =>
  uuid("workspace_id")
    .notNull()
    .references(() => workspaces.id, { onDelete: "cascade" });
const at = (name: string) => timestamp(name, { withTimezone: true });

export const satisfactionRatings = ["good", "bad"] as const;
export type SatisfactionRating = (typeof satisfactionRatings)[number];
export const satisfactionRating = pgEnum("satisfaction_rating", satisfactionRatings);

/** Zendesk's reasons for a bad rating, so reports compare with what teams already know. */
export const satisfactionReasons = ["too_slow", "not_resolved", "knowledge", "attitude", "other"] as const;
export type SatisfactionReason = (typeof satisfactionReasons)[number];

/** Per desk: whether solved tickets get a survey, and how long after solving it goes out. No row: off. */
export const satisfactionSettings = pgTable(
  "satisfaction_settings",
  {
    workspaceId: ws(),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    enabled: boolean("enabled").notNull().default(false),
    delayMinutes: integer("delay_minutes").notNull().default(0),
    updatedAt: at("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.deskId] })],
);

/**
 * One survey per ticket (the unique index is what "offered once" rests on).
 * `tokenHash` is set when the survey is sent: only the SHA-256 of the link's
 * token is kept. The rating lives on the row and may change until it expires;
 * each rating is also a `satisfaction.rated` activity on the ticket.
 */
export const satisfactionSurveys = pgTable(
  "satisfaction_surveys",
  {
    id: uuid("id").primaryKey(),
    workspaceId: ws(),
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** The agent who solved it (the assignee at the time): CSAT per agent counts against them. */
    agentId: uuid("agent_id").references(() => agents.id, { onDelete: "set null" }),
    channel: text("channel").notNull(),
    locale: text("locale").notNull(),
    dueAt: at("due_at").notNull(),
    offeredAt: at("offered_at"),
    expiresAt: at("expires_at"),
    tokenHash: text("token_hash"),
    rating: satisfactionRating("rating"),
    reason: text("reason"),
    comment: text("comment"),
    ratedAt: at("rated_at"),
    createdAt: at("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("satisfaction_surveys_ticket").on(t.workspaceId, t.ticketId),
    uniqueIndex("satisfaction_surveys_token").on(t.tokenHash),
    // The sweep looks only at surveys still waiting to go out.
    index("satisfaction_surveys_due").on(t.dueAt).where(sql`offered_at is null`),
    index("satisfaction_surveys_rated").on(t.workspaceId, t.ratedAt),
    index("satisfaction_surveys_contact").on(t.workspaceId, t.contactId),
  ],
);

export type SatisfactionSettingsRow = typeof satisfactionSettings.$inferSelect;
export type SatisfactionSurveyRow = typeof satisfactionSurveys.$inferSelect;
