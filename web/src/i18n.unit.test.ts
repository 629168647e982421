import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import en from "./locales/en.json";
import uk from "./locales/uk.json";

describe("the workspace's translations", () => {
  it("has every English message in Ukrainian, and no message only in Ukrainian", () => {
    expect(Object.keys(uk).sort()).toEqual(Object.keys(en).sort());
  });

  it("parses every message as ICU and uses the same placeholders in both languages", () => {
    type Element = { type: number; value?: string; options?: Record<string, { value: Element[] }> };
    const names = (elements: Element[], into = new Set<string>()): Set<string> => {
      for (const e of elements) {
        // 1 argument, 2 number, 3 date, 4 time, 5 select, 6 plural (intl-messageformat-parser's TYPE)
        if (e.type >= 1 && e.type <= 6 && e.value) into.add(e.value);
        for (const option of Object.values(e.options ?? {})) names(option.value, into);
      }
      return into;
    };
    const placeholders = (message: string, locale = "en") =>
      [...names(new IntlMessageFormat(message, locale).getAst() as unknown as Element[])].sort();
    for (const [key, message] of Object.entries(en)) {
      const translated = (uk as Record<string, string>)[key]!;
      expect(() => new IntlMessageFormat(message, "en"), key).not.toThrow();
      expect(() => new IntlMessageFormat(translated, "uk"), key).not.toThrow();
      expect(placeholders(translated, "uk"), key).toEqual(placeholders(message));
    }
  });

  it("says Ukrainian plurals right", () => {
    const count = (n: number) => String(new IntlMessageFormat(uk["views.count"], "uk").format({ count: n }));
    expect([1, 3, 5, 21].map(count)).toEqual(["1 звернення", "3 звернення", "5 звернень", "21 звернення"]);
  });
});
