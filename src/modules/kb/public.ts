import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import type { Db } from "../../platform/db";
import { query } from "../../platform/db";
import { desks, type DeskRow } from "../desks/schema";
import { workspaces, type WorkspaceRow } from "../workspaces/schema";
import {
  type HelpCenterRow,
  type KbArticleRow,
  type KbCategoryRow,
  type KbSectionRow,
  type KbTranslationRow,
  helpCenters,
  kbArticles,
  kbCategories,
  kbSections,
  kbTranslations,
} from "./schema";
import { listArticleFiles, type KbFileMeta } from "./files";

/**
 * What anyone may read: published translations of live articles on desks
 * whose help center is enabled. Nothing here authorizes an actor, because
 * nothing here returns anything private — every query says so itself.
 */

/**
 * The workspace a public request is for: the one whose help center is
 * served on the request's host name; else the configured one; else the
 * only workspace there is.
 */
export async function resolvePublicWorkspace(
  db: Db,
  host: string | undefined,
  configured: string | undefined,
): Promise<WorkspaceRow | undefined> {
  const hostname = host?.split(":")[0]?.toLowerCase();
  if (hostname) {
    const [byHost] = await db
      .select({ workspace: workspaces })
      .from(helpCenters)
      .innerJoin(workspaces, eq(workspaces.id, helpCenters.workspaceId))
      .where(eq(helpCenters.hostname, hostname))
      .limit(1);
    if (byHost) return byHost.workspace;
  }
  if (configured) {
    const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, configured));
    return row;
  }
  const rows = await db.select().from(workspaces).limit(2);
  return rows.length === 1 ? rows[0] : undefined;
}

export interface PublicDesk {
  desk: DeskRow;
  helpCenter: HelpCenterRow;
}

const defaults = (desk: DeskRow): HelpCenterRow => ({
  deskId: desk.id,
  workspaceId: desk.workspaceId,
  enabled: true,
  title: {},
  tagline: {},
  color: "#4338ca",
  logoFileId: null,
  locales: [desk.defaultLanguage],
  hostname: null,
  updatedAt: desk.createdAt,
});

/** Desks with an enabled help center, in name order. */
export async function listPublicDesks(ctx: Ctx): Promise<PublicDesk[]> {
  const rows = await ctx.db
    .select({ desk: desks, helpCenter: helpCenters })
    .from(desks)
    .leftJoin(helpCenters, eq(helpCenters.deskId, desks.id))
    .where(and(eq(desks.workspaceId, ctx.workspaceId), isNull(desks.archivedAt)))
    .orderBy(asc(desks.name));
  return rows
    .map((r) => ({ desk: r.desk, helpCenter: r.helpCenter ?? defaults(r.desk) }))
    .filter((d) => d.helpCenter.enabled && d.desk.kind !== "internal");
}

export async function getPublicDesk(ctx: Ctx, key: string): Promise<PublicDesk | undefined> {
  return (await listPublicDesks(ctx)).find((d) => d.desk.key === key);
}

export interface PublicArticleSummary {
  id: string;
  number: number;
  sectionId: string | null;
  promoted: boolean;
  locale: string;
  title: string;
  slug: string;
  summary: string;
}

/**
 * Every live article of a desk with its best published translation for a
 * locale (the locale, else the help center's default, else the source).
 */
export async function listPublicArticles(
  ctx: Ctx,
  desk: PublicDesk,
  locale: string,
  options: { sectionId?: string } = {},
): Promise<PublicArticleSummary[]> {
  const rows = await ctx.db
    .select({ article: kbArticles, translation: kbTranslations })
    .from(kbArticles)
    .innerJoin(kbTranslations, and(eq(kbTranslations.articleId, kbArticles.id), isNotNull(kbTranslations.publishedVersion)))
    .where(
      and(
        eq(kbArticles.workspaceId, ctx.workspaceId),
        eq(kbArticles.deskId, desk.desk.id),
        isNull(kbArticles.archivedAt),
        options.sectionId ? eq(kbArticles.sectionId, options.sectionId) : undefined,
      ),
    )
    .orderBy(desc(kbArticles.promoted), asc(kbArticles.position), asc(kbArticles.number));
  return bestTranslations(rows, locale, desk.helpCenter.locales);
}

function bestTranslations(
  rows: { article: KbArticleRow; translation: KbTranslationRow }[],
  locale: string,
  locales: string[],
): PublicArticleSummary[] {
  const byArticle = new Map<string, { article: KbArticleRow; translations: KbTranslationRow[] }>();
  for (const r of rows) {
    const entry = byArticle.get(r.article.id) ?? { article: r.article, translations: [] };
    entry.translations.push(r.translation);
    byArticle.set(r.article.id, entry);
  }
  return [...byArticle.values()].map(({ article, translations }) => {
    const t = chooseTranslation(translations, locale, [...locales, article.sourceLocale])!;
    return {
      id: article.id,
      number: article.number,
      sectionId: article.sectionId,
      promoted: article.promoted,
      locale: t.locale,
      title: t.title,
      slug: t.slug,
      summary: t.summary,
    };
  });
}

export function chooseTranslation<T extends { locale: string }>(translations: T[], locale: string, fallbacks: string[]): T | undefined {
  for (const l of [locale, ...fallbacks]) {
    const found = translations.find((t) => t.locale === l);
    if (found) return found;
  }
  return translations[0];
}

