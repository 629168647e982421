import { and, asc, desc, eq, inArray, isNotNull, isNull, lt, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { type Ctx, inTransaction } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { htmlToText, sanitiseHtml } from "../../platform/html";
import { newId } from "../../platform/ids";
import { recordActivity } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { getDesk } from "../desks/service";
import { assertDeskAccess, authorize, deskFilter } from "../identity/policy";
import { type KbArticleRow, type KbTranslationRow, type KbVersionRow, kbArticles, kbTranslations, kbVersions, kbWords } from "./schema";
import { getKbSection } from "./structure";
import { CONTENT_LOCALE, searchConfigFor, slugify } from "./text";

/**
 * Articles: drafts and published versions per locale. Every save appends a
 * version; publishing copies one version into the translation row, which is
 * what readers see and search finds. Nothing is overwritten, so any earlier
 * text can be restored by publishing its version again.
 */

export interface ArticleContent {
  title: string;
  summary?: string;
  bodyHtml: string;
  note?: string;
}

export interface NewArticle extends ArticleContent {
  deskId: string;
  locale: string;
  sectionId?: string | null;
  reviewBy?: string | null;
  promoted?: boolean;
  publish?: boolean;
  sourceMessageId?: string | null;
}

export interface ArticleWithTranslations extends KbArticleRow {
  translations: (KbTranslationRow & { draft: KbVersionRow | null })[];
}

const TITLE_MAX = 200;
const SUMMARY_MAX = 500;
const BODY_MAX = 500_000;

function checkContent(input: ArticleContent, locale: string) {
  const problems = [];
  if (!CONTENT_LOCALE.test(locale)) problems.push({ path: "locale", message: "an ISO 639 language code" });
  if (!input.title.trim() || input.title.length > TITLE_MAX) problems.push({ path: "title", message: `1–${TITLE_MAX} characters` });
  if ((input.summary ?? "").length > SUMMARY_MAX) problems.push({ path: "summary", message: `at most ${SUMMARY_MAX} characters` });
  if (input.bodyHtml.length > BODY_MAX) problems.push({ path: "bodyHtml", message: `at most ${BODY_MAX} characters` });
  if (problems.length) throw invalid(problems);
}

/** Sanitised, card numbers masked: an article is public text. */
function cleanContent(input: ArticleContent) {
  return {
    title: redactCardNumbers(input.title.trim()).text,
    summary: redactCardNumbers((input.summary ?? "").trim()).text,
    bodyHtml: redactCardNumbers(sanitiseHtml(input.bodyHtml)).text,
  };
}

export async function createArticle(ctx: Ctx, input: NewArticle): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.write");
  checkContent(input, input.locale);
  if (input.reviewBy && !DateTime.fromISO(input.reviewBy).isValid) throw invalid([{ path: "reviewBy", message: "a date, YYYY-MM-DD" }]);
  const articleId = await inTransaction(ctx, async (tx) => {
    await getDesk(tx, input.deskId);
    if (input.sectionId) {
      const section = await getKbSection(tx, input.sectionId).catch(() => undefined);
      if (!section || section.deskId !== input.deskId) throw invalid([{ path: "sectionId", message: "no such section on this desk" }]);
    }
    const now = tx.clock.now();
    const id = newId();
    const [{ next }] = (await tx.db
      .select({ next: sql<number>`coalesce(max(${kbArticles.number}), 0) + 1` })
      .from(kbArticles)
      .where(eq(kbArticles.workspaceId, tx.workspaceId))) as [{ next: number }];
    await tx.db.insert(kbArticles).values({
      id,
      workspaceId: tx.workspaceId,
      deskId: input.deskId,
      sectionId: input.sectionId ?? null,
      number: Number(next),
      sourceLocale: input.locale,
      reviewBy: input.reviewBy ?? null,
      promoted: input.promoted ?? false,
      createdByAgentId: tx.actor.kind === "agent" ? tx.actor.agentId : null,
      sourceMessageId: input.sourceMessageId ?? null,
      createdAt: now,
      updatedAt: now,
    });
    await recordActivity(tx, {
      type: "kb_article.created",
      subjectType: "kb_article",
      subjectId: id,
      data: { deskId: input.deskId, locale: input.locale },
    });
    await saveDraftIn(
      tx,
      { id, deskId: input.deskId, number: Number(next), promoted: input.promoted ?? false, archivedAt: null },
      input.locale,
      input,
    );
    if (input.publish) await publishIn(tx, id, input.locale);
    return id;
  });
  return getArticle(ctx, articleId);
}

