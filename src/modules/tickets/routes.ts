import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { problemResponses } from "../../platform/http";
import { cursorSchema, languageSchema, limitSchema, listOf, pageOf } from "../../platform/validation";
import { listTicketActivities } from "../activity/service";
import { identityKinds } from "../contacts/schema";
import { ctxOf } from "../identity/http";
import { type Condition, conditionGroupSchema } from "./conditions";
import { relatedTickets, linkTickets, mergeTickets, splitTicket, unlinkTickets } from "./merge";
import { addMessage, getAttachment, listMessages, uploadAttachment } from "./messages";
import {
  activitySchema,
  attachmentSchema,
  messageSchema,
  presentActivity,
  presentAttachment,
  presentMessage,
  presentTicket,
  ticketSchema,
} from "./presenter";
import { channels, priorities, ticketStatuses } from "./schema";
import { BULK_MAX, bulkUpdateTickets, createTicket, getTicket, listTickets, ticketSorts, updateTicket } from "./service";
import { describeTag, listTags } from "./tags";

const ticketRef = z.object({ id: z.union([z.uuid(), z.string().regex(/^\d{1,9}$/, "a ticket id or number")]) }).strict();
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));
const agentRef = z.union([z.literal("me"), z.literal("none"), z.uuid()]);

const listQuery = z
  .object({
    status: commaList(ticketStatuses).optional(),
    priority: commaList(priorities).optional(),
    channel: commaList(channels).optional(),
    deskId: z.uuid().optional(),
    assignee: agentRef.optional(),
    teamId: z.union([z.literal("none"), z.uuid()]).optional(),
    categoryId: z.uuid().optional(),
    requesterId: z.uuid().optional(),
    organisationId: z.uuid().optional(),
    tag: z
      .string()
      .max(500)
      .transform((s) => s.split(",").filter(Boolean))
      .optional(),
    tier: z.coerce.number().int().min(1).max(3).optional(),
    createdAfter: z.iso.datetime({ offset: true }).optional(),
    createdBefore: z.iso.datetime({ offset: true }).optional(),
    updatedAfter: z.iso.datetime({ offset: true }).optional(),
    updatedBefore: z.iso.datetime({ offset: true }).optional(),
    q: z.string().max(200).optional(),
    includeMerged: z.enum(["true", "false"]).optional(),
    sort: z.enum(ticketSorts).optional(),
    cursor: cursorSchema.optional(),
    limit: limitSchema.optional(),
  })
  .strict();

/** Query parameters are a shorthand for conditions: one language underneath. */
function conditionsOf(q: z.infer<typeof listQuery>): Condition[] {
  const c: Condition[] = [];
  if (q.status) c.push({ field: "status", op: "in", value: q.status });
  if (q.priority) c.push({ field: "priority", op: "in", value: q.priority });
  if (q.channel) c.push({ field: "channel", op: "in", value: q.channel });
  if (q.deskId) c.push({ field: "desk", op: "is", value: q.deskId });
  if (q.assignee) c.push({ field: "assignee", op: "is", value: q.assignee === "none" ? null : q.assignee });
  if (q.teamId) c.push({ field: "team", op: "is", value: q.teamId === "none" ? null : q.teamId });
  if (q.categoryId) c.push({ field: "category", op: "is", value: q.categoryId });
  if (q.requesterId) c.push({ field: "requester", op: "is", value: q.requesterId });
  if (q.organisationId) c.push({ field: "organisation", op: "is", value: q.organisationId });
  for (const tag of q.tag ?? []) c.push({ field: "tags", op: "contains", value: tag });
  if (q.tier) c.push({ field: "tier", op: "is", value: q.tier });
  if (q.createdAfter) c.push({ field: "created_at", op: "gte", value: q.createdAfter });
  if (q.createdBefore) c.push({ field: "created_at", op: "lt", value: q.createdBefore });
  if (q.updatedAfter) c.push({ field: "updated_at", op: "gte", value: q.updatedAfter });
  if (q.updatedBefore) c.push({ field: "updated_at", op: "lt", value: q.updatedBefore });
  return c;
}

