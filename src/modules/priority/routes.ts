import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { isoRequired, timestamp } from "../../platform/present";
import { listOf } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { conditionGroupSchema } from "../tickets/conditions";
import { type PriorityFactorRow, priorityFactorActions, prioritySignals } from "./schema";
import { createFactor, deleteFactor, getPrioritySettings, listFactors, updateFactor, updatePrioritySettings } from "./service";

const factorSchema = z
  .object({
    id: z.string(),
    key: z.string(),
    label: z.string(),
    points: z.number().int(),
    conditions: z.unknown(),
    signal: z.enum(prioritySignals).nullable(),
    action: z.enum(priorityFactorActions).nullable(),
    position: z.number().int(),
    active: z.boolean(),
    updatedAt: timestamp,
  })
  .meta({ id: "PriorityFactor" });

const presentFactor = (f: PriorityFactorRow) => ({
  id: f.id,
  key: f.key,
  label: f.label,
  points: f.points,
  conditions: f.conditions,
  signal: f.signal,
  action: f.action,
  position: f.position,
  active: f.active,
  updatedAt: isoRequired(f.updatedAt),
});

const factorBody = z
  .object({
    key: z.string().regex(/^[a-z0-9_]{1,64}$/),
    label: z.string().trim().min(1).max(200),
    points: z.number().int().min(-100).max(100),
    conditions: conditionGroupSchema.optional(),
    signal: z.enum(prioritySignals).nullable().optional(),
    action: z.enum(priorityFactorActions).nullable().optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
    active: z.boolean().optional(),
  })
  .strict();

const bands = z.object({ urgent: z.number().int(), high: z.number().int(), normal: z.number().int() }).strict();
const settingsSchema = z.object({ bands, endOfDayLeadMinutes: z.number().int() }).meta({ id: "PrioritySettings" });

export async function priorityRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["priority"];
  app.get("/api/v1/priority/factors", { schema: { tags, summary: "The priority table: factors whose points add up to a ticket's score", response: { 200: listOf(factorSchema), ...problemResponses } } }, async (request) => ({
    items: (await listFactors(ctxOf(request))).map(presentFactor),
  }));
  app.post("/api/v1/priority/factors", { schema: { tags, body: factorBody, response: { 201: factorSchema, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(presentFactor(await createFactor(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/priority/factors/:id",
    { schema: { tags, params: idParams, body: factorBody.omit({ key: true }).partial().strict(), response: { 200: factorSchema, ...problemResponses } } },
    async (request) => presentFactor(await updateFactor(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/priority/factors/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteFactor(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
  app.get("/api/v1/priority/settings", { schema: { tags, response: { 200: settingsSchema, ...problemResponses } } }, async (request) => getPrioritySettings(ctxOf(request)));
  app.put(
    "/api/v1/priority/settings",
    { schema: { tags, summary: "Score bands (lowest score of urgent, high and normal) and the end-of-day lead time", body: z.object({ bands: bands.optional(), endOfDayLeadMinutes: z.number().int().min(0).max(600).optional() }).strict(), response: { 200: settingsSchema, ...problemResponses } } },
    async (request) => updatePrioritySettings(ctxOf(request), request.body),
  );
}
