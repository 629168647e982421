import type { Clock } from "../../platform/clock";
import { type Ctx, type Outbox, inTransaction, systemActor } from "../../platform/context";
import type { Db } from "../../platform/db";
import { DomainError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { t } from "../../platform/i18n";
import { htmlToText } from "../../platform/html";
import { redactCardNumbers } from "../compliance/redact";
import { findContactByIdentity, findOrCreateContact, mergeContacts } from "../contacts/service";
import { type Kept, kept } from "../desks/address-cache";
import type { DeskAddressRow, DeskRow } from "../desks/schema";
import { resolveDeskAddress } from "../desks/service";
import { findMessageByExternalId, findOpenConversation, findTicketById, findTicketByMessageIds } from "../tickets/lookup";
import { receiveMessage, safeFilename, uploadAttachment } from "../tickets/messages";
import type { TicketRow } from "../tickets/schema";
import { createTicket } from "../tickets/service";
import { type Classification, type Classifier, keywordClassifier } from "./classifier";
import { type InboundMessage, type ParsedInbound, inboundMessageSchema } from "./contract";
import { detectLanguage } from "./language";

/**
 * The one intake pipeline every channel feeds. For each inbound message:
 * find the desk it was sent to, redact card numbers, identify (or create, or
 * merge) the contact, thread it onto the open ticket or open one through the
 * tickets service, detect the language, classify — and commit. Priority and
 * SLA are inline reactors on the activities the tickets service records, so
 * they are decided in the same transaction. The caller acknowledges the
 * provider (SMTP 250, HTTP 200) only when this returns: accepted is durable.
 *
 * Idempotent by (channel, external id): the messages table has a unique
 * index on it, so a redelivery — even a concurrent one — is stored once.
 */
export interface IntakeDeps {
  db: Db;
  clock: Clock;
  outbox: Outbox;
  classifier?: Classifier;
  maxAttachmentBytes?: number;
}

export interface IntakeResult {
  status: "stored" | "duplicate";
  workspaceId: string;
  deskId: string;
  ticketId: string;
  ticketNumber: number;
  messageId: string;
  createdTicket: boolean;
  contactId: string;
}

/** A solved conversation a fan writes to again within this time is reopened rather than duplicated. */
export const REOPEN_WITHIN_MS = 7 * 24 * 3600_000;
const SUBJECT_FROM_TEXT = 80;

const endpoints: Kept<{ address: DeskAddressRow; desk: DeskRow } | undefined> = new Map();

/**
 * The desk address a message arrived on; cached a few seconds (read for every
 * message, changed rarely; a change through the desks service is seen at once,
 * see desks/address-cache.ts).
 */
export async function findEndpoint(db: Db, channel: DeskAddressRow["channel"], to: string) {
  return kept(endpoints, `${channel}\u0000${to}`, () => resolveDeskAddress(db, channel, to));
}

export function forgetEndpoints(): void {
  endpoints.clear();
}

export interface IntakeOptions {
  /**
   * The workspace whose secret authenticated the delivery: a signed webhook of
   * one workspace must not put messages into another's desk by naming its number.
   */
  workspaceId?: string;
  /** Look for a redelivery before anything else (callers that expect many, like IMAP re-polls). */
  checkDuplicate?: boolean;
  /**
   * Merge known contacts named together in the message (default true). Off
   * where the sender's extra identities are only claimed, not vouched for (a
   * chat visitor typing an e-mail address).
   */
  mergeContacts?: boolean;
}

export async function receiveInbound(deps: IntakeDeps, input: InboundMessage, options: IntakeOptions = {}): Promise<IntakeResult> {
  const parsed = inboundMessageSchema.safeParse(input);
  if (!parsed.success) {
    throw new DomainError(
      "validation.failed",
      "The inbound message is not valid",
      {},
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
    );
  }
  const message = redact(parsed.data);
  const endpoint = await findEndpoint(deps.db, message.channel, message.to);
  if (!endpoint || (options.workspaceId && endpoint.address.workspaceId !== options.workspaceId)) {
    throw new DomainError("intake.unknown_endpoint", `No desk is fed by ${message.channel} address ${message.to}`);
  }
  if (endpoint.desk.archivedAt) throw new DomainError("intake.unknown_endpoint", `The desk fed by ${message.to} is archived`);
  const ctx: Ctx = { db: deps.db, clock: deps.clock, outbox: deps.outbox, workspaceId: endpoint.address.workspaceId, actor: systemActor("intake") };

  // Two deliveries racing (a provider retrying while we commit) or two messages from one new fan
  // both creating the contact: the loser's transaction fails on a unique index; run it again and it
  // finds what the winner committed. A thread changed while a message joined it (conflict.concurrent:
  // an agent's reply, another message) is read again the same way.
  // The first attempt does not look for a redelivery: the unique index on (channel, external id)
  // refuses one, and the retry looks. Most messages are new: one round trip saved on each.
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(ctx, (tx) =>
        pipeline(tx, deps, endpoint.desk, endpoint.address.address, message, {
          checkDuplicate: attempt > 1 || options.checkDuplicate === true,
          merge: options.mergeContacts !== false,
          // After a race, the thread is locked: a fan's burst of messages onto one ticket all get through.
          claimThread: attempt === 1,
        }),
      );
    } catch (err) {
      if (!(err instanceof DomainError && (err.code === "conflict.duplicate" || err.code === "conflict.concurrent")) || attempt >= 3) throw err;
    }
  }
}

