import { redactCardNumbers } from "../compliance/redact";

/**
 * Text-search configurations that exist on both PostgreSQL 15 and PGlite
 * (PostgreSQL 18) — checked against pg_ts_config on each. Neither has a
 * Ukrainian one: Ukrainian (and any language not listed) is searched with
 * `simple` (no stemming, no stop words) plus trigram similarity.
 */
const SEARCH_CONFIGS: Record<string, string> = {
  ar: "arabic",
  hy: "armenian",
  eu: "basque",
  ca: "catalan",
  da: "danish",
  nl: "dutch",
  en: "english",
  fi: "finnish",
  fr: "french",
  de: "german",
  el: "greek",
  hi: "hindi",
  hu: "hungarian",
  id: "indonesian",
  ga: "irish",
  it: "italian",
  lt: "lithuanian",
  ne: "nepali",
  no: "norwegian",
  nb: "norwegian",
  pt: "portuguese",
  ro: "romanian",
  ru: "russian",
  sr: "serbian",
  es: "spanish",
  sv: "swedish",
  ta: "tamil",
  tr: "turkish",
  yi: "yiddish",
};

export function searchConfigFor(locale: string): string {
  return SEARCH_CONFIGS[locale.toLowerCase().split(/[-_]/)[0] ?? ""] ?? "simple";
}

/** Content locales are ISO 639 codes, optionally with a region (pt-br). */
export const CONTENT_LOCALE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/** A URL slug in the article's own script: "Повернення коштів" → "повернення-коштів". */
export function slugify(title: string): string {
  return (
    title
      .normalize("NFKC")
      .toLowerCase()
      .replace(/['’]/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 80)
      .replace(/-+$/, "") || "article"
  );
}

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/g;
const LONG_NUMBER = /\d[\d\s-]{7,}\d/g;

/**
 * A search query as kept for analytics: lower-case, single-spaced, and
 * without what must never be stored from a search box — e-mail addresses,
 * card numbers (PCI-DSS 3.4) and other long digit runs (phones, order
 * numbers tied to a person).
 */
export function normaliseQuery(query: string): string {
  // Long digit runs go first, whole: a card's last four say nothing about what readers look for.
  const withoutNumbers = query.replace(EMAIL, "[email]").replace(LONG_NUMBER, "[number]");
  return redactCardNumbers(withoutNumbers).text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim().slice(0, 200);
}

/** Words of a query, as the search matches them (letters and digits, any script). */
export function queryTerms(query: string): string[] {
  return (
    query
      .normalize("NFKC")
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

/** Pick a translation: the one asked for, else the help center's default, else the source. */
export function pickLocale<T extends { locale: string }>(available: T[], wanted: string, fallbacks: string[]): T | undefined {
  for (const locale of [wanted, ...fallbacks]) {
    const found = available.find((a) => a.locale === locale);
    if (found) return found;
  }
  return available[0];
}

/** A translated name in a locale, with the same fallback as articles. */
export function translated(names: Record<string, string>, locale: string, fallbacks: string[] = []): string {
  for (const l of [locale, ...fallbacks, "en"]) if (names[l]) return names[l]!;
  return Object.values(names)[0] ?? "";
}
