import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { iso, isoRequired, timestamp } from "../../platform/present";
import { ctxOf } from "../identity/http";
import { presentTicket, ticketSchema } from "../tickets/presenter";
import { incidentSeverities, incidentStatuses } from "./schema";
import {
  type Incident,
  createIncident,
  getIncident,
  incidentOfTicket,
  linkTicket,
  listIncidentTickets,
  listIncidents,
  postIncidentUpdate,
  unlinkTicket,
  updateIncident,
} from "./service";

const incidentSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    status: z.enum(incidentStatuses),
    severity: z.enum(incidentSeverities),
    deskId: z.string().nullable(),
    eventId: z.string().nullable(),
    startedAt: timestamp,
    resolvedAt: timestamp.nullable(),
    tickets: z.number().int(),
    unsolved: z.number().int(),
    updatedAt: timestamp,
  })
  .meta({ id: "Incident" });

const present = (i: Incident): z.infer<typeof incidentSchema> => ({
  id: i.id,
  title: i.title,
  description: i.description,
  status: i.status,
  severity: i.severity,
  deskId: i.deskId,
  eventId: i.eventId,
  startedAt: isoRequired(i.startedAt),
  resolvedAt: iso(i.resolvedAt),
  tickets: i.tickets,
  unsolved: i.unsolved,
  updatedAt: isoRequired(i.updatedAt),
});

const createBody = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(20_000).optional(),
    severity: z.enum(incidentSeverities).optional(),
    deskId: z.uuid().nullable().optional(),
    eventId: z.uuid().nullable().optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
const patchBody = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(20_000).optional(),
    severity: z.enum(incidentSeverities).optional(),
    status: z.enum(incidentStatuses).optional(),
  })
  .strict();
const updateBody = z
  .object({
    message: z.record(z.string().regex(/^[a-z]{2,3}$/), z.string().max(20_000)).refine((m) => Object.keys(m).length > 0, "at least one language"),
    solve: z.boolean().optional(),
  })
  .strict();
const tags = ["incidents"];

/** Incidents: one problem for many fans; their tickets link to it, and updates go out from it. */
export async function incidentRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/api/v1/incidents",
    {
      schema: {
        tags,
        querystring: z.object({ status: z.enum([...incidentStatuses, "active", "all"]).optional() }).strict(),
        response: { 200: z.object({ items: z.array(incidentSchema) }), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listIncidents(ctxOf(request), request.query)).map(present) }),
  );
  app.post(
    "/api/v1/incidents",
    { schema: { tags, body: createBody, response: { 201: incidentSchema, ...problemResponses } } },
    async (request, reply) => {
      const body = request.body;
      const incident = await createIncident(ctxOf(request), { ...body, startedAt: body.startedAt ? new Date(body.startedAt) : undefined });
      return reply.status(201).send(present(incident));
    },
  );
  app.get(
    "/api/v1/incidents/:id",
    { schema: { tags, params: idParams, response: { 200: incidentSchema, ...problemResponses } } },
    async (request) => present(await getIncident(ctxOf(request), request.params.id)),
  );
  app.patch(
    "/api/v1/incidents/:id",
    { schema: { tags, params: idParams, body: patchBody, response: { 200: incidentSchema, ...problemResponses } } },
    async (request) => present(await updateIncident(ctxOf(request), request.params.id, request.body)),
  );
  app.get(
    "/api/v1/incidents/:id/tickets",
    {
      schema: {
        tags,
        params: idParams,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(500).optional() }).strict(),
        response: { 200: z.object({ items: z.array(ticketSchema), nextCursor: z.string().nullable() }), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listIncidentTickets(ctxOf(request), request.params.id, request.query);
      return { items: page.items.map(presentTicket), nextCursor: page.nextCursor };
    },
  );
  app.post(
    "/api/v1/incidents/:id/tickets",
    {
      schema: {
        tags,
        summary: "Link a ticket to the incident (idempotent)",
        params: idParams,
        body: z.object({ ticketId: z.uuid() }).strict(),
        response: { 200: z.object({ linked: z.boolean() }), ...problemResponses },
      },
    },
    async (request) => linkTicket(ctxOf(request), request.params.id, request.body.ticketId),
  );
  app.delete(
    "/api/v1/incidents/:id/tickets/:ticketId",
    { schema: { tags, params: z.object({ id: z.uuid(), ticketId: z.uuid() }).strict(), response: { 204: z.null(), ...problemResponses } } },
    async (request, reply) => {
      await unlinkTicket(ctxOf(request), request.params.id, request.params.ticketId);
      return reply.status(204).send(null);
    },
  );
  app.post(
    "/api/v1/incidents/:id/updates",
    {
      schema: {
        tags,
        summary: "Post an update to every affected fan, on their ticket's channel and in their language; `solve` resolves all",
        params: idParams,
        body: updateBody,
        response: { 202: z.object({ recipients: z.number().int() }), ...problemResponses },
      },
    },
    async (request, reply) => reply.status(202).send(await postIncidentUpdate(ctxOf(request), request.params.id, request.body)),
  );
  app.get(
    "/api/v1/tickets/:id/incident",
    { schema: { tags, params: idParams, response: { 200: z.object({ incident: incidentSchema.nullable() }), ...problemResponses } } },
    async (request) => {
      const incident = await incidentOfTicket(ctxOf(request), request.params.id);
      return { incident: incident ? present(incident) : null };
    },
  );
}
