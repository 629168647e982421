import { sql } from "drizzle-orm";
import {
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { bytea } from "../../platform/columns";
import { desks } from "../desks/schema";
import { agents } from "../identity/schema";
import { workspaces } from "../workspaces/schema";

/**
 * The knowledge base: per desk, categories hold sections, sections hold
 * articles; an article has one translation per locale and an append-only
 * list of versions per translation. The translation row carries the
 * *published* text (what the help center shows and search finds); drafts
 * are versions newer than the published one.
 */

/** A text-search configuration name; to_tsvector(regconfig, text) is immutable, so a generated column may use it. */
const regconfig = customType<{ data: string }>({ dataType: () => "regconfig" });
const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** Names and descriptions translated in place: `{ "en": "Refunds", "uk": "Повернення" }`. */
export type Translated = Record<string, string>;

/** Per-desk help-center settings: branding and where it is served. */
export const helpCenters = pgTable(
  "kb_help_centers",
  {
    deskId: uuid("desk_id")
      .primaryKey()
      .references(() => desks.id, { onDelete: "cascade" }),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    enabled: boolean("enabled").notNull().default(true),
    /** Shown in the header and page titles; the desk's name when null. */
    title: jsonb("title").$type<Translated>().notNull().default({}),
    tagline: jsonb("tagline").$type<Translated>().notNull().default({}),
    /** Brand colour, #rrggbb. */
    color: text("color").notNull().default("#4338ca"),
    logoFileId: uuid("logo_file_id"),
    /** Locales the help center is published in; the first is the default. */
    locales: text("locales")
      .array()
      .notNull()
      .default(sql`'{en}'::text[]`),
    /** A host name served by this help center (help.example.com): requests on it resolve to this workspace. */
    hostname: text("hostname"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("kb_help_centers_hostname").on(t.hostname)],
);

export const kbCategories = pgTable(
  "kb_categories",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: jsonb("name").$type<Translated>().notNull(),
    description: jsonb("description").$type<Translated>().notNull().default({}),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("kb_categories_desk_key").on(t.workspaceId, t.deskId, t.key)],
);

export const kbSections = pgTable(
  "kb_sections",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    categoryId: uuid("category_id")
      .notNull()
      .references(() => kbCategories.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    name: jsonb("name").$type<Translated>().notNull(),
    position: integer("position").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("kb_sections_desk_key").on(t.workspaceId, t.deskId, t.key),
    index("kb_sections_category").on(t.workspaceId, t.categoryId),
  ],
);

export const kbArticles = pgTable(
  "kb_articles",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    sectionId: uuid("section_id").references(() => kbSections.id, { onDelete: "set null" }),
    /** Short and stable, for clean URLs: /help/<desk>/<locale>/articles/<number>-<slug>. */
    number: integer("number").notNull(),
    /** The locale the article was written in: the fallback when a translation is missing. */
    sourceLocale: text("source_locale").notNull(),
    /** Someone must re-read the article by then; after it, the article is stale. */
    reviewBy: date("review_by", { mode: "string" }),
    position: integer("position").notNull().default(0),
    /** Shown first in its section and in the desk's "popular" list. */
    promoted: boolean("promoted").notNull().default(false),
    createdByAgentId: uuid("created_by_agent_id").references(() => agents.id, { onDelete: "set null" }),
    /** The message the article was drafted from ("turn a reply into an article"). */
    sourceMessageId: uuid("source_message_id"),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("kb_articles_number").on(t.workspaceId, t.number),
    index("kb_articles_desk").on(t.workspaceId, t.deskId, t.sectionId, t.position),
    index("kb_articles_review")
      .on(t.workspaceId, t.reviewBy)
      .where(sql`${t.archivedAt} is null`),
  ],
);

/**
 * One locale of an article. Title, slug and body are the published
 * version's (null version: not published); the search vector is generated
 * from them with the locale's text-search configuration.
 */
