import { sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import { query } from "../../platform/db";
import { searchConfigFor, queryTerms } from "./text";

/**
 * Article search: PostgreSQL full text with the locale's configuration
 * (stemming, stop words) where one exists, `simple` where none does
 * (Ukrainian, searched by word prefixes in place of a stemmer).
 *
 * Typos: the words as typed are searched first. If nothing is found, each
 * word that published articles never use is replaced by one they do — a
 * word with two neighbouring letters swapped, else the most similar by
 * pg_trgm trigram similarity over kb_search_words (PostgreSQL's documented
 * spelling-suggestion pattern) — and the search runs again.
 *
 * Rank blends ts_rank_cd (title weighted above summary above body) and the
 * title's own rank with the title's trigram word similarity to what was
 * typed, plus a small lift for promoted articles. Only published
 * translations of live articles in the asked locale match. A trigram match
 * on titles as a second way in was measured and dropped: PostgreSQL scans
 * every title for it (≈7 µs each), far over budget at 10,000 articles.
 */

export interface SearchInput {
  deskId: string;
  locale: string;
  query: string;
  limit?: number;
  /**
   * "all": every word must match (a search box). "any": any word may
   * (a ticket's subject, a sentence typed into a request form), ranked by
   * how much matches. "auto" (default): all, then any when all finds nothing.
   */
  mode?: "all" | "any" | "auto";
  /** Marked text around the matches (a results page); search as you type shows titles only and skips the cost. */
  snippets?: boolean;
}

export interface SearchHit {
  articleId: string;
  number: number;
  locale: string;
  title: string;
  slug: string;
  summary: string;
  /** Plain text around the matches; each match between \u0001 and \u0002 (escape, then mark up). */
  snippet: string;
  score: number;
}

export interface SearchResult {
  hits: SearchHit[];
  /** The words actually searched for, after typo correction. */
  terms: string[];
  corrected: boolean;
}

/**
 * Full ranking reads every matching article's body vector, which is slow
 * when a common word ("ticket") matches most of a large knowledge base. So
 * ranking is bounded: the best title matches (a title's vector is tiny and
 * few titles share a word) plus the first body matches found are ranked in
 * full. (Forcing the GIN indexes — a PL/pgSQL function with seqscan off —
 * was measured and dropped: the per-call overhead doubled the median on both
 * databases for a small gain in PGlite's tail.) Only when more bodies than BODY_CANDIDATES match, and the best of
 * them has the words nowhere in its title, can it be missed.
 */
const HEAD_CANDIDATES = 40;
const BODY_CANDIDATES = 80;

/** Similarity a misspelt word needs to its replacement; below it the word is kept as typed. */
const CORRECTION_SIMILARITY = 0.35;

export async function searchArticles(ctx: Ctx, input: SearchInput): Promise<SearchResult> {
  const raw = input.query.slice(0, 200);
  const typed = queryTerms(raw);
  if (typed.length === 0) return { hits: [], terms: [], corrected: false };
  const config = searchConfigFor(input.locale);
  const mode = input.mode ?? "auto";
  const limit = Math.min(Math.max(input.limit ?? 10, 1), 50);
  const search = (terms: string[], any: boolean) => {
    const join = (list: string[]) => list.join(any ? " | " : " & ");
    const title = terms.map((term, i) => lexeme(config, term, i === terms.length - 1, 1));
    // Short prefixes ("кви:*") expand to thousands of body words; bodies are searched by them only from four letters.
    const body = terms.map((term, i) => lexeme(config, term, i === terms.length - 1, 4));
    return runSearch(ctx, input, config, raw, join(title), join(body), limit);
  };
  // Words as typed first: most searches find something, in one round trip. Only an empty result is worth correcting.
  let hits = await search(typed, mode === "any");
  if (hits.length > 0) return { hits, terms: typed, corrected: false };
  const terms = await correctTerms(ctx, input.locale, typed);
  const corrected = terms.some((t, i) => t !== typed[i]);
  if (corrected) hits = await search(terms, mode === "any");
  if (hits.length === 0 && mode === "auto" && terms.length > 1) hits = await search(terms, true);
  return { hits, terms, corrected };
}

/** One tsquery operand: `simple` does not stem, so a prefix stands in for a stemmer (повернення → поверне:*); the last word may still be being typed. */
function lexeme(config: string, term: string, last: boolean, minPrefix: number): string {
  if (config === "simple" && term.length >= 6) return `${term.slice(0, Math.max(4, term.length - 2))}:*`;
  return last && term.length >= minPrefix ? `${term}:*` : term;
}

async function runSearch(
  ctx: Ctx,
  input: SearchInput,
  config: string,
  raw: string,
  titleQuery: string,
  bodyQuery: string,
  limit: number,
): Promise<SearchHit[]> {
  // Written out where used, not in a CTE: a constant the planner can see lets it use the GIN indexes.
  const titleTsq = sql`to_tsquery(${config}::regconfig, ${titleQuery})`;
  const tsq = sql`to_tsquery(${config}::regconfig, ${bodyQuery})`;
  const rows = await query<{
    article_id: string;
    number: number;
    locale: string;
    title: string;
    slug: string;
    summary: string;
    snippet: string;
    score: number;
  }>(
    ctx.db,
    sql`
    with
    head as (
      select t.article_id from kb_article_translations t
      where t.workspace_id = ${ctx.workspaceId} and t.desk_id = ${input.deskId} and t.locale = ${input.locale}
        and t.published_version is not null and not t.archived
        and t.search_title @@ ${titleTsq}
      -- Shortest titles first: the most focused articles; ranking thousands of matches here was the slow part.
      order by length(t.title)
      limit ${HEAD_CANDIDATES}
    ),
    -- Materialised so the planner cannot use the LIMIT to prefer a sequential scan: it expects to meet
    -- 80 matches early, and when a word matches nothing it reads every body vector (125 ms on PGlite at
    -- 10,000 articles for a half-typed "save", against 0.5 ms through the GIN index).
    body_matches as materialized (
      select t.article_id from kb_article_translations t
      where t.workspace_id = ${ctx.workspaceId} and t.desk_id = ${input.deskId} and t.locale = ${input.locale}
        and t.published_version is not null and not t.archived
        and t.search_vector @@ ${tsq}
    ),
    body as (select article_id from body_matches limit ${BODY_CANDIDATES}),
    candidates as (select article_id from head union select article_id from body),
    hits as (
      select t.article_id, t.number, t.locale, t.title, t.slug, t.summary, t.body_text,
             ts_rank_cd(t.search_vector, ${tsq}, 32) + ts_rank(t.search_title, ${titleTsq}) + 0.5 * word_similarity(${raw}, t.title)
               + case when t.promoted then 0.05 else 0 end as score
      from candidates c
      join kb_article_translations t on t.article_id = c.article_id and t.locale = ${input.locale}
      order by score desc, t.number
      limit ${limit}
    )
    select h.article_id, h.number, h.locale, h.title, h.slug, h.summary, h.score,
           ${
             input.snippets === false
               ? sql`''`
               : sql`ts_headline(${config}::regconfig, left(h.body_text, 3000), ${tsq},
             'MaxWords=28, MinWords=10, MaxFragments=1, StartSel=' || chr(1) || ', StopSel=' || chr(2))`
           } as snippet
    from hits h
    order by h.score desc, h.number
  `,
  );
  return rows.map((r) => ({
    articleId: r.article_id,
    number: Number(r.number),
    locale: r.locale,
    title: r.title,
    slug: r.slug,
    summary: r.summary,
    snippet: r.snippet,
    score: Number(r.score),
  }));
}

/**
 * Replaces words the published articles never use by one they do: first a
 * word that differs by two swapped neighbouring letters (the commonest typo,
 * and one trigrams score poorly on short words: refnud → refund), else the
 * most similar by trigrams. Short words are left alone (too little to go
 * on), and so is the last word while it is still a prefix of a known word
 * (search as you type).
 */
async function correctTerms(ctx: Ctx, locale: string, terms: string[]): Promise<string[]> {
  // Terms are letters and digits only (queryTerms), so they are safe to write as literals.
  const literal = (t: string) => `'${t.replace(/'/g, "''")}'`;
  const rowsSql = terms
    .map((term, i) => `(${literal(term)}, ${i === terms.length - 1}, ARRAY[${[term, ...swaps(term)].map(literal).join(",")}]::text[])`)
    .join(", ");
  const rows = await query<{ term: string; known: boolean; swapped: string | null; best: string | null }>(
    ctx.db,
    sql`
    select t.term,
      exists (select 1 from kb_search_words w
              where w.workspace_id = ${ctx.workspaceId} and w.locale = ${locale}
                and (w.word = t.term or (t.last and w.word like t.term || '%'))) as known,
      (select w.word from kb_search_words w
        where w.workspace_id = ${ctx.workspaceId} and w.locale = ${locale} and w.word = any(t.variants)
        order by w.word limit 1) as swapped,
      (select w.word from kb_search_words w
        where w.workspace_id = ${ctx.workspaceId} and w.locale = ${locale} and w.word % t.term
          and similarity(w.word, t.term) >= ${CORRECTION_SIMILARITY}
        order by similarity(w.word, t.term) desc, length(w.word), w.word limit 1) as best
    from (values ${sql.raw(rowsSql)}) as t(term, last, variants)
  `,
  );
  const byTerm = new Map(rows.map((r) => [r.term, r]));
  return terms.map((term) => {
    const row = byTerm.get(term);
    if (!row || row.known || term.length < 4 || /^\d+$/.test(term)) return term;
    return row.swapped ?? row.best ?? term;
  });
}

/** The word with each pair of neighbouring letters swapped. */
function swaps(term: string): string[] {
  const letters = [...term];
  const out: string[] = [];
  for (let i = 0; i + 1 < letters.length; i++) {
    if (letters[i] === letters[i + 1]) continue;
    const copy = [...letters];
    [copy[i], copy[i + 1]] = [copy[i + 1]!, copy[i]!];
    out.push(copy.join(""));
  }
  return out;
}
