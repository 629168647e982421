import { and, eq, inArray, sql } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import type { TicketRow } from "../tickets/schema";
import type { CommerceDeps } from "./deps";
import { type OrderBundle, getEvent, loadOrderBundle, policyForEvent } from "./orders";
import { formatWhen, ticketPdf } from "./pdf";
import { type Decision, type Reason, type RefundPolicy, decideExchange, formatMoney } from "./policy-engine";
import { type AdmissionRow, type CommerceRequestRow, type EventRow, admissions } from "./schema";
import {
  type Outcome,
  type Via,
  activity,
  authorizeAct,
  chooseAdmissions,
  executeRefund,
  fileRequest,
  localeOf,
  newBarcode,
  tell,
  ticketOf,
  viaOf,
} from "./workflows";

/**
 * Exchange to another date or other seats, keeping what the fan paid: the
 * new places cost what the target event's price list (or its platform) says.
 *
 * - Same price: exchanged at once.
 * - Cheaper: exchanged at once, and the difference refunded through the
 *   payment gateway in the same transaction (a gateway refusal undoes both).
 * - Dearer: by policy (`dearerExchange`), refused with the reason, or filed
 *   for a supervisor, who arranges the payment and approves; approval runs
 *   the exchange with every check made again.
 *
 * An event with no price known keeps the price paid (there is nothing to
 * settle against). The decision's reasons say all of this in the fan's words.
 */

export interface ExchangeInput {
  orderId: string;
  admissionIds?: string[];
  toEventId: string;
  section?: string | null;
  row?: string | null;
  /** Seats wanted, one per admission, in order; none: general admission / any. */
  seats?: string[];
  ticketId?: string | null;
}

interface ExchangePlan {
  input: ExchangeInput;
  ticket: TicketRow | null;
  bundle: OrderBundle;
  locale: string | null;
  policy: RefundPolicy;
  chosen: AdmissionRow[];
  target: EventRow;
  /** The new price of each chosen admission, in order. */
  prices: number[];
  /** New total minus the total paid for these admissions (minor units): > 0 the fan owes, < 0 the fan is owed. */
  difference: number;
  decision: Decision;
}

export async function exchangeAdmissions(
  ctx: Ctx,
  deps: CommerceDeps,
  input: ExchangeInput,
  options: { via?: Via } = {},
): Promise<Outcome> {
  authorizeAct(ctx);
  const via = viaOf(ctx, options.via);
  return inTransaction(ctx, async (tx) => {
    const plan = await planExchange(tx, deps, input);
    const { bundle, ticket, decision } = plan;
    const owed = { currency: bundle.order.currency };
    if (plan.difference > 0) {
      if ((plan.policy.dearerExchange ?? "approval") === "refuse") {
        throw new DomainError("exchange.not_eligible", "The new places cost more, and the policy does not exchange to dearer places", {
          reasons: decision.reasons,
          difference: plan.difference,
          ...owed,
        });
      }
      const request = await fileRequest(tx, {
        kind: "exchange",
        state: "pending_approval",
        orderId: bundle.order.id,
        ticketId: ticket?.id ?? null,
        contactId: bundle.order.contactId,
        via,
        input: { ...input },
        decision,
        amount: plan.difference,
        ...owed,
      });
      await recordActivities(tx, [
        activity("exchange.approval_requested", bundle, ticket, { requestId: request.id, toEventId: plan.target.id, difference: plan.difference, ...owed }),
      ]);
      await tell(tx, ticket, decision.reasons.map((r) => r.text).join(" "));
      return { request, decision };
    }
    const request = await fileRequest(tx, {
      kind: "exchange",
      state: "completed",
      orderId: bundle.order.id,
      ticketId: ticket?.id ?? null,
      contactId: bundle.order.contactId,
      via,
      input: { ...input },
      decision,
      amount: plan.difference < 0 ? -plan.difference : 0,
      ...owed,
    });
    return carryOut(tx, deps, plan, request);
  });
}

