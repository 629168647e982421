import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { listOf, timezoneSchema } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { conditionGroupSchema } from "../tickets/conditions";
import { calendarSchema, openingHoursSchema, policySchema, policyTargetSchema, presentCalendar, presentPolicy, presentTicketSla, ticketSlaSchema } from "./presenter";
import {
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getCalendar,
  getPolicy,
  getTicketSla,
  listCalendars,
  listPolicies,
  updateCalendar,
  updatePolicy,
} from "./service";

const ticketRef = z.object({ id: z.union([z.uuid(), z.string().regex(/^\d{1,9}$/, "a ticket id or number")]) }).strict();

const calendarBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    timeZone: timezoneSchema,
    alwaysOpen: z.boolean().optional(),
    hours: z.array(openingHoursSchema).max(100).optional(),
    holidays: z.array(z.string().max(10)).max(1000).optional(),
    isDefault: z.boolean().optional(),
  })
  .strict();

const policyBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    position: z.number().int().min(0).max(1_000_000).optional(),
    active: z.boolean().optional(),
    conditions: conditionGroupSchema.optional(),
    targets: z.array(policyTargetSchema).min(1).max(4),
    calendarId: z.uuid().nullable().optional(),
    warnPercent: z.number().int().min(0).max(99).optional(),
  })
  .strict();

export async function slaRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["sla"];

  app.get(
    "/api/v1/tickets/:id/sla",
    { schema: { tags, summary: "The ticket's SLA policy and the state of each of its clocks", params: ticketRef, response: { 200: ticketSlaSchema, ...problemResponses } } },
    async (request) => presentTicketSla(await getTicketSla(ctxOf(request), request.params.id)),
  );

  app.get("/api/v1/sla/calendars", { schema: { tags, response: { 200: listOf(calendarSchema), ...problemResponses } } }, async (request) => ({
    items: (await listCalendars(ctxOf(request))).map(presentCalendar),
  }));
  app.get("/api/v1/sla/calendars/:id", { schema: { tags, params: idParams, response: { 200: calendarSchema, ...problemResponses } } }, async (request) =>
    presentCalendar(await getCalendar(ctxOf(request), request.params.id)),
  );
  app.post("/api/v1/sla/calendars", { schema: { tags, body: calendarBody, response: { 201: calendarSchema, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(presentCalendar(await createCalendar(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/sla/calendars/:id",
    { schema: { tags, summary: "Change a calendar; running deadlines counted in it are recomputed", params: idParams, body: calendarBody.partial().strict(), response: { 200: calendarSchema, ...problemResponses } } },
    async (request) => presentCalendar(await updateCalendar(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/sla/calendars/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteCalendar(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });

  app.get("/api/v1/sla/policies", { schema: { tags, summary: "SLA policies in evaluation order", response: { 200: listOf(policySchema), ...problemResponses } } }, async (request) => ({
    items: (await listPolicies(ctxOf(request))).map(presentPolicy),
  }));
  app.get("/api/v1/sla/policies/:id", { schema: { tags, params: idParams, response: { 200: policySchema, ...problemResponses } } }, async (request) =>
    presentPolicy(await getPolicy(ctxOf(request), request.params.id)),
  );
  app.post("/api/v1/sla/policies", { schema: { tags, body: policyBody, response: { 201: policySchema, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(presentPolicy(await createPolicy(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/sla/policies/:id",
    { schema: { tags, params: idParams, body: policyBody.partial().strict(), response: { 200: policySchema, ...problemResponses } } },
    async (request) => presentPolicy(await updatePolicy(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/sla/policies/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deletePolicy(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
}
