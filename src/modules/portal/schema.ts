import { index, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { contacts } from "../contacts/schema";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import { attachments, tickets } from "../tickets/schema";
import { workspaces } from "../workspaces/schema";

/**
 * The customer portal's own state: one-time sign-in links, contact
 * sessions (never mixed with agents' sessions), which uploads belong to
 * which contact, and the approval state of creative requests.
 */

/**
 * A one-time sign-in link. Only the SHA-256 of the token is stored; the
 * contact is found or created when the link is redeemed, so asking for a
 * link never reveals whether an address is known.
 */
export const portalLinks = pgTable(
  "portal_sign_in_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    locale: text("locale").notNull(),
    /** Where to go after signing in (a path on the help center). */
    returnTo: text("return_to"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("portal_links_email").on(t.workspaceId, t.email, t.createdAt)],
);

export const portalSessions = pgTable(
  "portal_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("portal_sessions_contact").on(t.workspaceId, t.contactId)],
);

/** Uploads made through the portal: a contact may attach only their own. */
export const portalUploads = pgTable(
  "portal_uploads",
  {
    attachmentId: uuid("attachment_id")
      .primaryKey()
      .references(() => attachments.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("portal_uploads_contact").on(t.workspaceId, t.contactId)],
);

export const creativeStates = ["submitted", "in_review", "approved", "changes_requested"] as const;
export type CreativeState = (typeof creativeStates)[number];
export const creativeState = pgEnum("creative_state", creativeStates);

/** An advertiser's creative submitted for approval; every transition is an activity on the ticket. */
export const creativeRequests = pgTable(
  "portal_creative_requests",
  {
    ticketId: uuid("ticket_id")
      .notNull()
      .references(() => tickets.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    state: creativeState("state").notNull().default("submitted"),
    /** Campaign, format, flight dates, landing URL… as submitted. */
    brief: jsonb("brief").$type<Record<string, unknown>>().notNull().default({}),
    decidedByAgentId: uuid("decided_by_agent_id").references(() => agents.id, { onDelete: "set null" }),
    decisionNote: text("decision_note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.ticketId] }), index("portal_creative_state").on(t.workspaceId, t.state)],
);

export type PortalLinkRow = typeof portalLinks.$inferSelect;
export type PortalSessionRow = typeof portalSessions.$inferSelect;
export type CreativeRequestRow = typeof creativeRequests.$inferSelect;
