import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { notFound } from "../../platform/errors";
import { idParams, problemResponses } from "../../platform/http";
import { iso, nullableTimestamp, timestamp } from "../../platform/present";
import { ctxOf } from "../identity/http";
import { csatReport, listRatings } from "./reports";
import { type SatisfactionSurveyRow, satisfactionRatings, satisfactionReasons } from "./schema";
import { MAX_DELAY_MINUTES, getSurveySettings, getTicketSatisfaction, updateSurveySettings } from "./service";

const surveySchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    deskId: z.string(),
    contactId: z.string(),
    agentId: z.string().nullable(),
    channel: z.string(),
    locale: z.string(),
    state: z.enum(["scheduled", "offered", "rated"]),
    dueAt: timestamp,
    offeredAt: nullableTimestamp,
    expiresAt: nullableTimestamp,
    rating: z.enum(satisfactionRatings).nullable(),
    reason: z.enum(satisfactionReasons).nullable(),
    comment: z.string().nullable(),
    ratedAt: nullableTimestamp,
  })
  .meta({ id: "SatisfactionSurvey" });

export const presentSurvey = (r: SatisfactionSurveyRow): z.infer<typeof surveySchema> => ({
  id: r.id,
  ticketId: r.ticketId,
  deskId: r.deskId,
  contactId: r.contactId,
  agentId: r.agentId,
  channel: r.channel,
  locale: r.locale,
  state: r.rating ? "rated" : r.offeredAt ? "offered" : "scheduled",
  dueAt: r.dueAt.toISOString(),
  offeredAt: iso(r.offeredAt),
  expiresAt: iso(r.expiresAt),
  rating: r.rating,
  reason: r.reason as z.infer<typeof surveySchema>["reason"],
  comment: r.comment,
  ratedAt: iso(r.ratedAt),
});

const figure = { good: z.number().int(), bad: z.number().int(), csat: z.number().nullable() };
const settingsSchema = z
  .object({ deskId: z.string(), enabled: z.boolean(), delayMinutes: z.number().int() })
  .meta({ id: "SatisfactionSettings" });

const when = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const filters = {
  deskId: z.uuid().optional(),
  agentId: z.uuid().optional(),
  rating: z.enum(satisfactionRatings).optional(),
  from: when.optional(),
  to: when.optional(),
};
const ticketRef = z.object({ id: z.union([z.uuid(), z.string().regex(/^\d{1,9}$/, "a ticket id or number")]) }).strict();

export async function feedbackRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["satisfaction"];

  app.get(
    "/api/v1/tickets/:id/satisfaction",
    { schema: { tags, summary: "The ticket's satisfaction survey and its rating", params: ticketRef, response: { 200: surveySchema, ...problemResponses } } },
    async (request) => {
      const survey = await getTicketSatisfaction(ctxOf(request), request.params.id);
      if (!survey) throw notFound("satisfaction survey");
      return presentSurvey(survey);
    },
  );

  app.get(
    "/api/v1/satisfaction/ratings",
    {
      schema: {
        tags,
        summary: "Ratings, newest first, on the desks you work",
        querystring: z.object({ ...filters, cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional() }).strict(),
        response: { 200: z.object({ items: z.array(surveySchema), nextCursor: z.string().nullable() }), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listRatings(ctxOf(request), request.query);
      return { items: page.items.map(presentSurvey), nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/api/v1/satisfaction/report",
    {
      schema: {
        tags,
        summary: "CSAT — good / (good + bad) — overall and per period, desk or agent",
        querystring: z
          .object({ ...filters, groupBy: z.enum(["period", "desk", "agent"]).optional(), period: z.enum(["day", "week", "month"]).optional() })
          .strict(),
        response: {
          200: z.object({ total: z.object(figure), rows: z.array(z.object({ key: z.string().nullable(), ...figure })) }),
          ...problemResponses,
        },
      },
    },
    async (request) => csatReport(ctxOf(request), request.query),
  );

  app.get(
    "/api/v1/desks/:id/satisfaction-settings",
    { schema: { tags, params: idParams, response: { 200: settingsSchema, ...problemResponses } } },
    async (request) => getSurveySettings(ctxOf(request), request.params.id),
  );

  app.put(
    "/api/v1/desks/:id/satisfaction-settings",
    {
      schema: {
        tags,
        summary: "Turn satisfaction surveys on or off for a desk, and set how long after solving they go out",
        params: idParams,
        body: z.object({ enabled: z.boolean().optional(), delayMinutes: z.number().int().min(0).max(MAX_DELAY_MINUTES).optional() }).strict(),
        response: { 200: settingsSchema, ...problemResponses },
      },
    },
    async (request) => updateSurveySettings(ctxOf(request), request.params.id, request.body),
  );
}
