import { sql } from "drizzle-orm";
import { index, integer, pgTable, real, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { categories, desks } from "../desks/schema";
import { workspaces } from "../workspaces/schema";

/**
 * The default classifier's rules, per desk: a message mentioning these
 * keywords belongs to this category. Managed through the API by admins.
 */
export const classifierRules = pgTable(
  "classifier_rules",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "cascade" }),
    /** Lower-case words or phrases, any language; a message matching more of them is more surely of this category. */
    keywords: text("keywords")
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Multiplies the rule's score: lets a specific rule win over a broad one. */
    weight: real("weight").notNull().default(1),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("classifier_rules_desk").on(t.workspaceId, t.deskId)],
);

export type ClassifierRuleRow = typeof classifierRules.$inferSelect;
