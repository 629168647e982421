import { boolean, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { desks } from "../desks/schema";
import { workspaces } from "../workspaces/schema";

export const roles = ["admin", "supervisor", "agent", "light_agent"] as const;
export type Role = (typeof roles)[number];
export const agentRole = pgEnum("agent_role", roles);

export const agentStatuses = ["active", "deactivated"] as const;
export const agentStatus = pgEnum("agent_status", agentStatuses);

export const availabilities = ["online", "away", "offline"] as const;
export const availability = pgEnum("agent_availability", availabilities);

export const agents = pgTable(
  "agents",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: agentRole("role").notNull().default("agent"),
    status: agentStatus("status").notNull().default("active"),
    availability: availability("availability").notNull().default("offline"),
    /** argon2id; null for an agent who has not set a password yet. */
    passwordHash: text("password_hash"),
    locale: text("locale").notNull().default("en"),
    timezone: text("timezone").notNull().default("UTC"),
    /** Languages the agent answers in, for skills-based routing. */
    languages: text("languages").array().notNull().default(["en"]),
    /** All desks (admins, or agents given every desk) or only those in agent_desks. */
    allDesks: boolean("all_desks").notNull().default(false),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("agents_workspace_email").on(t.workspaceId, t.email), index("agents_email").on(t.email)],
);

export const agentDesks = pgTable(
  "agent_desks",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.deskId] })],
);

export const teams = pgTable(
  "teams",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("teams_workspace_key").on(t.workspaceId, t.key)],
);

export const teamMembers = pgTable(
  "team_members",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    teamId: uuid("team_id")
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.agentId] }), index("team_members_agent").on(t.agentId)],
);

/** Browser sessions. The cookie holds a random id; only its SHA-256 is stored. */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text("id_hash").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_agent").on(t.agentId)],
);

/** Personal API tokens. High-entropy secrets, so a SHA-256 lookup hash is enough. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    agentId: uuid("agent_id")
      .notNull()
      .references(() => agents.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** First characters of the token, shown so people can tell tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_agent").on(t.agentId)],
);

export type AgentRow = typeof agents.$inferSelect;
export type TeamRow = typeof teams.$inferSelect;