export async function listPublicStructure(ctx: Ctx, desk: PublicDesk): Promise<{ categories: KbCategoryRow[]; sections: KbSectionRow[] }> {
  const [categories, sections] = await Promise.all([
    ctx.db
      .select()
      .from(kbCategories)
      .where(and(eq(kbCategories.workspaceId, ctx.workspaceId), eq(kbCategories.deskId, desk.desk.id)))
      .orderBy(asc(kbCategories.position), asc(kbCategories.key)),
    ctx.db
      .select()
      .from(kbSections)
      .where(and(eq(kbSections.workspaceId, ctx.workspaceId), eq(kbSections.deskId, desk.desk.id)))
      .orderBy(asc(kbSections.position), asc(kbSections.key)),
  ]);
  return { categories, sections };
}

export interface PublicArticle {
  article: KbArticleRow;
  translation: KbTranslationRow;
  /** Every published locale, for hreflang links and the language switcher. */
  alternates: { locale: string; slug: string }[];
  files: KbFileMeta[];
  /** The locale asked for is not published: this is the fallback. */
  isFallback: boolean;
}

export async function getPublicArticle(ctx: Ctx, desk: PublicDesk, number: number, locale: string): Promise<PublicArticle | undefined> {
  const [article] = await ctx.db
    .select()
    .from(kbArticles)
    .where(
      and(
        eq(kbArticles.workspaceId, ctx.workspaceId),
        eq(kbArticles.deskId, desk.desk.id),
        eq(kbArticles.number, number),
        isNull(kbArticles.archivedAt),
      ),
    );
  if (!article) return undefined;
  const translations = await ctx.db
    .select()
    .from(kbTranslations)
    .where(
      and(
        eq(kbTranslations.workspaceId, ctx.workspaceId),
        eq(kbTranslations.articleId, article.id),
        isNotNull(kbTranslations.publishedVersion),
      ),
    );
  const translation = chooseTranslation(translations, locale, [...desk.helpCenter.locales, article.sourceLocale]);
  if (!translation) return undefined;
  return {
    article,
    translation,
    alternates: translations.map((t) => ({ locale: t.locale, slug: t.slug })).sort((a, b) => a.locale.localeCompare(b.locale)),
    files: await listArticleFiles(ctx, article.id, { listedOnly: true }),
    isFallback: translation.locale !== locale,
  };
}

/** Articles by id with their best translation (search hits in another locale, suggestions). */
export async function getPublicArticlesByIds(ctx: Ctx, desk: PublicDesk, ids: string[], locale: string): Promise<PublicArticleSummary[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db
    .select({ article: kbArticles, translation: kbTranslations })
    .from(kbArticles)
    .innerJoin(kbTranslations, and(eq(kbTranslations.articleId, kbArticles.id), isNotNull(kbTranslations.publishedVersion)))
    .where(
      and(
        eq(kbArticles.workspaceId, ctx.workspaceId),
        eq(kbArticles.deskId, desk.desk.id),
        inArray(kbArticles.id, ids),
        isNull(kbArticles.archivedAt),
      ),
    );
  const found = bestTranslations(rows, locale, desk.helpCenter.locales);
  return ids.map((id) => found.find((f) => f.id === id)).filter((f): f is PublicArticleSummary => Boolean(f));
}

/** Most read in the last 30 days, promoted first: the help center's front page. */
export async function popularArticleIds(ctx: Ctx, deskId: string, limit = 6): Promise<string[]> {
  const since = new Date(ctx.clock.now().getTime() - 30 * 86_400_000).toISOString();
  const rows = await query<{ id: string }>(
    ctx.db,
    sql`select a.id from kb_articles a
        left join (select article_id, count(*) as n from kb_events
                   where workspace_id = ${ctx.workspaceId} and desk_id = ${deskId} and kind = 'view' and created_at >= ${since}::timestamptz
                   group by article_id) v on v.article_id = a.id
        where a.workspace_id = ${ctx.workspaceId} and a.desk_id = ${deskId} and a.archived_at is null
          and exists (select 1 from kb_article_translations t where t.article_id = a.id and t.published_version is not null)
        order by a.promoted desc, coalesce(v.n, 0) desc, a.number limit ${limit}`,
  );
  return rows.map((r) => r.id);
}

export interface SitemapEntry {
  deskKey: string;
  locale: string;
  number: number;
  slug: string;
  updatedAt: Date;
}

export async function sitemapEntries(ctx: Ctx): Promise<SitemapEntry[]> {
  const open = (await listPublicDesks(ctx)).map((d) => d.desk.id);
  if (open.length === 0) return [];
  const rows = await ctx.db
    .select({
      deskKey: desks.key,
      locale: kbTranslations.locale,
      number: kbArticles.number,
      slug: kbTranslations.slug,
      updatedAt: kbTranslations.publishedAt,
    })
    .from(kbTranslations)
    .innerJoin(kbArticles, eq(kbArticles.id, kbTranslations.articleId))
    .innerJoin(desks, eq(desks.id, kbArticles.deskId))
    .where(
      and(
        eq(kbTranslations.workspaceId, ctx.workspaceId),
        isNotNull(kbTranslations.publishedVersion),
        isNull(kbArticles.archivedAt),
        inArray(kbArticles.deskId, open),
      ),
    )
    .orderBy(asc(desks.key), asc(kbArticles.number), asc(kbTranslations.locale))
    .limit(50_000);
  return rows.map((r) => ({ ...r, updatedAt: r.updatedAt ?? new Date(0) }));
}
