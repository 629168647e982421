import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Clock } from "../../platform/clock";
import { type Actor, type Ctx, inTransaction } from "../../platform/context";
import type { Db } from "../../platform/db";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivity } from "../activity/service";
import { normaliseEmail } from "../desks/addresses";
import { workspaces } from "../workspaces/schema";
import { agents, apiTokens, sessions } from "./schema";
import { forgetTokens, keep, recall } from "./token-cache";
import { type AgentWithAccess, accessColumns, actorOf, loadAgentWithAccess, verifyPassword, withAccessOf } from "./service";

export interface AuthDeps {
  db: Db;
  clock: Clock;
  sessionDays: number;
}

export interface Authenticated {
  workspaceId: string;
  actor: Extract<Actor, { kind: "agent" }>;
  agent: AgentWithAccess;
  /** For cookie sessions: the token the client must echo in X-CSRF-Token. */
  csrfToken?: string;
}

export const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
const secret = (bytes = 32) => randomBytes(bytes).toString("base64url");

/** A hash to verify against when the account does not exist, so timing does not reveal it. */
let dummyHash: Promise<string> | undefined;
const DUMMY = () => (dummyHash ??= import("argon2").then((a) => a.default.hash("usher-timing-equaliser", { type: a.default.argon2id })));

// ------------------------------------------------------------------ sessions

export interface SignIn {
  email: string;
  password: string;
  /** Workspace slug; needed only when the e-mail is an agent's in several workspaces. */
  workspace?: string;
  ip?: string;
  userAgent?: string;
}

export async function signIn(deps: AuthDeps, input: SignIn): Promise<Authenticated & { sessionId: string; csrfToken: string }> {
  const email = normaliseEmail(input.email) ?? "";
  const candidates = await deps.db
    .select({ agent: agents, slug: workspaces.slug })
    .from(agents)
    .innerJoin(workspaces, eq(workspaces.id, agents.workspaceId))
    .where(and(eq(agents.email, email), input.workspace ? eq(workspaces.slug, input.workspace) : undefined))
    .limit(10);

  const matches = [];
  for (const c of candidates) {
    if (c.agent.passwordHash && (await verifyPassword(c.agent.passwordHash, input.password))) matches.push(c.agent);
  }
  if (candidates.length === 0) await verifyPassword(await DUMMY(), input.password);
  if (matches.length === 0) throw new DomainError("auth.invalid_credentials", "The e-mail or password is not right");
  if (matches.length > 1) {
    throw invalid([{ path: "workspace", message: "this e-mail is an agent in several workspaces: say which one" }], "Choose a workspace");
  }
  const agent = matches[0]!;
  if (agent.status !== "active") throw new DomainError("auth.deactivated", "This agent account is deactivated");

  const sessionId = secret();
  const csrfToken = secret(24);
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx.insert(sessions).values({
      idHash: sha256(sessionId),
      workspaceId: agent.workspaceId,
      agentId: agent.id,
      csrfToken,
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + deps.sessionDays * 86_400_000),
    });
    await tx.update(agents).set({ lastSeenAt: now }).where(eq(agents.id, agent.id));
    // Expired sessions of this agent are swept here rather than by a timer.
    await tx.delete(sessions).where(and(eq(sessions.agentId, agent.id), lt(sessions.expiresAt, now)));
  });
  const full = (await loadAgentWithAccess(deps.db, agent.workspaceId, agent.id))!;
  return { sessionId, csrfToken, workspaceId: agent.workspaceId, agent: full, actor: actorOf(full, "session") as Authenticated["actor"] };
}

export async function signOut(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, sha256(sessionId)));
}

const SLIDE_EVERY_MS = 5 * 60_000;

export async function authenticateSession(deps: AuthDeps, sessionId: string): Promise<Authenticated | undefined> {
  const now = deps.clock.now();
  const idHash = sha256(sessionId);
  const [row] = await deps.db
    .select({ session: sessions, agent: agents, ...accessColumns })
    .from(sessions)
    .innerJoin(agents, and(eq(agents.id, sessions.agentId), eq(agents.workspaceId, sessions.workspaceId)))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
  if (!row || row.agent.status !== "active") return undefined;
  if (now.getTime() - row.session.lastSeenAt.getTime() > SLIDE_EVERY_MS) {
    // Sliding expiry, written at most every few minutes to keep reads cheap.
    await deps.db
      .update(sessions)
      .set({ lastSeenAt: now, expiresAt: new Date(now.getTime() + deps.sessionDays * 86_400_000) })
      .where(eq(sessions.idHash, idHash));
  }
  const agent = withAccessOf(row);
  return { workspaceId: row.session.workspaceId, agent, actor: actorOf(agent, "session") as Authenticated["actor"], csrfToken: row.session.csrfToken };
}