/** Saves a new version of one locale (a translation is created by its first save). */
export async function saveDraft(
  ctx: Ctx,
  articleId: string,
  locale: string,
  input: ArticleContent & { publish?: boolean },
): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.write");
  checkContent(input, locale);
  await inTransaction(ctx, async (tx) => {
    const article = await loadArticle(tx, articleId, { forUpdate: true });
    await saveDraftIn(tx, article, locale, input);
    if (input.publish) await publishIn(tx, article.id, locale);
  });
  return getArticle(ctx, articleId);
}

async function saveDraftIn(
  ctx: Ctx,
  article: Pick<KbArticleRow, "id" | "deskId" | "number" | "promoted" | "archivedAt">,
  locale: string,
  input: ArticleContent,
) {
  const articleId = article.id;
  const content = cleanContent(input);
  const now = ctx.clock.now();
  const [existing] = await ctx.db
    .select({ latestVersion: kbTranslations.latestVersion })
    .from(kbTranslations)
    .where(and(eq(kbTranslations.articleId, articleId), eq(kbTranslations.locale, locale)));
  const number = (existing?.latestVersion ?? 0) + 1;
  await ctx.db.insert(kbVersions).values({
    workspaceId: ctx.workspaceId,
    articleId,
    locale,
    number,
    ...content,
    authorAgentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : null,
    note: input.note?.slice(0, 500) ?? null,
    createdAt: now,
  });
  if (existing) {
    await ctx.db
      .update(kbTranslations)
      .set({ latestVersion: number, updatedAt: now })
      .where(and(eq(kbTranslations.articleId, articleId), eq(kbTranslations.locale, locale)));
  } else {
    await ctx.db.insert(kbTranslations).values({
      workspaceId: ctx.workspaceId,
      articleId,
      deskId: article.deskId,
      number: article.number,
      promoted: article.promoted,
      archived: article.archivedAt !== null,
      locale,
      latestVersion: number,
      publishedVersion: null,
      searchConfig: searchConfigFor(locale),
      updatedAt: now,
    });
  }
  await ctx.db.update(kbArticles).set({ updatedAt: now }).where(eq(kbArticles.id, articleId));
  await recordActivity(ctx, {
    type: "kb_article.draft_saved",
    subjectType: "kb_article",
    subjectId: articleId,
    data: { locale, version: number },
  });
}

/** Publishes a version (the latest when none is named) of one locale. */
export async function publishArticle(ctx: Ctx, articleId: string, locale: string, version?: number): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.write");
  await inTransaction(ctx, async (tx) => {
    await loadArticle(tx, articleId, { forUpdate: true });
    await publishIn(tx, articleId, locale, version);
  });
  return getArticle(ctx, articleId);
}

async function publishIn(ctx: Ctx, articleId: string, locale: string, version?: number) {
  const [translation] = await ctx.db
    .select({ latestVersion: kbTranslations.latestVersion })
    .from(kbTranslations)
    .where(and(eq(kbTranslations.articleId, articleId), eq(kbTranslations.locale, locale)));
  if (!translation) throw notFound("translation", locale);
  const number = version ?? translation.latestVersion;
  const [chosen] = await ctx.db
    .select()
    .from(kbVersions)
    .where(and(eq(kbVersions.articleId, articleId), eq(kbVersions.locale, locale), eq(kbVersions.number, number)));
  if (!chosen) throw invalid([{ path: "version", message: `no version ${number} in ${locale}` }]);
  const now = ctx.clock.now();
  const bodyText = htmlToText(chosen.bodyHtml);
  await ctx.db
    .update(kbTranslations)
    .set({
      publishedVersion: number,
      title: chosen.title,
      slug: slugify(chosen.title),
      summary: chosen.summary || bodyText.slice(0, 160),
      bodyHtml: chosen.bodyHtml,
      bodyText,
      publishedAt: now,
      updatedAt: now,
    })
    .where(and(eq(kbTranslations.articleId, articleId), eq(kbTranslations.locale, locale)));
  await learnWords(ctx, locale, `${chosen.title} ${chosen.summary} ${bodyText}`);
  await recordActivity(ctx, {
    type: "kb_article.published",
    subjectType: "kb_article",
    subjectId: articleId,
    data: { locale, version: number },
  });
}

