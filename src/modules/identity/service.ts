import argon2 from "argon2";
import { and, asc, eq, ilike, inArray, or, sql } from "drizzle-orm";
import { type Actor, type Ctx, inTransaction } from "../../platform/context";
import { type Db, query } from "../../platform/db";
import { DomainError, forbidden, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { escapeLike } from "../../platform/sql";
import { type Page, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { diff, recordActivity } from "../activity/service";
import { normaliseEmail } from "../desks/addresses";
import { desks } from "../desks/schema";
import { authorize } from "./policy";
import { forgetTokens } from "./token-cache";
import { type AgentRow, type Role, type TeamRow, agentDesks, agents, apiTokens, sessions, teamMembers, teams } from "./schema";

export interface AgentWithAccess extends AgentRow {
  deskIds: string[];
  teamIds: string[];
}

export interface NewAgent {
  email: string;
  name: string;
  role?: Role;
  password?: string;
  locale?: string;
  timezone?: string;
  languages?: string[];
  allDesks?: boolean;
  deskIds?: string[];
  teamIds?: string[];
}

export type AgentPatch = Partial<Omit<NewAgent, "email">> & {
  email?: string;
  status?: AgentRow["status"];
  availability?: AgentRow["availability"];
  /** Required when agents change their own password. */
  currentPassword?: string;
};

// ------------------------------------------------------------------ passwords

const ARGON = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // OWASP 2023 minimum

export function checkPasswordStrength(password: string): string | undefined {
  if (password.length < 10) return "must be at least 10 characters";
  if (password.length > 512) return "must be at most 512 characters";
  if (new Set(password).size < 4) return "is too repetitive";
  return undefined;
}

export async function hashPassword(password: string): Promise<string> {
  const problem = checkPasswordStrength(password);
  if (problem) throw invalid([{ path: "password", message: problem }]);
  return argon2.hash(password, ARGON);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ agents

/** The desks and teams of an agent, as columns of a select on `agents` (one round trip for authentication). */
export const accessColumns = {
  deskIds: sql<string[] | null>`(select array_agg(${agentDesks.deskId})::text[] from ${agentDesks} where ${agentDesks.agentId} = ${agents.id})`,
  teamIds: sql<string[] | null>`(select array_agg(${teamMembers.teamId})::text[] from ${teamMembers} where ${teamMembers.agentId} = ${agents.id})`,
};

export const withAccessOf = (row: { agent: AgentRow; deskIds: string[] | null; teamIds: string[] | null }): AgentWithAccess => ({
  ...row.agent,
  deskIds: row.deskIds ?? [],
  teamIds: row.teamIds ?? [],
});

export async function loadAgentWithAccess(db: Db, workspaceId: string, agentId: string): Promise<AgentWithAccess | undefined> {
  const [row] = await db
    .select({ agent: agents, ...accessColumns })
    .from(agents)
    .where(and(eq(agents.workspaceId, workspaceId), eq(agents.id, agentId)));
  return row ? withAccessOf(row) : undefined;
}

export function actorOf(agent: AgentWithAccess, via: "session" | "token" | "cli"): Actor {
  return {
    kind: "agent",
    agentId: agent.id,
    name: agent.name,
    role: agent.role,
    allDesks: agent.role === "admin" || agent.allDesks,
    deskIds: agent.deskIds,
    teamIds: agent.teamIds,
    via,
  };
}

export async function getAgent(ctx: Ctx, id: string): Promise<AgentWithAccess> {
  authorize(ctx.actor, "directory.read");
  const agent = await loadAgentWithAccess(ctx.db, ctx.workspaceId, id);
  if (!agent) throw notFound("agent", id);
  return agent;
}

export interface AgentFilter {
  q?: string;
  role?: Role;
  status?: AgentRow["status"];
  teamId?: string;
  deskId?: string;
  cursor?: string;
  limit?: number;
}

export async function listAgents(ctx: Ctx, filter: AgentFilter = {}): Promise<Page<AgentWithAccess>> {
  authorize(ctx.actor, "directory.read");
  const limit = pageSize(filter.limit, 50);
  const keys = [
    { column: agents.name, direction: "asc" as const },
    { column: agents.id, direction: "asc" as const },
  ];
  const rows = await ctx.db
    .select()
    .from(agents)
    .where(
      and(
        eq(agents.workspaceId, ctx.workspaceId),
        filter.q ? or(ilike(agents.name, `%${escapeLike(filter.q)}%`), ilike(agents.email, `%${escapeLike(filter.q)}%`)) : undefined,
        filter.role ? eq(agents.role, filter.role) : undefined,
        filter.status ? eq(agents.status, filter.status) : undefined,
        filter.teamId
          ? inArray(agents.id, ctx.db.select({ id: teamMembers.agentId }).from(teamMembers).where(eq(teamMembers.teamId, filter.teamId)))
          : undefined,
        filter.deskId
          ? or(
              eq(agents.allDesks, true),
              eq(agents.role, "admin"),
              inArray(agents.id, ctx.db.select({ id: agentDesks.agentId }).from(agentDesks).where(eq(agentDesks.deskId, filter.deskId))),
            )
          : undefined,
        filter.cursor ? afterCursor(keys, decodeCursor(filter.cursor, 2)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(keys))
    .limit(limit + 1);
  const page = toPage(rows, limit, (r) => [r.name, r.id]);
  return { ...page, items: await withAccess(ctx.db, page.items) };
}

async function withAccess(db: Db, rows: AgentRow[]): Promise<AgentWithAccess[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [deskRows, teamRows] = await Promise.all([
    db.select().from(agentDesks).where(inArray(agentDesks.agentId, ids)),
    db.select().from(teamMembers).where(inArray(teamMembers.agentId, ids)),
  ]);
  return rows.map((r) => ({
    ...r,
    deskIds: deskRows.filter((d) => d.agentId === r.id).map((d) => d.deskId),
    teamIds: teamRows.filter((t) => t.agentId === r.id).map((t) => t.teamId),
  }));
}

export async function createAgent(ctx: Ctx, input: NewAgent): Promise<AgentWithAccess> {
  authorize(ctx.actor, "workspace.admin");
  const email = normaliseEmail(input.email);
  if (!email) throw invalid([{ path: "email", message: "not a valid e-mail address" }]);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const id = newId();
    const [row] = await tx.db
      .insert(agents)
      .values({
        id,
        workspaceId: tx.workspaceId,
        email,
        name: input.name,
        role: input.role ?? "agent",
        passwordHash,
        locale: input.locale ?? "en",
        timezone: input.timezone ?? "UTC",
        languages: input.languages ?? ["en"],
        allDesks: input.allDesks ?? false,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row)
      throw new DomainError("conflict.duplicate", `An agent with e-mail ${email} already exists`, {}, [
        { path: "email", message: "already in use" },
      ]);
    await setDesks(tx, id, input.deskIds ?? []);
    await setTeams(tx, id, input.teamIds ?? []);
    await recordActivity(tx, {
      type: "agent.created",
      subjectType: "agent",
      subjectId: id,
      data: { email, role: row.role, deskIds: input.deskIds ?? [], teamIds: input.teamIds ?? [] },
    });
    return (await loadAgentWithAccess(tx.db, tx.workspaceId, id))!;
  });
}

export async function updateAgent(ctx: Ctx, id: string, patch: AgentPatch): Promise<AgentWithAccess> {
  const self = ctx.actor.kind === "agent" && ctx.actor.agentId === id;
  const adminOnly = ["role", "status", "allDesks", "deskIds", "teamIds", "email"] as const;
  const isAdmin = ctx.actor.kind === "system" || (ctx.actor.kind === "agent" && ctx.actor.role === "admin");
  if (!isAdmin) {
    if (!self) throw forbidden("Only an admin may change another agent");
    const touched = adminOnly.filter((k) => patch[k] !== undefined);
    if (touched.length) throw forbidden(`Only an admin may change ${touched.join(", ")}`);
  }
  return inTransaction(ctx, async (tx) => {
    const before = await loadAgentWithAccess(tx.db, tx.workspaceId, id);
    if (!before) throw notFound("agent", id);
    forgetTokens(tx);
    const { password, currentPassword, deskIds, teamIds, email: rawEmail, ...fields } = patch;
    const set: Partial<AgentRow> = { ...fields };
    if (rawEmail !== undefined) {
      const email = normaliseEmail(rawEmail);
      if (!email) throw invalid([{ path: "email", message: "not a valid e-mail address" }]);
      set.email = email;
    }
    if (password !== undefined) {
      if (!isAdmin || self) {
        if (!currentPassword || !before.passwordHash || !(await verifyPassword(before.passwordHash, currentPassword))) {
          throw invalid([{ path: "currentPassword", message: "the current password is not right" }]);
        }
      }
      set.passwordHash = await hashPassword(password);
    }
    await assertKeepsAnAdmin(tx, before, set);
    const changes = diff(before as unknown as Record<string, unknown>, { ...set, passwordHash: undefined });
    if (password !== undefined) changes.password = ["(set)", "(changed)"];
    if (deskIds) {
      await setDesks(tx, id, deskIds);
      changes.deskIds = [before.deskIds, deskIds];
    }
    if (teamIds) {
      await setTeams(tx, id, teamIds);
      changes.teamIds = [before.teamIds, teamIds];
    }
    if (Object.keys(set).length) {
      await tx.db
        .update(agents)
        .set({ ...set, updatedAt: tx.clock.now() })
        .where(and(eq(agents.workspaceId, tx.workspaceId), eq(agents.id, id)));
    }
    // A deactivated agent, or one whose password changed, is signed out everywhere.
    if (set.status === "deactivated" || set.passwordHash) {
      await tx.db.delete(sessions).where(and(eq(sessions.workspaceId, tx.workspaceId), eq(sessions.agentId, id)));
    }
    if (set.status === "deactivated") {
      await tx.db
        .update(apiTokens)
        .set({ revokedAt: tx.clock.now() })
        .where(and(eq(apiTokens.workspaceId, tx.workspaceId), eq(apiTokens.agentId, id), sql`${apiTokens.revokedAt} is null`));
    }
    if (Object.keys(changes).length) await recordActivity(tx, { type: "agent.updated", subjectType: "agent", subjectId: id, changes });
    return (await loadAgentWithAccess(tx.db, tx.workspaceId, id))!;
  });
}

/** A workspace must never lose its last active admin (it could not be administered again). */
async function assertKeepsAnAdmin(ctx: Ctx, before: AgentRow, set: Partial<AgentRow>) {
  const losesAdmin =
    before.role === "admin" && before.status === "active" && ((set.role && set.role !== "admin") || set.status === "deactivated");
  if (!losesAdmin) return;
  const [row] = await query<{ n: number }>(
    ctx.db,
    sql`select count(*)::int as n from ${agents} where workspace_id = ${ctx.workspaceId} and role = 'admin' and status = 'active' and id <> ${before.id}`,
  );
  if ((row?.n ?? 0) === 0) throw new DomainError("agent.last_admin", "This is the last active admin of the workspace");
}

async function setDesks(ctx: Ctx, agentId: string, deskIds: string[]) {
  const unique = [...new Set(deskIds)];
  if (unique.length) {
    const found = await ctx.db
      .select({ id: desks.id })
      .from(desks)
      .where(and(eq(desks.workspaceId, ctx.workspaceId), inArray(desks.id, unique)));
    if (found.length !== unique.length) throw invalid([{ path: "deskIds", message: "one or more desks do not exist" }]);
  }
  await ctx.db.delete(agentDesks).where(and(eq(agentDesks.workspaceId, ctx.workspaceId), eq(agentDesks.agentId, agentId)));
  if (unique.length) await ctx.db.insert(agentDesks).values(unique.map((deskId) => ({ workspaceId: ctx.workspaceId, agentId, deskId })));
}

async function setTeams(ctx: Ctx, agentId: string, teamIds: string[]) {
  const unique = [...new Set(teamIds)];
  if (unique.length) {
    const found = await ctx.db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, ctx.workspaceId), inArray(teams.id, unique)));
    if (found.length !== unique.length) throw invalid([{ path: "teamIds", message: "one or more teams do not exist" }]);
  }
  await ctx.db.delete(teamMembers).where(and(eq(teamMembers.workspaceId, ctx.workspaceId), eq(teamMembers.agentId, agentId)));
  if (unique.length) await ctx.db.insert(teamMembers).values(unique.map((teamId) => ({ workspaceId: ctx.workspaceId, agentId, teamId })));
}

// ------------------------------------------------------------------ teams

export interface TeamWithMembers extends TeamRow {
  agentIds: string[];
}

export async function listTeams(ctx: Ctx): Promise<TeamWithMembers[]> {
  authorize(ctx.actor, "directory.read");
  const rows = await ctx.db.select().from(teams).where(eq(teams.workspaceId, ctx.workspaceId)).orderBy(asc(teams.name));
  const members = await ctx.db.select().from(teamMembers).where(eq(teamMembers.workspaceId, ctx.workspaceId));
  return rows.map((t) => ({ ...t, agentIds: members.filter((m) => m.teamId === t.id).map((m) => m.agentId) }));
}

export async function getTeam(ctx: Ctx, id: string): Promise<TeamWithMembers> {
  authorize(ctx.actor, "directory.read");
  const [row] = await ctx.db
    .select()
    .from(teams)
    .where(and(eq(teams.workspaceId, ctx.workspaceId), eq(teams.id, id)));
  if (!row) throw notFound("team", id);
  const members = await ctx.db.select().from(teamMembers).where(eq(teamMembers.teamId, id));
  return { ...row, agentIds: members.map((m) => m.agentId) };
}

export async function createTeam(
  ctx: Ctx,
  input: { key: string; name: string; description?: string | null; agentIds?: string[] },
): Promise<TeamWithMembers> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    const id = newId();
    await tx.db.insert(teams).values({
      id,
      workspaceId: tx.workspaceId,
      key: input.key,
      name: input.name,
      description: input.description ?? null,
      createdAt: tx.clock.now(),
    });
    if (input.agentIds?.length) await setMembers(tx, id, input.agentIds);
    await recordActivity(tx, { type: "team.created", subjectType: "team", subjectId: id, data: { key: input.key, name: input.name } });
    return getTeam(tx, id);
  });
}

