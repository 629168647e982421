import { and, asc, eq } from "drizzle-orm";
import { DateTime } from "luxon";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { getContactRow } from "../contacts/service";
import { authorize } from "../identity/policy";
import type { TicketRow } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import type { CommerceDeps } from "./deps";
import { GatewayError } from "./payments/gateway";
import { formatMoney } from "./policy-engine";
import { type BillingEntryRow, type CommerceRequestRow, type SubscriptionRow, billingEntries, subscriptions } from "./schema";
import { type Via, fileRequest, tell } from "./workflows";
import { systemActor, withActor } from "../../platform/context";

/**
 * Subscription workflows: cancel (at the end of the paid period), renew,
 * upgrade (charged pro rata for the rest of the period) and credit for a
 * billing error (refunded through the gateway against the charge). Credits
 * above the workspace's auto-approve threshold wait for a supervisor like
 * refunds do; the rest run at once. The subscription row is locked for the
 * change, so two agents acting at once queue up.
 */
export type SubscriptionAction =
  | { action: "cancel" }
  | { action: "renew" }
  | { action: "upgrade"; plan: string; price: number }
  | { action: "credit"; amount: number; currency: string; billingEntryId: string; reason?: string };

export interface SubscriptionOutcome {
  subscription: SubscriptionRow;
  entry?: BillingEntryRow;
  request: CommerceRequestRow;
}

export async function loadSubscription(ctx: Ctx, id: string, forUpdate = false): Promise<SubscriptionRow> {
  const q = ctx.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, ctx.workspaceId), eq(subscriptions.id, id)));
  const [row] = forUpdate ? await q.for("update") : await q;
  if (!row) throw notFound("subscription", id);
  return row;
}

export async function billingOf(ctx: Ctx, subscriptionId: string): Promise<BillingEntryRow[]> {
  return ctx.db
    .select()
    .from(billingEntries)
    .where(and(eq(billingEntries.workspaceId, ctx.workspaceId), eq(billingEntries.subscriptionId, subscriptionId)))
    .orderBy(asc(billingEntries.occurredAt));
}

const periodEnd = (from: Date, interval: string) =>
  DateTime.fromJSDate(from, { zone: "utc" })
    .plus(interval === "year" ? { years: 1 } : { months: 1 })
    .toJSDate();

