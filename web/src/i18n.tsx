import { IntlMessageFormat } from "intl-messageformat";
import { createContext, useContext, useMemo } from "react";
import en from "./locales/en.json";
import uk from "./locales/uk.json";

/** The workspace's UI languages; each agent chooses theirs (agents/me → locale). */
export const LOCALES = { en, uk } as const;
export type Locale = keyof typeof LOCALES;
export type MessageKey = keyof typeof en;

export interface I18n {
  locale: Locale;
  timeZone: string;
  t(key: MessageKey, values?: Record<string, unknown>): string;
  /** A date and time in the agent's time zone. */
  dateTime(iso: string | null | undefined): string;
  relative(iso: string): string;
}

const cache = new Map<string, IntlMessageFormat>();

export function makeI18n(requested: string, timeZone: string): I18n {
  const locale: Locale = requested in LOCALES ? (requested as Locale) : "en";
  const messages = LOCALES[locale] as Record<string, string>;
  let zone = timeZone;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    zone = "UTC";
  }
  const dtf = new Intl.DateTimeFormat(locale === "uk" ? "uk-UA" : "en-GB", { timeZone: zone, dateStyle: "medium", timeStyle: "short" });
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  return {
    locale,
    timeZone: zone,
    t(key, values) {
      const source = messages[key] ?? (en as Record<string, string>)[key] ?? key;
      const id = `${locale}:${key}`;
      let format = cache.get(id);
      if (!format) cache.set(id, (format = new IntlMessageFormat(source, locale)));
      return String(format.format(values as Record<string, string>));
    },
    dateTime: (iso) => (iso ? dtf.format(new Date(iso)) : ""),
    relative(iso) {
      const minutes = Math.round((new Date(iso).getTime() - Date.now()) / 60_000);
      if (Math.abs(minutes) < 60) return rtf.format(minutes, "minute");
      const hours = Math.round(minutes / 60);
      if (Math.abs(hours) < 48) return rtf.format(hours, "hour");
      return rtf.format(Math.round(hours / 24), "day");
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n(navigator.language.slice(0, 2), Intl.DateTimeFormat().resolvedOptions().timeZone));
export const I18nProvider = I18nContext.Provider;
export const useI18n = () => useContext(I18nContext);
export const useT = () => useI18n().t;
export const useMakeI18n = (locale: string, timeZone: string) => useMemo(() => makeI18n(locale, timeZone), [locale, timeZone]);