/** A supervisor's decision on a dearer exchange (called by decideRequest, inside its transaction). */
export async function decideExchangeRequest(
  ctx: Ctx,
  deps: CommerceDeps,
  request: CommerceRequestRow,
  approve: boolean,
  settle: (state: "completed" | "rejected") => Promise<CommerceRequestRow>,
  note: string | null,
): Promise<Outcome> {
  const stored = request.input as unknown as ExchangeInput;
  if (!approve) {
    const bundle = await loadOrderBundle(ctx, request.orderId!);
    const ticket = await ticketOf(ctx, request.ticketId);
    const locale = await localeOf(ctx, bundle, ticket);
    const row = await settle("rejected");
    await recordActivities(ctx, [activity("exchange.rejected", bundle, ticket, { requestId: request.id, note })]);
    await tell(ctx, ticket, t(locale, "commerce:notify.exchange_rejected", { order: bundle.order.number, reasons: note ?? "" }).trim());
    return { request: row, decision: request.decision as unknown as Decision };
  }
  // The approver took the difference: the checks (seats free, policy, prices) run again on today's data.
  const plan = await planExchange(ctx, deps, stored);
  const row = await settle("completed");
  await recordActivities(ctx, [activity("exchange.approved", plan.bundle, plan.ticket, { requestId: request.id, difference: plan.difference })]);
  return carryOut(ctx, deps, { ...plan, difference: Math.min(plan.difference, 0) }, row);
}

async function planExchange(ctx: Ctx, deps: CommerceDeps, input: ExchangeInput): Promise<ExchangePlan> {
  const ticket = await ticketOf(ctx, input.ticketId);
  const bundle = await loadOrderBundle(ctx, input.orderId, { forUpdate: true });
  const locale = await localeOf(ctx, bundle, ticket);
  const chosen = chooseAdmissions(bundle, input.admissionIds, locale);
  const policy = await policyForEvent(ctx, bundle.event);
  const decision = decideExchange({
    policy,
    event: bundle.event,
    purchasedAt: bundle.order.purchasedAt,
    currency: bundle.order.currency,
    admissions: chosen,
    now: ctx.clock.now(),
    locale,
  });
  const blocked = chosen.filter((a) => a.state !== "valid");
  if (blocked.length) {
    throw new DomainError(
      blocked.some((a) => a.state === "scanned") ? "refund.admission_scanned" : "admission.invalid_state",
      "Only valid tickets can be exchanged",
      { admissionIds: blocked.map((a) => a.id), reasons: decision.reasons },
    );
  }
  if (!decision.eligible) throw new DomainError("exchange.not_eligible", "This exchange is outside the exchange policy", { reasons: decision.reasons });
  const target = await getEvent(ctx, input.toEventId);
  if (target.id === bundle.event.id && !input.seats?.length && !input.section) {
    throw invalid([{ path: "toEventId", message: "choose another date, or other seats" }]);
  }
  if (target.state === "cancelled" || target.startsAt <= ctx.clock.now())
    throw new DomainError("exchange.unavailable", `${target.name} on that date is not on sale`);
  if (input.seats && input.seats.length !== chosen.length)
    throw invalid([{ path: "seats", message: `one seat for each of the ${chosen.length} tickets` }]);
  // Without new seats, the same seats are wanted at the other date: they must be free there too.
  const sameSeats = !input.seats?.length && !input.section && chosen.every((a) => a.seat);
  const platformPrice = await assertAvailable(
    ctx,
    deps,
    target,
    chosen.length,
    sameSeats ? { ...input, section: chosen[0]!.section, row: chosen[0]!.row, seats: chosen.map((a) => a.seat!) } : input,
  );
  const prices = chosen.map((a) => platformPrice ?? listPrice(target, input.section ?? a.section) ?? a.price);
  const difference = prices.reduce((s, p) => s + p, 0) - chosen.reduce((s, a) => s + a.price, 0);
  return {
    input,
    ticket,
    bundle,
    locale,
    policy,
    chosen,
    target,
    prices,
    difference,
    decision: priced(decision, difference, policy, bundle.order.currency, locale),
  };
}

/** The target's price for a section from its price list ("*": any section); undefined when it has none. */
function listPrice(target: EventRow, section: string | null): number | undefined {
  const pricing = target.pricing;
  if (!pricing) return undefined;
  return (section ? pricing[section]?.price : undefined) ?? pricing["*"]?.price;
}

/** The exchange decision with what the price difference means, in words. */
function priced(decision: Decision, difference: number, policy: RefundPolicy, currency: string, locale: string | null): Decision {
  const amount = formatMoney(Math.abs(difference), currency, locale);
  const reason = (code: string): Reason => ({ code, text: t(locale, `commerce:reason.${code}`, { amount }) });
  if (difference === 0) return { ...decision, reasons: [...decision.reasons, reason("exchange_same_price")] };
  if (difference < 0) return { ...decision, amount: -difference, reasons: [...decision.reasons, reason("exchange_refund_difference")] };
  if ((policy.dearerExchange ?? "approval") === "refuse") {
    return { ...decision, eligible: false, amount: 0, reasons: [...decision.reasons, reason("exchange_dearer_refused")] };
  }
  return { ...decision, amount: 0, needsApproval: true, reasons: [...decision.reasons, reason("exchange_dearer_approval")] };
}

