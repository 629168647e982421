import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { isoRequired, timestamp } from "../../platform/present";
import { listOf } from "../../platform/validation";
import { ctxOf } from "../identity/http";
import { conditionGroupSchema } from "../tickets/conditions";
import { presentTicket, ticketSchema } from "../tickets/presenter";
import { type RuleAction, ruleActionSchema } from "./actions";
import { type RuleRow, ruleKinds, triggerEvents } from "./schema";
import { type RuleRunWithTicket, applyMacro, createRule, deleteRule, dryRun, getRule, listRuleRuns, listRules, updateRule } from "./service";

/** Webhook secrets are write-only: the API shows that one is set, never what it is. */
const hideSecrets = (actions: RuleAction[]) => actions.map((a) => (a.type === "webhook" ? { ...a, secret: "********" } : a));

const ruleSchema = z
  .object({
    id: z.string(),
    kind: z.enum(ruleKinds),
    name: z.string(),
    description: z.string().nullable(),
    position: z.number().int(),
    active: z.boolean(),
    events: z.array(z.enum(triggerEvents)),
    changed: z.array(z.string()),
    conditions: z.unknown(),
    actions: z.array(z.unknown()),
    deskId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: "Rule" });

const presentRule = (r: RuleRow) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  description: r.description,
  position: r.position,
  active: r.active,
  events: r.events,
  changed: r.changed,
  conditions: r.conditions,
  actions: hideSecrets(r.actions),
  deskId: r.deskId,
  createdAt: isoRequired(r.createdAt),
  updatedAt: isoRequired(r.updatedAt),
});

const runSchema = z
  .object({
    id: z.string(),
    ruleId: z.string(),
    ticketId: z.string(),
    causeActivityId: z.string().nullable(),
    changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
    effects: z.array(z.string()),
    actorId: z.string().nullable(),
    ticket: z.object({ number: z.number().int(), subject: z.string() }).nullable(),
    createdAt: timestamp,
  })
  .meta({ id: "RuleRun" });

const presentRun = (r: RuleRunWithTicket) => ({ ...r, workspaceId: undefined, createdAt: isoRequired(r.createdAt) });

const ruleBody = z
  .object({
    kind: z.enum(ruleKinds),
    name: z.string().trim().min(1).max(200),
    description: z.string().max(2000).nullable().optional(),
    position: z.number().int().min(0).max(1_000_000).optional(),
    active: z.boolean().optional(),
    events: z.array(z.enum(triggerEvents)).max(3).optional(),
    changed: z.array(z.string().max(100)).max(20).optional(),
    conditions: conditionGroupSchema.optional(),
    actions: z.array(ruleActionSchema).min(1).max(30),
    deskId: z.uuid().nullable().optional(),
  })
  .strict();

const ticketRef = z.union([z.uuid(), z.string().regex(/^\d{1,9}$/, "a ticket id or number")]);

export async function ruleRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["rules"];
  app.get(
    "/api/v1/rules",
    { schema: { tags, summary: "Triggers, automations and macros in evaluation order (agents: the macros of their desks)", querystring: z.object({ kind: z.enum(ruleKinds).optional() }).strict(), response: { 200: listOf(ruleSchema), ...problemResponses } } },
    async (request) => ({ items: (await listRules(ctxOf(request), request.query.kind)).map(presentRule) }),
  );
  app.get("/api/v1/rules/:id", { schema: { tags, params: idParams, response: { 200: ruleSchema, ...problemResponses } } }, async (request) =>
    presentRule(await getRule(ctxOf(request), request.params.id)),
  );
  app.post("/api/v1/rules", { schema: { tags, body: ruleBody, response: { 201: ruleSchema, ...problemResponses } } }, async (request, reply) =>
    reply.status(201).send(presentRule(await createRule(ctxOf(request), request.body))),
  );
  app.patch(
    "/api/v1/rules/:id",
    { schema: { tags, params: idParams, body: ruleBody.omit({ kind: true }).partial().strict(), response: { 200: ruleSchema, ...problemResponses } } },
    async (request) => presentRule(await updateRule(ctxOf(request), request.params.id, request.body)),
  );
  app.delete("/api/v1/rules/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    await deleteRule(ctxOf(request), request.params.id);
    return reply.status(204).send();
  });
  app.get(
    "/api/v1/rules/:id/audit",
    { schema: { tags, summary: "Every time the rule acted: on which ticket, what it changed, what else it did", params: idParams, querystring: z.object({ before: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(200).optional() }).strict(), response: { 200: z.object({ items: z.array(runSchema), nextCursor: z.string().nullable() }), ...problemResponses } } },
    async (request) => {
      const page = await listRuleRuns(ctxOf(request), request.params.id, request.query);
      return { items: page.items.map(presentRun), nextCursor: page.nextCursor };
    },
  );
  app.post(
    "/api/v1/rules/dry-run",
    {
      schema: {
        tags,
        summary: "What a rule would do to a ticket (or which tickets an automation would act on), changing nothing",
        body: z
          .object({
            ruleId: z.uuid().optional(),
            rule: z.object({ kind: z.enum(ruleKinds), conditions: conditionGroupSchema.optional(), actions: z.array(ruleActionSchema).min(1).max(30) }).strict().optional(),
            ticketId: ticketRef.optional(),
          })
          .strict(),
        response: {
          200: z.object({
            matches: z.boolean().nullable(),
            changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
            effects: z.array(z.unknown()),
            matchingTickets: z.number().int().optional(),
            sample: z.array(z.object({ id: z.string(), number: z.number().int(), subject: z.string() })).optional(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => dryRun(ctxOf(request), request.body),
  );
  app.post(
    "/api/v1/tickets/:id/macros/:macroId",
    { schema: { tags, summary: "Apply a macro to a ticket", params: z.object({ id: ticketRef, macroId: z.uuid() }).strict(), response: { 200: ticketSchema, ...problemResponses } } },
    async (request) => presentTicket(await applyMacro(ctxOf(request), request.params.id, request.params.macroId)),
  );
}
