import { createHash } from "node:crypto";
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { stageRows } from "../../platform/batch";
import { cached, claimedVersion, countMessage, remember } from "./cache";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { htmlToText, sanitiseHtml } from "../../platform/html";
import { newId } from "../../platform/ids";
import { type Page, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { type ActivityInput, recordActivities } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { assertDeskAccess, authorize } from "../identity/policy";
import {
  type AttachmentRow,
  type Channel,
  type MessageKind,
  type MessageRow,
  type TicketRow,
  attachments,
  messages,
  tickets,
} from "./schema";
import { getTeam, loadAgentWithAccess } from "../identity/service";
import { applyPatch, claimTicket, loadTicketForUpdate, setDerivedFields } from "./service";
import type { TicketStatus } from "./schema";

export interface NewMessage {
  /** Chosen by the caller when it must know the id without reading it back (intake's acknowledgement). */
  id?: string;
  kind?: MessageKind;
  text?: string;
  html?: string | null;
  channel?: Channel;
  attachmentIds?: string[];
  /** The provider's message id: a second delivery of the same message is recognised. */
  externalId?: string | null;
  metadata?: Record<string, unknown>;
  /** Full text before quoted history was stripped (e-mail). */
  originalText?: string | null;
  /** Inbound only: who wrote it, when not the requester (a CC'd colleague). */
  authorContactId?: string;
}

export type AttachmentMeta = Omit<AttachmentRow, "content">;
export interface MessageWithAttachments extends MessageRow {
  attachments: AttachmentMeta[];
}

export const TEXT_MAX = 200_000;
export const HTML_MAX = 1_000_000;

/** Written into a message's activity so reactors and analytics need not read the message. */
const activityTypeOf: Record<MessageKind, string> = { inbound: "message.received", outbound: "message.sent", note: "note.added" };

/**
 * Inserts a message on a ticket the caller has locked or just created: HTML
 * sanitised, card numbers redacted from every text (PCI-DSS 3.4), uploads
 * attached. Returns the activity for the caller to record with its own.
 */
export async function insertMessage(
  ctx: Ctx,
  ticket: TicketRow,
  input: NewMessage,
  requesterId: string,
): Promise<{ message: MessageWithAttachments; activity: ActivityInput }> {
  const kind = input.kind ?? "inbound";
  const html = input.html ? sanitiseHtml(input.html) : null;
  const rawText = input.text?.trim() ? input.text : html ? htmlToText(html) : "";
  if (rawText.length > TEXT_MAX) throw invalid([{ path: "text", message: `at most ${TEXT_MAX} characters` }]);
  if (html && html.length > HTML_MAX) throw invalid([{ path: "html", message: `at most ${HTML_MAX} characters of HTML` }]);
  const attachmentIds = [...new Set(input.attachmentIds ?? [])];
  if (!rawText.trim() && attachmentIds.length === 0) throw invalid([{ path: "text", message: "a message needs text or an attachment" }]);

  const text = redactCardNumbers(rawText);
  const safeHtml = html ? redactCardNumbers(html) : undefined;
  const original = input.originalText ? redactCardNumbers(input.originalText) : undefined;
  const redacted = text.count + (safeHtml?.count ?? 0) + (original?.count ?? 0);

  const author =
    kind === "inbound"
      ? { authorKind: "contact" as const, authorContactId: input.authorContactId ?? requesterId, authorAgentId: null }
      : ctx.actor.kind === "agent"
        ? { authorKind: "agent" as const, authorAgentId: ctx.actor.agentId, authorContactId: null }
        : { authorKind: "system" as const, authorAgentId: null, authorContactId: null };

  const message: MessageRow = {
    id: input.id ?? newId(),
    workspaceId: ctx.workspaceId,
    ticketId: ticket.id,
    kind,
    ...author,
    channel: input.channel ?? ticket.channel,
    text: text.text,
    html: safeHtml?.text ?? null,
    originalText: original?.text ?? null,
    externalId: input.externalId ?? null,
    metadata: input.metadata ?? {},
    deliveryStatus: kind === "outbound" ? "pending" : null,
    createdAt: ctx.clock.now(),
  };
  await stageRows(ctx, messages, [message]);
  countMessage(ctx, ticket.id, kind);
  // Attaching updates uploads to point at the message: the batch sends the message's INSERT first.
  const attached = await attachUploads(ctx, message.id, attachmentIds);
  const activity: ActivityInput = {
    type: activityTypeOf[kind],
    subjectType: "message",
    subjectId: message.id,
    ticketId: ticket.id,
    data: {
      kind,
      channel: message.channel,
      authorKind: message.authorKind,
      attachments: attached.length,
      ...(redacted ? { cardNumbersRedacted: redacted } : {}),
    },
  };
  return { message: { ...message, attachments: attached }, activity };
}

async function attachUploads(ctx: Ctx, messageId: string, ids: string[]): Promise<AttachmentMeta[]> {
  if (ids.length === 0) return [];
  const uploaderOnly = ctx.actor.kind === "agent" ? eq(attachments.uploadedByAgentId, ctx.actor.agentId) : undefined;
  const rows = await ctx.db
    .update(attachments)
    .set({ messageId })
    .where(and(eq(attachments.workspaceId, ctx.workspaceId), inArray(attachments.id, ids), isNull(attachments.messageId), uploaderOnly))
    .returning({ id: attachments.id });
  if (rows.length !== ids.length) {
    throw new DomainError("message.attachment_invalid", "An attachment is not an upload of yours that is still unused", {}, [
      { path: "attachmentIds", message: "unknown, already used, or uploaded by someone else" },
    ]);
  }
  return listAttachmentMeta(ctx, [messageId]);
}

// ------------------------------------------------------------------ agents writing

export interface AgentMessage {
  kind: "outbound" | "note";
  text?: string;
  html?: string | null;
  attachmentIds?: string[];
  /** Set the ticket's status with the reply ("send and mark pending"). */
  status?: TicketStatus;
  /** The ticket version the agent saw; a newer one refuses the message (`conflict.version`). */
  expectedVersion?: number;
  channel?: Channel;
  /** Agents and teams @mentioned: each agent who may see the desk is told by an `agent.mentioned` activity. */
  mentions?: { agentIds?: string[]; teamIds?: string[] };
}

export async function addMessage(
  ctx: Ctx,
  ticketId: string,
  input: AgentMessage,
): Promise<{ message: MessageWithAttachments; ticket: TicketRow }> {
  authorize(ctx.actor, input.kind === "note" ? "ticket.note" : "ticket.reply");
  if (input.status) authorize(ctx.actor, "ticket.update");
  return inTransaction(ctx, async (tx) => {
    let ticket = await loadTicketForUpdate(tx, ticketId);
    if (input.expectedVersion !== undefined && input.expectedVersion !== ticket.version) {
      throw new DomainError("conflict.version", `Ticket #${ticket.number} changed since you loaded it`, {
        expectedVersion: input.expectedVersion,
        currentVersion: ticket.version,
      });
    }
    assertWritable(ticket);
    const mentioned = await resolveMentions(tx, ticket, input.mentions);
    const mentionData =
      input.mentions && (input.mentions.agentIds?.length || input.mentions.teamIds?.length)
        ? { mentions: { agentIds: input.mentions.agentIds ?? [], teamIds: input.mentions.teamIds ?? [] } }
        : {};
    const { message, activity } = await insertMessage(
      tx,
      ticket,
      {
        kind: input.kind,
        text: input.text,
        html: input.html,
        attachmentIds: input.attachmentIds,
        channel: input.channel ?? ticket.channel,
        metadata: mentionData,
      },
      ticket.requesterId,
    );
    await recordActivities(tx, [
      activity,
      ...mentioned.map((agentId) => ({
        type: "agent.mentioned",
        subjectType: "agent",
        subjectId: agentId,
        ticketId: ticket.id,
        data: { messageId: message.id, kind: input.kind, ticketNumber: ticket.number },
      })),
    ]);
    const status = input.status ?? (input.kind === "outbound" && ticket.status === "new" ? "open" : undefined);
    if (status && status !== ticket.status) ticket = (await applyPatch(tx, ticket, { status })).ticket;
    // First response is an agent's: Usher's own replies (a rule's auto-reply, an incident update, a survey) are not one.
    ticket = await touch(tx, ticket, input.kind === "outbound" ? { firstResponse: tx.actor.kind === "agent" } : { note: true });
    return { message, ticket };
  });
}

// ------------------------------------------------------------------ contacts writing

export interface ReceiveOptions {
  /**
   * The ticket as the caller read it in this transaction (intake found it
   * while threading). When the message leaves its status as it is, the row
   * is claimed rather than locked (see `claim` in cache.ts): no BEGIN, no
   * lock held, everything written in one statement that may join a group
   * commit — and `conflict.concurrent` if the ticket changed meanwhile.
   */
  seen?: TicketRow;
  /**
   * The caller relies on the unique index on (channel, external id) to
   * refuse a redelivery (`conflict.duplicate`), or looked for it itself:
   * no lookup here.
   */
  duplicatesRefused?: boolean;
}

/**
 * An inbound message on an existing ticket (intake, portal). Idempotent by
 * `externalId`: the same provider message delivered twice is stored once.
 */
export async function receiveMessage(
  ctx: Ctx,
  ticketId: string,
  input: NewMessage,
  options: ReceiveOptions = {},
): Promise<{ message: MessageWithAttachments; ticket: TicketRow; duplicate: boolean }> {
  return inTransaction(ctx, async (tx) => {
    const seen = options.seen?.id === ticketId && !reopens(options.seen) ? options.seen : undefined;
    let ticket = seen ? await claimTicket(tx, seen) : await loadTicketForUpdate(tx, ticketId);
    const channel = input.channel ?? ticket.channel;
    if (input.externalId && !options.duplicatesRefused) {
      const [existing] = await tx.db
        .select()
        .from(messages)
        .where(and(eq(messages.workspaceId, tx.workspaceId), eq(messages.channel, channel), eq(messages.externalId, input.externalId)));
      if (existing) return { message: { ...existing, attachments: await listAttachmentMeta(tx, [existing.id]) }, ticket, duplicate: true };
    }
    assertWritable(ticket);
    const { message, activity } = await insertMessage(tx, ticket, { ...input, kind: "inbound", channel }, ticket.requesterId);
    await recordActivities(tx, [activity]);
    // The fan wrote again: the ticket needs an agent again.
    if (reopens(ticket)) ticket = (await applyPatch(tx, ticket, { status: "open" })).ticket;
    ticket = await touch(tx, ticket, {});
    return { message, ticket, duplicate: false };
  });
}

/** A message from the fan opens a ticket that waited on them or was solved. */
const reopens = (ticket: TicketRow) => ticket.status === "pending" || ticket.status === "solved";

/** The agents to tell: those named and the members of teams named, who may see the ticket's desk; never the writer. */
async function resolveMentions(ctx: Ctx, ticket: TicketRow, mentions: AgentMessage["mentions"]): Promise<string[]> {
  const agentIds = [...new Set(mentions?.agentIds ?? [])];
  const teamIds = [...new Set(mentions?.teamIds ?? [])];
  if (agentIds.length + teamIds.length === 0) return [];
  const ids = new Set<string>();
  for (const id of agentIds) {
    const agent = await loadAgentWithAccess(ctx.db, ctx.workspaceId, id);
    if (!agent) throw invalid([{ path: "mentions.agentIds", message: `no agent ${id}` }]);
    ids.add(agent.id);
  }
  for (const id of teamIds) {
    const team = await getTeam(ctx, id).catch(() => {
      throw invalid([{ path: "mentions.teamIds", message: `no team ${id}` }]);
    });
    for (const member of team.agentIds) ids.add(member);
  }
  const me = ctx.actor.kind === "agent" ? ctx.actor.agentId : null;
  const result: string[] = [];
  for (const id of ids) {
    if (id === me) continue;
    const agent = await loadAgentWithAccess(ctx.db, ctx.workspaceId, id);
    if (!agent || agent.status !== "active") continue;
    if (agent.role === "admin" || agent.allDesks || agent.deskIds.includes(ticket.deskId)) result.push(id);
  }
  return result;
}

function assertWritable(ticket: TicketRow) {
  if (ticket.mergedIntoId) {
    throw new DomainError("ticket.merged", `Ticket #${ticket.number} was merged into another ticket`, {
      mergedIntoId: ticket.mergedIntoId,
    });
  }
  if (ticket.status === "closed") {
    throw new DomainError("ticket.invalid_transition", `Ticket #${ticket.number} is closed; open a follow-up ticket instead`);
  }
}

async function touch(ctx: Ctx, seen: TicketRow, what: { firstResponse?: boolean; note?: boolean }): Promise<TicketRow> {
  const now = ctx.clock.now();
  // As this transaction left it: an inline reactor (routing, a rule) may have changed it, and its version, since `seen`.
  const ticket = (await cached(ctx, seen.id)) ?? seen;
  const fields = {
    ...(what.note ? {} : { lastMessageAt: now }),
    ...(what.firstResponse && !ticket.firstResponseAt ? { firstResponseAt: now } : {}),
    updatedAt: now,
    version: ticket.version + 1,
  };
  if (claimedVersion(ctx, ticket.id) !== undefined) {
    // Claimed: staged with the row's other fields, in the one UPDATE that checks its version.
    await setDerivedFields(ctx, ticket.id, fields);
    return (await cached(ctx, ticket.id))!;
  }
  const [row] = await ctx.db
    .update(tickets)
    .set(fields)
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, ticket.id)))
    .returning();
  return remember(ctx, row!);
}

