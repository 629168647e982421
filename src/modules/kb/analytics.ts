import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { query } from "../../platform/db";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { getDesk } from "../desks/service";
import { authorize } from "../identity/policy";
import { type KbEventKind, kbArticles, kbEvents, kbFeedback } from "./schema";
import { normaliseQuery } from "./text";

/**
 * What readers do and what it achieves. Definitions (docs/knowledge-base.md):
 *
 * - deflection: a new-request form (a journey) in which the fan opened at
 *   least one suggested article and which was not submitted within
 *   DEFLECTION_WINDOW of its last event. Credited to the last article opened.
 * - self-service resolution rate of an article: of the visitors who read it
 *   (first view in the period), the share who neither submitted a request on
 *   that desk within RESOLUTION_WINDOW afterwards nor voted it unhelpful.
 *   Only views older than the window count, so the rate never counts a
 *   reader who may still write in. seeds/003: above 40%, promote the article.
 */
export const DEFLECTION_WINDOW_MS = 60 * 60_000;
export const RESOLUTION_WINDOW_MS = 24 * 60 * 60_000;
export const PROMOTION_THRESHOLD = 0.4;
/** Fewer readers than this say nothing about an article: no promotion flag. */
export const MIN_READERS_FOR_RATE = 5;

const VISITOR = /^[A-Za-z0-9_-]{8,64}$/;

export interface ReaderEvent {
  deskId: string;
  kind: KbEventKind;
  locale: string;
  articleId?: string | null;
  visitorId?: string | null;
  journeyId?: string | null;
  query?: string | null;
  resultCount?: number | null;
  ticketId?: string | null;
}

/** Records what a reader did. Public: callers pass only ids they were handed, and bad ids are refused. */
export async function recordReaderEvent(ctx: Ctx, event: ReaderEvent): Promise<void> {
  if (event.visitorId && !VISITOR.test(event.visitorId)) throw invalid([{ path: "visitorId", message: "not a visitor id" }]);
  if (event.journeyId && !VISITOR.test(event.journeyId)) throw invalid([{ path: "journeyId", message: "not a journey id" }]);
  if (event.articleId) {
    const [article] = await ctx.db
      .select({ deskId: kbArticles.deskId })
      .from(kbArticles)
      .where(and(eq(kbArticles.workspaceId, ctx.workspaceId), eq(kbArticles.id, event.articleId)));
    if (!article || article.deskId !== event.deskId) throw notFound("article", event.articleId);
  }
  const text = event.query ? normaliseQuery(event.query) : null;
  if (event.kind === "search" && !text) return;
  await ctx.db.insert(kbEvents).values({
    id: newId(),
    workspaceId: ctx.workspaceId,
    deskId: event.deskId,
    kind: event.kind,
    articleId: event.articleId ?? null,
    locale: event.locale.slice(0, 12),
    visitorId: event.visitorId ?? null,
    journeyId: event.journeyId ?? null,
    query: text,
    resultCount: event.resultCount ?? null,
    helpful: null,
    ticketId: event.ticketId ?? null,
    createdAt: ctx.clock.now(),
  });
}

/** Helpful / not helpful: one vote per visitor per article, a second click replaces it. */
export async function voteOnArticle(
  ctx: Ctx,
  input: { deskId: string; articleId: string; visitorId: string; locale: string; helpful: boolean },
): Promise<{ helpful: number; notHelpful: number }> {
  if (!VISITOR.test(input.visitorId)) throw invalid([{ path: "visitorId", message: "not a visitor id" }]);
  await recordReaderEvent(ctx, {
    deskId: input.deskId,
    kind: "feedback",
    locale: input.locale,
    articleId: input.articleId,
    visitorId: input.visitorId,
  });
  const now = ctx.clock.now();
  await ctx.db
    .insert(kbFeedback)
    .values({
      workspaceId: ctx.workspaceId,
      articleId: input.articleId,
      visitorId: input.visitorId,
      locale: input.locale,
      helpful: input.helpful,
      createdAt: now,
    })
    .onConflictDoUpdate({ target: [kbFeedback.articleId, kbFeedback.visitorId], set: { helpful: input.helpful, createdAt: now } });
  const [counts] = await query<{ helpful: number; not_helpful: number }>(
    ctx.db,
    sql`select count(*) filter (where helpful)::int as helpful, count(*) filter (where not helpful)::int as not_helpful
        from kb_feedback where workspace_id = ${ctx.workspaceId} and article_id = ${input.articleId}`,
  );
  return { helpful: counts!.helpful, notHelpful: counts!.not_helpful };
}

