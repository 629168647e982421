import { randomBytes } from "node:crypto";
import { and, eq, inArray } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { DomainError, forbidden, invalid, notFound } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { type ActivityInput, recordActivities } from "../activity/service";
import { findOrCreateContact, getContactRow } from "../contacts/service";
import { authorize, can } from "../identity/policy";
import { addMessage, uploadAttachment } from "../tickets/messages";
import type { TicketRow } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import type { CommerceDeps } from "./deps";
import { type OrderBundle, loadOrderBundle, policyForEvent } from "./orders";
import { GatewayError, type PaymentGateway } from "./payments/gateway";
import { ticketPdf } from "./pdf";
import { type Decision, decideRefund, formatMoney } from "./policy-engine";
import {
  type AdmissionRow,
  type CommerceRequestRow,
  type PaymentRow,
  type RefundRow,
  type RequestKind,
  admissions,
  commerceRequests,
  orders,
  refunds,
} from "./schema";

/**
 * The workflows that run themselves: refund, transfer, reissue (exchange is
 * in exchange.ts).
 * Each one locks the order, asks the policy engine, and then either does the
 * work (within policy and thresholds) or files a request for an approver.
 * Every step is an activity; when there is a ticket, the fan is told on it,
 * in their language, on the ticket's channel.
 *
 * Money leaves through the gateway while the order is locked: a second
 * request on the same order waits, then finds the admissions refunded and is
 * refused. Our refund id is the gateway's Idempotency-Key, so a retry after a
 * crash is the same refund at the provider.
 */

export type Via = "agent" | "portal" | "system";

export interface RefundInput {
  orderId: string;
  /** Which admissions; default every valid one. */
  admissionIds?: string[];
  /** An amount other than the policy's (an agent's goodwill): above it needs an approver. */
  amount?: number;
  currency?: string;
  reason?: string;
  ticketId?: string | null;
  /** A client's key: the same key again returns the first outcome instead of refunding twice. */
  idempotencyKey?: string;
}

export interface Outcome {
  request: CommerceRequestRow;
  decision: Decision;
  refund?: RefundRow;
  admissions?: AdmissionRow[];
  pdf?: Buffer;
}

export const viaOf = (ctx: Ctx, via?: Via): Via => via ?? (ctx.actor.kind === "agent" ? "agent" : "system");

export function authorizeAct(ctx: Ctx) {
  authorize(ctx.actor, "commerce.act");
}

export async function localeOf(ctx: Ctx, bundle: OrderBundle, ticket?: TicketRow | null): Promise<string | null> {
  if (ticket?.language) return ticket.language;
  const contactId = ticket?.requesterId ?? bundle.order.contactId;
  if (!contactId) return null;
  const contact = await getContactRow(withActor(ctx, systemActor("commerce")), contactId).catch(() => undefined);
  return contact?.locale ?? null;
}

export async function ticketOf(ctx: Ctx, ticketId?: string | null): Promise<TicketRow | null> {
  return ticketId ? getTicket(ctx, ticketId) : null;
}

// ------------------------------------------------------------------ refund

