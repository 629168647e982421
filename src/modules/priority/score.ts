import { DateTime } from "luxon";
import type { BusinessCalendar } from "../sla/calendar";
import { type ConditionEnv, evaluateConditions } from "../tickets/conditions";
import type { Priority, PriorityReason, TicketRow } from "../tickets/schema";
import type { OtherOpenTicket } from "../tickets/service";
import type { PriorityBands, PriorityFactorRow, PrioritySignal } from "./schema";

/**
 * The priority table of seeds/004 as a pure function: every factor whose
 * conditions (and signal) hold adds its points; the sum maps to a band.
 * "If more than one applies, accumulate the effect."
 */

/** What the scorer knows beyond the ticket row, gathered by signals.ts. */
export interface Facts {
  /** The workspace's business hours, for "after hours". */
  calendar: BusinessCalendar | null;
  inboundMessages: number;
  /** The requester's (or their organisation's) other unsolved tickets. */
  otherOpen: OtherOpenTicket[];
  parentTier: number | null;
  requesterTimeZone: string | null;
  requesterTier?: string;
  now: Date;
}

export interface Score {
  score: number;
  reasons: PriorityReason[];
  band: Priority;
  /** A Tier 2+ case this ticket is about, to attach it to (when a factor says so). */
  attachTo: string | null;
}

const STATUS_WORDS = /\b(status|update|progress|any news|news on|follow(ing)? up)\b|статус|оновлен|новин/i;
const EAST_COAST = new Set(["America/New_York", "America/Toronto", "America/Detroit", "America/Montreal", "America/Indiana/Indianapolis", "America/Kentucky/Louisville", "US/Eastern", "EST5EDT"]);

export function tier2Case(ticket: TicketRow, facts: Facts): string | null {
  if (!ticket.categoryId) return null;
  return facts.otherOpen.find((o) => o.tier >= 2 && o.categoryId === ticket.categoryId)?.id ?? null;
}

export function signal(name: PrioritySignal, ticket: TicketRow, facts: Facts): boolean {
  switch (name) {
    case "after_hours":
      return facts.calendar !== null && !facts.calendar.isOpen(ticket.createdAt);
    case "follow_up":
      return facts.inboundMessages >= 2;
    case "asks_status_of_tier2":
      return facts.otherOpen.some((o) => o.tier >= 2) && STATUS_WORDS.test(ticket.subject);
    case "east_coast_afternoon": {
      if (!facts.requesterTimeZone || !EAST_COAST.has(facts.requesterTimeZone)) return false;
      const hour = DateTime.fromJSDate(facts.now, { zone: facts.requesterTimeZone }).hour;
      return hour >= 13 && hour < 17;
    }
    case "new_topic_existing_case":
      return facts.otherOpen.length > 0 && !(facts.otherOpen.some((o) => o.tier >= 2) && STATUS_WORDS.test(ticket.subject));
    case "about_tier2_item":
      return (facts.parentTier ?? 0) >= 2 || tier2Case(ticket, facts) !== null;
  }
}

export function bandOf(score: number, bands: PriorityBands): Priority {
  return score >= bands.urgent ? "urgent" : score >= bands.high ? "high" : score >= bands.normal ? "normal" : "low";
}

export function scoreTicket(ticket: TicketRow, factors: readonly PriorityFactorRow[], bands: PriorityBands, facts: Facts): Score {
  const env: ConditionEnv = { now: facts.now, requester: { tier: facts.requesterTier } };
  const reasons: PriorityReason[] = [];
  let attachTo: string | null = null;
  for (const f of factors) {
    if (!f.active) continue;
    if (f.signal && !signal(f.signal, ticket, facts)) continue;
    if (!evaluateConditions(f.conditions, ticket, env)) continue;
    reasons.push({ factor: f.key, points: f.points, label: f.label });
    if (f.action === "attach_to_tier2_case" && !ticket.parentId) attachTo = tier2Case(ticket, facts);
  }
  const score = reasons.reduce((sum, r) => sum + r.points, 0);
  return { score, reasons, band: bandOf(score, bands), attachTo };
}

export const DEFAULT_BANDS: PriorityBands = { urgent: 10, high: 5, normal: 0 };