// ------------------------------------------------------------------ reading

export async function listMessages(
  ctx: Ctx,
  ticketId: string,
  options: { cursor?: string; limit?: number; includeNotes?: boolean } = {},
): Promise<Page<MessageWithAttachments>> {
  authorize(ctx.actor, "ticket.read");
  const [ticket] = await ctx.db
    .select({ deskId: tickets.deskId })
    .from(tickets)
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, ticketId)));
  if (!ticket) throw notFound("ticket", ticketId);
  assertDeskAccess(ctx.actor, ticket.deskId, () => notFound("ticket", ticketId));
  const limit = pageSize(options.limit, 100);
  const keys = [
    { column: messages.createdAt, direction: "asc" as const },
    { column: messages.id, direction: "asc" as const },
  ];
  const rows = await ctx.db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, ctx.workspaceId),
        eq(messages.ticketId, ticketId),
        options.includeNotes === false ? inArray(messages.kind, ["inbound", "outbound"]) : undefined,
        options.cursor ? afterCursor(keys, decodeCursor(options.cursor, 2)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(keys))
    .limit(limit + 1);
  const page = toPage(rows, limit, (m) => [m.createdAt, m.id]);
  const metas = await listAttachmentMeta(
    ctx,
    page.items.map((m) => m.id),
  );
  return { ...page, items: page.items.map((m) => ({ ...m, attachments: metas.filter((a) => a.messageId === m.id) })) };
}