export async function requestRefund(ctx: Ctx, deps: CommerceDeps, input: RefundInput, options: { via?: Via } = {}): Promise<Outcome> {
  authorizeAct(ctx);
  const via = viaOf(ctx, options.via);
  return inTransaction(ctx, async (tx) => {
    if (input.idempotencyKey) {
      const replay = await replayOf(tx, input.idempotencyKey);
      if (replay) return replay;
    }
    const ticket = await ticketOf(tx, input.ticketId);
    const bundle = await loadOrderBundle(tx, input.orderId, { forUpdate: true });
    if (input.idempotencyKey) {
      // The same key may have been refunding this order while we waited for its lock.
      const replay = await replayOf(tx, input.idempotencyKey);
      if (replay) return replay;
    }
    const locale = await localeOf(tx, bundle, ticket);
    const chosen = chooseAdmissions(bundle, input.admissionIds, locale);
    const policy = await policyForEvent(tx, bundle.event);
    const decision = decideRefund({
      policy,
      event: bundle.event,
      purchasedAt: bundle.order.purchasedAt,
      currency: bundle.order.currency,
      admissions: chosen,
      now: tx.clock.now(),
      locale,
    });
    const amount = input.amount ?? decision.amount;
    checkRefundInput(bundle, chosen, { amount, currency: input.currency }, decision);

    const withinPolicy = decision.eligible && amount <= decision.amount && !(amount > policy.autoApproveMax);
    // Outside policy: an agent's exception goes to an approver; a fan (portal) or Usher itself is refused.
    // Within policy but above the auto-approve threshold: an approver, whoever asked.
    if (!withinPolicy && via !== "agent" && !decision.eligible) {
      throw refusal("refund.not_eligible", "This refund is outside the refund policy", decision);
    }

    const request = await fileRequest(tx, {
      kind: "refund",
      state: withinPolicy ? "completed" : "pending_approval",
      orderId: bundle.order.id,
      ticketId: ticket?.id ?? null,
      contactId: bundle.order.contactId,
      via,
      input: { ...input, admissionIds: chosen.map((a) => a.id), amount },
      decision,
      amount,
      currency: bundle.order.currency,
    });
    if (!withinPolicy) {
      await recordActivities(tx, [
        activity("refund.approval_requested", bundle, ticket, {
          requestId: request.id,
          amount,
          currency: bundle.order.currency,
          reasons: decision.reasons.map((r) => r.code),
        }),
      ]);
      await tell(
        tx,
        ticket,
        t(locale, "commerce:notify.refund_pending", {
          order: bundle.order.number,
          amount: formatMoney(amount, bundle.order.currency, locale),
        }),
      );
      return { request, decision };
    }
    const refund = await executeRefund(
      tx,
      deps,
      bundle,
      chosen,
      amount,
      request,
      input.reason ?? "requested_by_customer",
      input.idempotencyKey,
    );
    await tell(tx, ticket, refundDoneText(bundle, refund, locale));
    return { request, decision, refund };
  });
}

/** Bad input is refused with reasons, whoever asks and whatever the policy says. */
function checkRefundInput(bundle: OrderBundle, chosen: AdmissionRow[], input: { amount: number; currency?: string }, decision: Decision) {
  const { order } = bundle;
  if (input.currency && input.currency.toUpperCase() !== order.currency) {
    throw new DomainError("refund.currency_mismatch", `The order was paid in ${order.currency}, not ${input.currency.toUpperCase()}`, {
      orderCurrency: order.currency,
      requestedCurrency: input.currency.toUpperCase(),
    });
  }
  if (!Number.isInteger(input.amount) || input.amount < 0)
    throw invalid([{ path: "amount", message: "a whole number of minor units, at least 0" }]);
  const remaining = order.total - order.refundedTotal;
  if (order.refundedTotal >= order.total || chosen.every((a) => a.state === "refunded")) {
    throw refusal("refund.already_refunded", `Order ${order.number} has already been refunded`, decision, {
      refundedTotal: order.refundedTotal,
    });
  }
  if (input.amount > remaining) {
    throw refusal(
      "refund.exceeds_paid",
      `At most ${formatMoney(remaining, order.currency)} of order ${order.number} can still be refunded`,
      decision,
      {
        requested: input.amount,
        refundable: remaining,
        currency: order.currency,
      },
    );
  }
  const scanned = chosen.filter((a) => a.state === "scanned");
  if (scanned.length) {
    throw refusal("refund.admission_scanned", "A ticket that was scanned at the door cannot be refunded", decision, {
      admissionIds: scanned.map((a) => a.id),
    });
  }
  const gone = chosen.filter((a) => a.state === "refunded");
  if (gone.length)
    throw refusal("refund.already_refunded", "Some of these tickets were already refunded", decision, {
      admissionIds: gone.map((a) => a.id),
    });
  const other = chosen.filter((a) => a.state !== "valid");
  if (other.length)
    throw refusal("admission.invalid_state", "Some of these tickets were exchanged or transferred", decision, {
      admissionIds: other.map((a) => a.id),
    });
  if (input.amount === 0) throw refusal("refund.not_eligible", "Nothing would be refunded", decision);
}

