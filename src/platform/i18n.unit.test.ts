import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { localeFromHeader, resolveLocale, t } from "./i18n";

describe("translations", () => {
  it("speaks English, Ukrainian and Spanish with ICU parameters, falling back to English", () => {
    expect(t("en", "common:ticketReference", { number: 42 })).toBe("Ticket #42");
    expect(t("uk", "common:ticketReference", { number: 42 })).toBe("Звернення №42");
    expect(t("es-ES", "common:greeting", { name: "Lucía" })).toBe("Hola, Lucía:");
    expect(t("fr", "common:greeting", { name: "Zoé" })).toBe("Hello Zoé,");
  });

  it("picks the best supported language from Accept-Language", () => {
    expect(localeFromHeader("uk-UA,uk;q=0.9,en;q=0.8")).toBe("uk");
    expect(localeFromHeader("fr-FR,fr;q=0.9,es;q=0.5")).toBe("es");
    expect(localeFromHeader("de")).toBe("en");
    expect(resolveLocale(undefined)).toBe("en");
  });
});

describe("catalogues", () => {
  const dir = join(dirname(fileURLToPath(import.meta.url)), "../locales");
  const keys = (value: unknown, prefix = ""): string[] =>
    value && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => keys(v, `${prefix}${k}.`)) : [prefix.slice(0, -1)];
  const catalogue = (lang: string, file: string) => keys(JSON.parse(readFileSync(join(dir, lang, file), "utf8"))).sort();
  const namespaces = readdirSync(join(dir, "en")).filter((f) => f.endsWith(".json"));

  // English and Ukrainian are the languages every screen and message must speak; a key missing in
  // Ukrainian silently falls back to English in front of a Ukrainian fan.
  it.each(namespaces)("Ukrainian has every key of English in %s", (file) => {
    expect(catalogue("uk", file)).toEqual(catalogue("en", file));
  });

  // Spanish is partial by design (fan-facing namespaces first), but a namespace it has is complete.
  it.each(namespaces.filter((file) => existsSync(join(dir, "es", file))))("Spanish has every key of English in %s", (file) => {
    expect(catalogue("es", file)).toEqual(catalogue("en", file));
  });
});