export const kbTranslations = pgTable(
  "kb_article_translations",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    /** Copied from the article: search filters on it without a join. */
    deskId: uuid("desk_id").notNull(),
    locale: text("locale").notNull(),
    latestVersion: integer("latest_version").notNull(),
    publishedVersion: integer("published_version"),
    title: text("title").notNull().default(""),
    slug: text("slug").notNull().default(""),
    summary: text("summary").notNull().default(""),
    bodyHtml: text("body_html").notNull().default(""),
    bodyText: text("body_text").notNull().default(""),
    searchConfig: regconfig("search_config").notNull(),
    /** Copied from the article, so search reads one table: an archived article is never found. */
    archived: boolean("archived").notNull().default(false),
    /** Copied from the article (it never changes), for search results without a join. */
    number: integer("number").notNull(),
    /** Copied from the article: promoted articles rank a little higher. */
    promoted: boolean("promoted").notNull().default(false),
    /** The title alone: few articles match a word there, so its matches are cheap to rank first. */
    searchTitle: tsvector("search_title").generatedAlwaysAs(sql`to_tsvector(search_config, title)`),
    searchVector: tsvector("search_vector").generatedAlwaysAs(
      sql`setweight(to_tsvector(search_config, title), 'A') || setweight(to_tsvector(search_config, summary), 'B') || setweight(to_tsvector(search_config, body_text), 'C')`,
    ),
    publishedAt: timestamp("published_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.articleId, t.locale] }),
    // Articles change rarely and are read constantly: no GIN pending list to scan on every search.
    index("kb_translations_search").using("gin", t.searchVector).with({ fastupdate: false }),
    index("kb_translations_title").using("gin", t.searchTitle).with({ fastupdate: false }),
  ],
);

export const kbVersions = pgTable(
  "kb_article_versions",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    summary: text("summary").notNull().default(""),
    bodyHtml: text("body_html").notNull(),
    authorAgentId: uuid("author_agent_id").references(() => agents.id, { onDelete: "set null" }),
    note: text("note"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.locale, t.number] })],
);

/** Images and attachments of articles, and help-center logos. Public once their article is published. */
export const kbFiles = pgTable(
  "kb_files",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id")
      .notNull()
      .references(() => desks.id, { onDelete: "cascade" }),
    articleId: uuid("article_id").references(() => kbArticles.id, { onDelete: "cascade" }),
    /** Listed under the article as a download (images used inline are not). */
    listed: boolean("listed").notNull().default(false),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    sha256: text("sha256").notNull(),
    content: bytea("content").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("kb_files_article").on(t.workspaceId, t.articleId)],
);

/**
 * Words of published articles per locale: a misspelt search term is
 * replaced by its nearest known word (trigram similarity) before the
 * full-text match — PostgreSQL's documented spelling-suggestion pattern.
 */
export const kbWords = pgTable(
  "kb_search_words",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    locale: text("locale").notNull(),
    word: text("word").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.locale, t.word] }),
    index("kb_search_words_trgm")
      .using("gin", sql`${t.word} gin_trgm_ops`)
      .with({ fastupdate: false }),
  ],
);

export const kbEventKinds = [
  "view",
  "search",
  "feedback",
  "request_started",
  "suggestion_opened",
  "request_submitted",
  "agent_inserted",
] as const;
export type KbEventKind = (typeof kbEventKinds)[number];
export const kbEventKind = pgEnum("kb_event_kind", kbEventKinds);

/**
 * What readers do, for analytics and deflection. `visitorId` is a random
 * id from a first-party cookie (no personal data); `journeyId` ties the
 * events of one new-request form together.
 */
export const kbEvents = pgTable(
  "kb_events",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    deskId: uuid("desk_id").notNull(),
    kind: kbEventKind("kind").notNull(),
    articleId: uuid("article_id"),
    locale: text("locale").notNull(),
    visitorId: text("visitor_id"),
    journeyId: text("journey_id"),
    /** Searches only: the query, normalised and stripped of personal data. */
    query: text("query"),
    resultCount: integer("result_count"),
    helpful: boolean("helpful"),
    ticketId: uuid("ticket_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("kb_events_desk").on(t.workspaceId, t.deskId, t.kind, t.createdAt),
    index("kb_events_article").on(t.workspaceId, t.articleId, t.kind),
    index("kb_events_journey")
      .on(t.workspaceId, t.journeyId)
      .where(sql`${t.journeyId} is not null`),
    index("kb_events_visitor").on(t.workspaceId, t.visitorId, t.createdAt),
  ],
);

/** One vote per visitor per article: a second click changes the vote. */
export const kbFeedback = pgTable(
  "kb_feedback",
  {
    workspaceId: uuid("workspace_id")
      .notNull()
      .references(() => workspaces.id, { onDelete: "cascade" }),
    articleId: uuid("article_id")
      .notNull()
      .references(() => kbArticles.id, { onDelete: "cascade" }),
    visitorId: text("visitor_id").notNull(),
    locale: text("locale").notNull(),
    helpful: boolean("helpful").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.visitorId] })],
);

export type HelpCenterRow = typeof helpCenters.$inferSelect;
export type KbCategoryRow = typeof kbCategories.$inferSelect;
export type KbSectionRow = typeof kbSections.$inferSelect;
export type KbArticleRow = typeof kbArticles.$inferSelect;
export type KbTranslationRow = typeof kbTranslations.$inferSelect;
export type KbVersionRow = typeof kbVersions.$inferSelect;
export type KbFileRow = typeof kbFiles.$inferSelect;
export type KbEventRow = typeof kbEvents.$inferSelect;
