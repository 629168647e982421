import type { FastifyInstance, FastifyReply, FastifyRequest, RouteGenericInterface } from "fastify";
import { DomainError } from "../../../platform/errors";
import { recordReaderEvent, voteOnArticle } from "../../kb/analytics";
import { articleUrl } from "../../kb/agent";
import { getPublicKbFile } from "../../kb/files";
import type { Html } from "../../kb/html";
import {
  getPublicArticle,
  getPublicArticlesByIds,
  listPublicArticles,
  listPublicStructure,
  popularArticleIds,
  sitemapEntries,
} from "../../kb/public";
import { searchArticles } from "../../kb/search";
import { CSS, CSS_PATH, JS, JS_PATH } from "./assets";
import { type Site, articlePath, hc } from "./layout";
import { articlePage, deskChooserPage, homePage, notFoundPage, searchPage, sectionPage } from "./pages";
import { formBody, preferredLocale, publicDesksFor, resolveSite, workspaceFor } from "./site";

/**
 * The public help center: server-rendered pages with clean URLs, a sitemap,
 * and two small JSON endpoints for search as you type. Reading is
 * anonymous; what readers do is counted against a random visitor id.
 */

const CSP =
  "default-src 'self'; img-src 'self' https: data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export function sendPage(reply: FastifyReply, body: Html, status = 200) {
  return reply
    .status(status)
    .header("content-type", "text/html; charset=utf-8")
    .header("content-security-policy", CSP)
    .header("x-content-type-options", "nosniff")
    .header("referrer-policy", "strict-origin-when-cross-origin")
    .header("cache-control", "no-cache")
    .send(body.value);
}

type Params = { desk: string; locale: string };
const BOT = /bot|crawl|spider|slurp|preview|monitor|headless(?!chrome)/i;
const JOURNEY = /^[A-Za-z0-9_-]{8,64}$/;

/** Resolves the site or answers 404; the handler runs only on a real site. */
export function onSite<R extends RouteGenericInterface & { Params: Params }>(
  handler: (site: Site, request: FastifyRequest<R>, reply: FastifyReply) => Promise<unknown>,
) {
  return async (request: FastifyRequest<R>, reply: FastifyReply) => {
    const params = request.params as Params;
    const site = await resolveSite(request, reply, params.desk, params.locale);
    if (!site) return reply.status(404).type("text/plain; charset=utf-8").send("No help center here");
    return handler(site, request, reply);
  };
}

