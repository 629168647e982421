import { z } from "zod";
import { t } from "../../platform/i18n";
import type { AdmissionState, EventState } from "./schema";

/**
 * The refund and exchange policy engine: a pure function of the policy, the
 * event, the order and the clock. No database, no I/O — the workflows ask it
 * and then act, and the portal asks it what to offer. Each decision says in
 * words, in the contact's language, why.
 *
 * Rules (seeds/003 "Refunds, cancellations, fees, and chargebacks"):
 * - A cancelled event is refunded in full, fees included, whatever else the policy says.
 * - A postponed or rescheduled event offers keep / exchange / refund for
 *   `postponedChoiceDays` after the change, again in full.
 * - Otherwise: only if the policy says refundable, within `windowDays` of the
 *   purchase, and no later than `cutoffHours` before the event starts; the
 *   ticket price is refunded, the fees only if `feesRefundable`, less an
 *   administration fee (fixed or a percentage of the price).
 * - A scanned, refunded, exchanged or transferred admission is never refunded.
 */

export const feeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }).strict(),
  z.object({ kind: z.literal("fixed"), amount: z.number().int().min(0) }).strict(),
  z.object({ kind: z.literal("percent"), percent: z.number().min(0).max(100) }).strict(),
]);

export const refundPolicySchema = z
  .object({
    refundable: z.boolean(),
    /** Days after purchase a refund may be asked for; null: no limit. */
    windowDays: z.number().int().min(0).max(3650).nullable(),
    /** Hours before the event after which no refund is given. */
    cutoffHours: z
      .number()
      .int()
      .min(0)
      .max(24 * 365),
    /** Whether booking fees come back with the ticket price (they always do for a cancelled event). */
    feesRefundable: z.boolean(),
    /** What a voluntary refund costs the fan. */
    adminFee: feeSchema,
    /** Exchange to another date or seat allowed under the same window and cut-off. */
    exchangeable: z.boolean(),
    /** Days after a postponement during which the fan may keep, exchange or refund. */
    postponedChoiceDays: z.number().int().min(0).max(365),
    /** Refunds up to this amount (minor units) go through without an approver; above it, a supervisor approves. */
    autoApproveMax: z.number().int().min(0),
    /**
     * An exchange to dearer places: "approval" files it for a supervisor, who
     * arranges the payment of the difference and approves; "refuse" says no.
     * (A cheaper one always refunds the difference.)
     */
    dearerExchange: z.enum(["approval", "refuse"]).optional(),
  })
  .strict();

export type RefundPolicy = z.infer<typeof refundPolicySchema>;
export type PolicyOverride = Partial<RefundPolicy>;
export const policyOverrideSchema = refundPolicySchema.partial().strict();

export const DEFAULT_POLICY: RefundPolicy = {
  refundable: true,
  windowDays: 14,
  cutoffHours: 48,
  feesRefundable: false,
  adminFee: { kind: "none" },
  exchangeable: true,
  postponedChoiceDays: 30,
  autoApproveMax: 50_000,
  dearerExchange: "approval",
};

/** The workspace policy with an event's override on top. */
export function effectivePolicy(workspace: RefundPolicy, override?: PolicyOverride | null): RefundPolicy {
  return { ...workspace, ...(override ?? {}) };
}

export interface PolicyEvent {
  state: EventState;
  startsAt: Date;
  stateChangedAt: Date | null;
}

export interface PolicyAdmission {
  id: string;
  price: number;
  fees: number;
  state: AdmissionState;
}

export interface PolicyInput {
  policy: RefundPolicy;
  event: PolicyEvent;
  purchasedAt: Date;
  currency: string;
  admissions: PolicyAdmission[];
  now: Date;
  locale?: string | null;
}

export type Option = "keep" | "exchange" | "refund";

export interface Reason {
  code: string;
  text: string;
}