/** PCI-DSS 3.4: no card number is stored, wherever in the message it is. */
function redact(message: ParsedInbound): ParsedInbound {
  let count = 0;
  const r = (s: string) => {
    const out = redactCardNumbers(cleanText(s));
    count += out.count;
    return out.text;
  };
  const c = cleanText;
  const out: ParsedInbound = {
    ...message,
    to: c(message.to),
    externalId: c(message.externalId),
    from: {
      ...message.from,
      name: message.from.name && c(message.from.name),
      identities: message.from.identities.map((i) => ({ ...i, value: c(i.value), provider: i.provider && c(i.provider) })),
    },
    subject: message.subject === undefined ? undefined : r(message.subject),
    text: r(message.text),
    html: message.html ? r(message.html) : message.html,
    originalText: message.originalText ? r(message.originalText) : message.originalText,
    inReplyTo: message.inReplyTo && c(message.inReplyTo),
    references: message.references.map(c),
    attachments: message.attachments.map((a) => ({ ...a, filename: r(a.filename), contentType: c(a.contentType), contentId: a.contentId && c(a.contentId) })),
  };
  // jsonb refuses \u0000 too; metadata comes from providers' payloads.
  const metadata = deepClean(out.metadata) as Record<string, unknown>;
  return { ...out, metadata: count ? { ...metadata, cardNumbersRedacted: count } : metadata };
}

function deepClean(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return cleanText(value);
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => deepClean(v, depth + 1));
  if (value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), deepClean(v, depth + 1)]));
}

/** Text as PostgreSQL stores it: no NUL characters, no lone surrogates (invalid UTF-8 was decoded to U+FFFD already). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function cleanText(text: string): string {
  return text.replace(/\u0000/g, "").replace(LONE_SURROGATE, "\ufffd");
}

async function pipeline(
  tx: Ctx,
  deps: IntakeDeps,
  desk: DeskRow,
  endpointAddress: string,
  message: ParsedInbound,
  { checkDuplicate, merge, claimThread }: { checkDuplicate: boolean; merge: boolean; claimThread: boolean },
): Promise<IntakeResult> {
  if (checkDuplicate) {
    const existing = await findMessageByExternalId(tx, message.channel, message.externalId);
    if (existing) {
      const ticket = (await findTicketById(tx, existing.ticketId))!;
      return result(tx, "duplicate", ticket, existing.id, false);
    }
  }

  const { contact, created } = await findOrCreateContact(tx, {
    identities: message.from.identities,
    name: message.from.name?.trim() || undefined,
    locale: message.from.locale ?? null,
  });
  const contactId = merge ? await mergeOtherOwners(tx, contact.id, message, created) : contact.id;

  const lang = desk.defaultLanguage;
  const text = message.text.trim()
    ? message.text
    : message.html
      ? htmlToText(message.html)
      : message.channel === "voice"
        ? t(lang, "channels:voicemailNoTranscript")
        : "";
  const subject = subjectOf(message, text, lang);
  const language = detectLanguage(`${message.subject ?? ""}\n${text}`, { contact: contact.locale ?? message.from.locale, desk: desk.defaultLanguage });
  const classifier = deps.classifier ?? keywordClassifier;
  const classification = await classifier.classify(tx.db, { workspaceId: tx.workspaceId, deskId: desk.id, subject, text, language: language.language });

  const { attachmentIds, dropped } = await storeAttachments(tx, message, deps.maxAttachmentBytes ?? 20 * 1024 * 1024);
  const metadata = {
    ...message.metadata,
    language: language.language,
    languageSource: language.source,
    classification: classificationRecord(classifier, classification),
    ...(message.automated ? { automated: message.automated } : {}),
    ...(message.inReplyTo ? { inReplyTo: message.inReplyTo } : {}),
    ...(message.references.length ? { references: message.references } : {}),
    ...(dropped.length ? { attachmentsDropped: dropped } : {}),
    receivedAt: message.receivedAt.toISOString(),
    // The desk address it was sent to: replies go out from it.
    to: endpointAddress,
  };
  const body = {
    id: newId(),
    text: text.trim() || (attachmentIds.length ? "" : t(lang, "channels:emptyMessage")),
    html: message.html ?? null,
    originalText: message.originalText ?? null,
    channel: message.channel,
    externalId: message.externalId,
    metadata,
    attachmentIds,
    authorContactId: contactId,
  };

  const thread = created ? undefined : await findThread(tx, desk, message, contactId);
  if (thread) {
    // The thread as just read is claimed, not locked; the first attempt leaves redeliveries to the unique index, a retry looked above.
    const { message: stored, ticket, duplicate } = await receiveMessage(tx, thread.id, body, { seen: claimThread ? thread : undefined, duplicatesRefused: true });
    return result(tx, duplicate ? "duplicate" : "stored", ticket, stored.id, false, contactId);
  }
  const ticket = await createTicket(tx, {
    deskId: desk.id,
    subject,
    channel: message.channel,
    requester: { contactId },
    message: body,
    language: language.language,
    categoryId: classification.categoryId,
    sentiment: classification.sentiment,
  });
  return result(tx, "stored", ticket, body.id, true, contactId);
}

function result(tx: Ctx, status: IntakeResult["status"], ticket: TicketRow, messageId: string, createdTicket: boolean, contactId?: string): IntakeResult {
  return {
    status,
    workspaceId: tx.workspaceId,
    deskId: ticket.deskId,
    ticketId: ticket.id,
    ticketNumber: ticket.number,
    messageId,
    createdTicket,
    contactId: contactId ?? ticket.requesterId,
  };
}

/** The subject, or one made in the desk's language from what the channel says (voice mail, a mention) or the first words. */
function subjectOf(message: ParsedInbound, text: string, lang: string): string {
  const subject = message.subject?.replace(/\s+/g, " ").trim();
  if (subject) return subject.slice(0, 500);
  const from = message.from.identities[0]!.value;
  if (message.channel === "voice") return t(lang, "channels:voicemailSubject", { from });
  if (message.metadata.kind === "comment") return t(lang, "channels:instagramComment", { handle: from });
  if (message.metadata.kind === "mention") return t(lang, "channels:instagramMention");
  const line = text.replace(/\s+/g, " ").trim();
  if (line) return line.length > SUBJECT_FROM_TEXT ? `${line.slice(0, SUBJECT_FROM_TEXT - 1)}…` : line;
  return t(lang, "channels:channelMessage", { channel: message.channel });
}

