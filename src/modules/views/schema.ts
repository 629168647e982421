import { index, integer, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import type { ConditionGroup } from "../tickets/conditions";
import { workspaces } from "../workspaces/schema";

/**
 * A saved ticket list: conditions in the one condition language, and a sort.
 * Personal (owner set) or shared with everyone who can see its desk (owner null).
 */
export const views = pgTable(
  "views",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    ownerAgentId: uuid("owner_agent_id").references(() => agents.id, { onDelete: "cascade" }),
    /** Null: the view applies to whichever desk the agent is working. */
    deskId: uuid("desk_id").references(() => desks.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    conditions: jsonb("conditions").$type<ConditionGroup>().notNull(),
    sort: text("sort").notNull().default("priority"),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("views_workspace_owner").on(t.workspaceId, t.ownerAgentId)],
);

export type ViewRow = typeof views.$inferSelect;
