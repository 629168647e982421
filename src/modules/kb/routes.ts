import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { idParams, problemResponses } from "../../platform/http";
import { keySchema, listOf } from "../../platform/validation";
import { getDesk } from "../desks/service";
import { ctxOf } from "../identity/http";
import { articleForReply, draftArticleFromMessage, suggestArticlesForTicket } from "./agent";
import { articleStats, deskSummary, searchesWithoutResults } from "./analytics";
import {
  createArticle,
  getArticle,
  listArticles,
  listStaleArticles,
  listVersions,
  publishArticle,
  saveDraft,
  unpublishArticle,
  updateArticle,
} from "./articles";
import { getKbFile, listArticleFiles, uploadKbFile } from "./files";
import {
  articleSchema,
  articleStatsSchema,
  deskSummarySchema,
  helpCenterSchema,
  kbCategorySchema,
  kbFileSchema,
  kbSectionSchema,
  presentArticle,
  presentGap,
  presentHelpCenter,
  presentKbCategory,
  presentKbFile,
  presentKbSection,
  presentStats,
  presentSummary,
  presentVersion,
  searchGapSchema,
} from "./presenter";
import { searchArticles } from "./search";
import {
  createKbCategory,
  createKbSection,
  getHelpCenter,
  listKbCategories,
  listKbSections,
  updateHelpCenter,
  updateKbCategory,
} from "./structure";
import { CONTENT_LOCALE } from "./text";

/** The knowledge base's API for agents and admins; the public reads it through the help center. */

const locale = z.string().regex(CONTENT_LOCALE, "an ISO 639 language code");
const translated = z.record(locale, z.string().max(2000));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date, YYYY-MM-DD");
const deskParams = z.object({ deskId: z.uuid() }).strict();
const translationParams = z.object({ id: z.uuid(), locale }).strict();
const content = {
  title: z.string().max(200),
  summary: z.string().max(500).optional(),
  bodyHtml: z.string().max(500_000),
  note: z.string().max(500).optional(),
};
const periodQuery = z
  .object({ deskId: z.uuid(), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), locale: locale.optional() })
  .strict();
const searchHitSchema = z.object({
  articleId: z.string(),
  number: z.number().int(),
  locale: z.string(),
  title: z.string(),
  summary: z.string(),
  snippet: z.string(),
  score: z.number(),
  url: z.string(),
});

