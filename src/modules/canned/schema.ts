import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import { workspaces } from "../workspaces/schema";

/**
 * A canned response: a reply written once and inserted many times, with
 * placeholders such as {{requester.name}} filled from the ticket.
 */
export const cannedResponses = pgTable(
  "canned_responses",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    /** Null: every desk. */
    deskId: uuid("desk_id").references(() => desks.id, { onDelete: "cascade" }),
    /** Null: shared; otherwise one agent's own. */
    ownerAgentId: uuid("owner_agent_id").references(() => agents.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    /** Typed after "/" in the composer to find it quickly. */
    shortcut: text("shortcut"),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("canned_responses_workspace").on(t.workspaceId, t.deskId)],
);

export type CannedResponseRow = typeof cannedResponses.$inferSelect;