const identityInput = z
  .object({ kind: z.enum(identityKinds), value: z.string().min(1).max(320), provider: z.string().max(100).optional() })
  .strict();

const messageInput = z
  .object({
    kind: z.enum(["inbound", "outbound", "note"]).optional(),
    text: z.string().max(200_000).optional(),
    html: z.string().max(1_000_000).nullable().optional(),
    attachmentIds: z.array(z.uuid()).max(20).optional(),
    externalId: z.string().max(500).nullable().optional(),
  })
  .strict();

const customFields = z.record(z.string().max(64), z.unknown());
const tagList = z.array(z.string().max(64)).max(50);

const newTicketBody = z
  .object({
    deskId: z.uuid(),
    subject: z.string().min(1).max(500),
    channel: z.enum(channels).default("api"),
    requester: z.union([
      z.object({ contactId: z.uuid() }).strict(),
      z
        .object({
          identities: z.array(identityInput).min(1).max(10),
          name: z.string().max(200).optional(),
          locale: languageSchema.nullable().optional(),
        })
        .strict(),
    ]),
    message: messageInput.optional(),
    status: z.enum(ticketStatuses).optional(),
    priority: z.enum(priorities).optional(),
    categoryId: z.uuid().nullable().optional(),
    tags: tagList.optional(),
    customFields: customFields.optional(),
    assigneeId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    tier: z.number().int().min(1).max(3).optional(),
    parentId: z.uuid().nullable().optional(),
    language: languageSchema.nullable().optional(),
    eventStartsAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const patchFields = z
  .object({
    subject: z.string().min(1).max(500).optional(),
    deskId: z.uuid().optional(),
    status: z.enum(ticketStatuses).optional(),
    priority: z.enum(priorities).optional(),
    categoryId: z.uuid().nullable().optional(),
    tags: tagList.optional(),
    addTags: tagList.optional(),
    removeTags: tagList.optional(),
    customFields: customFields.optional(),
    assigneeId: z.uuid().nullable().optional(),
    teamId: z.uuid().nullable().optional(),
    tier: z.number().int().min(1).max(3).optional(),
    parentId: z.uuid().nullable().optional(),
    requesterId: z.uuid().optional(),
    language: languageSchema.nullable().optional(),
    eventStartsAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const patchBody = patchFields.extend({ expectedVersion: z.number().int().min(1).optional() }).strict();

export async function ticketRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["tickets"];

  app.get(
    "/api/v1/tickets",
    {
      schema: {
        tags,
        summary: "List tickets: filter, sort and page with a cursor",
        querystring: listQuery,
        response: { 200: pageOf(ticketSchema), ...problemResponses },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await listTickets(ctxOf(request), {
        conditions: { all: conditionsOf(q) },
        q: q.q,
        includeMerged: q.includeMerged === "true",
        sort: q.sort,
        cursor: q.cursor,
        limit: q.limit,
      });
      return { items: page.items.map(presentTicket), nextCursor: page.nextCursor };
    },
  );

  app.post(
    "/api/v1/tickets/search",
    {
      schema: {
        tags,
        summary: "List tickets matching conditions (the language of views, triggers and SLA policies)",
        body: z
          .object({
            conditions: conditionGroupSchema.optional(),
            q: z.string().max(200).optional(),
            sort: z.enum(ticketSorts).optional(),
            cursor: cursorSchema.optional(),
            limit: limitSchema.optional(),
          })
          .strict(),
        response: { 200: pageOf(ticketSchema), ...problemResponses },
      },
    },
    async (request) => {
      const page = await listTickets(ctxOf(request), request.body);
      return { items: page.items.map(presentTicket), nextCursor: page.nextCursor };
    },
  );

  app.post(
    "/api/v1/tickets",
    { schema: { tags, body: newTicketBody, response: { 201: ticketSchema, ...problemResponses } } },
    async (request, reply) => reply.status(201).send(presentTicket(await createTicket(ctxOf(request), request.body))),
  );

  app.get(
    "/api/v1/tickets/:id",
    { schema: { tags, params: ticketRef, response: { 200: ticketSchema, ...problemResponses } } },
    async (request) => presentTicket(await getTicket(ctxOf(request), request.params.id)),
  );

  app.patch(
    "/api/v1/tickets/:id",
    {
      schema: {
        tags,
        summary: "Change a ticket; expectedVersion refuses the change if someone else changed it first",
        params: ticketRef,
        body: patchBody,
        response: { 200: ticketSchema, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      const { expectedVersion, ...patch } = request.body;
      return presentTicket(await updateTicket(ctx, ticket.id, patch, { expectedVersion }));
    },
  );

  app.post(
    "/api/v1/tickets/bulk",
    {
      schema: {
        tags,
        summary: `Apply one change to up to ${BULK_MAX} tickets; each succeeds or fails on its own`,
        body: z.object({ ids: z.array(z.uuid()).min(1).max(BULK_MAX), patch: patchFields }).strict(),
        response: {
          200: z.object({
            results: z.array(
              z.object({
                id: z.string(),
                ok: z.boolean(),
                ticket: ticketSchema.optional(),
                error: z
                  .object({
                    code: z.string(),
                    detail: z.string(),
                    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })).optional(),
                  })
                  .optional(),
              }),
            ),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const results = await bulkUpdateTickets(ctxOf(request), request.body.ids, request.body.patch);
      return { results: results.map((r) => ({ ...r, ticket: r.ticket ? presentTicket(r.ticket) : undefined })) };
    },
  );

  app.post(
    "/api/v1/tickets/:id/merge",
    {
      schema: {
        tags,
        summary: "Merge other tickets into this one",
        params: ticketRef,
        body: z.object({ sourceIds: z.array(z.uuid()).min(1).max(20) }).strict(),
        response: { 200: ticketSchema, ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const target = await getTicket(ctx, request.params.id);
      return presentTicket(await mergeTickets(ctx, target.id, request.body.sourceIds));
    },
  );

  app.post(
    "/api/v1/tickets/:id/split",
    {
      schema: {
        tags,
        summary: "Move some messages to a new, linked ticket",
        params: ticketRef,
        body: z.object({ messageIds: z.array(z.uuid()).min(1).max(500), subject: z.string().min(1).max(500).optional() }).strict(),
        response: { 201: ticketSchema, ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      return reply.status(201).send(presentTicket(await splitTicket(ctx, ticket.id, request.body)));
    },
  );

  app.get(
    "/api/v1/tickets/:id/related",
    {
      schema: {
        tags,
        params: ticketRef,
        response: {
          200: z.object({ parent: ticketSchema.nullable(), children: z.array(ticketSchema), linked: z.array(ticketSchema) }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const related = await relatedTickets(ctxOf(request), request.params.id);
      return {
        parent: related.parent ? presentTicket(related.parent) : null,
        children: related.children.map(presentTicket),
        linked: related.linked.map(presentTicket),
      };
    },
  );

  app.post(
    "/api/v1/tickets/:id/links",
    { schema: { tags, params: ticketRef, body: z.object({ ticketId: z.uuid() }).strict() } },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      await linkTickets(ctx, ticket.id, request.body.ticketId);
      return reply.status(204).send();
    },
  );

  app.delete(
    "/api/v1/tickets/:id/links/:otherId",
    { schema: { tags, params: ticketRef.extend({ otherId: z.uuid() }).strict() } },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      await unlinkTickets(ctx, ticket.id, request.params.otherId);
      return reply.status(204).send();
    },
  );

  // ---------------------------------------------------------------- messages

  app.get(
    "/api/v1/tickets/:id/messages",
    {
      schema: {
        tags,
        summary: "The conversation, oldest first",
        params: ticketRef,
        querystring: z.object({ cursor: cursorSchema.optional(), limit: limitSchema.optional() }).strict(),
        response: { 200: pageOf(messageSchema), ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      const page = await listMessages(ctx, ticket.id, request.query);
      return { items: page.items.map(presentMessage), nextCursor: page.nextCursor };
    },
  );

  app.post(
    "/api/v1/tickets/:id/messages",
    {
      schema: {
        tags,
        summary: "Reply to the requester (outbound) or add an internal note",
        params: ticketRef,
        body: z
          .object({
            kind: z.enum(["outbound", "note"]),
            text: z.string().max(200_000).optional(),
            html: z.string().max(1_000_000).nullable().optional(),
            attachmentIds: z.array(z.uuid()).max(20).optional(),
            status: z.enum(ticketStatuses).optional(),
            expectedVersion: z.number().int().min(1).optional(),
            mentions: z
              .object({ agentIds: z.array(z.uuid()).max(50).optional(), teamIds: z.array(z.uuid()).max(20).optional() })
              .strict()
              .optional(),
          })
          .strict(),
        response: { 201: z.object({ message: messageSchema, ticket: ticketSchema }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      const result = await addMessage(ctx, ticket.id, request.body);
      return reply.status(201).send({ message: presentMessage(result.message), ticket: presentTicket(result.ticket) });
    },
  );

  app.get(
    "/api/v1/tickets/:id/activities",
    {
      schema: {
        tags,
        summary: "Everything that happened on the ticket, oldest first",
        params: ticketRef,
        querystring: z.object({ after: z.uuid().optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict(),
        response: { 200: pageOf(activitySchema), ...problemResponses },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const ticket = await getTicket(ctx, request.params.id);
      const page = await listTicketActivities(ctx, ticket.id, request.query);
      return { items: page.items.map(presentActivity), nextCursor: page.nextCursor };
    },
  );

  // ---------------------------------------------------------------- tags

  const tagSchema = z.object({ name: z.string(), description: z.string().nullable(), ticketCount: z.number().int() }).meta({ id: "Tag" });
  app.get(
    "/api/v1/tags",
    {
      schema: {
        tags: ["tags"],
        querystring: z.object({ q: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(500).optional() }).strict(),
        response: { 200: listOf(tagSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: await listTags(ctxOf(request), request.query) }),
  );
  app.put(
    "/api/v1/tags/:name",
    {
      schema: {
        tags: ["tags"],
        params: z.object({ name: z.string().min(1).max(64) }).strict(),
        body: z.object({ description: z.string().max(1000).nullable() }).strict(),
        response: { 200: tagSchema, ...problemResponses },
      },
    },
    async (request) => describeTag(ctxOf(request), request.params.name, request.body.description),
  );

  // ---------------------------------------------------------------- attachments

  await app.register(async (uploads) => {
    // Uploads arrive as the raw file body; every content type is read as bytes here.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: server.usher.config.maxAttachmentBytes + 1 }, (_req, body, done) =>
      done(null, body),
    );
    uploads.withTypeProvider<ZodTypeProvider>().post(
      "/api/v1/uploads",
      {
        bodyLimit: server.usher.config.maxAttachmentBytes + 1,
        schema: {
          tags: ["attachments"],
          summary: "Upload a file (raw body); attach it by id to the next message",
          querystring: z.object({ filename: z.string().min(1).max(255) }).strict(),
          response: { 201: attachmentSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const content = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const meta = await uploadAttachment(
          ctxOf(request),
          { filename: request.query.filename, contentType: request.headers["content-type"] ?? "application/octet-stream", content },
          { maxBytes: server.usher.config.maxAttachmentBytes },
        );
        return reply.status(201).send(presentAttachment(meta));
      },
    );
  });

  app.get(
    "/api/v1/attachments/:id",
    {
      schema: {
        tags: ["attachments"],
        params: z.object({ id: z.uuid() }).strict(),
        querystring: z.object({ inline: z.enum(["1", "0"]).optional() }).strict(),
      },
    },
    async (request, reply) => {
      const file = await getAttachment(ctxOf(request), request.params.id);
      // Served so that it can never run as a page of ours: no sniffing, sandboxed, a download unless a known-safe image.
      const inline = request.query.inline === "1" && /^image\/(png|jpeg|gif|webp)$/.test(file.contentType);
      return reply
        .header("content-type", file.contentType)
        .header("content-disposition", `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "sandbox; default-src 'none'")
        .header("cache-control", "private, max-age=3600")
        .send(file.content);
    },
  );
}
