import type { Ctx } from "../../platform/context";
import type { OutgoingMail } from "../../platform/mailer";
import type { Reactor } from "../activity/reactors";
import { getContact } from "../contacts/service";
import type { DeskAddressRow } from "../desks/schema";
import { getDesk, listDeskAddresses } from "../desks/service";
import { latestInbound } from "../tickets/lookup";
import { getAttachment, getMessage, listMessages } from "../tickets/messages";
import type { MessageRow, TicketRow } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import { publishChatReply } from "./chat/hub";
import { type MetaSettings, sendPageMessage, sendWhatsAppText } from "./meta/api";
import { channelRuntime } from "./runtime";
import { reportDelivery } from "./status";
import { type TwilioSettings, sendTwilioMessage } from "./twilio/api";

/**
 * Sends an agent's reply back on the channel its message is on, and records
 * the provider's id and the delivery state on the message. Queued, so a slow
 * provider never holds up the agent; a provider's refusal is recorded as
 * `failed` with its code and reason (not thrown: the reactor batch would roll
 * back and re-send the replies already sent with it). What happens after the
 * hand-over (delivered, read, failed later) arrives by the providers' status
 * callbacks and bounces (status.ts). A retry puts a failed message back to
 * `pending` and records `message.delivery_retried`, which sends it again.
 *
 * E-mail replies carry a Message-ID of ours (`<usher.{ticket}.{message}@…>`),
 * In-Reply-To / References of the fan's mail and `[#number]` in the subject,
 * so the fan's answer threads back onto the ticket.
 */
export const outboundDelivery: Reactor = {
  name: "channels.outbound-delivery",
  on: ["message.sent", "message.delivery_retried"],
  async handle(ctx, activity) {
    const message = await getMessage(ctx, activity.subjectId);
    if (message.kind !== "outbound" || message.deliveryStatus !== "pending") return;
    const ticket = await getTicket(ctx, message.ticketId);
    const inbound = await latestInbound(ctx, ticket.id);
    // Never answer a robot automatically (RFC 3834 §2): a rule's reply to an auto-reply or a bounce is how loops start.
    if (message.authorKind === "system" && inbound[0]?.metadata.automated) {
      await reportDelivery(ctx, message.id, { status: "failed", source: "usher", errorCode: "automated", errorReason: "not sent: the last inbound message was automated" });
      return;
    }
    try {
      const outcome = await send(ctx, message, ticket, inbound);
      await reportDelivery(ctx, message.id, { status: "sent", source: outcome.source, externalId: outcome.externalId, metadata: outcome.metadata });
    } catch (err) {
      channelRuntime().log?.warn({ err, messageId: message.id }, "delivery failed");
      const refusal = err as Error & { responseCode?: number; providerCode?: string | number };
      await reportDelivery(ctx, message.id, {
        status: "failed",
        source: sourceOf(message.channel),
        errorCode: String(refusal.providerCode ?? refusal.responseCode ?? "") || null,
        errorReason: refusal.message,
      });
    }
  },
};

const sourceOf = (channel: MessageRow["channel"]) =>
  channel === "email" ? "smtp" : channel === "sms" ? "twilio" : ["whatsapp", "messenger", "instagram"].includes(channel) ? "meta" : channel;

interface Outcome {
  source: string;
  externalId: string | null;
  metadata?: Record<string, unknown>;
}

async function endpointFor(ctx: Ctx, ticket: TicketRow, channel: DeskAddressRow["channel"], inbound: MessageRow[]): Promise<DeskAddressRow> {
  const addresses = (await listDeskAddresses(ctx, ticket.deskId)).filter((a) => a.channel === channel);
  const wroteTo = inbound.find((m) => m.channel === channel)?.metadata.to;
  const address = addresses.find((a) => a.address === wroteTo) ?? addresses[0];
  if (!address) throw new Error(`the desk has no ${channel} address to reply from`);
  return address;
}

