import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import { listOf, timezoneSchema } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { openingHoursSchema } from "../sla/presenter";
import { presentTicket, ticketSchema } from "../tickets/presenter";
import { handoverReport } from "./handover";
import { routingStrategies } from "./schema";
import { type Availability, type RoutingConfigRow, createRoutingConfig, deleteRoutingConfig, getAvailability, listRoutingConfigs, setAvailability, updateRoutingConfig } from "./service";

const skillsSchema = z
  .object({
    languages: z.array(z.string().regex(/^[a-z]{2,3}$/)).max(20),
    categories: z.array(z.uuid()).max(200),
    desks: z.array(z.uuid()).max(100),
    tiers: z.array(z.number().int().min(1).max(3)).max(3),
  })
  .strict();

const availabilitySchema = z
  .object({
    status: z.enum(["online", "away", "offline"]),
    skills: skillsSchema,
    capacity: z.record(z.string(), z.number().int()),
    shifts: z.array(openingHoursSchema),
    timeZone: z.string(),
    onShift: z.boolean(),
  })
  .meta({ id: "AgentAvailability" });

const availabilityBody = z
  .object({
    status: z.enum(["online", "away", "offline"]).optional(),
    skills: skillsSchema.partial().strict().optional(),
    capacity: z.record(z.string().regex(/^(\*|total|[a-z_]{2,20})$/), z.number().int().min(0).max(1000)).optional(),
    shifts: z.array(openingHoursSchema).max(50).optional(),
    timeZone: timezoneSchema.optional(),
  })
  .strict();

const configSchema = z
  .object({ id: z.string(), deskId: z.string().nullable(), strategy: z.enum(routingStrategies), useSkills: z.boolean(), active: z.boolean(), updatedAt: timestamp })
  .meta({ id: "RoutingConfig" });
const presentConfig = (c: RoutingConfigRow) => ({ id: c.id, deskId: c.deskId, strategy: c.strategy, useSkills: c.useSkills, active: c.active, updatedAt: isoRequired(c.updatedAt) });
const configBody = z.object({ deskId: z.uuid().nullable().optional(), strategy: z.enum(routingStrategies).optional(), useSkills: z.boolean().optional(), active: z.boolean().optional() }).strict();

const handoverSchema = z
  .object({
    date: z.string(),
    timeZone: z.string(),
    reprioritisedAt: nullableTimestamp,
    agents: z.array(
      z.object({
        agent: z.object({ id: z.string(), name: z.string(), availability: z.string() }),
        tickets: z.array(z.object({ ticket: ticketSchema, notes: z.array(z.object({ id: z.string(), text: z.string(), authorAgentId: z.string().nullable(), createdAt: timestamp })) })),
      }),
    ),
  })
  .meta({ id: "HandoverReport" });

const presentAvailability = (a: Availability) => a;

export async function routingRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["routing"];
  const me = (request: Parameters<typeof ctxOf>[0]) => {
    const ctx = ctxOf(request);
    return { ctx, id: ctx.actor.kind === "agent" ? ctx.actor.agentId : "" };
  };
  app.get("/api/v1/agents/me/availability", { schema: { tags, response: { 200: availabilitySchema, ...problemResponses } } }, async (request) => {
    const { ctx, id } = me(request);
    return presentAvailability(await getAvailability(ctx, id));
  });
  app.put(
    "/api/v1/agents/me/availability",
    { schema: { tags, summary: "Set your status (online / away / offline), skills, shifts and capacity per channel", body: availabilityBody, response: { 200: availabilitySchema, ...problemResponses } } },
    async (request) => {
      const { ctx, id } = me(request);
      return presentAvailability(await setAvailability(ctx, id, request.body));
    },
  );
  app.get("/api/v1/agents/:id/availability", { schema: { tags, params: idParams, response: { 200: availabilitySchema, ...problemResponses } } }, async (request) =>
    presentAvailability(await getAvailability(ctxOf(request), request.params.id)),
  );
  app.put("/api/v1/agents/:id/availability", { schema: { tags, params: idParams, body: availabilityBody, response: { 200: availabilitySchema, ...problemResponses } } }, async (request) =>
    presentAvailability(await setAvailability(ctxOf(request), request.params.id, request.body)),
  );

  app.get("/api/v1/routing/configs", { schema: { tags, response: { 200: listOf(configSchema), ...problemResponses } } }, async (request) => ({
    items: (await listRoutingConfigs(ctxOf(request))).map(presentConfig),
  }));
  app.post("/api/v1/routing/configs", { schema: { tags, summary: "Turn on automatic assignment for a desk (or every desk, without deskId)", body: configBody, response: { 201: configSchema, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(presentConfig(await createRoutingConfig(ctxOf(request), request.body))),
  );
  app.patch("/api/v1/routing/configs/:id", { schema: { tags, params: idParams, body: configBody, response: { 200: configSchema, ...problemResponses } } }, async (request) =>
    presentConfig(await updateRoutingConfig(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/routing/configs/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteRoutingConfig(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get(
    "/api/v1/handover",
    { schema: { tags, summary: "The shift hand-over: each agent's open tickets, most urgent first, with the day's notes", querystring: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional() }).strict(), response: { 200: handoverSchema, ...problemResponses } } },
    async (request) => {
      const report = await handoverReport(ctxOf(request), request.query.date);
      return {
        ...report,
        reprioritisedAt: iso(report.reprioritisedAt),
        agents: report.agents.map((a) => ({
          agent: a.agent,
          tickets: a.tickets.map((t) => ({ ticket: presentTicket(t.ticket), notes: t.notes.map((n) => ({ ...n, createdAt: isoRequired(n.createdAt) })) })),
        })),
      };
    },
  );
}
