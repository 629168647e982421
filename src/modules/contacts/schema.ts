import { sql } from "drizzle-orm";
import { boolean, index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { workspaces } from "../workspaces/schema";

export const contactTiers = ["standard", "vip", "influencer", "premium", "advertiser"] as const;
export type ContactTier = (typeof contactTiers)[number];
export const contactTier = pgEnum("contact_tier", contactTiers);

export const organisations = pgTable(
  "organisations",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** E-mail domains whose senders belong to this organisation. */
    domains: text("domains")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    tier: contactTier("tier").notNull().default("standard"),
    notes: text("notes"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("organisations_workspace_name").on(t.workspaceId, t.name)],
);

export const contacts = pgTable(
  "contacts",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    organisationId: uuid("organisation_id").references(() => organisations.id, { onDelete: "set null" }),
    tier: contactTier("tier").notNull().default("standard"),
    locale: text("locale"),
    timezone: text("timezone"),
    notes: text("notes"),
    attributes: jsonb("attributes").$type<Record<string, unknown>>().notNull().default({}),
    /** Set when this contact was merged into another; kept so old references resolve. */
    mergedIntoId: uuid("merged_into_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("contacts_workspace_name").on(t.workspaceId, t.name), index("contacts_organisation").on(t.workspaceId, t.organisationId)],
);

export const identityKinds = ["email", "phone", "social", "app"] as const;
export type IdentityKind = (typeof identityKinds)[number];
export const identityKind = pgEnum("identity_kind", identityKinds);

/**
 * How a contact is recognised on a channel. `value` is normalised (lower-case
 * e-mail, E.164 phone, handle without @) so the same person is found again.
 * `provider` tells social networks and apps apart (instagram, x, app id); it
 * is '' for e-mail and phone.
 */
export const contactIdentities = pgTable(
  "contact_identities",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    contactId: uuid("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    kind: identityKind("kind").notNull(),
    provider: text("provider").notNull().default(""),
    value: text("value").notNull(),
    isPrimary: boolean("is_primary").notNull().default(false),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("contact_identities_unique").on(t.workspaceId, t.kind, t.provider, t.value),
    index("contact_identities_contact").on(t.contactId),
  ],
);

export type ContactRow = typeof contacts.$inferSelect;
export type OrganisationRow = typeof organisations.$inferSelect;
export type IdentityRow = typeof contactIdentities.$inferSelect;
