import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { isoRequired, timestamp } from "../../platform/present";
import { listOf } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import {
  type CannedResponse,
  createCannedResponse,
  deleteCannedResponse,
  getCannedResponse,
  listCannedResponses,
  renderCannedResponse,
  updateCannedResponse,
} from "./service";

const cannedSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    shortcut: z.string().nullable(),
    body: z.string(),
    deskId: z.string().nullable(),
    shared: z.boolean(),
    editable: z.boolean(),
    updatedAt: timestamp,
  })
  .meta({ id: "CannedResponse" });

const present = (c: CannedResponse): z.infer<typeof cannedSchema> => ({
  id: c.id,
  title: c.title,
  shortcut: c.shortcut,
  body: c.body,
  deskId: c.deskId,
  shared: c.ownerAgentId === null,
  editable: c.editable,
  updatedAt: isoRequired(c.updatedAt),
});

const body = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().min(1).max(20_000),
    shortcut: z.string().max(40).nullable().optional(),
    deskId: z.uuid().nullable().optional(),
    shared: z.boolean().optional(),
  })
  .strict();
const tags = ["canned responses"];

export async function cannedRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/api/v1/canned-responses",
    {
      schema: {
        tags,
        querystring: z.object({ deskId: z.uuid().optional(), q: z.string().max(100).optional() }).strict(),
        response: { 200: listOf(cannedSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listCannedResponses(ctxOf(request), request.query)).map(present) }),
  );
  app.get(
    "/api/v1/canned-responses/:id",
    { schema: { tags, params: idParams, response: { 200: cannedSchema, ...problemResponses } } },
    async (request) => present(await getCannedResponse(ctxOf(request), request.params.id)),
  );
  app.post(
    "/api/v1/canned-responses",
    { schema: { tags, body, response: { 201: cannedSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(present(await createCannedResponse(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/canned-responses/:id",
    { schema: { tags, params: idParams, body: body.partial().strict(), response: { 200: cannedSchema, ...problemResponses } } },
    async (request) => present(await updateCannedResponse(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/canned-responses/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteCannedResponse(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
  app.post(
    "/api/v1/canned-responses/:id/render",
    {
      schema: {
        tags,
        summary: "The response's text with its placeholders filled from a ticket",
        params: idParams,
        body: z.object({ ticketId: z.uuid() }).strict(),
        response: { 200: z.object({ text: z.string() }), ...problemResponses },
      },
    },
    async (request) => renderCannedResponse(ctxOf(request), request.params.id, request.body.ticketId),
  );
}