export interface Period {
  deskId: string;
  from: Date;
  to: Date;
}

export interface ArticleStats {
  articleId: string;
  number: number;
  title: string;
  views: number;
  readers: number;
  helpful: number;
  notHelpful: number;
  deflections: number;
  /** Readers whose view is old enough to judge. */
  judgedReaders: number;
  resolved: number;
  resolutionRate: number | null;
  promote: boolean;
}

export async function articleStats(ctx: Ctx, period: Period): Promise<ArticleStats[]> {
  authorize(ctx.actor, "kb.read");
  const desk = await getDesk(ctx, period.deskId);
  checkPeriod(period);
  const now = ctx.clock.now();
  const from = period.from.toISOString();
  const to = period.to.toISOString();
  const judgedBefore = new Date(Math.min(period.to.getTime(), now.getTime() - RESOLUTION_WINDOW_MS)).toISOString();
  const deflectedBefore = new Date(now.getTime() - DEFLECTION_WINDOW_MS).toISOString();
  const rows = await query<{
    article_id: string;
    number: number;
    title: string | null;
    views: number;
    readers: number;
    helpful: number;
    not_helpful: number;
    deflections: number;
    judged: number;
    resolved: number;
  }>(
    ctx.db,
    sql`
    with views as (
      select article_id, count(*)::int as views, count(distinct visitor_id)::int as readers
      from kb_events
      where workspace_id = ${ctx.workspaceId} and desk_id = ${desk.id} and kind = 'view'
        and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      group by article_id
    ),
    first_views as (
      select distinct on (article_id, visitor_id) article_id, visitor_id, created_at
      from kb_events
      where workspace_id = ${ctx.workspaceId} and desk_id = ${desk.id} and kind = 'view' and visitor_id is not null
        and created_at >= ${from}::timestamptz and created_at < ${judgedBefore}::timestamptz
      order by article_id, visitor_id, created_at
    ),
    judged as (
      select v.article_id, count(*)::int as judged,
        count(*) filter (where not exists (
            select 1 from kb_events s
            where s.workspace_id = ${ctx.workspaceId} and s.desk_id = ${desk.id} and s.kind = 'request_submitted'
              and s.visitor_id = v.visitor_id and s.created_at >= v.created_at
              and s.created_at < v.created_at + interval '24 hours')
          and not exists (
            select 1 from kb_feedback f
            where f.workspace_id = ${ctx.workspaceId} and f.article_id = v.article_id and f.visitor_id = v.visitor_id and not f.helpful)
        )::int as resolved
      from first_views v group by v.article_id
    ),
    journeys as (
      select journey_id, max(created_at) as last_at, bool_or(kind = 'request_submitted') as submitted,
        (array_agg(article_id order by created_at desc) filter (where kind = 'suggestion_opened'))[1] as article_id
      from kb_events
      where workspace_id = ${ctx.workspaceId} and desk_id = ${desk.id} and journey_id is not null
        and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      group by journey_id
    ),
    deflections as (
      select article_id, count(*)::int as deflections from journeys
      where not submitted and article_id is not null and last_at < ${deflectedBefore}::timestamptz
      group by article_id
    ),
    votes as (
      select article_id, count(*) filter (where helpful)::int as helpful, count(*) filter (where not helpful)::int as not_helpful
      from kb_feedback where workspace_id = ${ctx.workspaceId}
        and created_at >= ${from}::timestamptz and created_at < ${to}::timestamptz
      group by article_id
    )
    select a.id as article_id, a.number,
      (select t.title from kb_article_translations t where t.article_id = a.id and t.published_version is not null
        order by (t.locale = a.source_locale) desc limit 1) as title,
      coalesce(v.views, 0) as views, coalesce(v.readers, 0) as readers,
      coalesce(f.helpful, 0) as helpful, coalesce(f.not_helpful, 0) as not_helpful,
      coalesce(d.deflections, 0) as deflections, coalesce(j.judged, 0) as judged, coalesce(j.resolved, 0) as resolved
    from kb_articles a
      left join views v on v.article_id = a.id
      left join judged j on j.article_id = a.id
      left join deflections d on d.article_id = a.id
      left join votes f on f.article_id = a.id
    where a.workspace_id = ${ctx.workspaceId} and a.desk_id = ${desk.id} and a.archived_at is null
    order by coalesce(v.views, 0) desc, a.number
  `,
  );
  return rows.map((r) => {
    const rate = r.judged > 0 ? r.resolved / r.judged : null;
    return {
      articleId: r.article_id,
      number: Number(r.number),
      title: r.title ?? "",
      views: r.views,
      readers: r.readers,
      helpful: r.helpful,
      notHelpful: r.not_helpful,
      deflections: r.deflections,
      judgedReaders: r.judged,
      resolved: r.resolved,
      resolutionRate: rate,
      promote: rate !== null && r.judged >= MIN_READERS_FOR_RATE && rate > PROMOTION_THRESHOLD,
    };
  });
}

