import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { DomainError, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivity } from "../activity/service";
import { getContact } from "../contacts/service";
import { authorize } from "../identity/policy";
import { listMessages } from "../tickets/messages";
import { listTickets } from "../tickets/service";
import { loadOrderBundle } from "./orders";
import { type EvidenceSection, evidencePdf } from "./pdf";
import { formatMoney } from "./policy-engine";
import { type DisputeRow, type DisputeState, admissions, disputes, orders, payments, refunds, scans } from "./schema";

/**
 * Chargebacks (seeds/003): a dispute per payment, a one-click evidence
 * bundle — receipt, purchase IP and location, delivery and scan logs, all
 * correspondence — and the chargeback rate per period (acceptable: 0.3–0.6 %
 * of transactions; above 1 % calls for a payments audit).
 */
export interface NewDispute {
  paymentId: string;
  reason: string;
  amount?: number;
  currency?: string;
  externalId?: string | null;
  openedAt?: Date;
  respondBy?: Date | null;
}

export async function openDispute(ctx: Ctx, input: NewDispute): Promise<DisputeRow> {
  authorize(ctx.actor, "commerce.act");
  return inTransaction(ctx, async (tx) => {
    const [payment] = await tx.db
      .select()
      .from(payments)
      .where(and(eq(payments.workspaceId, tx.workspaceId), eq(payments.id, input.paymentId)));
    if (!payment) throw notFound("payment", input.paymentId);
    if (input.currency && input.currency.toUpperCase() !== payment.currency) {
      throw new DomainError("refund.currency_mismatch", `The payment was made in ${payment.currency}, not ${input.currency.toUpperCase()}`);
    }
    if ((input.amount ?? payment.amount) > payment.amount)
      throw new DomainError("refund.exceeds_paid", "A dispute cannot be for more than the payment");
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(disputes)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        paymentId: payment.id,
        orderId: payment.orderId,
        externalId: input.externalId ?? null,
        reason: input.reason,
        amount: input.amount ?? payment.amount,
        currency: payment.currency,
        state: "needs_response",
        openedAt: input.openedAt ?? now,
        respondBy: input.respondBy ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivity(tx, {
      type: "dispute.opened",
      subjectType: "order",
      subjectId: payment.orderId,
      data: { disputeId: row!.id, reason: input.reason, amount: row!.amount },
    });
    return row!;
  });
}

export async function getDispute(ctx: Ctx, id: string): Promise<DisputeRow> {
  authorize(ctx.actor, "commerce.read");
  const [row] = await ctx.db
    .select()
    .from(disputes)
    .where(and(eq(disputes.workspaceId, ctx.workspaceId), eq(disputes.id, id)));
  if (!row) throw notFound("dispute", id);
  return row;
}

export async function setDisputeState(ctx: Ctx, id: string, state: DisputeState): Promise<DisputeRow> {
  authorize(ctx.actor, "commerce.act");
  return inTransaction(ctx, async (tx) => {
    const before = await getDispute(tx, id);
    const [row] = await tx.db.update(disputes).set({ state, updatedAt: tx.clock.now() }).where(eq(disputes.id, id)).returning();
    await recordActivity(tx, {
      type: "dispute.updated",
      subjectType: "order",
      subjectId: before.orderId,
      changes: { state: [before.state, state] },
      data: { disputeId: id },
    });
    return row!;
  });
}

