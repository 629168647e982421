import { escapeHtml } from "./html";
import type { Ctx } from "../../platform/context";
import { invalid } from "../../platform/errors";
import { getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import { getMessage, listMessages } from "../tickets/messages";
import { getTicket } from "../tickets/service";
import { type ArticleWithTranslations, createArticle, getArticle } from "./articles";
import { recordReaderEvent } from "./analytics";
import { type SearchHit, searchArticles } from "./search";
import { getHelpCenter } from "./structure";

/**
 * The knowledge base at the agent's elbow: articles that may answer a
 * ticket, an article's link or text for a reply, and a good reply turned
 * into a draft article — so a question answered twice gets a page.
 */

/** The help-center address of an article (locale-specific, slug included). */
export function articleUrl(publicUrl: string, deskKey: string, locale: string, number: number, slug: string): string {
  return `${publicUrl}/help/${encodeURIComponent(deskKey)}/${locale}/articles/${number}-${encodeURIComponent(slug)}`;
}

export interface Suggestion extends SearchHit {
  url: string;
}

/**
 * Articles for a ticket: its subject and the start of the fan's first
 * message, searched in the ticket's language (the desk's default when the
 * ticket has none or the knowledge base has nothing in it).
 */
export async function suggestArticlesForTicket(ctx: Ctx, ticketId: string, publicUrl: string, limit = 5): Promise<Suggestion[]> {
  authorize(ctx.actor, "kb.read");
  const ticket = await getTicket(ctx, ticketId);
  const desk = await getDesk(ctx, ticket.deskId);
  const helpCenter = await getHelpCenter(ctx, desk.id);
  const first = (await listMessages(ctx, ticket.id, { limit: 5, includeNotes: false })).items.find((m) => m.kind === "inbound");
  const text = `${ticket.subject} ${first?.text.slice(0, 300) ?? ""}`;
  const locales = [...new Set([ticket.language, ...helpCenter.locales, desk.defaultLanguage].filter((l): l is string => Boolean(l)))];
  for (const locale of locales) {
    const { hits } = await searchArticles(ctx, { deskId: desk.id, locale, query: text, limit, mode: "any" });
    if (hits.length) return hits.map((h) => ({ ...h, url: articleUrl(publicUrl, desk.key, h.locale, h.number, h.slug) }));
  }
  return [];
}

export interface Insertion {
  articleId: string;
  locale: string;
  title: string;
  url: string;
  /** What goes into the reply: the link, or the article's text with the link below it. */
  text: string;
  html: string;
}

export async function articleForReply(
  ctx: Ctx,
  input: { articleId: string; locale?: string; format: "link" | "text"; ticketId?: string },
  publicUrl: string,
): Promise<Insertion> {
  authorize(ctx.actor, "kb.read");
  const article = await getArticle(ctx, input.articleId);
  const desk = await getDesk(ctx, article.deskId);
  const published = article.translations.filter((t) => t.publishedVersion !== null);
  const translation =
    published.find((t) => t.locale === input.locale) ?? published.find((t) => t.locale === article.sourceLocale) ?? published[0];
  if (!translation) throw invalid([{ path: "articleId", message: "this article has nothing published to insert" }]);
  if (input.ticketId) await getTicket(ctx, input.ticketId);
  const url = articleUrl(publicUrl, desk.key, translation.locale, article.number, translation.slug);
  await recordReaderEvent(ctx, {
    deskId: desk.id,
    kind: "agent_inserted",
    locale: translation.locale,
    articleId: article.id,
    ticketId: input.ticketId ?? null,
  });
  if (input.format === "link") {
    return {
      articleId: article.id,
      locale: translation.locale,
      title: translation.title,
      url,
      text: `${translation.title}: ${url}`,
      html: `<a href="${escapeHtml(url)}">${escapeHtml(translation.title)}</a>`,
    };
  }
  return {
    articleId: article.id,
    locale: translation.locale,
    title: translation.title,
    url,
    text: `${translation.bodyText}\n\n${url}`,
    html: `${translation.bodyHtml}<p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
  };
}

const GREETING =
  /^(hi|hello|hey|dear|good (morning|afternoon|evening)|привіт|вітаю|добрий день|доброго дня|шановн\S*|hola|buenos días|buenas tardes|estimad[oa])\b[^\n]{0,60}[,!]?\s*\n+/i;
const SIGN_OFF = /\n+(best|kind)? ?regards|\n+thanks,|\n+cheers,|\n+з повагою|\n+дякуємо,|\n+saludos|\n+un saludo/i;

/**
 * A reply becomes a draft article: the ticket's subject as title, the
 * reply without its greeting and sign-off (they name the fan) as body, in
 * the ticket's language. An agent edits and publishes it.
 */
export async function draftArticleFromMessage(
  ctx: Ctx,
  messageId: string,
  input: { title?: string; sectionId?: string | null; locale?: string },
): Promise<ArticleWithTranslations> {
  authorize(ctx.actor, "kb.write");
  const message = await getMessage(ctx, messageId);
  if (message.kind !== "outbound") throw invalid([{ path: "messageId", message: "only an agent's reply can become an article" }]);
  const ticket = await getTicket(ctx, message.ticketId);
  const desk = await getDesk(ctx, ticket.deskId);
  let text = message.text.replace(GREETING, "");
  const signOff = text.search(SIGN_OFF);
  if (signOff > 0) text = text.slice(0, signOff);
  const bodyHtml = text
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return createArticle(ctx, {
    deskId: desk.id,
    locale: input.locale ?? ticket.language ?? desk.defaultLanguage,
    title: input.title ?? ticket.subject,
    bodyHtml,
    sectionId: input.sectionId ?? null,
    sourceMessageId: message.id,
    note: `Drafted from a reply on ticket #${ticket.number}`,
  });
}
