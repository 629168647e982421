import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import type { ArticleStats, DeskSummary, SearchGap } from "./analytics";
import type { ArticleWithTranslations } from "./articles";
import type { KbFileMeta } from "./files";
import type { HelpCenterRow, KbCategoryRow, KbSectionRow, KbVersionRow } from "./schema";

const translatedSchema = z.record(z.string(), z.string());

export const helpCenterSchema = z
  .object({
    deskId: z.string(),
    enabled: z.boolean(),
    title: translatedSchema,
    tagline: translatedSchema,
    color: z.string(),
    logoFileId: z.string().nullable(),
    locales: z.array(z.string()),
    hostname: z.string().nullable(),
  })
  .meta({ id: "HelpCenter" });

export const presentHelpCenter = (h: HelpCenterRow): z.infer<typeof helpCenterSchema> => ({
  deskId: h.deskId,
  enabled: h.enabled,
  title: h.title,
  tagline: h.tagline,
  color: h.color,
  logoFileId: h.logoFileId,
  locales: h.locales,
  hostname: h.hostname,
});

export const kbCategorySchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    key: z.string(),
    name: translatedSchema,
    description: translatedSchema,
    position: z.number().int(),
  })
  .meta({ id: "KbCategory" });

export const presentKbCategory = (c: KbCategoryRow): z.infer<typeof kbCategorySchema> => ({
  id: c.id,
  deskId: c.deskId,
  key: c.key,
  name: c.name,
  description: c.description,
  position: c.position,
});

export const kbSectionSchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    categoryId: z.string(),
    key: z.string(),
    name: translatedSchema,
    position: z.number().int(),
  })
  .meta({ id: "KbSection" });

export const presentKbSection = (s: KbSectionRow): z.infer<typeof kbSectionSchema> => ({
  id: s.id,
  deskId: s.deskId,
  categoryId: s.categoryId,
  key: s.key,
  name: s.name,
  position: s.position,
});

const versionSchema = z
  .object({
    number: z.number().int(),
    title: z.string(),
    summary: z.string(),
    bodyHtml: z.string(),
    authorAgentId: z.string().nullable(),
    note: z.string().nullable(),
    createdAt: timestamp,
  })
  .meta({ id: "KbArticleVersion" });

export const presentVersion = (v: KbVersionRow): z.infer<typeof versionSchema> => ({
  number: v.number,
  title: v.title,
  summary: v.summary,
  bodyHtml: v.bodyHtml,
  authorAgentId: v.authorAgentId,
  note: v.note,
  createdAt: isoRequired(v.createdAt),
});

export const articleSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    deskId: z.string(),
    sectionId: z.string().nullable(),
    sourceLocale: z.string(),
    reviewBy: z.string().nullable(),
    promoted: z.boolean(),
    position: z.number().int(),
    archived: z.boolean(),
    sourceMessageId: z.string().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
    translations: z.array(
      z.object({
        locale: z.string(),
        status: z.enum(["draft", "published"]),
        publishedVersion: z.number().int().nullable(),
        latestVersion: z.number().int(),
        title: z.string(),
        slug: z.string(),
        summary: z.string(),
        bodyHtml: z.string(),
        publishedAt: nullableTimestamp,
        /** True when the newest version is not the one published. */
        hasUnpublishedChanges: z.boolean(),
        draft: versionSchema.nullable(),
      }),
    ),
  })
  .meta({ id: "KbArticle" });

export const presentArticle = (a: ArticleWithTranslations): z.infer<typeof articleSchema> => ({
  id: a.id,
  number: a.number,
  deskId: a.deskId,
  sectionId: a.sectionId,
  sourceLocale: a.sourceLocale,
  reviewBy: a.reviewBy,
  promoted: a.promoted,
  position: a.position,
  archived: a.archivedAt !== null,
  sourceMessageId: a.sourceMessageId,
  createdAt: isoRequired(a.createdAt),
  updatedAt: isoRequired(a.updatedAt),
  translations: a.translations.map((t) => ({
    locale: t.locale,
    status: t.publishedVersion === null ? ("draft" as const) : ("published" as const),
    publishedVersion: t.publishedVersion,
    latestVersion: t.latestVersion,
    title: t.title,
    slug: t.slug,
    summary: t.summary,
    bodyHtml: t.bodyHtml,
    publishedAt: iso(t.publishedAt),
    hasUnpublishedChanges: t.publishedVersion !== t.latestVersion,
    draft: t.draft ? presentVersion(t.draft) : null,
  })),
});

export const kbFileSchema = z
  .object({
    id: z.string(),
    deskId: z.string(),
    articleId: z.string().nullable(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    listed: z.boolean(),
    url: z.string(),
  })
  .meta({ id: "KbFile" });

export const presentKbFile = (f: KbFileMeta, deskKey: string): z.infer<typeof kbFileSchema> => ({
  id: f.id,
  deskId: f.deskId,
  articleId: f.articleId,
  filename: f.filename,
  contentType: f.contentType,
  size: f.size,
  listed: f.listed,
  /** Where the help center serves it once public; use this in an article's <img src>. */
  url: `/help/${encodeURIComponent(deskKey)}/files/${f.id}/${encodeURIComponent(f.filename)}`,
});

export const articleStatsSchema = z
  .object({
    articleId: z.string(),
    number: z.number().int(),
    title: z.string(),
    views: z.number().int(),
    readers: z.number().int(),
    helpful: z.number().int(),
    notHelpful: z.number().int(),
    deflections: z.number().int(),
    judgedReaders: z.number().int(),
    resolved: z.number().int(),
    resolutionRate: z.number().nullable(),
    promote: z.boolean(),
  })
  .meta({ id: "KbArticleStats" });

export const presentStats = (s: ArticleStats): z.infer<typeof articleStatsSchema> => s;

export const searchGapSchema = z
  .object({ query: z.string(), locale: z.string(), searches: z.number().int(), lastSearchedAt: timestamp })
  .meta({ id: "KbSearchGap" });
export const presentGap = (g: SearchGap): z.infer<typeof searchGapSchema> => ({ ...g, lastSearchedAt: isoRequired(g.lastSearchedAt) });

export const deskSummarySchema = z
  .object({
    views: z.number().int(),
    searches: z.number().int(),
    searchesWithoutResults: z.number().int(),
    requestsStarted: z.number().int(),
    requestsSubmitted: z.number().int(),
    deflections: z.number().int(),
    deflectionRate: z.number().nullable(),
  })
  .meta({ id: "KbDeskSummary" });
export const presentSummary = (s: DeskSummary): z.infer<typeof deskSummarySchema> => s;