function refusal(
  code: "refund.not_eligible" | "refund.already_refunded" | "refund.exceeds_paid" | "refund.admission_scanned" | "admission.invalid_state",
  message: string,
  decision: Decision,
  extra: Record<string, unknown> = {},
) {
  return new DomainError(code, message, { ...extra, reasons: decision.reasons });
}

export function chooseAdmissions(bundle: OrderBundle, ids: string[] | undefined, _locale: string | null): AdmissionRow[] {
  if (!ids?.length) {
    const valid = bundle.admissions.filter((a) => a.state === "valid");
    // Nothing valid left: report on all of them, so the refusal says why (scanned, refunded…).
    return valid.length ? valid : bundle.admissions;
  }
  const unknown = ids.filter((id) => !bundle.admissions.some((a) => a.id === id));
  if (unknown.length)
    throw invalid(unknown.map((id) => ({ path: "admissionIds", message: `${id} is not on order ${bundle.order.number}` })));
  return bundle.admissions.filter((a) => ids.includes(a.id));
}

export async function executeRefund(
  ctx: Ctx,
  deps: CommerceDeps,
  bundle: OrderBundle,
  chosen: AdmissionRow[],
  amount: number,
  request: CommerceRequestRow,
  reason: string,
  clientKey?: string,
): Promise<RefundRow> {
  const payment = paymentFor(bundle, amount);
  const gateway = gatewayFor(deps, payment);
  const id = newId();
  const now = ctx.clock.now();
  const [refund] = await ctx.db
    .insert(refunds)
    .values({
      id,
      workspaceId: ctx.workspaceId,
      orderId: bundle.order.id,
      paymentId: payment.id,
      admissionIds: chosen.map((a) => a.id),
      amount,
      currency: bundle.order.currency,
      reason,
      state: "pending",
      gateway: gateway.name,
      idempotencyKey: clientKey ?? `usher-refund-${id}`,
      requestId: request.id,
      createdAt: now,
    })
    .returning();
  let result;
  try {
    result = await gateway.refund({
      chargeId: payment.gatewayChargeId!,
      amount,
      currency: bundle.order.currency,
      idempotencyKey: refund!.idempotencyKey,
      reason: "requested_by_customer",
      metadata: { usher_order: bundle.order.number, usher_refund: id },
    });
  } catch (err) {
    if (err instanceof GatewayError) {
      throw new DomainError("payment.gateway_failed", `The payment provider refused the refund: ${err.message}`, {
        gateway: err.gateway,
        type: err.type,
        providerCode: err.code,
      });
    }
    throw err;
  }
  const [done] = await ctx.db
    .update(refunds)
    .set({ state: result.status === "failed" ? "failed" : "succeeded", gatewayRefundId: result.id })
    .where(eq(refunds.id, id))
    .returning();
  // Admissions are refunded only when the refund covers them (a partial goodwill refund leaves them valid).
  const covers = amount >= chosen.reduce((s, a) => s + a.price, 0) - 1;
  if (covers && chosen.length) {
    await ctx.db
      .update(admissions)
      .set({ state: "refunded", updatedAt: now })
      .where(
        and(
          eq(admissions.workspaceId, ctx.workspaceId),
          inArray(
            admissions.id,
            chosen.map((a) => a.id),
          ),
        ),
      );
  }
  const refundedTotal = bundle.order.refundedTotal + amount;
  await ctx.db
    .update(orders)
    .set({ refundedTotal, state: refundedTotal >= bundle.order.total ? "refunded" : "partially_refunded", updatedAt: now })
    .where(eq(orders.id, bundle.order.id));
  await recordActivities(ctx, [
    activity(
      "refund.completed",
      bundle,
      null,
      {
        refundId: id,
        requestId: request.id,
        amount,
        currency: bundle.order.currency,
        gateway: gateway.name,
        gatewayRefundId: result.id,
        admissionIds: covers ? chosen.map((a) => a.id) : [],
      },
      request.ticketId,
    ),
  ]);
  return done!;
}

