import { z } from "zod";

/** Shared request primitives, so every route spells them the same way. */

export const keySchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "lower-case letters, digits, _ and -");
export const languageSchema = z.string().regex(/^[a-z]{2,3}$/, "an ISO 639 language code");
export const uiLocaleSchema = z.enum(["en", "uk", "es"]);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const timezoneSchema = z.string().max(64).refine(isTimeZone, "not an IANA time zone");
export const cursorSchema = z.string().max(1000);
export const limitSchema = z.coerce.number().int().min(1).max(100);
export const archivedQuery = z.object({ includeArchived: z.enum(["true", "false"]).optional() }).strict();
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