// ------------------------------------------------------------------ API tokens

const TOKEN_PREFIX = "usher_pat_";

export async function createApiToken(
  ctx: Ctx,
  input: { name: string; expiresAt?: Date | null; agentId?: string },
): Promise<{ token: string; id: string; prefix: string; name: string; expiresAt: Date | null; createdAt: Date }> {
  const agentId = input.agentId ?? (ctx.actor.kind === "agent" ? ctx.actor.agentId : undefined);
  if (!agentId) throw invalid([{ path: "agentId", message: "say which agent the token acts for" }]);
  if (ctx.actor.kind === "agent" && ctx.actor.agentId !== agentId && ctx.actor.role !== "admin") {
    throw new DomainError("auth.forbidden", "Only an admin may create tokens for another agent");
  }
  if (input.expiresAt && input.expiresAt <= ctx.clock.now()) throw invalid([{ path: "expiresAt", message: "must be in the future" }]);
  const token = `${TOKEN_PREFIX}${secret()}`;
  return inTransaction(ctx, async (tx) => {
    const agent = await loadAgentWithAccess(tx.db, tx.workspaceId, agentId);
    if (!agent) throw notFound("agent", agentId);
    const row = {
      id: newId(),
      workspaceId: tx.workspaceId,
      agentId,
      name: input.name,
      tokenHash: sha256(token),
      prefix: token.slice(0, TOKEN_PREFIX.length + 6),
      createdAt: tx.clock.now(),
      expiresAt: input.expiresAt ?? null,
    };
    await tx.db.insert(apiTokens).values(row);
    await recordActivity(tx, {
      type: "api_token.created",
      subjectType: "agent",
      subjectId: agentId,
      data: { tokenId: row.id, name: row.name },
    });
    return { token, id: row.id, prefix: row.prefix, name: row.name, expiresAt: row.expiresAt, createdAt: row.createdAt };
  });
}

export async function listApiTokens(ctx: Ctx, agentId?: string) {
  const own = ctx.actor.kind === "agent" ? ctx.actor.agentId : undefined;
  const target = agentId ?? own;
  if (!target) throw invalid([{ path: "agentId", message: "say whose tokens" }]);
  if (ctx.actor.kind === "agent" && target !== own && ctx.actor.role !== "admin") {
    throw new DomainError("auth.forbidden", "Only an admin may see another agent's tokens");
  }
  return ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.workspaceId, ctx.workspaceId), eq(apiTokens.agentId, target)))
    .orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(ctx: Ctx, tokenId: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const [token] = await tx.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.workspaceId, tx.workspaceId), eq(apiTokens.id, tokenId)));
    const own = tx.actor.kind === "agent" && token?.agentId === tx.actor.agentId;
    const admin = tx.actor.kind === "system" || (tx.actor.kind === "agent" && tx.actor.role === "admin");
    if (!token || (!own && !admin)) throw notFound("token", tokenId);
    if (token.revokedAt) return;
    await tx.db.update(apiTokens).set({ revokedAt: tx.clock.now() }).where(eq(apiTokens.id, tokenId));
    forgetTokens(tx);
    await recordActivity(tx, {
      type: "api_token.revoked",
      subjectType: "agent",
      subjectId: token.agentId,
      data: { tokenId, name: token.name },
    });
  });
}

const TOUCH_EVERY_MS = 60_000;

export async function authenticateToken(deps: AuthDeps, token: string): Promise<Authenticated | undefined> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const now = deps.clock.now();
  const hash = sha256(token);
  const since = performance.now();
  let found = recall<{ auth: Authenticated; tokenId: string; lastUsedAt: Date | null; expiresAt: Date | null }>(hash);
  if (!found) {
    const [row] = await deps.db
      .select({ token: apiTokens, agent: agents, ...accessColumns })
      .from(apiTokens)
      .innerJoin(agents, and(eq(agents.id, apiTokens.agentId), eq(agents.workspaceId, apiTokens.workspaceId)))
      .where(and(eq(apiTokens.tokenHash, hash), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, now))));
    if (!row || row.agent.status !== "active") return undefined;
    const agent = withAccessOf(row);
    found = {
      auth: { workspaceId: row.token.workspaceId, agent, actor: actorOf(agent, "token") as Authenticated["actor"] },
      tokenId: row.token.id,
      lastUsedAt: row.token.lastUsedAt,
      expiresAt: row.token.expiresAt,
    };
    keep(hash, found, since);
  }
  if (found.expiresAt && found.expiresAt.getTime() <= now.getTime()) return undefined;
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    found.lastUsedAt = now;
    await deps.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, found.tokenId));
  }
  return { ...found.auth };
}

export const isTokenLike = (value: string) => value.startsWith(TOKEN_PREFIX);