export async function changeSubscription(
  ctx: Ctx,
  deps: CommerceDeps,
  id: string,
  input: SubscriptionAction & { ticketId?: string | null },
  /** `request`: an approved request being carried out (no new request is filed, no threshold applies). */
  options: { via?: Via; autoApproveMax?: number; request?: CommerceRequestRow } = {},
): Promise<SubscriptionOutcome> {
  authorize(ctx.actor, "commerce.act");
  const via = options.via ?? (ctx.actor.kind === "agent" ? "agent" : "system");
  return inTransaction(ctx, async (tx) => {
    const ticket: TicketRow | null = input.ticketId ? await getTicket(tx, input.ticketId) : null;
    const sub = await loadSubscription(tx, id, true);
    const contact = sub.contactId
      ? await getContactRow(withActor(tx, systemActor("commerce")), sub.contactId).catch(() => undefined)
      : undefined;
    const locale = ticket?.language ?? contact?.locale ?? null;
    const now = tx.clock.now();
    const money = (n: number) => formatMoney(n, sub.currency, locale);
    const until = (d: Date | null) => (d ? new Intl.DateTimeFormat(locale ?? "en", { dateStyle: "long", timeZone: "UTC" }).format(d) : "—");
    const gateway = deps.gateways[sub.gateway];
    const file = (kind: CommerceRequestRow["kind"], amount: number | null, state: CommerceRequestRow["state"] = "completed") =>
      fileRequest(tx, {
        kind,
        state,
        subscriptionId: sub.id,
        ticketId: ticket?.id ?? null,
        contactId: sub.contactId,
        via,
        input,
        decision: {},
        amount,
        currency: sub.currency,
      });
    const update = async (patch: Partial<SubscriptionRow>) =>
      (
        await tx.db
          .update(subscriptions)
          .set({ ...patch, updatedAt: now })
          .where(eq(subscriptions.id, sub.id))
          .returning()
      )[0]!;
    const addEntry = async (
      entry: Omit<BillingEntryRow, "id" | "workspaceId" | "subscriptionId" | "occurredAt" | "externalId" | "currency">,
    ) =>
      (
        await tx.db
          .insert(billingEntries)
          .values({
            ...entry,
            id: newId(),
            workspaceId: tx.workspaceId,
            subscriptionId: sub.id,
            currency: sub.currency,
            occurredAt: now,
            externalId: null,
          })
          .returning()
      )[0]!;
    const charge = async (amount: number, description: string, key: string) => {
      if (!gateway) throw new DomainError("payment.gateway_failed", `No payment gateway "${sub.gateway}" is configured`);
      try {
        return await gateway.charge({
          customer: sub.externalId ?? sub.id,
          amount,
          currency: sub.currency,
          idempotencyKey: key,
          description,
        });
      } catch (err) {
        if (err instanceof GatewayError)
          throw new DomainError("payment.gateway_failed", `The payment provider refused: ${err.message}`, {
            type: err.type,
            providerCode: err.code,
          });
        throw err;
      }
    };
    const activity = (type: string, data: Record<string, unknown>) =>
      recordActivities(tx, [
        { type, subjectType: "subscription", subjectId: sub.id, ticketId: ticket?.id ?? null, data: { plan: sub.plan, ...data } },
      ]);

    switch (input.action) {
      case "cancel": {
        if (sub.status === "cancelled") throw new DomainError("subscription.invalid_transition", "This subscription is already cancelled");
        const updated = await update({ status: "cancelled", cancelledAt: now });
        const request = await file("subscription_cancel", null);
        await activity("subscription.cancelled", { requestId: request.id, accessUntil: sub.renewsAt });
        await tell(tx, ticket, t(locale, "commerce:notify.subscription_cancelled", { plan: sub.plan, until: until(sub.renewsAt) }));
        return { subscription: updated, request };
      }
      case "renew": {
        const from = sub.renewsAt && sub.renewsAt > now ? sub.renewsAt : now;
        const next = periodEnd(from, sub.interval);
        const request = await file("subscription_renew", sub.price);
        const result = await charge(sub.price, `${sub.plan} renewal`, `usher-renew-${request.id}`);
        const entry = await addEntry({
          kind: "charge",
          amount: sub.price,
          status: "paid",
          description: `${sub.plan} renewal`,
          gatewayId: result.id,
        });
        const updated = await update({ status: "active", cancelledAt: null, renewsAt: next });
        await activity("subscription.renewed", { requestId: request.id, amount: sub.price, renewsAt: next });
        await tell(
          tx,
          ticket,
          t(locale, "commerce:notify.subscription_renewed", { plan: sub.plan, amount: money(sub.price), until: until(next) }),
        );
        return { subscription: updated, entry, request };
      }
      case "upgrade": {
        if (sub.status === "cancelled")
          throw new DomainError("subscription.invalid_transition", "Renew a cancelled subscription before changing its plan");
        if (input.plan === sub.plan) throw invalid([{ path: "plan", message: "already on this plan" }]);
        // Pro rata: the price difference for the share of the period still to run.
        const end = sub.renewsAt ?? periodEnd(now, sub.interval);
        const start = DateTime.fromJSDate(end, { zone: "utc" })
          .minus(sub.interval === "year" ? { years: 1 } : { months: 1 })
          .toJSDate();
        const share = Math.min(1, Math.max(0, (end.getTime() - now.getTime()) / (end.getTime() - start.getTime())));
        const due = Math.max(0, Math.round((input.price - sub.price) * share));
        const request = await file("subscription_upgrade", due);
        let entry: BillingEntryRow | undefined;
        if (due > 0) {
          const result = await charge(due, `${sub.plan} → ${input.plan}`, `usher-upgrade-${request.id}`);
          entry = await addEntry({
            kind: "charge",
            amount: due,
            status: "paid",
            description: `${sub.plan} → ${input.plan} (pro rata)`,
            gatewayId: result.id,
          });
        }
        const updated = await update({ plan: input.plan, price: input.price });
        await activity("subscription.upgraded", { requestId: request.id, from: sub.plan, to: input.plan, charged: due });
        await tell(
          tx,
          ticket,
          t(locale, "commerce:notify.subscription_upgraded", { from: sub.plan, plan: input.plan, amount: money(due) }),
        );
        return { subscription: updated, entry, request };
      }
      case "credit": {
        if (input.currency.toUpperCase() !== sub.currency) {
          throw new DomainError(
            "refund.currency_mismatch",
            `The subscription is billed in ${sub.currency}, not ${input.currency.toUpperCase()}`,
          );
        }
        const entries = await billingOf(tx, sub.id);
        const charged = entries.find((e) => e.id === input.billingEntryId && e.kind === "charge");
        if (!charged) throw invalid([{ path: "billingEntryId", message: "not a charge of this subscription" }]);
        const credited = entries
          .filter((e) => e.kind === "credit" && e.description.endsWith(`#${charged.id}`))
          .reduce((s, e) => s + e.amount, 0);
        if (input.amount <= 0 || input.amount > charged.amount - credited) {
          throw new DomainError("refund.exceeds_paid", `At most ${money(charged.amount - credited)} of that charge can be credited`, {
            requested: input.amount,
            refundable: charged.amount - credited,
          });
        }
        const approver = tx.actor.kind === "agent" && tx.actor.role !== "agent" && tx.actor.role !== "light_agent";
        if (!options.request && options.autoApproveMax !== undefined && input.amount > options.autoApproveMax && !approver) {
          const request = await file("subscription_credit", input.amount, "pending_approval");
          await activity("subscription.credit_approval_requested", { requestId: request.id, amount: input.amount });
          return { subscription: sub, request };
        }
        const request = options.request ?? (await file("subscription_credit", input.amount));
        if (!gateway) throw new DomainError("payment.gateway_failed", `No payment gateway "${sub.gateway}" is configured`);
        let result;
        try {
          result = await gateway.refund({
            chargeId: charged.gatewayId ?? charged.id,
            amount: input.amount,
            currency: sub.currency,
            idempotencyKey: `usher-credit-${request.id}`,
            reason: "duplicate",
          });
        } catch (err) {
          if (err instanceof GatewayError)
            throw new DomainError("payment.gateway_failed", `The payment provider refused: ${err.message}`, { type: err.type });
          throw err;
        }
        const entry = await addEntry({
          kind: "credit",
          amount: input.amount,
          status: "issued",
          description: `${input.reason ?? "Billing error"} #${charged.id}`,
          gatewayId: result.id,
        });
        await activity("subscription.credited", { requestId: request.id, amount: input.amount, billingEntryId: charged.id });
        await tell(tx, ticket, t(locale, "commerce:notify.subscription_credited", { amount: money(input.amount), plan: sub.plan }));
        return { subscription: sub, entry, request };
      }
    }
  });
}
