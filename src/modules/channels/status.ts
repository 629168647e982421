import { type Ctx, inTransaction, systemActor } from "../../platform/context";
import { DomainError } from "../../platform/errors";
import { recordActivity } from "../activity/service";
import { authorize } from "../identity/policy";
import type { IntakeDeps } from "../intake/pipeline";
import { findOutboundByExternalId, recordDelivery } from "../tickets/lookup";
import { getMessage } from "../tickets/messages";
import type { Channel, DeliveryStatus } from "../tickets/schema";

/**
 * The delivery state of outbound messages, from whoever knows it: the
 * delivery reactor (the provider's answer to the send), Twilio's
 * StatusCallback, the `statuses` of Meta's webhooks, and bounces (DSNs) for
 * e-mail. Each report moves a message forward or changes nothing (see
 * `recordDelivery`), so repeated, replayed and late callbacks are harmless.
 * A message that becomes `failed` records `message.delivery_failed` on its
 * ticket, for the agent to see and act on.
 */
export interface DeliveryReport {
  status: Exclude<DeliveryStatus, "pending">;
  /** The provider's error code (Twilio 30003, Meta 131026, SMTP 550, DSN 5.1.1). */
  errorCode?: string | null;
  errorReason?: string | null;
  /** Who reported it: "twilio", "meta", "smtp", "dsn", "chat", "usher". */
  source: string;
  /** The provider's id, recorded when the send returns it. */
  externalId?: string | null;
  /** When the provider says it happened, if it says. */
  at?: Date;
  metadata?: Record<string, unknown>;
  /** More about a failure, kept on its activity (a bounce's recipient and reporting server). */
  details?: Record<string, unknown>;
}

export type ReportResult = "updated" | "unchanged" | "unknown";

/** Applies a report to one message, in the caller's transaction. */
export async function reportDelivery(ctx: Ctx, messageId: string, report: DeliveryReport): Promise<ReportResult> {
  const at = (report.at ?? ctx.clock.now()).toISOString();
  const failed = report.status === "failed";
  const changed = await recordDelivery(ctx, messageId, {
    status: report.status,
    externalId: report.externalId,
    metadata: {
      ...report.metadata,
      [`${report.status}At`]: at,
      deliverySource: report.source,
      ...(failed ? { deliveryErrorCode: report.errorCode ?? null, deliveryError: report.errorReason?.slice(0, 500) ?? null } : {}),
    },
  });
  if (!changed) return "unchanged";
  if (failed) {
    await recordActivity(ctx, {
      type: "message.delivery_failed",
      subjectType: "message",
      subjectId: changed.id,
      ticketId: changed.ticketId,
      data: {
        channel: changed.channel,
        source: report.source,
        errorCode: report.errorCode ?? null,
        errorReason: report.errorReason?.slice(0, 500) ?? null,
        ...report.details,
      },
    });
  }
  return "updated";
}

/**
 * A provider's callback about the message it knows by `externalId`, in a
 * transaction of its own as the system. Unknown ids (another system's
 * messages on the same number, or callbacks for a message since deleted)
 * are "unknown", not errors: the provider must not retry them.
 */
export async function reportByExternalId(
  deps: Pick<IntakeDeps, "db" | "clock" | "outbox">,
  workspaceId: string,
  target: { channels: readonly Channel[]; externalId: string },
  report: DeliveryReport,
): Promise<ReportResult> {
  const ctx: Ctx = { db: deps.db, clock: deps.clock, outbox: deps.outbox, workspaceId, actor: systemActor(`delivery:${report.source}`) };
  return inTransaction(ctx, async (tx) => {
    const message = await findOutboundByExternalId(tx, target.channels, target.externalId);
    if (!message) return "unknown";
    return reportDelivery(tx, message.id, report);
  });
}

/**
 * An agent sends a failed message again: it goes back to `pending` and
 * `message.delivery_retried` has the delivery reactor send it (a new provider
 * id, so callbacks about the failed attempt no longer apply to it).
 */
export async function retryDelivery(ctx: Ctx, messageId: string): Promise<void> {
  authorize(ctx.actor, "ticket.reply");
  await inTransaction(ctx, async (tx) => {
    const message = await getMessage(tx, messageId);
    const retried = message.kind === "outbound" ? await recordDelivery(tx, message.id, { status: "pending" }) : undefined;
    if (!retried) {
      throw new DomainError("message.not_retriable", "Only a reply whose delivery failed can be sent again", { deliveryStatus: message.deliveryStatus });
    }
    const failedWith = { errorCode: message.metadata.deliveryErrorCode ?? null, errorReason: message.metadata.deliveryError ?? null };
    await recordActivity(tx, { type: "message.delivery_retried", subjectType: "message", subjectId: message.id, ticketId: message.ticketId, data: { channel: message.channel, failedWith } });
  });
}