export interface SearchGap {
  query: string;
  locale: string;
  searches: number;
  lastSearchedAt: Date;
}

/** Searches that found nothing, most frequent first: the articles still to write. */
export async function searchesWithoutResults(ctx: Ctx, period: Period & { locale?: string }): Promise<SearchGap[]> {
  authorize(ctx.actor, "kb.read");
  await getDesk(ctx, period.deskId);
  checkPeriod(period);
  const rows = await query<{ query: string; locale: string; searches: number; last_at: string | Date }>(
    ctx.db,
    sql`select query, locale, count(*)::int as searches, max(created_at) as last_at
        from kb_events
        where workspace_id = ${ctx.workspaceId} and desk_id = ${period.deskId} and kind = 'search' and result_count = 0
          and created_at >= ${period.from.toISOString()}::timestamptz and created_at < ${period.to.toISOString()}::timestamptz
          ${period.locale ? sql`and locale = ${period.locale}` : sql``}
        group by query, locale order by searches desc, query limit 100`,
  );
  return rows.map((r) => ({ query: r.query, locale: r.locale, searches: r.searches, lastSearchedAt: new Date(r.last_at) }));
}

export interface DeskSummary {
  views: number;
  searches: number;
  searchesWithoutResults: number;
  requestsStarted: number;
  requestsSubmitted: number;
  deflections: number;
  /** Deflections ÷ request forms that ended (submitted or deflected). */
  deflectionRate: number | null;
}

export async function deskSummary(ctx: Ctx, period: Period): Promise<DeskSummary> {
  authorize(ctx.actor, "kb.read");
  await getDesk(ctx, period.deskId);
  checkPeriod(period);
  const deflectedBefore = new Date(ctx.clock.now().getTime() - DEFLECTION_WINDOW_MS).toISOString();
  const [r] = await query<Record<string, number>>(
    ctx.db,
    sql`
    with e as (
      select * from kb_events
      where workspace_id = ${ctx.workspaceId} and desk_id = ${period.deskId}
        and created_at >= ${period.from.toISOString()}::timestamptz and created_at < ${period.to.toISOString()}::timestamptz
    ),
    journeys as (
      select journey_id, max(created_at) as last_at, bool_or(kind = 'request_submitted') as submitted,
        bool_or(kind = 'suggestion_opened') as opened
      from e where journey_id is not null group by journey_id
    )
    select
      (select count(*) from e where kind = 'view')::int as views,
      (select count(*) from e where kind = 'search')::int as searches,
      (select count(*) from e where kind = 'search' and result_count = 0)::int as empty,
      (select count(*) from e where kind = 'request_started')::int as started,
      (select count(*) from journeys where submitted)::int as submitted,
      (select count(*) from journeys where not submitted and opened and last_at < ${deflectedBefore}::timestamptz)::int as deflected
  `,
  );
  const ended = r!.submitted! + r!.deflected!;
  return {
    views: r!.views!,
    searches: r!.searches!,
    searchesWithoutResults: r!.empty!,
    requestsStarted: r!.started!,
    requestsSubmitted: r!.submitted!,
    deflections: r!.deflected!,
    deflectionRate: ended > 0 ? r!.deflected! / ended : null,
  };
}

function checkPeriod(period: { from: Date; to: Date }) {
  if (!(period.from < period.to)) throw invalid([{ path: "from", message: "must be before `to`" }]);
  if (period.to.getTime() - period.from.getTime() > 400 * 86_400_000) throw invalid([{ path: "to", message: "at most 400 days" }]);
}