export async function updateTeam(
  ctx: Ctx,
  id: string,
  patch: { name?: string; description?: string | null; agentIds?: string[] },
): Promise<TeamWithMembers> {
  authorize(ctx.actor, "workspace.admin");
  return inTransaction(ctx, async (tx) => {
    const before = await getTeam(tx, id);
    const { agentIds, ...fields } = patch;
    const changes = diff(before as unknown as Record<string, unknown>, fields);
    if (Object.keys(fields).length) {
      await tx.db
        .update(teams)
        .set(fields)
        .where(and(eq(teams.workspaceId, tx.workspaceId), eq(teams.id, id)));
    }
    if (agentIds) {
      await setMembers(tx, id, agentIds);
      changes.agentIds = [before.agentIds, agentIds];
    }
    if (Object.keys(changes).length) await recordActivity(tx, { type: "team.updated", subjectType: "team", subjectId: id, changes });
    return getTeam(tx, id);
  });
}

export async function deleteTeam(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "workspace.admin");
  await inTransaction(ctx, async (tx) => {
    const team = await getTeam(tx, id);
    await tx.db.delete(teams).where(and(eq(teams.workspaceId, tx.workspaceId), eq(teams.id, id)));
    await recordActivity(tx, { type: "team.deleted", subjectType: "team", subjectId: id, data: { key: team.key, name: team.name } });
  });
}

async function setMembers(ctx: Ctx, teamId: string, agentIds: string[]) {
  forgetTokens(ctx);
  const unique = [...new Set(agentIds)];
  if (unique.length) {
    const found = await ctx.db
      .select({ id: agents.id })
      .from(agents)
      .where(and(eq(agents.workspaceId, ctx.workspaceId), inArray(agents.id, unique)));
    if (found.length !== unique.length) throw invalid([{ path: "agentIds", message: "one or more agents do not exist" }]);
  }
  await ctx.db.delete(teamMembers).where(and(eq(teamMembers.workspaceId, ctx.workspaceId), eq(teamMembers.teamId, teamId)));
  if (unique.length) await ctx.db.insert(teamMembers).values(unique.map((agentId) => ({ workspaceId: ctx.workspaceId, teamId, agentId })));
}
