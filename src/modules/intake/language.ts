import { franc } from "franc";

/**
 * The language of a message. franc guesses from trigram statistics and is
 * unreliable on a few words ("ok thanks", "дякую"), so below MIN_LENGTH
 * letters the contact's or the desk's language is used instead. Candidates
 * are limited to languages our fans write in: fewer candidates, fewer wrong
 * guesses between neighbours (Ukrainian and Russian, Spanish and Portuguese).
 */
const ISO3_TO_1: Record<string, string> = {
  eng: "en",
  ukr: "uk",
  spa: "es",
  rus: "ru",
  deu: "de",
  fra: "fr",
  ita: "it",
  por: "pt",
  pol: "pl",
  nld: "nl",
};
const CANDIDATES = Object.keys(ISO3_TO_1);
export const MIN_LENGTH = 30;

export interface DetectedLanguage {
  language: string;
  /** "detected" by franc, or the fallback used for short or unrecognised text. */
  source: "detected" | "contact" | "desk";
}

/** franc reads this many letters; more is slower and no surer. */
const SAMPLE = 600;
/**
 * The letters are taken from this much of the text: enough for SAMPLE letters
 * through links, numbers and tables, while a long mail (a forwarded thread, a
 * newsletter of 100 KB) is not rewritten whole for 600 letters of it.
 */
const SCAN = 5_000;

export function detectLanguage(text: string, fallback: { contact?: string | null; desk: string }): DetectedLanguage {
  const letters = text.slice(0, SCAN).replace(/[^\p{L}\s]/gu, " ").replace(/\s+/g, " ").trim();
  if (letters.length >= MIN_LENGTH) {
    const guess = franc(letters.slice(0, SAMPLE), { only: CANDIDATES, minLength: MIN_LENGTH });
    const language = ISO3_TO_1[guess];
    if (language) return { language, source: "detected" };
  }
  const contact = fallback.contact?.split(/[-_]/)[0]?.toLowerCase();
  return contact ? { language: contact, source: "contact" } : { language: fallback.desk, source: "desk" };
}
