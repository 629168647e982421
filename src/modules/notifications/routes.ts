import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { problemResponses } from "../../platform/http";
import { isoRequired, timestamp } from "../../platform/present";
import { ctxOf } from "../identity/http";
import { notificationKinds } from "./schema";
import { type Notification, getPreferences, listNotifications, markRead, setPreferences } from "./service";

const kind = z.enum(notificationKinds);

const notificationSchema = z
  .object({
    id: z.string(),
    kind,
    title: z.string().meta({ description: "In the signed-in agent's language" }),
    body: z.string().nullable(),
    ticketId: z.string().nullable(),
    ticketNumber: z.number().int().nullable(),
    createdAt: timestamp,
    readAt: timestamp.nullable(),
    emailed: z.boolean(),
  })
  .meta({ id: "Notification" });

const present = (n: Notification): z.infer<typeof notificationSchema> => ({
  id: n.id,
  kind: n.kind,
  title: n.title,
  body: n.body,
  ticketId: n.ticketId,
  ticketNumber: n.ticketNumber,
  createdAt: isoRequired(n.createdAt),
  readAt: n.readAt ? isoRequired(n.readAt) : null,
  emailed: n.emailedAt !== null,
});

const preferencesSchema = z.object({ emailKinds: z.array(kind).max(notificationKinds.length) }).strict().meta({ id: "NotificationPreferences" });
const tags = ["notifications"];

/** The signed-in agent's own notifications: what concerns them, newest first. */
export async function notificationRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/api/v1/notifications",
    {
      schema: {
        tags,
        summary: "The signed-in agent's notifications, newest first, with the unread count",
        querystring: z
          .object({ unread: z.enum(["true", "false"]).optional(), limit: z.coerce.number().int().min(1).max(100).optional(), cursor: z.string().max(500).optional() })
          .strict(),
        response: {
          200: z.object({ items: z.array(notificationSchema), nextCursor: z.string().nullable(), unread: z.number().int() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const page = await listNotifications(ctxOf(request), { ...request.query, unread: request.query.unread === "true" });
      return { items: page.items.map(present), nextCursor: page.nextCursor, unread: page.unread };
    },
  );
  app.post(
    "/api/v1/notifications/read",
    {
      schema: {
        tags,
        summary: "Mark notifications read: some by id, or all",
        body: z.object({ ids: z.array(z.uuid()).max(500).optional(), all: z.literal(true).optional() }).strict(),
        response: { 200: z.object({ unread: z.number().int() }), ...problemResponses },
      },
    },
    async (request) => markRead(ctxOf(request), request.body),
  );
  app.get(
    "/api/v1/notifications/preferences",
    { schema: { tags, summary: "Which kinds of notification reach the signed-in agent by e-mail", response: { 200: preferencesSchema, ...problemResponses } } },
    async (request) => getPreferences(ctxOf(request)),
  );
  app.put(
    "/api/v1/notifications/preferences",
    { schema: { tags, body: preferencesSchema, response: { 200: preferencesSchema, ...problemResponses } } },
    async (request) => setPreferences(ctxOf(request), request.body),
  );
}
