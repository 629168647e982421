import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { problemResponses } from "../../platform/http";
import { listOf } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { classifierRuleSchema, presentClassifierRule } from "./presenter";
import { createClassifierRule, deleteClassifierRule, listClassifierRules } from "./rules";

const deskParams = z.object({ deskId: z.uuid() }).strict();

/** The default classifier's keyword rules, per desk. */
export async function intakeRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["intake"];
  app.get(
    "/api/v1/desks/:deskId/classifier-rules",
    { schema: { tags, params: deskParams, response: { 200: listOf(classifierRuleSchema), ...problemResponses } } },
    async (request) => ({ items: (await listClassifierRules(ctxOf(request), request.params.deskId)).map(presentClassifierRule) }),
  );
  app.post(
    "/api/v1/desks/:deskId/classifier-rules",
    {
      schema: {
        tags,
        params: deskParams,
        body: z
          .object({
            categoryId: z.uuid(),
            keywords: z.array(z.string().min(1).max(100)).min(1).max(200),
            weight: z.number().min(0.1).max(10).optional(),
            position: z.number().int().min(0).max(10000).optional(),
          })
          .strict(),
        response: { 201: classifierRuleSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentClassifierRule(await createClassifierRule(ctxOf(request), request.params.deskId, request.body))),
  );
  app.delete(
    "/api/v1/desks/:deskId/classifier-rules/:id",
    { schema: { tags, params: z.object({ deskId: z.uuid(), id: z.uuid() }).strict() } },
    async (request, reply) => {
      await deleteClassifierRule(ctxOf(request), request.params.deskId, request.params.id);
      return reply.status(204).send();
    },
  );
}
