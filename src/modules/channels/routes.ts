import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { ctxOf } from "../identity/http";
import { retryDelivery } from "./status";

/** Outbound delivery, for agents: send a reply whose delivery failed again (it is `pending` until the provider answers). */
export async function deliveryRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.post(
    "/api/v1/messages/:id/retry",
    {
      schema: {
        tags: ["tickets"],
        summary: "Send a reply whose delivery failed again",
        params: idParams,
        response: { 204: z.void(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await retryDelivery(ctxOf(request), request.params.id);
      return reply.status(204).send();
    },
  );
}
