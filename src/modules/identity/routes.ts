import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { cursorSchema, keySchema, languageSchema, limitSchema, pageOf, timezoneSchema, uiLocaleSchema } from "../../platform/validation";
import { getWorkspace } from "../workspaces/service";
import { createApiToken, listApiTokens, revokeApiToken, signIn, signOut } from "./auth";
import { SESSION_COOKIE, clearSessionCookie, ctxOf, setSessionCookie } from "./http";
import { permissionsOf } from "./policy";
import { roles } from "./schema";
import { agentSchema, presentAgent, presentTeam, presentToken, teamSchema, tokenSchema } from "./presenter";
import { createAgent, createTeam, deleteTeam, getAgent, getTeam, listAgents, listTeams, updateAgent, updateTeam } from "./service";

const key = keySchema;

const newAgentBody = z
  .object({
    email: z.email().max(254),
    name: z.string().trim().min(1).max(200),
    role: z.enum(roles).optional(),
    password: z.string().min(1).max(512).optional(),
    locale: uiLocaleSchema.optional(),
    timezone: timezoneSchema.optional(),
    languages: z.array(languageSchema).max(20).optional(),
    allDesks: z.boolean().optional(),
    deskIds: z.array(z.uuid()).max(100).optional(),
    teamIds: z.array(z.uuid()).max(100).optional(),
  })
  .strict();

const agentPatchBody = newAgentBody
  .partial()
  .extend({
    status: z.enum(["active", "deactivated"]).optional(),
    availability: z.enum(["online", "away", "offline"]).optional(),
    currentPassword: z.string().max(512).optional(),
  })
  .strict();