async function send(ctx: Ctx, message: MessageRow & { deskId: string }, ticket: TicketRow, inbound: MessageRow[]): Promise<Outcome> {
  const runtime = channelRuntime();
  const fetchImpl = runtime.fetch ?? fetch;
  const contact = await getContact(ctx, ticket.requesterId);
  const identity = (kind: string, provider?: string) =>
    contact.identities.find((i) => i.kind === kind && (provider === undefined || i.provider === provider))?.value;
  const sameChannel = inbound.filter((m) => m.channel === message.channel);
  switch (message.channel) {
    case "email": {
      const to = identity("email");
      if (!to) throw new Error("the requester has no e-mail address");
      const endpoint = await endpointFor(ctx, ticket, "email", inbound);
      const desk = await getDesk(ctx, ticket.deskId);
      const mail = await replyMail(ctx, { message, ticket, inbound: sameChannel, to, from: endpoint, deskName: desk.name });
      // A relay that refuses a recipient answers 5xx and nodemailer throws (responseCode): recorded as failed above.
      const sent = await runtime.mailer.send(mail);
      return { source: "smtp", externalId: mail.messageId!, metadata: { smtpResponse: sent.response ?? null } };
    }
    case "sms": {
      const to = identity("phone");
      if (!to) throw new Error("the requester has no phone number");
      const endpoint = await endpointFor(ctx, ticket, "sms", inbound);
      // Twilio reports sent / delivered / undelivered / failed to the StatusCallback (see webhooks.ts).
      const statusCallback = `${runtime.publicUrl}/webhooks/twilio/${endpoint.id}/status`;
      const sent = await sendTwilioMessage(endpoint.settings as unknown as TwilioSettings, { from: endpoint.address, to, body: message.text, statusCallback }, fetchImpl);
      return { source: "twilio", externalId: sent.sid, metadata: { providerStatus: sent.status } };
    }
    case "whatsapp": {
      const to = identity("phone");
      if (!to) throw new Error("the requester has no phone number");
      const endpoint = await endpointFor(ctx, ticket, "whatsapp", inbound);
      return { source: "meta", externalId: await sendWhatsAppText(endpoint.settings as unknown as MetaSettings, to, message.text, fetchImpl) };
    }
    case "messenger":
    case "instagram": {
      const to = identity("social", message.channel);
      if (!to) throw new Error(`the requester has no ${message.channel} id`);
      const endpoint = await endpointFor(ctx, ticket, message.channel, inbound);
      return { source: "meta", externalId: await sendPageMessage(endpoint.settings as unknown as MetaSettings, to, message.text, fetchImpl) };
    }
    case "chat": {
      // Every server process hears it when this transaction commits, and pushes it to the sockets it holds.
      await publishChatReply(ctx, { ticketId: ticket.id, messageId: message.id });
      return { source: "chat", externalId: null };
    }
    default:
      throw new Error(`replies on ${message.channel} are not sent by Usher; answer the fan on another channel`);
  }
}

async function replyMail(
  ctx: Ctx,
  input: { message: MessageRow; ticket: TicketRow; inbound: MessageRow[]; to: string; from: DeskAddressRow; deskName: string },
): Promise<OutgoingMail> {
  const { message, ticket } = input;
  const domain = input.from.address.split("@")[1]!;
  // Oldest first, as References lists a thread (RFC 5322 §3.6.4), the newest last as In-Reply-To.
  const ids = input.inbound
    .map((m) => m.externalId)
    .filter((id): id is string => !!id && id.startsWith("<"))
    .reverse();
  const references = [...new Set([...((input.inbound[0]?.metadata.references as string[] | undefined) ?? []), ...ids])].slice(-20);
  const reference = `[#${ticket.number}]`;
  const subject = ticket.subject.includes(reference) ? ticket.subject : `Re: ${ticket.subject} ${reference}`;
  const page = await listMessages(ctx, ticket.id, { limit: 100 });
  const metas = page.items.find((m) => m.id === message.id)?.attachments ?? [];
  const attachments = await Promise.all(
    metas.map(async (a) => {
      const row = await getAttachment(ctx, a.id);
      return { filename: row.filename, content: Buffer.from(row.content), contentType: row.contentType };
    }),
  );
  return {
    from: `"${(input.from.displayName ?? input.deskName).replace(/"/g, "")}" <${input.from.address}>`,
    to: input.to,
    subject,
    text: message.text,
    html: message.html ?? undefined,
    messageId: `<usher.${ticket.id}.${message.id}@${domain}>`,
    inReplyTo: ids.at(-1),
    references: references.length ? references : undefined,
    headers: {
      "X-Usher-Ticket": String(ticket.number),
      ...(message.authorKind === "system" ? { "Auto-Submitted": "auto-replied" } : {}),
    },
    attachments: attachments.length ? attachments : undefined,
  };
}

export const channelReactors: Reactor[] = [outboundDelivery];
