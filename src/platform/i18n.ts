import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type Resource, type i18n } from "i18next";
import ICU from "i18next-icu";

/**
 * Server-side translations (e-mails, portal and help-center pages, error
 * titles), ICU message format. Catalogues live in src/locales/<lang>/<namespace>.json,
 * one namespace per module so modules do not edit each other's files.
 * Missing keys fall back to English.
 */
export const SUPPORTED_LOCALES = ["en", "uk", "es"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

const LOCALES_DIR = join(dirname(fileURLToPath(import.meta.url)), "../locales");

let instance: i18n | undefined;

function load(): i18n {
  if (instance) return instance;
  const resources: Resource = {};
  for (const lang of SUPPORTED_LOCALES) {
    resources[lang] = {};
    let files: string[] = [];
    try {
      files = readdirSync(join(LOCALES_DIR, lang)).filter((f) => f.endsWith(".json"));
    } catch {
      /* a language without catalogues yet */
    }
    for (const file of files) {
      resources[lang]![file.replace(/\.json$/, "")] = JSON.parse(readFileSync(join(LOCALES_DIR, lang, file), "utf8"));
    }
  }
  const created = i18next.createInstance();
  void created.use(ICU).init({
    resources,
    fallbackLng: "en",
    supportedLngs: [...SUPPORTED_LOCALES],
    ns: Object.keys(resources.en ?? {}),
    defaultNS: "common",
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  instance = created;
  return created;
}

/** The best supported locale for a requested one ("uk-UA" → "uk"; unknown → "en"). */
export function resolveLocale(requested: string | null | undefined): Locale {
  const base = requested?.toLowerCase().split(/[-_]/)[0];
  return (SUPPORTED_LOCALES as readonly string[]).includes(base ?? "") ? (base as Locale) : "en";
}

/** Translate `namespace:key` into a locale, with ICU parameters. */
export function t(locale: string | null | undefined, key: string, params: Record<string, unknown> = {}): string {
  return load().t(key, { lng: resolveLocale(locale), ...params });
}

/** Picks the locale from an Accept-Language header. */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return "en";
  const ranked = header
    .split(",")
    .map((part) => {
      const [tag, q] = part.trim().split(";q=");
      return { tag: tag ?? "", q: q ? Number(q) : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    const locale = resolveLocale(tag);
    if (locale !== "en" || tag.toLowerCase().startsWith("en")) return locale;
  }
  return "en";
}