/** Adds the words of a published text to the vocabulary typo correction chooses from. */
async function learnWords(ctx: Ctx, locale: string, text: string) {
  const words = [
    ...new Set(
      text
        .slice(0, 200_000)
        .normalize("NFKC")
        .toLowerCase()
        .match(/[\p{L}\p{N}]+/gu) ?? [],
    ),
  ].filter((w) => w.length >= 3 && w.length <= 40 && !/^\d+$/.test(w));
  for (let i = 0; i < words.length; i += 1000) {
    const chunk = words.slice(i, i + 1000);
    await ctx.db
      .insert(kbWords)
      .values(chunk.map((word) => ({ workspaceId: ctx.workspaceId, locale, word })))
      .onConflictDoNothing();
  }
}

export async function unpublishArticle(ctx: Ctx, articleId: string, locale: string): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.write");
  await inTransaction(ctx, async (tx) => {
    await loadArticle(tx, articleId, { forUpdate: true });
    const rows = await tx.db
      .update(kbTranslations)
      .set({ publishedVersion: null, updatedAt: tx.clock.now() })
      .where(
        and(eq(kbTranslations.workspaceId, tx.workspaceId), eq(kbTranslations.articleId, articleId), eq(kbTranslations.locale, locale)),
      )
      .returning({ locale: kbTranslations.locale });
    if (rows.length === 0) throw notFound("translation", locale);
    await recordActivity(tx, { type: "kb_article.unpublished", subjectType: "kb_article", subjectId: articleId, data: { locale } });
  });
  return getArticle(ctx, articleId);
}

export interface ArticlePatch {
  sectionId?: string | null;
  reviewBy?: string | null;
  promoted?: boolean;
  position?: number;
  archived?: boolean;
}

export async function updateArticle(ctx: Ctx, articleId: string, patch: ArticlePatch): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, patch.archived !== undefined || patch.promoted !== undefined ? "kb.manage" : "kb.write");
  if (patch.reviewBy && !DateTime.fromISO(patch.reviewBy).isValid) throw invalid([{ path: "reviewBy", message: "a date, YYYY-MM-DD" }]);
  await inTransaction(ctx, async (tx) => {
    const before = await loadArticle(tx, articleId, { forUpdate: true });
    if (patch.sectionId) {
      const section = await getKbSection(tx, patch.sectionId).catch(() => undefined);
      if (!section || section.deskId !== before.deskId) throw invalid([{ path: "sectionId", message: "no such section on this desk" }]);
    }
    const { archived, ...fields } = patch;
    const set: Partial<KbArticleRow> = { ...fields, updatedAt: tx.clock.now() };
    if (archived !== undefined) set.archivedAt = archived ? (before.archivedAt ?? tx.clock.now()) : null;
    await tx.db.update(kbArticles).set(set).where(eq(kbArticles.id, articleId));
    if (archived !== undefined || patch.promoted !== undefined) {
      await tx.db
        .update(kbTranslations)
        .set({ ...(archived !== undefined ? { archived } : {}), ...(patch.promoted !== undefined ? { promoted: patch.promoted } : {}) })
        .where(and(eq(kbTranslations.workspaceId, tx.workspaceId), eq(kbTranslations.articleId, articleId)));
    }
    const changes: Record<string, [unknown, unknown]> = {};
    for (const [k, v] of Object.entries(set)) {
      if (k !== "updatedAt" && (before as unknown as Record<string, unknown>)[k] !== v)
        changes[k] = [(before as unknown as Record<string, unknown>)[k], v];
    }
    await recordActivity(tx, { type: "kb_article.updated", subjectType: "kb_article", subjectId: articleId, changes });
  });
  return getArticle(ctx, articleId);
}

async function loadArticle(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<KbArticleRow> {
  const query = ctx.db
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, id)));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("article", id);
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("article", id));
  return row;
}

/** An article with every translation and, per translation, its newest version (the draft). */
export async function getArticle(ctx: Ctx, id: string): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.read");
  const article = await loadArticle(ctx, id);
  const [withTranslations] = await attachTranslations(ctx, [article]);
  return withTranslations!;
}

