import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { type ClassifierRuleRow, classifierRules } from "./schema";

/**
 * Classification is pluggable: the pipeline asks a Classifier and stores what
 * it says with its confidence. The default reads per-desk keyword rules and a
 * small sentiment lexicon; a model-backed classifier can replace it without
 * touching intake. Honest about confidence: no rule matched means no category.
 */
export interface ClassifierInput {
  workspaceId: string;
  deskId: string;
  subject: string;
  text: string;
  language: string;
}

export interface Classification {
  categoryId: string | null;
  /** 0–1; 0 when nothing matched. */
  categoryConfidence: number;
  /** -1 (angry) … +1 (delighted); null when no sentiment word was found. */
  sentiment: number | null;
  sentimentConfidence: number;
  /** The keywords that decided the category, for the agent to see why. */
  matched: string[];
}

export interface Classifier {
  readonly name: string;
  classify(db: Db, input: ClassifierInput): Promise<Classification>;
}

/** A rule with its keywords normalised once, not for every message. */
interface CompiledRule {
  rule: ClassifierRuleRow;
  keywords: { keyword: string; needle: string }[];
}

/** Rules change rarely and are read for every message: kept per desk for a few seconds, compiled. */
const RULES_TTL_MS = 5_000;
const cache = new Map<string, { at: number; rules: Promise<CompiledRule[]> }>();

export function forgetRules(deskId: string): void {
  cache.delete(deskId);
}

/** The promise is kept, so the concurrent messages of a burst that miss together share one query. */
function rulesOf(db: Db, workspaceId: string, deskId: string): Promise<CompiledRule[]> {
  const hit = cache.get(deskId);
  if (hit && Date.now() - hit.at < RULES_TTL_MS) return hit.rules;
  const rules = db
    .select()
    .from(classifierRules)
    .where(and(eq(classifierRules.workspaceId, workspaceId), eq(classifierRules.deskId, deskId)))
    .orderBy(asc(classifierRules.position), asc(classifierRules.createdAt))
    .then(compileRules);
  cache.set(deskId, { at: Date.now(), rules });
  // A failed read is not kept: the next message tries again.
  rules.catch(() => {
    if (cache.get(deskId)?.rules === rules) cache.delete(deskId);
  });
  return rules;
}

const normalise = (s: string) => ` ${s.toLowerCase().normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, " ")} `;

function compileRules(rules: ClassifierRuleRow[]): CompiledRule[] {
  return rules.map((rule) => ({ rule, keywords: rule.keywords.map((keyword) => ({ keyword, needle: normalise(keyword).trim() })) }));
}

export function matchRules(rules: ClassifierRuleRow[], text: string): Pick<Classification, "categoryId" | "categoryConfidence" | "matched"> {
  return matchCompiled(compileRules(rules), text);
}

function matchCompiled(rules: CompiledRule[], text: string): Pick<Classification, "categoryId" | "categoryConfidence" | "matched"> {
  const haystack = normalise(text);
  let best: { rule: ClassifierRuleRow; score: number; matched: string[] } | undefined;
  for (const { rule, keywords } of rules) {
    const matched = keywords
      // Whole words, and prefixes of 5+ letters so "refunds"/"refunded" and Ukrainian endings ("квитка", "квитки") match "квитк…".
      .filter(({ needle }) => needle && (haystack.includes(` ${needle} `) || (needle.length >= 5 && haystack.includes(` ${needle}`))))
      .map(({ keyword }) => keyword);
    const score = matched.length * rule.weight;
    if (score > 0 && (!best || score > best.score)) best = { rule, score, matched };
  }
  if (!best) return { categoryId: null, categoryConfidence: 0, matched: [] };
  // One keyword: 0.5; two: 0.75; three: 0.875 … — more evidence, more confidence, never certainty.
  return { categoryId: best.rule.categoryId, categoryConfidence: Math.round((1 - 0.5 ** best.score) * 1000) / 1000, matched: best.matched };
}

/**
 * A small valence lexicon (AFINN-style, −3…+3) for English, Ukrainian and
 * Spanish. Good enough to flag an angry fan; Ukrainian coverage is thin and
 * the confidence says so.
 */
const LEXICON: Record<string, number> = {
  // English
  angry: -3, furious: -3, outraged: -3, terrible: -3, awful: -3, worst: -3, scam: -3, fraud: -3, disgusting: -3, ridiculous: -2,
  unacceptable: -3, disappointed: -2, disappointing: -2, annoyed: -2, upset: -2, bad: -2, broken: -2, useless: -2, wrong: -1,
  problem: -1, issue: -1, cancelled: -1, canceled: -1, refund: -1, never: -1, complaint: -2, lawyer: -2, chargeback: -3, rude: -2,
  horrible: -3, hate: -3, frustrated: -2, frustrating: -2, waiting: -1, still: -1,
  thanks: 2, thank: 2, great: 3, awesome: 3, amazing: 3, love: 3, happy: 2, good: 2, excellent: 3, perfect: 3, appreciate: 2,
  helpful: 2, wonderful: 3, nice: 2, please: 1, glad: 2,
  // Українська
  жахливо: -3, жахливий: -3, обурений: -3, обурена: -3, шахрайство: -3, погано: -2, поганий: -2, розчарований: -2,
  розчарована: -2, злий: -3, зла: -3, скарга: -2, проблема: -1, скасовано: -1, повернення: -1, досі: -1, ганьба: -3,
  дякую: 2, спасибі: 2, чудово: 3, чудовий: 3, супер: 3, добре: 2, вдячний: 2, вдячна: 2, прекрасно: 3,
  // Español
  enfadado: -3, enfadada: -3, estafa: -3, fatal: -3, malo: -2, mala: -2, decepcionado: -2,
  decepcionada: -2, queja: -2, problema: -1, cancelado: -1, reembolso: -1, todavía: -1, vergüenza: -3,
  gracias: 2, genial: 3, excelente: 3, perfecto: 3, encantado: 3, bueno: 2, buena: 2, feliz: 2,
};

export function sentimentOf(text: string): Pick<Classification, "sentiment" | "sentimentConfidence"> {
  const words = text.toLowerCase().normalize("NFKC").match(/[\p{L}]+/gu) ?? [];
  let sum = 0;
  let hits = 0;
  for (const word of words) {
    const v = LEXICON[word];
    if (v) {
      sum += v;
      hits++;
    }
  }
  // Shouting is anger whatever the words: "WHERE IS MY REFUND!!!"
  const shouting = (text.match(/!{2,}/g)?.length ?? 0) + (/\b[A-Z]{4,}\b.*\b[A-Z]{4,}\b/.test(text) ? 1 : 0);
  if (shouting) {
    sum -= 2 * shouting;
    hits += shouting;
  }
  if (hits === 0) return { sentiment: null, sentimentConfidence: 0 };
  const sentiment = Math.max(-1, Math.min(1, sum / (3 * Math.sqrt(hits) + 1)));
  return { sentiment: Math.round(sentiment * 1000) / 1000, sentimentConfidence: Math.round(Math.min(0.9, 0.3 + 0.15 * hits) * 1000) / 1000 };
}

export const keywordClassifier: Classifier = {
  name: "keywords",
  async classify(db, input) {
    const rules = await rulesOf(db, input.workspaceId, input.deskId);
    const text = `${input.subject}\n${input.text}`;
    return { ...matchCompiled(rules, text), ...sentimentOf(text) };
  },
};