export async function helpCenterRoutes(server: FastifyInstance) {
  const hide = { schema: { hide: true } };

  server.get(CSS_PATH, hide, async (_request, reply) =>
    reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=31536000, immutable").send(CSS),
  );
  server.get(JS_PATH, hide, async (_request, reply) =>
    reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=31536000, immutable").send(JS),
  );

  server.get("/help", hide, async (request, reply) => {
    const found = await publicDesksFor(request);
    if (!found || found.desks.length === 0) return reply.status(404).type("text/plain; charset=utf-8").send("No help center here");
    if (found.desks.length === 1) return reply.redirect(`/help/${encodeURIComponent(found.desks[0]!.desk.key)}`, 302);
    const locale = preferredLocale(request, ["en", "uk", "es"]);
    return sendPage(
      reply,
      deskChooserPage({ app: server.usher, ctx: found.ctx, workspace: found.workspace, locale, base: "/help", visitorId: "" }, found.desks),
    );
  });

  server.get<{ Params: { desk: string } }>("/help/:desk", hide, async (request, reply) => {
    const found = await publicDesksFor(request);
    const desk = found?.desks.find((d) => d.desk.key === request.params.desk);
    if (!desk) return reply.status(404).type("text/plain; charset=utf-8").send("No help center here");
    // Accept-Language picks the language once; after that it is in the URL.
    return reply
      .header("vary", "accept-language")
      .redirect(`/help/${encodeURIComponent(desk.desk.key)}/${preferredLocale(request, desk.helpCenter.locales)}`, 302);
  });

  server.get<{ Params: Params }>(
    "/help/:desk/:locale",
    hide,
    onSite(async (site, _request, reply) => {
      const [structure, articles, popularIds] = await Promise.all([
        listPublicStructure(site.ctx, site.desk),
        listPublicArticles(site.ctx, site.desk, site.locale),
        popularArticleIds(site.ctx, site.desk.desk.id),
      ]);
      const popular = popularIds.map((id) => articles.find((a) => a.id === id)).filter((a) => a !== undefined);
      return sendPage(reply, homePage(site, { ...structure, articles, popular }));
    }),
  );

  server.get<{ Params: Params & { key: string } }>(
    "/help/:desk/:locale/sections/:key",
    hide,
    onSite(async (site, request, reply) => {
      const { categories, sections } = await listPublicStructure(site.ctx, site.desk);
      const section = sections.find((s) => s.key === request.params.key);
      if (!section) return sendPage(reply, notFoundPage(site), 404);
      const articles = await listPublicArticles(site.ctx, site.desk, site.locale, { sectionId: section.id });
      return sendPage(reply, sectionPage(site, { section, category: categories.find((c) => c.id === section.categoryId), articles }));
    }),
  );

  server.get<{ Params: Params & { ref: string }; Querystring: { journey?: string; voted?: string } }>(
    "/help/:desk/:locale/articles/:ref",
    hide,
    onSite(async (site, request, reply) => {
      const number = Number(/^(\d{1,9})(-|$)/.exec(request.params.ref)?.[1]);
      const found = Number.isFinite(number) ? await getPublicArticle(site.ctx, site.desk, number, site.locale) : undefined;
      if (!found) return sendPage(reply, notFoundPage(site), 404);
      const journey = request.query.journey && JOURNEY.test(request.query.journey) ? request.query.journey : null;
      // One address per article and language: an old slug or a bare number redirects to it.
      const wanted = `${found.article.number}-${found.translation.slug}`;
      if (!found.isFallback && decodeURIComponent(request.params.ref) !== wanted) {
        return reply.redirect(
          `${articlePath(site, found.translation.locale, found.article.number, found.translation.slug)}${journey ? `?journey=${journey}` : ""}`,
          301,
        );
      }
      if (!BOT.test(request.headers["user-agent"] ?? "")) {
        const base = {
          deskId: site.desk.desk.id,
          locale: found.translation.locale,
          articleId: found.article.id,
          visitorId: site.visitorId,
        };
        await recordReaderEvent(site.ctx, { ...base, kind: "view" });
        if (journey) await recordReaderEvent(site.ctx, { ...base, kind: "suggestion_opened", journeyId: journey });
      }
      const { sections } = await listPublicStructure(site.ctx, site.desk);
      const siblings = found.article.sectionId
        ? (await listPublicArticles(site.ctx, site.desk, site.locale, { sectionId: found.article.sectionId }))
            .filter((a) => a.id !== found.article.id)
            .slice(0, 5)
        : [];
      const voted = request.query.voted === "yes" ? true : request.query.voted === "no" ? false : null;
      return sendPage(
        reply,
        articlePage(site, {
          ...found,
          section: sections.find((s) => s.id === found.article.sectionId),
          journeyId: journey,
          voted,
          related: siblings,
        }),
      );
    }),
  );

  server.post<{ Params: Params & { number: string } }>(
    "/help/:desk/:locale/articles/:number/feedback",
    { ...hide, config: { rateLimit: { max: 30, timeWindow: "1 minute", allowList: () => false } } },
    onSite(async (site, request, reply) => {
      const form = formBody(request);
      const helpful = form.get("helpful");
      if (helpful !== "yes" && helpful !== "no") throw new DomainError("validation.failed", "Say yes or no");
      const found = await getPublicArticle(site.ctx, site.desk, Number(request.params.number), site.locale);
      if (!found) return sendPage(reply, notFoundPage(site), 404);
      const counts = await voteOnArticle(site.ctx, {
        deskId: site.desk.desk.id,
        articleId: found.article.id,
        visitorId: site.visitorId,
        locale: found.translation.locale,
        helpful: helpful === "yes",
      });
      if ((request.headers.accept ?? "").includes("application/json")) return counts;
      return reply.redirect(
        `${articlePath(site, found.translation.locale, found.article.number, found.translation.slug)}?voted=${helpful}#fb`,
        303,
      );
    }),
  );

  server.get<{ Params: Params; Querystring: { q?: string } }>(
    "/help/:desk/:locale/search",
    hide,
    onSite(async (site, request, reply) => {
      const query = String(request.query.q ?? "").slice(0, 200);
      const result = query.trim()
        ? await searchArticles(site.ctx, { deskId: site.desk.desk.id, locale: site.locale, query, limit: 20 })
        : { hits: [], corrected: false, terms: [] };
      if (query.trim()) {
        await recordReaderEvent(site.ctx, {
          deskId: site.desk.desk.id,
          kind: "search",
          locale: site.locale,
          query,
          resultCount: result.hits.length,
          visitorId: site.visitorId,
        });
      }
      return sendPage(reply, searchPage(site, { query, hits: result.hits, corrected: result.corrected ? result.terms.join(" ") : null }));
    }),
  );

  server.get<{ Params: Params; Querystring: { q?: string } }>(
    "/help/:desk/:locale/search.json",
    { ...hide, config: { rateLimit: { max: 240, timeWindow: "1 minute", allowList: () => false } } },
    onSite(async (site, request, reply) => {
      const query = String(request.query.q ?? "").slice(0, 200);
      const { hits } =
        query.trim().length >= 2
          ? await searchArticles(site.ctx, { deskId: site.desk.desk.id, locale: site.locale, query, limit: 6, snippets: false })
          : { hits: [] };
      // Hits in the asked locale only; titles and summaries are already plain text.
      const articles = await getPublicArticlesByIds(
        site.ctx,
        site.desk,
        hits.map((h) => h.articleId),
        site.locale,
      );
      return reply.header("cache-control", "no-store").send({
        hits: articles.map((a) => ({ title: a.title, summary: a.summary, url: articlePath(site, a.locale, a.number, a.slug) })),
        status: hc(site, "resultCount", { count: articles.length }),
      });
    }),
  );

  server.get<{ Params: { desk: string; id: string; name: string } }>("/help/:desk/files/:id/:name", hide, async (request, reply) => {
    const workspace = await workspaceFor(request);
    const id = request.params.id;
    if (!workspace || !/^[0-9a-f-]{36}$/.test(id)) return reply.status(404).send();
    const ctx = server.usher.ctx(workspace.id, { kind: "system", name: "helpcenter" });
    const desk = (await publicDesksFor(request))?.desks.find((d) => d.desk.key === request.params.desk);
    if (!desk) return reply.status(404).send();
    const file = await getPublicKbFile(ctx, desk.desk.id, id).catch(() => undefined);
    if (!file) return reply.status(404).send();
    const inline = file.contentType.startsWith("image/") || file.contentType === "application/pdf";
    return reply
      .type(file.contentType)
      .header("content-disposition", `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
      .header("x-content-type-options", "nosniff")
      .header("content-security-policy", "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'")
      .header("cache-control", "public, max-age=3600")
      .header("etag", `"${file.sha256.slice(0, 32)}"`)
      .send(file.content);
  });

  server.get("/sitemap.xml", hide, async (request, reply) => {
    const found = await publicDesksFor(request);
    if (!found) return reply.status(404).send();
    const publicUrl = server.usher.config.publicUrl;
    const entries = await sitemapEntries(found.ctx);
    const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
    const urls = [
      ...found.desks.flatMap((d) =>
        d.helpCenter.locales.map((l) => `<url><loc>${xmlEscape(`${publicUrl}/help/${encodeURIComponent(d.desk.key)}/${l}`)}</loc></url>`),
      ),
      ...entries.map((e) => {
        const loc = articleUrl(publicUrl, e.deskKey, e.locale, e.number, e.slug);
        const siblings = entries.filter((o) => o.deskKey === e.deskKey && o.number === e.number);
        const alternates =
          siblings.length > 1
            ? siblings
                .map(
                  (o) =>
                    `<xhtml:link rel="alternate" hreflang="${o.locale}" href="${xmlEscape(articleUrl(publicUrl, o.deskKey, o.locale, o.number, o.slug))}"/>`,
                )
                .join("")
            : "";
        return `<url><loc>${xmlEscape(loc)}</loc><lastmod>${e.updatedAt.toISOString()}</lastmod>${alternates}</url>`;
      }),
    ];
    return reply
      .type("application/xml; charset=utf-8")
      .send(
        `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">\n${urls.join("\n")}\n</urlset>\n`,
      );
  });

  server.get("/robots.txt", hide, async (_request, reply) =>
    reply
      .type("text/plain; charset=utf-8")
      .send(
        `User-agent: *\nDisallow: /api/\nDisallow: /help/*/requests\nAllow: /help/\nSitemap: ${server.usher.config.publicUrl}/sitemap.xml\n`,
      ),
  );
}
