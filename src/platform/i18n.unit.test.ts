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
