import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { iso, isoRequired, timestamp } from "../../platform/present";
import { notFound } from "../../platform/errors";
import { problemResponses } from "../../platform/http";
import { ctxOf } from "../identity/http";
import { getTicket } from "../tickets/service";
import { getCreativeRequest, transitionCreativeRequest } from "./creative";
import { type CreativeRequestRow, creativeStates } from "./schema";

/** The agents' side of creative approvals; the advertiser's side is the portal. */
const creativeSchema = z
  .object({
    ticketId: z.string(),
    state: z.enum(creativeStates),
    brief: z.record(z.string(), z.unknown()),
    decidedByAgentId: z.string().nullable(),
    decisionNote: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp.nullable(),
  })
  .meta({ id: "CreativeRequest" });

const present = (r: CreativeRequestRow): z.infer<typeof creativeSchema> => ({
  ticketId: r.ticketId,
  state: r.state,
  brief: r.brief,
  decidedByAgentId: r.decidedByAgentId,
  decisionNote: r.decisionNote,
  createdAt: isoRequired(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

const params = z.object({ ticketId: z.uuid() }).strict();

export async function portalApiRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["creative requests"];
  app.get(
    "/api/v1/creative-requests/:ticketId",
    { schema: { tags, params, response: { 200: creativeSchema, ...problemResponses } } },
    async (request) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.ticketId);
      const row = await getCreativeRequest(ctx, ticket.id);
      if (!row) throw notFound("creative request", ticket.id);
      return present(row);
    },
  );
  app.post(
    "/api/v1/creative-requests/:ticketId/transitions",
    {
      schema: {
        tags,
        summary: "Review, approve or ask for changes to an advertiser's creative",
        params,
        body: z
          .object({ to: z.enum(["in_review", "approved", "changes_requested"]), note: z.string().max(2000).nullable().optional() })
          .strict(),
        response: { 200: creativeSchema, ...problemResponses },
      },
    },
    async (request) =>
      present(await transitionCreativeRequest(ctxOf(request), request.params.ticketId, request.body.to, request.body.note)),
  );
}