async function attachTranslations(ctx: Ctx, articles: KbArticleRow[]): Promise<ArticleWithTranslations[]> {
  if (articles.length === 0) return [];
  const ids = articles.map((a) => a.id);
  const translations = await ctx.db
    .select()
    .from(kbTranslations)
    .where(and(eq(kbTranslations.workspaceId, ctx.workspaceId), inArray(kbTranslations.articleId, ids)))
    .orderBy(asc(kbTranslations.locale));
  const drafts = await ctx.db
    .select()
    .from(kbVersions)
    .innerJoin(
      kbTranslations,
      and(
        eq(kbTranslations.articleId, kbVersions.articleId),
        eq(kbTranslations.locale, kbVersions.locale),
        eq(kbTranslations.latestVersion, kbVersions.number),
      ),
    )
    .where(and(eq(kbVersions.workspaceId, ctx.workspaceId), inArray(kbVersions.articleId, ids)));
  return articles.map((a) => ({
    ...a,
    translations: translations
      .filter((t) => t.articleId === a.id)
      .map((t) => ({
        ...t,
        draft:
          drafts.find((d) => d.kb_article_versions.articleId === a.id && d.kb_article_versions.locale === t.locale)?.kb_article_versions ??
          null,
      })),
  }));
}

export async function listVersions(ctx: Ctx, articleId: string, locale: string): Promise<KbVersionRow[]> {
  authorize(ctx.actor, "kb.read");
  await loadArticle(ctx, articleId);
  return ctx.db
    .select()
    .from(kbVersions)
    .where(and(eq(kbVersions.workspaceId, ctx.workspaceId), eq(kbVersions.articleId, articleId), eq(kbVersions.locale, locale)))
    .orderBy(desc(kbVersions.number));
}

export interface ArticleFilter {
  deskId?: string;
  sectionId?: string;
  /** Only articles with nothing published, or with something published. */
  status?: "draft" | "published";
  includeArchived?: boolean;
  limit?: number;
}

export async function listArticles(ctx: Ctx, filter: ArticleFilter = {}): Promise<ArticleWithTranslations[]> {
  authorize(ctx.actor, "kb.read");
  const published = sql`exists (select 1 from ${kbTranslations} t where t.article_id = ${kbArticles.id} and t.published_version is not null)`;
  const rows = await ctx.db
    .select()
    .from(kbArticles)
    .where(
      and(
        eq(kbArticles.workspaceId, ctx.workspaceId),
        deskFilter(ctx.actor, kbArticles.deskId),
        filter.deskId ? eq(kbArticles.deskId, filter.deskId) : undefined,
        filter.sectionId ? eq(kbArticles.sectionId, filter.sectionId) : undefined,
        filter.includeArchived ? undefined : isNull(kbArticles.archivedAt),
        filter.status === "published" ? published : filter.status === "draft" ? sql`not ${published}` : undefined,
      ),
    )
    .orderBy(asc(kbArticles.deskId), asc(kbArticles.position), asc(kbArticles.number))
    .limit(Math.min(filter.limit ?? 500, 1000));
  return attachTranslations(ctx, rows);
}

/**
 * Articles whose review-by date has passed (seeds/001: "don't ignore
 * outdated articles"), oldest first. "Today" is in the desk's time zone.
 */
export async function listStaleArticles(ctx: Ctx, deskId?: string): Promise<ArticleWithTranslations[]> {
  authorize(ctx.actor, "kb.read");
  const timezone = deskId ? (await getDesk(ctx, deskId)).timezone : "UTC";
  const today = DateTime.fromJSDate(ctx.clock.now(), { zone: timezone }).toISODate()!;
  const rows = await ctx.db
    .select()
    .from(kbArticles)
    .where(
      and(
        eq(kbArticles.workspaceId, ctx.workspaceId),
        deskFilter(ctx.actor, kbArticles.deskId),
        deskId ? eq(kbArticles.deskId, deskId) : undefined,
        isNull(kbArticles.archivedAt),
        isNotNull(kbArticles.reviewBy),
        lt(kbArticles.reviewBy, today),
      ),
    )
    .orderBy(asc(kbArticles.reviewBy))
    .limit(500);
  return attachTranslations(ctx, rows);
}

export { loadArticle };
