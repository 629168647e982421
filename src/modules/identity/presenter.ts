import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import type { AgentWithAccess, TeamWithMembers } from "./service";

export const agentSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(["admin", "supervisor", "agent", "light_agent"]),
    status: z.enum(["active", "deactivated"]),
    availability: z.enum(["online", "away", "offline"]),
    locale: z.string(),
    timezone: z.string(),
    languages: z.array(z.string()),
    allDesks: z.boolean(),
    deskIds: z.array(z.string()),
    teamIds: z.array(z.string()),
    lastSeenAt: nullableTimestamp,
    createdAt: timestamp,
  })
  .meta({ id: "Agent" });

export function presentAgent(a: AgentWithAccess): z.infer<typeof agentSchema> {
  return {
    id: a.id,
    email: a.email,
    name: a.name,
    role: a.role,
    status: a.status,
    availability: a.availability,
    locale: a.locale,
    timezone: a.timezone,
    languages: a.languages,
    allDesks: a.role === "admin" || a.allDesks,
    deskIds: a.deskIds,
    teamIds: a.teamIds,
    lastSeenAt: iso(a.lastSeenAt),
    createdAt: isoRequired(a.createdAt),
  };
}

export const teamSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    agentIds: z.array(z.string()),
    createdAt: timestamp,
  })
  .meta({ id: "Team" });

export function presentTeam(t: TeamWithMembers): z.infer<typeof teamSchema> {
  return { id: t.id, key: t.key, name: t.name, description: t.description, agentIds: t.agentIds, createdAt: isoRequired(t.createdAt) };
}

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    createdAt: timestamp,
    lastUsedAt: nullableTimestamp,
    expiresAt: nullableTimestamp,
    revokedAt: nullableTimestamp,
  })
  .meta({ id: "ApiToken" });

export function presentToken(t: {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt?: Date | null;
  expiresAt: Date | null;
  revokedAt?: Date | null;
}): z.infer<typeof tokenSchema> {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    createdAt: isoRequired(t.createdAt),
    lastUsedAt: iso(t.lastUsedAt),
    expiresAt: iso(t.expiresAt),
    revokedAt: iso(t.revokedAt),
  };
}