const classificationRecord = (classifier: Classifier, c: Classification) => ({
  by: classifier.name,
  categoryId: c.categoryId,
  categoryConfidence: c.categoryConfidence,
  sentiment: c.sentiment,
  sentimentConfidence: c.sentimentConfidence,
  matched: c.matched,
});

/**
 * When one message names identities of two known contacts (an app user id
 * and an e-mail the app vouches for), they are the same person: the others
 * are merged into the contact found by the channel's own identity.
 */
async function mergeOtherOwners(tx: Ctx, contactId: string, message: ParsedInbound, created: boolean): Promise<string> {
  if (created || message.from.identities.length < 2) return contactId;
  for (const identity of message.from.identities.slice(1)) {
    const owner = await findContactByIdentity(tx, identity);
    if (owner && owner.id !== contactId && !owner.mergedIntoId) await mergeContacts(tx, contactId, owner.id);
  }
  return contactId;
}

const OUR_MESSAGE_ID = /<usher\.([0-9a-f-]{36})\.[^>]*>/i;
const TICKET_REFERENCE = /\[#(\d{1,9})\]/;

/**
 * E-mail threads by its headers (a reply names our Message-ID in In-Reply-To
 * or References), then by the `[#123]` reference in the subject when the
 * sender is that ticket's requester. Every other channel is one running
 * conversation per fan, desk and channel.
 */
async function findThread(tx: Ctx, desk: DeskRow, message: ParsedInbound, contactId: string): Promise<TicketRow | undefined> {
  const usable = (t: TicketRow | undefined) => (t && t.status !== "closed" && !t.mergedIntoId ? t : undefined);
  if (message.channel === "email") {
    const refs = [message.inReplyTo, ...message.references].filter((r): r is string => !!r);
    for (const ref of refs) {
      const ours = OUR_MESSAGE_ID.exec(ref);
      if (ours) {
        const ticket = await findTicketById(tx, ours[1]!);
        const followed = ticket?.mergedIntoId ? await findTicketById(tx, ticket.mergedIntoId) : ticket;
        if (usable(followed)) return followed;
      }
    }
    const byHeaders = await findTicketByMessageIds(tx, "email", refs);
    if (usable(byHeaders)) return byHeaders;
    const number = TICKET_REFERENCE.exec(message.subject ?? "")?.[1];
    if (number) {
      const ticket = await findTicketById(tx, Number(number));
      if (ticket && ticket.requesterId === contactId && usable(ticket)) return ticket;
    }
    return undefined;
  }
  return findOpenConversation(tx, { requesterId: contactId, deskId: desk.id, channel: message.channel, reopenWithinMs: REOPEN_WITHIN_MS });
}

/** Attachments within the size limit and of allowed types are stored; the others are noted on the message, not fatal. */
async function storeAttachments(tx: Ctx, message: ParsedInbound, maxBytes: number) {
  const attachmentIds: string[] = [];
  const dropped: { filename: string; reason: string }[] = [];
  for (const a of message.attachments) {
    if (a.content.length === 0) continue;
    try {
      const meta = await uploadAttachment(
        tx,
        { filename: a.filename || "attachment", contentType: a.contentType, content: a.content, contentId: a.contentId ?? null },
        { maxBytes },
      );
      attachmentIds.push(meta.id);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      dropped.push({ filename: safeFilename(a.filename || "attachment"), reason: err.code });
    }
  }
  return { attachmentIds, dropped };
}