const attachmentMetaColumns = {
  id: attachments.id,
  workspaceId: attachments.workspaceId,
  messageId: attachments.messageId,
  filename: attachments.filename,
  contentType: attachments.contentType,
  size: attachments.size,
  sha256: attachments.sha256,
  contentId: attachments.contentId,
  uploadedByAgentId: attachments.uploadedByAgentId,
  createdAt: attachments.createdAt,
};

async function listAttachmentMeta(ctx: Ctx, messageIds: string[]): Promise<AttachmentMeta[]> {
  if (messageIds.length === 0) return [];
  return ctx.db
    .select(attachmentMetaColumns)
    .from(attachments)
    .where(and(eq(attachments.workspaceId, ctx.workspaceId), inArray(attachments.messageId, messageIds)))
    .orderBy(asc(attachments.createdAt));
}

// ------------------------------------------------------------------ attachments

export interface AttachmentLimits {
  maxBytes: number;
}

/** Types that run when opened: never accepted, whatever the sender claims. */
const BLOCKED_EXTENSIONS = /\.(exe|com|bat|cmd|scr|pif|msi|msp|vbs|vbe|js|jse|wsf|wsh|ps1|psm1|jar|app|dmg|hta|cpl|lnk|reg|dll|sh)$/i;
const BLOCKED_TYPES = new Set([
  "application/x-msdownload",
  "application/x-msdos-program",
  "application/x-ms-installer",
  "application/x-sh",
  "application/x-executable",
  "application/java-archive",
  "application/hta",
]);

