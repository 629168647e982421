import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { listOf } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { conditionGroupSchema } from "../tickets/conditions";
import { ticketSorts } from "../tickets/service";
import { presentView, viewSchema } from "./presenter";
import { countViews, createView, deleteView, getView, listViews, updateView } from "./service";

const viewBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    conditions: conditionGroupSchema,
    sort: z.enum(ticketSorts).optional(),
    deskId: z.uuid().nullable().optional(),
    shared: z.boolean().optional(),
    position: z.number().int().min(0).max(10_000).optional(),
  })
  .strict();
const deskQuery = z.object({ deskId: z.uuid() }).strict();
const tags = ["views"];

export async function viewRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/views",
    {
      schema: {
        tags,
        summary: "The views of a desk: built in, one per category, then saved ones (shared and yours)",
        querystring: deskQuery,
        response: { 200: listOf(viewSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listViews(ctxOf(request), request.query.deskId)).map(presentView) }),
  );

  app.get(
    "/api/v1/views/counts",
    {
      schema: {
        tags,
        summary: "How many tickets each view of a desk holds, counted in one query",
        querystring: deskQuery,
        response: { 200: z.object({ counts: z.record(z.string(), z.number().int()) }), ...problemResponses },
      },
    },
    async (request) => ({ counts: await countViews(ctxOf(request), request.query.deskId) }),
  );

  app.get(
    "/api/v1/views/:id",
    { schema: { tags, params: idParams, response: { 200: viewSchema, ...problemResponses } } },
    async (request) => presentView(await getView(ctxOf(request), request.params.id)),
  );

  app.post(
    "/api/v1/views",
    {
      schema: {
        tags,
        summary: "Save a view (personal, or shared by supervisors)",
        body: viewBody,
        response: { 201: viewSchema, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(presentView(await createView(ctxOf(request), request.body))),
  );

  app.patch(
    "/api/v1/views/:id",
    { schema: { tags, params: idParams, body: viewBody.partial().strict(), response: { 200: viewSchema, ...problemResponses } } },
    async (request) => presentView(await updateView(ctxOf(request), request.params.id, request.body)),
  );

  app.delete("/api/v1/views/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteView(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
}
