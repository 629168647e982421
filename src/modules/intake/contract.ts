import { z } from "zod";

/**
 * The inbound-message contract: what every channel adapter (SMTP, IMAP, chat,
 * Twilio, Meta, our own JSON webhooks) turns its wire format into, and the
 * only thing the intake pipeline reads. Adapters know nothing of tickets.
 */
export const inboundChannels = ["email", "chat", "sms", "whatsapp", "messenger", "instagram", "social", "in_app", "voice"] as const;
export type InboundChannel = (typeof inboundChannels)[number];

export const senderIdentitySchema = z
  .object({
    kind: z.enum(["email", "phone", "social", "app"]),
    value: z.string().min(1).max(320),
    /** Social network or app id (instagram, x, com.lumen.app); empty for e-mail and phone. */
    provider: z.string().max(100).optional(),
  })
  .strict();

export const inboundAttachmentSchema = z
  .object({
    filename: z.string().max(1000),
    contentType: z.string().max(255),
    content: z.instanceof(Buffer),
    contentId: z.string().max(998).nullable().optional(),
  })
  .strict();

export const automatedKinds = ["auto_reply", "bounce", "loop"] as const;
export type AutomatedKind = (typeof automatedKinds)[number];

export const inboundMessageSchema = z
  .object({
    channel: z.enum(inboundChannels),
    /** The desk address, number, page or app the message arrived on (as the provider names it). */
    to: z.string().min(1).max(320),
    from: z
      .object({
        name: z.string().max(200).optional(),
        /** The channel's own identity first: it decides which contact a message belongs to. */
        identities: z.array(senderIdentitySchema).min(1).max(10),
        /** The sender's language if the channel knows it (chat widget, app); a fallback for short text. */
        locale: z.string().max(20).nullable().optional(),
      })
      .strict(),
    /** The provider's id of this message (Message-ID, MessageSid, wamid…): a second delivery is recognised. */
    externalId: z.string().min(1).max(998),
    subject: z.string().max(5000).optional(),
    text: z.string().max(2_000_000).default(""),
    html: z.string().max(10_000_000).nullable().optional(),
    /** The full text before quoted history and signatures were stripped (e-mail). */
    originalText: z.string().max(5_000_000).nullable().optional(),
    attachments: z.array(inboundAttachmentSchema).max(100).default([]),
    /** E-mail threading: In-Reply-To and References, with angle brackets. */
    inReplyTo: z.string().max(998).nullable().optional(),
    references: z.array(z.string().max(998)).max(100).default([]),
    /** Provider details kept on the message for the record (selected headers, recording URL…). */
    metadata: z.record(z.string(), z.unknown()).default({}),
    /** Recognised by the adapter as written by a machine: stored, never answered automatically. */
    automated: z.enum(automatedKinds).nullable().optional(),
    receivedAt: z.date(),
  })
  .strict();

export type InboundMessage = z.input<typeof inboundMessageSchema>;
export type ParsedInbound = z.output<typeof inboundMessageSchema>;