/** The evidence bundle as a PDF, in English (it goes to the acquiring bank, not the fan). */
export async function disputeEvidence(ctx: Ctx, id: string): Promise<{ dispute: DisputeRow; pdf: Buffer }> {
  const dispute = await getDispute(ctx, id);
  const bundle = await loadOrderBundle(ctx, dispute.orderId);
  const { order, event, venue } = bundle;
  const money = (n: number) => formatMoney(n, order.currency, "en");
  const admissionIds = bundle.admissions.map((a) => a.id);
  const [scanRows, refundRows] = await Promise.all([
    admissionIds.length
      ? ctx.db
          .select({ scan: scans, barcode: admissions.barcode })
          .from(scans)
          .innerJoin(admissions, eq(admissions.id, scans.admissionId))
          .where(and(eq(scans.workspaceId, ctx.workspaceId), inArray(scans.admissionId, admissionIds)))
          .orderBy(asc(scans.scannedAt))
      : [],
    ctx.db
      .select()
      .from(refunds)
      .where(and(eq(refunds.workspaceId, ctx.workspaceId), eq(refunds.orderId, order.id))),
  ]);

  // All correspondence with the buyer: every message of every ticket they opened (internal notes excluded).
  const reader = withActor(ctx, systemActor("commerce"));
  const correspondence: string[] = [];
  const delivery: string[] = bundle.admissions.map((a) => `${a.createdAt.toISOString()}  ticket issued  ${a.barcode}  (${a.state})`);
  if (order.contactId) {
    const contact = await getContact(reader, order.contactId);
    correspondence.push(`Contact: ${contact.name} <${contact.identities.map((i) => i.value).join(", ")}>`);
    const tickets = await listTickets(reader, {
      conditions: { all: [{ field: "requester", op: "is", value: order.contactId }] },
      sort: "created",
      limit: 100,
    });
    for (const ticket of tickets.items) {
      correspondence.push("", `Ticket #${ticket.number}: ${ticket.subject} (${ticket.channel}, ${ticket.status})`);
      const messages = await listMessages(reader, ticket.id, { includeNotes: false, limit: 100 });
      for (const m of messages.items) {
        correspondence.push(`${m.createdAt.toISOString()}  ${m.kind === "inbound" ? "from customer" : "to customer"} via ${m.channel}:`);
        correspondence.push(
          ...m.text
            .split("\n")
            .slice(0, 40)
            .map((l) => `    ${l}`),
        );
        if (m.kind === "outbound") {
          delivery.push(
            `${m.createdAt.toISOString()}  message to customer via ${m.channel}: ${m.deliveryStatus ?? "sent"}${m.attachments.length ? ` with ${m.attachments.map((a) => a.filename).join(", ")}` : ""}`,
          );
        }
      }
    }
  }
  const sections: EvidenceSection[] = [
    {
      heading: "Dispute",
      lines: [
        `Reason: ${dispute.reason}`,
        `Amount: ${formatMoney(dispute.amount, dispute.currency, "en")}`,
        `Opened: ${dispute.openedAt.toISOString()}${dispute.respondBy ? ` · respond by ${dispute.respondBy.toISOString()}` : ""}`,
        `Reference: ${dispute.externalId ?? dispute.id}`,
      ],
    },
    {
      heading: "Receipt",
      lines: [
        `Order ${order.number} · purchased ${order.purchasedAt.toISOString()} · ${order.state}`,
        `Buyer: ${order.buyerName ?? "—"} <${order.buyerEmail ?? order.buyerPhone ?? "—"}>`,
        `Event: ${event.name} · ${event.startsAt.toISOString()} (${event.timezone}) · ${event.state}${venue ? ` · ${venue.name}${venue.city ? `, ${venue.city}` : ""}` : ""}`,
        ...bundle.admissions.map(
          (a) =>
            `  ${[a.section, a.row, a.seat].filter(Boolean).join(" / ") || "general admission"} · ${money(a.price)} + fees ${money(a.fees)} · ${a.state}`,
        ),
        `Subtotal ${money(order.subtotal)} · fees ${money(order.fees)} · total ${money(order.total)} · refunded ${money(order.refundedTotal)}`,
        ...bundle.payments.map(
          (p) =>
            `Payment: ${p.method}${p.brand ? ` ${p.brand}` : ""}${p.last4 ? ` ending ${p.last4}` : ""} · ${money(p.amount)} · ${p.gateway} ${p.gatewayChargeId ?? ""}`,
        ),
        ...refundRows.map((r) => `Refund ${r.createdAt.toISOString()} · ${money(r.amount)} · ${r.state} · ${r.gatewayRefundId ?? ""}`),
      ],
    },
    {
      heading: "Purchase IP and location",
      lines: [`IP address: ${order.purchaseIp ?? "not recorded"}`, `Location: ${order.purchaseLocation ?? "not recorded"}`],
    },
    { heading: "Delivery log", lines: delivery },
    {
      heading: "Scan log",
      lines: scanRows.map(
        (s) =>
          `${s.scan.scannedAt.toISOString()}  ${s.barcode}  gate ${s.scan.gate ?? "—"}  device ${s.scan.device ?? "—"}  ${s.scan.result}`,
      ),
    },
    { heading: "Correspondence", lines: correspondence },
  ];
  const pdf = await evidencePdf(`Chargeback evidence — order ${order.number}`, sections);
  return { dispute, pdf };
}

export interface ChargebackRate {
  from: string;
  to: string;
  transactions: number;
  disputes: number;
  /** disputes / transactions, 0..1 */
  rate: number;
  disputedAmount: Record<string, number>;
  grossAmount: Record<string, number>;
}

export async function chargebackRate(ctx: Ctx, from: Date, to: Date): Promise<ChargebackRate> {
  authorize(ctx.actor, "commerce.read");
  const [tx, dx] = await Promise.all([
    ctx.db
      .select({
        currency: payments.currency,
        n: sql<number>`count(*)::int`,
        amount: sql<number>`coalesce(sum(${payments.amount}), 0)::bigint`,
      })
      .from(payments)
      .innerJoin(orders, eq(orders.id, payments.orderId))
      .where(and(eq(payments.workspaceId, ctx.workspaceId), gte(orders.purchasedAt, from), lt(orders.purchasedAt, to)))
      .groupBy(payments.currency),
    ctx.db
      .select({
        currency: disputes.currency,
        n: sql<number>`count(*)::int`,
        amount: sql<number>`coalesce(sum(${disputes.amount}), 0)::bigint`,
      })
      .from(disputes)
      .where(and(eq(disputes.workspaceId, ctx.workspaceId), gte(disputes.openedAt, from), lt(disputes.openedAt, to)))
      .groupBy(disputes.currency),
  ]);
  const transactions = tx.reduce((s, r) => s + Number(r.n), 0);
  const count = dx.reduce((s, r) => s + Number(r.n), 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    transactions,
    disputes: count,
    rate: transactions ? count / transactions : 0,
    disputedAmount: Object.fromEntries(dx.map((r) => [r.currency, Number(r.amount)])),
    grossAmount: Object.fromEntries(tx.map((r) => [r.currency, Number(r.amount)])),
  };
}