function paymentFor(bundle: OrderBundle, amount: number): PaymentRow {
  const candidates = bundle.payments.filter((p) => p.gatewayChargeId).sort((a, b) => b.amount - a.amount);
  const payment = candidates.find((p) => p.amount >= amount) ?? candidates[0];
  if (!payment) throw new DomainError("payment.gateway_failed", `Order ${bundle.order.number} has no payment that a gateway can refund`);
  return payment;
}

function gatewayFor(deps: CommerceDeps, payment: PaymentRow): PaymentGateway {
  const gateway = deps.gateways[payment.gateway];
  if (!gateway)
    throw new DomainError("payment.gateway_failed", `No payment gateway "${payment.gateway}" is configured`, { gateway: payment.gateway });
  return gateway;
}

function refundDoneText(bundle: OrderBundle, refund: RefundRow, locale: string | null): string {
  const payment = bundle.payments.find((p) => p.id === refund.paymentId);
  const method = payment?.last4 ? `${payment.brand ?? payment.method} ••••${payment.last4}` : (payment?.method ?? "");
  return t(locale, "commerce:notify.refund_done", {
    amount: formatMoney(refund.amount, refund.currency, locale),
    method,
    order: bundle.order.number,
  });
}

async function replayOf(ctx: Ctx, key: string): Promise<Outcome | undefined> {
  const [refund] = await ctx.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.workspaceId, ctx.workspaceId), eq(refunds.idempotencyKey, key)));
  if (!refund?.requestId) return undefined;
  const request = await getRequestRow(ctx, refund.requestId);
  return { request, decision: request.decision as unknown as Decision, refund };
}

// ------------------------------------------------------------------ approvals

export async function listPendingRequests(ctx: Ctx): Promise<CommerceRequestRow[]> {
  authorize(ctx.actor, "commerce.read");
  return ctx.db
    .select()
    .from(commerceRequests)
    .where(and(eq(commerceRequests.workspaceId, ctx.workspaceId), eq(commerceRequests.state, "pending_approval")))
    .orderBy(commerceRequests.createdAt)
    .limit(200);
}

export async function getRequestRow(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<CommerceRequestRow> {
  const query = ctx.db
    .select()
    .from(commerceRequests)
    .where(and(eq(commerceRequests.workspaceId, ctx.workspaceId), eq(commerceRequests.id, id)));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) throw notFound("request", id);
  return row;
}