export interface Decision {
  eligible: boolean;
  /** Refund amount in minor units (0 when not eligible). */
  amount: number;
  currency: string;
  /** What the fan may choose: always "keep", plus refund and/or exchange when allowed. */
  options: Option[];
  /** Whether an approver must sign it off (above the auto-approve threshold). */
  needsApproval: boolean;
  reasons: Reason[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function formatMoney(amount: number, currency: string, locale?: string | null): string {
  const digits = minorDigits(currency);
  try {
    return new Intl.NumberFormat(locale ?? "en", { style: "currency", currency }).format(amount / 10 ** digits);
  } catch {
    return `${(amount / 10 ** digits).toFixed(digits)} ${currency}`;
  }
}

/** ISO 4217 minor-unit exponent, from the platform's own table. */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function adminFeeOf(fee: RefundPolicy["adminFee"], price: number): number {
  switch (fee.kind) {
    case "none":
      return 0;
    case "fixed":
      return Math.min(fee.amount, price);
    case "percent":
      return Math.min(price, Math.round((price * fee.percent) / 100));
  }
}

/** Decides a refund of the given admissions (all of the order's live ones, usually). */
export function decideRefund(input: PolicyInput): Decision {
  const { policy, event, now, currency } = input;
  const lang = input.locale;
  const reason = (code: string, params: Record<string, unknown> = {}): Reason => ({
    code,
    text: t(lang, `commerce:reason.${code}`, params),
  });
  const money = (amount: number) => formatMoney(amount, currency, lang);
  const reasons: Reason[] = [];

  const blocked = input.admissions.filter((a) => a.state !== "valid");
  for (const a of blocked) reasons.push(reason(`admission_${a.state}`, { id: a.id.slice(0, 8) }));
  const live = input.admissions.filter((a) => a.state === "valid");
  const price = live.reduce((s, a) => s + a.price, 0);
  const fees = live.reduce((s, a) => s + a.fees, 0);
  const verdict = (eligible: boolean, amount: number, options: Option[]): Decision => ({
    eligible: eligible && amount > 0,
    amount: eligible ? amount : 0,
    currency,
    options: ["keep", ...options],
    needsApproval: eligible && amount > policy.autoApproveMax,
    reasons:
      eligible && amount > policy.autoApproveMax
        ? [...reasons, reason("needs_approval", { limit: money(policy.autoApproveMax) })]
        : reasons,
  });

  if (live.length === 0) {
    if (input.admissions.length === 0) reasons.push(reason("nothing_to_refund"));
    return verdict(false, 0, []);
  }

  if (event.state === "cancelled") {
    reasons.push(reason("event_cancelled", { amount: money(price + fees) }));
    return verdict(true, price + fees, ["refund"]);
  }

  if (event.state === "postponed" || event.state === "rescheduled") {
    const since = event.stateChangedAt ?? input.purchasedAt;
    const until = new Date(since.getTime() + policy.postponedChoiceDays * DAY);
    if (now <= until) {
      reasons.push(reason("event_postponed", { until: formatDate(until, lang), amount: money(price + fees) }));
      return verdict(true, price + fees, ["exchange", "refund"]);
    }
    reasons.push(reason("postponed_choice_over", { until: formatDate(until, lang) }));
    // Past the choice period the ordinary rules apply to the new date.
  }

  if (now >= event.startsAt) {
    reasons.push(reason("event_started"));
    return verdict(false, 0, []);
  }
  if (!policy.refundable && !policy.exchangeable) {
    reasons.push(reason("not_refundable"));
    return verdict(false, 0, []);
  }
  const problems: Reason[] = [];
  if (policy.windowDays !== null) {
    const closes = new Date(input.purchasedAt.getTime() + policy.windowDays * DAY);
    if (now > closes) problems.push(reason("window_closed", { days: policy.windowDays, closedAt: formatDate(closes, lang) }));
    else reasons.push(reason("window_open", { days: policy.windowDays, closesAt: formatDate(closes, lang) }));
  }
  const cutoff = new Date(event.startsAt.getTime() - policy.cutoffHours * HOUR);
  if (now > cutoff) problems.push(reason("cutoff_passed", { hours: policy.cutoffHours }));
  if (problems.length) {
    reasons.push(...problems);
    return verdict(false, 0, []);
  }
  const options: Option[] = policy.exchangeable ? ["exchange"] : [];
  if (!policy.refundable) {
    reasons.push(reason("not_refundable"));
    return { ...verdict(false, 0, options), options: ["keep", ...options] };
  }
  const adminFee = live.reduce((s, a) => s + adminFeeOf(policy.adminFee, a.price), 0);
  const amount = price - adminFee + (policy.feesRefundable ? fees : 0);
  if (fees > 0) reasons.push(reason(policy.feesRefundable ? "fees_refunded" : "fees_kept", { fees: money(fees) }));
  if (adminFee > 0) reasons.push(reason("admin_fee", { fee: money(adminFee) }));
  reasons.push(reason("refund_amount", { amount: money(amount) }));
  return verdict(true, amount, [...options, "refund"]);
}

/** Whether an exchange is allowed now (to another date or seat). */
export function decideExchange(input: PolicyInput): Decision {
  const d = decideRefund({ ...input, policy: { ...input.policy, refundable: true } });
  const allowed = d.options.includes("exchange");
  const reasons = allowed
    ? d.reasons.filter((r) => !["refund_amount", "fees_kept", "fees_refunded", "admin_fee", "needs_approval"].includes(r.code))
    : d.reasons;
  if (!allowed && d.eligible) reasons.push({ code: "not_exchangeable", text: t(input.locale, "commerce:reason.not_exchangeable") });
  return { eligible: allowed, amount: 0, currency: input.currency, options: d.options, needsApproval: false, reasons };
}

function formatDate(date: Date, locale?: string | null): string {
  return new Intl.DateTimeFormat(locale ?? "en", { dateStyle: "medium", timeZone: "UTC" }).format(date);
}
