import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { workspaces } from "../workspaces/schema";

export const deskKinds = ["fans", "advertisers", "partners", "creative", "internal"] as const;
export const deskKind = pgEnum("desk_kind", deskKinds);

export const desks = pgTable(
  "desks",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: text("name").notNull(),
    kind: deskKind("kind").notNull().default("fans"),
    defaultLanguage: text("default_language").notNull().default("en"),
    timezone: text("timezone").notNull().default("UTC"),
    description: text("description"),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("desks_workspace_key").on(t.workspaceId, t.key)],
);

export const addressChannels = ["email", "sms", "whatsapp", "messenger", "instagram", "social", "in_app", "voice", "chat"] as const;
export const addressChannel = pgEnum("address_channel", addressChannels);

/**
 * Where a desk is reached: an e-mail address, a phone number, a page or an
 * app. Unique across all workspaces, since inbound traffic is routed by it.
 */
export const deskAddresses = pgTable(
  "desk_addresses",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    channel: addressChannel("channel").notNull(),
    address: text("address").notNull(),
    displayName: text("display_name"),
    settings: jsonb("settings").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("desk_addresses_channel_address").on(t.channel, t.address), index("desk_addresses_desk").on(t.workspaceId, t.deskId)],
);

export const categories = pgTable(
  "categories",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    parentId: uuid("parent_id"),
    key: text("key").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("categories_desk_key").on(t.workspaceId, t.deskId, t.key)],
);

export const customFieldTypes = [
  "text",
  "textarea",
  "number",
  "integer",
  "boolean",
  "date",
  "select",
  "multiselect",
  "email",
  "url",
] as const;
export const customFieldType = pgEnum("custom_field_type", customFieldTypes);

export interface CustomFieldOption {
  value: string;
  label: string;
}

export interface CustomFieldValidation {
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
}

export const customFields = pgTable(
  "custom_fields",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    label: text("label").notNull(),
    type: customFieldType("type").notNull(),
    required: boolean("required").notNull().default(false),
    /** Shown to contacts on the portal form. */
    public: boolean("public").notNull().default(false),
    options: jsonb("options")
      .$type<CustomFieldOption[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    validation: jsonb("validation").$type<CustomFieldValidation>().notNull().default({}),
    position: integer("position").notNull().default(0),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("custom_fields_desk_key").on(t.workspaceId, t.deskId, t.key)],
);

export type DeskRow = typeof desks.$inferSelect;
export type CategoryRow = typeof categories.$inferSelect;
export type CustomFieldRow = typeof customFields.$inferSelect;
export type DeskAddressRow = typeof deskAddresses.$inferSelect;