export async function identityRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const usher = server.usher;

  // ---------------------------------------------------------------- sessions

  app.post(
    "/api/v1/auth/sign-in",
    {
      config: {
        rateLimit: {
          max: usher.config.signInRateLimit,
          timeWindow: "15 minutes",
          keyGenerator: (request) =>
            `sign-in:${request.ip}:${String((request.body as { email?: string } | undefined)?.email ?? "").toLowerCase()}`,
        },
      },
      schema: {
        tags: ["auth"],
        summary: "Sign in with e-mail and password; sets the session cookie",
        body: z.object({ email: z.string().max(254), password: z.string().max(512), workspace: z.string().max(48).optional() }).strict(),
        response: {
          200: z.object({
            agent: agentSchema,
            workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
            csrfToken: z.string(),
            permissions: z.array(z.string()),
          }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const session = await signIn(
        { db: usher.database.db, clock: usher.clock, sessionDays: usher.config.sessionDays },
        { ...request.body, ip: request.ip, userAgent: request.headers["user-agent"] },
      );
      setSessionCookie(reply, session.sessionId, usher);
      const workspace = await getWorkspace(usher.database.db, session.workspaceId);
      return {
        agent: presentAgent(session.agent),
        workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
        csrfToken: session.csrfToken,
        permissions: permissionsOf(session.actor),
      };
    },
  );

  app.post("/api/v1/auth/sign-out", { schema: { tags: ["auth"], summary: "End this session" } }, async (request, reply) => {
    const sessionId = request.cookies[SESSION_COOKIE];
    if (sessionId) await signOut(usher.database.db, sessionId);
    clearSessionCookie(reply);
    return reply.status(204).send();
  });

  app.get(
    "/api/v1/auth/session",
    {
      schema: {
        tags: ["auth"],
        summary: "The signed-in agent, and the CSRF token for writes",
        response: {
          200: z.object({
            agent: agentSchema,
            workspace: z.object({ id: z.string(), slug: z.string(), name: z.string() }),
            csrfToken: z.string().nullable(),
            /** What the agent may do (policy actions): the web app shows admin screens only to those who may use them. */
            permissions: z.array(z.string()),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const workspace = await getWorkspace(ctx.db, ctx.workspaceId);
      return {
        agent: presentAgent(request.auth!.agent),
        workspace: { id: workspace.id, slug: workspace.slug, name: workspace.name },
        csrfToken: request.auth!.csrfToken ?? null,
        permissions: permissionsOf(ctx.actor),
      };
    },
  );

  // ---------------------------------------------------------------- agents

  app.get(
    "/api/v1/agents",
    {
      schema: {
        tags: ["agents"],
        querystring: z
          .object({
            q: z.string().max(200).optional(),
            role: z.enum(roles).optional(),
            status: z.enum(["active", "deactivated"]).optional(),
            teamId: z.uuid().optional(),
            deskId: z.uuid().optional(),
            cursor: cursorSchema.optional(),
            limit: limitSchema.optional(),
          })
          .strict(),
        response: { 200: pageOf(agentSchema), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listAgents(ctxOf(request), request.query);
      return { items: page.items.map(presentAgent), nextCursor: page.nextCursor };
    },
  );

  app.get("/api/v1/agents/me", { schema: { tags: ["agents"], response: { 200: agentSchema, ...problemResponses } } }, async (request) => {
    const ctx = ctxOf(request);
    return presentAgent(await getAgent(ctx, request.auth!.agent.id));
  });

  app.get(
    "/api/v1/agents/:id",
    { schema: { tags: ["agents"], params: idParams, response: { 200: agentSchema, ...problemResponses } } },
    async (request) => presentAgent(await getAgent(ctxOf(request), request.params.id)),
  );

  app.post(
    "/api/v1/agents",
    { schema: { tags: ["agents"], body: newAgentBody, response: { 201: agentSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentAgent(await createAgent(ctxOf(request), request.body))),
  );

  app.patch(
    "/api/v1/agents/:id",
    { schema: { tags: ["agents"], params: idParams, body: agentPatchBody, response: { 200: agentSchema, ...problemResponses } } },
    async (request) => presentAgent(await updateAgent(ctxOf(request), request.params.id, request.body)),
  );

  // ---------------------------------------------------------------- teams

  const teamBody = z
    .object({
      key,
      name: z.string().trim().min(1).max(200),
      description: z.string().max(2000).nullable().optional(),
      agentIds: z.array(z.uuid()).max(500).optional(),
    })
    .strict();

  app.get(
    "/api/v1/teams",
    { schema: { tags: ["teams"], response: { 200: z.object({ items: z.array(teamSchema) }), ...problemResponses } } },
    async (request) => ({
      items: (await listTeams(ctxOf(request))).map(presentTeam),
    }),
  );
  app.get(
    "/api/v1/teams/:id",
    { schema: { tags: ["teams"], params: idParams, response: { 200: teamSchema, ...problemResponses } } },
    async (request) => presentTeam(await getTeam(ctxOf(request), request.params.id)),
  );
  app.post(
    "/api/v1/teams",
    { schema: { tags: ["teams"], body: teamBody, response: { 201: teamSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentTeam(await createTeam(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/teams/:id",
    {
      schema: {
        tags: ["teams"],
        params: idParams,
        body: teamBody.omit({ key: true }).partial().strict(),
        response: { 200: teamSchema, ...problemResponses },
      },
    },
    async (request) => presentTeam(await updateTeam(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/teams/:id", { schema: { tags: ["teams"], params: idParams } }, async (request, reply) => {
    await deleteTeam(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });

  // ---------------------------------------------------------------- API tokens

  app.get(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "Your API tokens (admins: ?agentId= for another agent's)",
        querystring: z.object({ agentId: z.uuid().optional() }).strict(),
        response: { 200: z.object({ items: z.array(tokenSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listApiTokens(ctxOf(request), request.query.agentId)).map(presentToken) }),
  );

  app.post(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["auth"],
        summary: "Create a personal API token; the secret is shown once",
        body: z
          .object({ name: z.string().trim().min(1).max(100), expiresAt: z.coerce.date().optional(), agentId: z.uuid().optional() })
          .strict(),
        response: {
          201: tokenSchema.extend({ token: z.string().describe("The secret; shown only now") }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const created = await createApiToken(ctxOf(request), request.body);
      return reply.status(201).send({ ...presentToken(created), token: created.token });
    },
  );

  app.delete("/api/v1/tokens/:id", { schema: { tags: ["auth"], params: idParams } }, async (request, reply) => {
    await revokeApiToken(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
}