export function safeFilename(name: string): string {
  const base = name
    .replace(/[\\/]/g, "_")
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 200);
  return redactCardNumbers(base || "attachment").text;
}

export async function uploadAttachment(
  ctx: Ctx,
  file: { filename: string; contentType: string; content: Buffer; contentId?: string | null; messageId?: string },
  limits: AttachmentLimits,
): Promise<AttachmentMeta> {
  if (ctx.actor.kind === "agent") authorize(ctx.actor, "ticket.note");
  if (file.content.length === 0) throw invalid([{ path: "content", message: "the file is empty" }]);
  if (file.content.length > limits.maxBytes) {
    throw new DomainError("attachment.too_large", `Attachments may be at most ${Math.floor(limits.maxBytes / 1048576)} MB`, {
      maxBytes: limits.maxBytes,
    });
  }
  const filename = safeFilename(file.filename);
  const contentType = file.contentType.split(";")[0]!.trim().toLowerCase() || "application/octet-stream";
  if (BLOCKED_EXTENSIONS.test(filename) || BLOCKED_TYPES.has(contentType)) {
    throw new DomainError("attachment.type_not_allowed", `Files of this type are not accepted (${filename})`);
  }
  const row: AttachmentRow = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    messageId: file.messageId ?? null,
    filename,
    contentType,
    size: file.content.length,
    sha256: createHash("sha256").update(file.content).digest("hex"),
    contentId: file.contentId ?? null,
    content: file.content,
    uploadedByAgentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : null,
    createdAt: ctx.clock.now(),
  };
  await ctx.db.insert(attachments).values(row);
  const { content: _content, ...meta } = row;
  return meta;
}

export async function getAttachment(ctx: Ctx, id: string): Promise<AttachmentRow> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select({ attachment: attachments, deskId: tickets.deskId })
    .from(attachments)
    .leftJoin(messages, eq(messages.id, attachments.messageId))
    .leftJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(and(eq(attachments.workspaceId, ctx.workspaceId), eq(attachments.id, id)));
  if (!row) throw notFound("attachment", id);
  if (row.deskId) assertDeskAccess(ctx.actor, row.deskId, () => notFound("attachment", id));
  else if (ctx.actor.kind === "agent" && row.attachment.uploadedByAgentId !== ctx.actor.agentId) throw notFound("attachment", id);
  return row.attachment;
}

/** One message, for a reader who may read its ticket. */
export async function getMessage(ctx: Ctx, id: string): Promise<MessageRow & { deskId: string }> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select({ message: messages, deskId: tickets.deskId })
    .from(messages)
    .innerJoin(tickets, eq(tickets.id, messages.ticketId))
    .where(and(eq(messages.workspaceId, ctx.workspaceId), eq(messages.id, id)));
  if (!row) throw notFound("message", id);
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("message", id));
  return { ...row.message, deskId: row.deskId };
}
