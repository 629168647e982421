import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { forbidden, notFound } from "../../platform/errors";
import { t } from "../../platform/i18n";
import type { TicketRow } from "../tickets/schema";
import { createTicket, updateTicket } from "../tickets/service";
import { type Customer360, type OrderView, customer360 } from "./customer360";
import type { CommerceDeps } from "./deps";
import { decisionsFor, listEvents } from "./orders";
import type { Decision } from "./policy-engine";
import { exchangeAdmissions } from "./exchange";
import { type Outcome, reissueTickets, requestRefund } from "./workflows";

/**
 * The same workflows, offered to the fan in the portal where policy allows.
 * A signed-in contact acts only on their own orders (found the way the
 * customer 360 finds them: by contact, e-mail or phone). Each request opens a
 * portal ticket, so the activity trail, the fan's notification and the
 * self-service rate all have their record; a request the workflow completes
 * is solved at once — resolved without an agent. One that waits for an
 * approver stays open for the team.
 */
const usher = (ctx: Ctx) => withActor(ctx, systemActor("portal"));

function contactOf(ctx: Ctx): string {
  if (ctx.actor.kind !== "contact") throw forbidden("Sign in to the portal first");
  return ctx.actor.contactId;
}

export interface MyOrder extends OrderView {
  refund: Decision;
  exchange: Decision;
  /** Other dates of the same show that an exchange could move to. */
  exchangeTo: { id: string; name: string; startsAt: Date; timezone: string }[];
}

export async function myOrders(ctx: Ctx, locale: string): Promise<MyOrder[]> {
  const contactId = contactOf(ctx);
  const view: Customer360 = await customer360(usher(ctx), contactId);
  const now = ctx.clock.now();
  const upcoming = await listEvents(usher(ctx), { from: now });
  const out: MyOrder[] = [];
  for (const o of view.orders) {
    const decisions = await decisionsFor(usher(ctx), o.order.id, locale);
    const exchangeTo = upcoming
      .filter((e) => e.id !== o.event.id && e.state !== "cancelled" && e.name.split(" — ")[0] === o.event.name.split(" — ")[0])
      .map((e) => ({ id: e.id, name: e.name, startsAt: e.startsAt, timezone: e.timezone }));
    out.push({ ...o, ...decisions, exchangeTo });
  }
  return out;
}

async function ownOrder(ctx: Ctx, orderId: string): Promise<OrderView> {
  const contactId = contactOf(ctx);
  const view = await customer360(usher(ctx), contactId);
  const order = view.orders.find((o) => o.order.id === orderId);
  // Someone else's order does not exist, as far as this fan can tell.
  if (!order) throw notFound("order", orderId);
  return order;
}

export type SelfServiceAction = { kind: "refund" } | { kind: "reissue" } | { kind: "exchange"; toEventId: string };

export async function selfServe(
  ctx: Ctx,
  deps: CommerceDeps,
  deskId: string,
  orderId: string,
  action: SelfServiceAction,
  locale: string,
): Promise<{ ticket: TicketRow; outcome: Outcome }> {
  const contactId = contactOf(ctx);
  const order = await ownOrder(ctx, orderId);
  return inTransaction(ctx, async (tx) => {
    const system = usher(tx);
    const subject = t(locale, `commerce:portal.subject.${action.kind}`, { order: order.order.number });
    const ticket = await createTicket(system, {
      deskId,
      subject,
      channel: "portal",
      requester: { contactId },
      language: locale,
      tags: ["self-service", action.kind],
      message: { text: subject, channel: "portal", authorContactId: contactId },
    });
    const input = { orderId, ticketId: ticket.id };
    const outcome =
      action.kind === "refund"
        ? await requestRefund(system, deps, input, { via: "portal" })
        : action.kind === "reissue"
          ? await reissueTickets(system, input, { via: "portal" })
          : await exchangeAdmissions(system, deps, { ...input, toEventId: action.toEventId }, { via: "portal" });
    const solved =
      outcome.request.state === "completed"
        ? await updateTicket(system, ticket.id, { status: "solved" }, { cause: { selfService: outcome.request.id } })
        : ticket;
    return { ticket: solved, outcome };
  });
}