async function carryOut(ctx: Ctx, deps: CommerceDeps, plan: ExchangePlan, request: CommerceRequestRow): Promise<Outcome> {
  const { bundle, ticket, chosen, target, locale, input } = plan;
  const now = ctx.clock.now();
  await ctx.db
    .update(admissions)
    .set({ state: "exchanged", updatedAt: now })
    .where(
      and(
        eq(admissions.workspaceId, ctx.workspaceId),
        inArray(
          admissions.id,
          chosen.map((a) => a.id),
        ),
      ),
    );
  const created = await ctx.db
    .insert(admissions)
    .values(
      chosen.map((a, i) => ({
        id: newId(),
        workspaceId: ctx.workspaceId,
        orderId: bundle.order.id,
        eventId: target.id,
        externalId: null,
        section: input.section ?? a.section,
        row: input.row ?? a.row,
        seat: input.seats?.[i] ?? (input.section ? null : a.seat),
        barcode: newBarcode(),
        price: plan.prices[i]!,
        // Booking fees were paid for the booking, not the seat: they stay as they were.
        fees: a.fees,
        state: "valid" as const,
        holderContactId: a.holderContactId,
        replacesId: a.id,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning();
  await recordActivities(ctx, [
    activity("admission.exchanged", bundle, ticket, {
      requestId: request.id,
      toEventId: target.id,
      from: chosen.map((a) => a.id),
      to: created.map((a) => a.id),
      difference: plan.difference,
    }),
  ]);
  const refund = plan.difference < 0 ? await executeRefund(ctx, deps, bundle, [], -plan.difference, request, "exchange_difference") : undefined;
  const pdf = await ticketPdf({
    locale,
    orderNumber: bundle.order.number,
    holderName: bundle.order.buyerName,
    event: target,
    venueName: bundle.venue?.name ?? null,
    currency: bundle.order.currency,
    admissions: created,
  });
  const done = t(locale, "commerce:notify.exchange_done", {
    order: bundle.order.number,
    event: target.name,
    when: formatWhen(target.startsAt, target.timezone, locale),
  });
  const settled = refund ? ` ${t(locale, "commerce:reason.exchange_refund_difference", { amount: formatMoney(refund.amount, refund.currency, locale) })}` : "";
  await tell(ctx, ticket, `${done}${settled}`, { filename: `tickets-${bundle.order.number}.pdf`, content: pdf });
  return { request, decision: plan.decision, admissions: created, pdf, refund };
}

/**
 * Seats and places at the target event: through the event's connector when it
 * has one (which may also quote the price of a place), else Usher's own seat map.
 */
async function assertAvailable(ctx: Ctx, deps: CommerceDeps, target: EventRow, quantity: number, input: ExchangeInput): Promise<number | null> {
  const connector = deps.connectors[target.source];
  if (connector && target.externalId) {
    let availability;
    try {
      availability = await connector.checkAvailability(target.externalId, { quantity, section: input.section });
    } catch (err) {
      throw new DomainError("connector.failed", `${target.source} did not say whether places are free: ${(err as Error).message}`);
    }
    if (!availability.available)
      throw new DomainError("exchange.unavailable", `Not enough places left for ${target.name}`, { remaining: availability.remaining });
    return availability.price ?? null;
  }
  const held = ["valid", "scanned", "transferred"] as const;
  if (target.capacity !== null) {
    const [row] = await ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(admissions)
      .where(and(eq(admissions.workspaceId, ctx.workspaceId), eq(admissions.eventId, target.id), inArray(admissions.state, [...held])));
    if ((row?.n ?? 0) + quantity > target.capacity)
      throw new DomainError("exchange.unavailable", `Not enough places left for ${target.name}`, {
        remaining: target.capacity - (row?.n ?? 0),
      });
  }
  if (input.seats?.length) {
    const taken = await ctx.db
      .select({ seat: admissions.seat })
      .from(admissions)
      .where(
        and(
          eq(admissions.workspaceId, ctx.workspaceId),
          eq(admissions.eventId, target.id),
          inArray(admissions.state, [...held]),
          input.section ? eq(admissions.section, input.section) : undefined,
          input.row ? eq(admissions.row, input.row) : undefined,
          inArray(admissions.seat, input.seats),
        ),
      );
    if (taken.length)
      throw new DomainError("exchange.unavailable", `Seats ${taken.map((s) => s.seat).join(", ")} are taken`, {
        taken: taken.map((s) => s.seat),
      });
  }
  return null;
}