/** A supervisor approves (the refund is made as requested) or rejects (the fan is told why). */
export async function decideRequest(
  ctx: Ctx,
  deps: CommerceDeps,
  id: string,
  input: { approve: boolean; note?: string | null },
): Promise<Outcome> {
  authorize(ctx.actor, "commerce.approve", "Only supervisors and admins approve refunds outside policy");
  return inTransaction(ctx, async (tx) => {
    const request = await getRequestRow(tx, id, { forUpdate: true });
    if (request.state !== "pending_approval") {
      throw new DomainError("commerce.request_decided", `This request was already ${request.state.replace("_", " ")}`, {
        state: request.state,
      });
    }
    if (request.kind === "subscription_credit" && request.subscriptionId) return decideCredit(tx, deps, request, input);
    if (request.kind === "exchange" && request.orderId) {
      const { decideExchangeRequest } = await import("./exchange");
      const settle = async (state: "completed" | "rejected") => {
        const [row] = await tx.db
          .update(commerceRequests)
          .set({ state, decidedByAgentId: tx.actor.kind === "agent" ? tx.actor.agentId : null, decidedAt: tx.clock.now(), note: input.note ?? null })
          .where(eq(commerceRequests.id, id))
          .returning();
        return row!;
      };
      return decideExchangeRequest(tx, deps, request, input.approve, settle, input.note ?? null);
    }
    if (request.kind !== "refund" || !request.orderId)
      throw new DomainError("commerce.request_decided", "Only refunds, dearer exchanges and credits wait for approval");
    const stored = request.input as unknown as RefundInput;
    const ticket = request.ticketId ? await getTicket(withActor(tx, systemActor("commerce")), request.ticketId) : null;
    const bundle = await loadOrderBundle(tx, request.orderId, { forUpdate: true });
    const locale = await localeOf(tx, bundle, ticket);
    const decision = request.decision as unknown as Decision;
    const decided = {
      decidedByAgentId: tx.actor.kind === "agent" ? tx.actor.agentId : null,
      decidedAt: tx.clock.now(),
      note: input.note ?? null,
    };
    if (!input.approve) {
      const [row] = await tx.db
        .update(commerceRequests)
        .set({ state: "rejected", ...decided })
        .where(eq(commerceRequests.id, id))
        .returning();
      await recordActivities(tx, [activity("refund.rejected", bundle, ticket, { requestId: id, note: input.note ?? null })]);
      const reasons = input.note ?? decision.reasons.map((r) => r.text).join(" ");
      await tell(tx, ticket, t(locale, "commerce:notify.refund_rejected", { order: bundle.order.number, reasons }));
      return { request: row!, decision };
    }
    // The order may have changed while the request waited: the bad-input checks run again.
    const chosen = chooseAdmissions(bundle, stored.admissionIds, locale);
    checkRefundInput(bundle, chosen, { amount: stored.amount ?? request.amount ?? 0, currency: stored.currency }, decision);
    const [row] = await tx.db
      .update(commerceRequests)
      .set({ state: "completed", ...decided })
      .where(eq(commerceRequests.id, id))
      .returning();
    await recordActivities(tx, [activity("refund.approved", bundle, ticket, { requestId: id })]);
    const refund = await executeRefund(
      tx,
      deps,
      bundle,
      chosen,
      stored.amount ?? request.amount ?? 0,
      row!,
      stored.reason ?? "requested_by_customer",
    );
    await tell(tx, ticket, refundDoneText(bundle, refund, locale));
    return { request: row!, decision, refund };
  });
}

/** A billing-error credit above the threshold: approved, it is credited as asked; rejected, nothing moves. */
async function decideCredit(
  ctx: Ctx,
  deps: CommerceDeps,
  request: CommerceRequestRow,
  input: { approve: boolean; note?: string | null },
): Promise<Outcome> {
  const { changeSubscription } = await import("./subscriptions");
  const decided = {
    decidedByAgentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : null,
    decidedAt: ctx.clock.now(),
    note: input.note ?? null,
  };
  const decision: Decision = {
    eligible: input.approve,
    amount: request.amount ?? 0,
    currency: request.currency ?? "",
    options: [],
    needsApproval: false,
    reasons: [],
  };
  if (!input.approve) {
    const [row] = await ctx.db
      .update(commerceRequests)
      .set({ state: "rejected", ...decided })
      .where(eq(commerceRequests.id, request.id))
      .returning();
    await recordActivities(ctx, [
      {
        type: "subscription.credit_rejected",
        subjectType: "subscription",
        subjectId: request.subscriptionId!,
        ticketId: request.ticketId,
        data: { requestId: request.id },
      },
    ]);
    return { request: row!, decision };
  }
  const [row] = await ctx.db
    .update(commerceRequests)
    .set({ state: "completed", ...decided })
    .where(eq(commerceRequests.id, request.id))
    .returning();
  const stored = request.input as { amount: number; currency: string; billingEntryId: string; reason?: string; ticketId?: string | null };
  await changeSubscription(ctx, deps, request.subscriptionId!, { action: "credit", ...stored }, { request: row! });
  return { request: row!, decision };
}

// ------------------------------------------------------------------ transfer