export async function kbRoutes(server: FastifyInstance): Promise<void> {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const tags = ["knowledge base"];
  const publicUrl = server.usher.config.publicUrl;

  // ---------------------------------------------------------------- help center and structure

  app.get(
    "/api/v1/kb/desks/:deskId/help-center",
    {
      schema: {
        tags,
        summary: "A desk's help-center settings (branding, locales, host name)",
        params: deskParams,
        response: { 200: helpCenterSchema, ...problemResponses },
      },
    },
    async (request) => presentHelpCenter(await getHelpCenter(ctxOf(request), request.params.deskId)),
  );
  app.patch(
    "/api/v1/kb/desks/:deskId/help-center",
    {
      schema: {
        tags,
        params: deskParams,
        body: z
          .object({
            enabled: z.boolean().optional(),
            title: translated.optional(),
            tagline: translated.optional(),
            color: z.string().max(7).optional(),
            logoFileId: z.uuid().nullable().optional(),
            locales: z.array(locale).max(20).optional(),
            hostname: z.string().max(253).nullable().optional(),
          })
          .strict(),
        response: { 200: helpCenterSchema, ...problemResponses },
      },
    },
    async (request) => presentHelpCenter(await updateHelpCenter(ctxOf(request), request.params.deskId, request.body)),
  );
  app.get(
    "/api/v1/kb/desks/:deskId/categories",
    { schema: { tags, params: deskParams, response: { 200: listOf(kbCategorySchema), ...problemResponses } } },
    async (request) => ({ items: (await listKbCategories(ctxOf(request), request.params.deskId)).map(presentKbCategory) }),
  );
  const categoryBody = z
    .object({
      key: keySchema,
      name: translated,
      description: translated.optional(),
      position: z.number().int().min(0).max(10000).optional(),
    })
    .strict();
  app.post(
    "/api/v1/kb/desks/:deskId/categories",
    { schema: { tags, params: deskParams, body: categoryBody, response: { 201: kbCategorySchema, ...problemResponses } } },
    async (request, reply) =>
      reply.status(201).send(presentKbCategory(await createKbCategory(ctxOf(request), request.params.deskId, request.body))),
  );
  app.patch(
    "/api/v1/kb/categories/:id",
    { schema: { tags, params: idParams, body: categoryBody.partial().strict(), response: { 200: kbCategorySchema, ...problemResponses } } },
    async (request) => presentKbCategory(await updateKbCategory(ctxOf(request), request.params.id, request.body)),
  );
  app.get(
    "/api/v1/kb/desks/:deskId/sections",
    { schema: { tags, params: deskParams, response: { 200: listOf(kbSectionSchema), ...problemResponses } } },
    async (request) => ({ items: (await listKbSections(ctxOf(request), request.params.deskId)).map(presentKbSection) }),
  );
  app.post(
    "/api/v1/kb/sections",
    {
      schema: {
        tags,
        body: z
          .object({ categoryId: z.uuid(), key: keySchema, name: translated, position: z.number().int().min(0).max(10000).optional() })
          .strict(),
        response: { 201: kbSectionSchema, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(presentKbSection(await createKbSection(ctxOf(request), request.body))),
  );

  // ---------------------------------------------------------------- articles

  app.get(
    "/api/v1/kb/articles",
    {
      schema: {
        tags,
        querystring: z
          .object({
            deskId: z.uuid().optional(),
            sectionId: z.uuid().optional(),
            status: z.enum(["draft", "published"]).optional(),
            includeArchived: z.enum(["true", "false"]).optional(),
          })
          .strict(),
        response: { 200: listOf(articleSchema), ...problemResponses },
      },
    },
    async (request) => ({
      items: (await listArticles(ctxOf(request), { ...request.query, includeArchived: request.query.includeArchived === "true" })).map(
        presentArticle,
      ),
    }),
  );
  app.post(
    "/api/v1/kb/articles",
    {
      schema: {
        tags,
        summary: "Create an article (a draft unless `publish`)",
        body: z
          .object({
            deskId: z.uuid(),
            locale,
            sectionId: z.uuid().nullable().optional(),
            reviewBy: isoDate.nullable().optional(),
            promoted: z.boolean().optional(),
            publish: z.boolean().optional(),
            ...content,
          })
          .strict(),
        response: { 201: articleSchema, ...problemResponses },
      },
    },
    async (request, reply) => reply.status(201).send(presentArticle(await createArticle(ctxOf(request), request.body))),
  );
  app.get(
    "/api/v1/kb/articles/:id",
    { schema: { tags, params: idParams, response: { 200: articleSchema, ...problemResponses } } },
    async (request) => presentArticle(await getArticle(ctxOf(request), request.params.id)),
  );
  app.patch(
    "/api/v1/kb/articles/:id",
    {
      schema: {
        tags,
        params: idParams,
        body: z
          .object({
            sectionId: z.uuid().nullable().optional(),
            reviewBy: isoDate.nullable().optional(),
            promoted: z.boolean().optional(),
            position: z.number().int().min(0).max(100000).optional(),
            archived: z.boolean().optional(),
          })
          .strict(),
        response: { 200: articleSchema, ...problemResponses },
      },
    },
    async (request) => presentArticle(await updateArticle(ctxOf(request), request.params.id, request.body)),
  );
  app.put(
    "/api/v1/kb/articles/:id/translations/:locale",
    {
      schema: {
        tags,
        summary: "Save a new version of one language (creates the translation on first save)",
        params: translationParams,
        body: z.object({ ...content, publish: z.boolean().optional() }).strict(),
        response: { 200: articleSchema, ...problemResponses },
      },
    },
    async (request) => presentArticle(await saveDraft(ctxOf(request), request.params.id, request.params.locale, request.body)),
  );
  app.post(
    "/api/v1/kb/articles/:id/translations/:locale/publish",
    {
      schema: {
        tags,
        summary: "Publish a version (the newest by default; an older one restores it)",
        params: translationParams,
        body: z
          .object({ version: z.number().int().min(1).optional() })
          .strict()
          .optional(),
        response: { 200: articleSchema, ...problemResponses },
      },
    },
    async (request) =>
      presentArticle(await publishArticle(ctxOf(request), request.params.id, request.params.locale, request.body?.version)),
  );
  app.post(
    "/api/v1/kb/articles/:id/translations/:locale/unpublish",
    { schema: { tags, params: translationParams, response: { 200: articleSchema, ...problemResponses } } },
    async (request) => presentArticle(await unpublishArticle(ctxOf(request), request.params.id, request.params.locale)),
  );
  app.get(
    "/api/v1/kb/articles/:id/translations/:locale/versions",
    { schema: { tags, params: translationParams, response: { 200: listOf(z.object({}).loose()), ...problemResponses } } },
    async (request) => ({ items: (await listVersions(ctxOf(request), request.params.id, request.params.locale)).map(presentVersion) }),
  );
  app.get(
    "/api/v1/kb/stale-articles",
    {
      schema: {
        tags,
        summary: "Articles past their review-by date",
        querystring: z.object({ deskId: z.uuid().optional() }).strict(),
        response: { 200: listOf(articleSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await listStaleArticles(ctxOf(request), request.query.deskId)).map(presentArticle) }),
  );
  app.get(
    "/api/v1/kb/search",
    {
      schema: {
        tags,
        querystring: z
          .object({ deskId: z.uuid(), locale, q: z.string().min(1).max(200), limit: z.coerce.number().int().min(1).max(50).optional() })
          .strict(),
        response: {
          200: z.object({ items: z.array(searchHitSchema), terms: z.array(z.string()), corrected: z.boolean() }),
          ...problemResponses,
        },
      },
    },
    async (request) => {
      const ctx = ctxOf(request);
      const desk = await getDesk(ctx, request.query.deskId);
      const result = await searchArticles(ctx, {
        deskId: desk.id,
        locale: request.query.locale,
        query: request.query.q,
        limit: request.query.limit,
      });
      return {
        items: result.hits.map((h) => ({
          ...h,
          url: `${publicUrl}/help/${encodeURIComponent(desk.key)}/${h.locale}/articles/${h.number}-${encodeURIComponent(h.slug)}`,
        })),
        terms: result.terms,
        corrected: result.corrected,
      };
    },
  );

  // ---------------------------------------------------------------- for agents

  app.get(
    "/api/v1/tickets/:id/article-suggestions",
    {
      schema: {
        tags,
        summary: "Articles that may answer this ticket",
        params: idParams,
        response: { 200: listOf(searchHitSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: await suggestArticlesForTicket(ctxOf(request), request.params.id, publicUrl) }),
  );
  app.post(
    "/api/v1/kb/articles/:id/insertions",
    {
      schema: {
        tags,
        summary: "An article's link or text to insert into a reply (counted in analytics)",
        params: idParams,
        body: z.object({ format: z.enum(["link", "text"]), locale: locale.optional(), ticketId: z.uuid().optional() }).strict(),
        response: {
          200: z.object({
            articleId: z.string(),
            locale: z.string(),
            title: z.string(),
            url: z.string(),
            text: z.string(),
            html: z.string(),
          }),
          ...problemResponses,
        },
      },
    },
    async (request) => articleForReply(ctxOf(request), { articleId: request.params.id, ...request.body }, publicUrl),
  );
  app.post(
    "/api/v1/kb/articles/from-message/:messageId",
    {
      schema: {
        tags,
        summary: "Turn an agent's reply into a draft article",
        params: z.object({ messageId: z.uuid() }).strict(),
        body: z
          .object({ title: z.string().min(1).max(200).optional(), sectionId: z.uuid().nullable().optional(), locale: locale.optional() })
          .strict()
          .optional(),
        response: { 201: articleSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(presentArticle(await draftArticleFromMessage(ctxOf(request), request.params.messageId, request.body ?? {}))),
  );

  // ---------------------------------------------------------------- analytics

  const period = (q: z.infer<typeof periodQuery>) => ({ deskId: q.deskId, from: new Date(q.from), to: new Date(q.to), locale: q.locale });
  app.get(
    "/api/v1/kb/analytics/articles",
    {
      schema: {
        tags,
        summary: "Views, votes, deflections and self-service resolution per article",
        querystring: periodQuery,
        response: { 200: listOf(articleStatsSchema), ...problemResponses },
      },
    },
    async (request) => ({ items: (await articleStats(ctxOf(request), period(request.query))).map(presentStats) }),
  );
  app.get(
    "/api/v1/kb/analytics/searches-without-results",
    { schema: { tags, querystring: periodQuery, response: { 200: listOf(searchGapSchema), ...problemResponses } } },
    async (request) => ({ items: (await searchesWithoutResults(ctxOf(request), period(request.query))).map(presentGap) }),
  );
  app.get(
    "/api/v1/kb/analytics/summary",
    { schema: { tags, querystring: periodQuery, response: { 200: deskSummarySchema, ...problemResponses } } },
    async (request) => presentSummary(await deskSummary(ctxOf(request), period(request.query))),
  );

  // ---------------------------------------------------------------- files

  await app.register(async (uploads) => {
    // Files arrive as the raw body, like ticket uploads.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: server.usher.config.maxAttachmentBytes + 1 }, (_req, body, done) =>
      done(null, body),
    );
    uploads.withTypeProvider<ZodTypeProvider>().post(
      "/api/v1/kb/desks/:deskId/files",
      {
        bodyLimit: server.usher.config.maxAttachmentBytes + 1,
        schema: {
          tags,
          summary: "Upload an image or attachment for an article (or a logo)",
          params: deskParams,
          querystring: z
            .object({ filename: z.string().min(1).max(255), articleId: z.uuid().optional(), listed: z.enum(["true", "false"]).optional() })
            .strict(),
          response: { 201: kbFileSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const ctx = ctxOf(request);
        const desk = await getDesk(ctx, request.params.deskId);
        const meta = await uploadKbFile(
          ctx,
          {
            deskId: desk.id,
            articleId: request.query.articleId ?? null,
            filename: request.query.filename,
            contentType: request.headers["content-type"] ?? "application/octet-stream",
            content: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
            listed: request.query.listed === undefined ? undefined : request.query.listed === "true",
          },
          { maxBytes: server.usher.config.maxAttachmentBytes },
        );
        return reply.status(201).send(presentKbFile(meta, desk.key));
      },
    );
  });
  app.get(
    "/api/v1/kb/articles/:id/files",
    { schema: { tags, params: idParams, response: { 200: listOf(kbFileSchema), ...problemResponses } } },
    async (request) => {
      const ctx = ctxOf(request);
      const article = await getArticle(ctx, request.params.id);
      const desk = await getDesk(ctx, article.deskId);
      return { items: (await listArticleFiles(ctx, article.id)).map((f) => presentKbFile(f, desk.key)) };
    },
  );
  app.get("/api/v1/kb/files/:id", { schema: { tags, params: idParams } }, async (request, reply) => {
    const file = await getKbFile(ctxOf(request), request.params.id);
    return reply
      .type(file.contentType)
      .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "sandbox; default-src 'none'")
      .send(file.content);
  });
}