export async function transferAdmission(
  ctx: Ctx,
  input: { orderId: string; admissionId: string; to: { email: string; name?: string }; ticketId?: string | null },
  options: { via?: Via } = {},
): Promise<Outcome> {
  authorizeAct(ctx);
  const via = viaOf(ctx, options.via);
  return inTransaction(ctx, async (tx) => {
    const ticket = await ticketOf(tx, input.ticketId);
    const bundle = await loadOrderBundle(tx, input.orderId, { forUpdate: true });
    const locale = await localeOf(tx, bundle, ticket);
    const [admission] = chooseAdmissions(bundle, [input.admissionId], locale);
    if (admission!.state !== "valid")
      throw new DomainError("admission.invalid_state", `This ticket is ${admission!.state} and cannot be transferred`, {
        state: admission!.state,
      });
    if (bundle.event.state === "cancelled" || bundle.event.startsAt <= tx.clock.now())
      throw new DomainError("admission.invalid_state", "Tickets of past or cancelled events cannot be transferred");
    const { contact } = await findOrCreateContact(withActor(tx, systemActor("commerce")), {
      identities: [{ kind: "email", value: input.to.email }],
      name: input.to.name,
    });
    const now = tx.clock.now();
    await tx.db.update(admissions).set({ state: "transferred", updatedAt: now }).where(eq(admissions.id, admission!.id));
    const [created] = await tx.db
      .insert(admissions)
      .values({
        ...admission!,
        id: newId(),
        externalId: null,
        barcode: newBarcode(),
        state: "valid",
        holderContactId: contact.id,
        replacesId: admission!.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const { request, decision } = await fileCompletedWithoutMoney(tx, "transfer", bundle, ticket, via, input);
    await recordActivities(tx, [
      activity("admission.transferred", bundle, ticket, {
        requestId: request.id,
        from: admission!.id,
        to: created!.id,
        toContactId: contact.id,
      }),
    ]);
    const seat = [admission!.section, admission!.row, admission!.seat].filter(Boolean).join(" ") || admission!.barcode.slice(-6);
    await tell(tx, ticket, t(locale, "commerce:notify.transfer_done", { seat, order: bundle.order.number, name: contact.name }));
    return { request, decision, admissions: [created!] };
  });
}

// ------------------------------------------------------------------ reissue

/** New barcodes for the order's valid tickets (the old ones stop working) and a fresh PDF, sent on the ticket. */
export async function reissueTickets(
  ctx: Ctx,
  input: { orderId: string; ticketId?: string | null },
  options: { via?: Via } = {},
): Promise<Outcome> {
  authorizeAct(ctx);
  const via = viaOf(ctx, options.via);
  return inTransaction(ctx, async (tx) => {
    const ticket = await ticketOf(tx, input.ticketId);
    const bundle = await loadOrderBundle(tx, input.orderId, { forUpdate: true });
    const locale = await localeOf(tx, bundle, ticket);
    const valid = bundle.admissions.filter((a) => a.state === "valid");
    if (valid.length === 0)
      throw new DomainError("admission.invalid_state", `Order ${bundle.order.number} has no valid tickets to reissue`);
    if (bundle.event.state === "cancelled") throw new DomainError("admission.invalid_state", "The event was cancelled");
    const now = tx.clock.now();
    const reissued: AdmissionRow[] = [];
    for (const a of valid) {
      const [row] = await tx.db
        .update(admissions)
        .set({ barcode: newBarcode(), updatedAt: now })
        .where(eq(admissions.id, a.id))
        .returning();
      reissued.push(row!);
    }
    const { request, decision } = await fileCompletedWithoutMoney(tx, "reissue", bundle, ticket, via, input);
    await recordActivities(tx, [
      activity("admission.reissued", bundle, ticket, {
        requestId: request.id,
        admissions: valid.map((a) => ({ id: a.id, oldBarcode: a.barcode })),
      }),
    ]);
    const pdf = await ticketPdf({
      locale,
      orderNumber: bundle.order.number,
      holderName: bundle.order.buyerName,
      event: bundle.event,
      venueName: bundle.venue?.name ?? null,
      currency: bundle.order.currency,
      admissions: reissued,
      reissuedAt: now,
    });
    await tell(tx, ticket, t(locale, "commerce:notify.reissue_done", { event: bundle.event.name, order: bundle.order.number }), {
      filename: `tickets-${bundle.order.number}.pdf`,
      content: pdf,
    });
    return { request, decision, admissions: reissued, pdf };
  });
}

// ------------------------------------------------------------------ shared

/**
 * A transfer or a reissue moves no money and needs nobody's approval: it is
 * filed as completed at once, with an eligible zero-amount decision, so every
 * workflow leaves the same kind of record.
 */
async function fileCompletedWithoutMoney(
  tx: Ctx,
  kind: "transfer" | "reissue",
  bundle: OrderBundle,
  ticket: { id: string } | null,
  via: Via,
  input: object,
): Promise<{ request: CommerceRequestRow; decision: Decision }> {
  const decision: Decision = { eligible: true, amount: 0, currency: bundle.order.currency, options: [], needsApproval: false, reasons: [] };
  const request = await fileRequest(tx, {
    kind,
    state: "completed",
    orderId: bundle.order.id,
    ticketId: ticket?.id ?? null,
    contactId: bundle.order.contactId,
    via,
    input,
    decision,
  });
  return { request, decision };
}

export async function fileRequest(
  ctx: Ctx,
  input: {
    kind: RequestKind;
    state: CommerceRequestRow["state"];
    orderId?: string | null;
    subscriptionId?: string | null;
    ticketId: string | null;
    contactId: string | null;
    via: Via;
    input: object;
    decision: Decision | Record<string, unknown>;
    amount?: number | null;
    currency?: string | null;
  },
): Promise<CommerceRequestRow> {
  const [row] = await ctx.db
    .insert(commerceRequests)
    .values({
      id: newId(),
      workspaceId: ctx.workspaceId,
      kind: input.kind,
      state: input.state,
      orderId: input.orderId ?? null,
      subscriptionId: input.subscriptionId ?? null,
      ticketId: input.ticketId,
      contactId: input.contactId,
      via: input.via,
      requestedByAgentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : null,
      input: JSON.parse(JSON.stringify(input.input)) as Record<string, unknown>,
      decision: input.decision as unknown as Record<string, unknown>,
      amount: input.amount ?? null,
      currency: input.currency ?? null,
      createdAt: ctx.clock.now(),
    })
    .returning();
  return row!;
}

export function activity(
  type: string,
  bundle: OrderBundle,
  ticket: TicketRow | null,
  data: Record<string, unknown>,
  ticketId?: string | null,
): ActivityInput {
  return {
    type,
    subjectType: "order",
    subjectId: bundle.order.id,
    ticketId: ticket?.id ?? ticketId ?? null,
    data: { orderNumber: bundle.order.number, ...data },
  };
}

/**
 * Tells the fan on the ticket: an outbound message on the ticket's own
 * channel (its delivery is the channel's business). Written by the agent who
 * acted, or by Usher itself for the portal and approvals.
 */
export async function tell(ctx: Ctx, ticket: TicketRow | null, text: string, file?: { filename: string; content: Buffer }): Promise<void> {
  if (!ticket || ticket.status === "closed" || ticket.mergedIntoId) return;
  const writer = ctx.actor.kind === "agent" && can(ctx.actor, "ticket.reply") ? ctx : withActor(ctx, systemActor("commerce"));
  const attachmentIds: string[] = [];
  if (file) {
    const meta = await uploadAttachment(
      writer,
      { filename: file.filename, contentType: "application/pdf", content: file.content },
      { maxBytes: 20 * 1024 * 1024 },
    );
    attachmentIds.push(meta.id);
  }
  await addMessage(writer, ticket.id, { kind: "outbound", text, attachmentIds });
}

export const newBarcode = () =>
  randomBytes(9)
    .toString("base64url")
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, "7");

export function assertOwnOrder(bundle: OrderBundle, contactId: string) {
  if (bundle.order.contactId !== contactId) throw forbidden();
}
