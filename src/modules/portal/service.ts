import { and, eq, inArray } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor, withActor } from "../../platform/context";
import { DomainError, type FieldProblem, forbidden, invalid, notFound } from "../../platform/errors";
import { listCategories, listCustomFields } from "../desks/service";
import type { CategoryRow, CustomFieldRow, DeskRow } from "../desks/schema";
import { checkCustomFieldValues } from "../desks/fields";
import { recordReaderEvent } from "../kb/analytics";
import {
  type AttachmentMeta,
  type MessageWithAttachments,
  getAttachment,
  listMessages,
  receiveMessage,
  uploadAttachment,
} from "../tickets/messages";
import type { AttachmentRow, TicketRow } from "../tickets/schema";
import { createTicket, getTicket, listTickets } from "../tickets/service";
import { portalUploads } from "./schema";
import { type CreativeBrief, checkCreativeBrief, startCreativeRequest } from "./creative";

/**
 * What a signed-in contact may do on the portal, authorised here and only
 * here: contacts have no rights in the agents' policy, so these services
 * check "this is my own ticket" themselves and then act through the
 * tickets module's services with Usher's own (system) reach.
 *
 * Decision: a contact sees the tickets they requested on this desk — not
 * their organisation's. Organisations here are often agencies or payers
 * whose members must not read each other's conversations.
 */

const portal = (ctx: Ctx) => withActor(ctx, systemActor("portal"));

function contactOf(ctx: Ctx): string {
  if (ctx.actor.kind !== "contact") throw forbidden("Sign in to the portal first");
  return ctx.actor.contactId;
}

export async function listMyTickets(ctx: Ctx, deskId: string): Promise<TicketRow[]> {
  const contactId = contactOf(ctx);
  const page = await listTickets(portal(ctx), {
    conditions: {
      all: [
        { field: "requester", op: "is", value: contactId },
        { field: "desk", op: "is", value: deskId },
      ],
    },
    sort: "-updated",
    limit: 100,
  });
  return page.items;
}

/** My ticket by number; anyone else's is "not found", never "forbidden". */
export async function getMyTicket(ctx: Ctx, deskId: string, number: number): Promise<TicketRow> {
  const contactId = contactOf(ctx);
  const ticket = await getTicket(portal(ctx), number).catch(() => undefined);
  if (!ticket || ticket.requesterId !== contactId || ticket.deskId !== deskId) throw notFound("request", String(number));
  return ticket;
}

/** The public conversation: the fan's messages and agents' replies, never internal notes. */
export async function listMyConversation(ctx: Ctx, ticket: TicketRow): Promise<MessageWithAttachments[]> {
  if (ticket.requesterId !== contactOf(ctx)) throw notFound("request", String(ticket.number));
  const all: MessageWithAttachments[] = [];
  let cursor: string | undefined;
  do {
    const page = await listMessages(portal(ctx), ticket.id, { includeNotes: false, cursor, limit: 100 });
    all.push(...page.items.filter((m) => m.kind !== "note"));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && all.length < 2000);
  return all;
}

export async function getMyAttachment(ctx: Ctx, deskId: string, number: number, attachmentId: string): Promise<AttachmentRow> {
  const ticket = await getMyTicket(ctx, deskId, number);
  const conversation = await listMyConversation(ctx, ticket);
  if (!conversation.some((m) => m.attachments.some((a) => a.id === attachmentId))) throw notFound("attachment", attachmentId);
  return getAttachment(portal(ctx), attachmentId);
}

export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export const MAX_FILES = 5;

async function uploadMine(ctx: Ctx, files: UploadedFile[], maxBytes: number): Promise<AttachmentMeta[]> {
  const contactId = contactOf(ctx);
  if (files.length > MAX_FILES) throw invalid([{ path: "attachments", message: `at most ${MAX_FILES} files` }]);
  const metas: AttachmentMeta[] = [];
  for (const file of files) {
    const meta = await uploadAttachment(ctx, file, { maxBytes });
    await ctx.db
      .insert(portalUploads)
      .values({ attachmentId: meta.id, workspaceId: ctx.workspaceId, contactId, createdAt: ctx.clock.now() });
    metas.push(meta);
  }
  return metas;
}

/** Only uploads this contact made through the portal may be attached to their messages. */
async function assertMyUploads(ctx: Ctx, ids: string[]) {
  if (ids.length === 0) return;
  const rows = await ctx.db
    .select({ id: portalUploads.attachmentId })
    .from(portalUploads)
    .where(
      and(
        eq(portalUploads.workspaceId, ctx.workspaceId),
        eq(portalUploads.contactId, contactOf(ctx)),
        inArray(portalUploads.attachmentId, ids),
      ),
    );
  if (rows.length !== ids.length) throw invalid([{ path: "attachments", message: "not an upload of yours" }]);
}

export async function replyToMyTicket(
  ctx: Ctx,
  deskId: string,
  number: number,
  input: { text: string; files?: UploadedFile[] },
  limits: { maxBytes: number },
): Promise<MessageWithAttachments> {
  if (!input.text.trim() && !input.files?.length) throw invalid([{ path: "text", message: "write a message or attach a file" }]);
  return inTransaction(ctx, async (tx) => {
    const ticket = await getMyTicket(tx, deskId, number);
    if (ticket.status === "closed") throw new DomainError("ticket.invalid_transition", "This request is closed; open a new one");
    const uploads = await uploadMine(tx, input.files ?? [], limits.maxBytes);
    await assertMyUploads(
      tx,
      uploads.map((u) => u.id),
    );
    // Ownership is settled above; the tickets module's desk scoping is for agents, so Usher's own reach writes it.
    const { message } = await receiveMessage(portal(tx), ticket.id, {
      text: input.text,
      channel: "portal",
      attachmentIds: uploads.map((u) => u.id),
    });
    return message;
  });
}

// ------------------------------------------------------------------ new requests

export interface RequestForm {
  categories: CategoryRow[];
  fields: CustomFieldRow[];
  /** The advertiser desk's creative form, with an approval step. */
  creative: boolean;
}

export async function requestFormOf(ctx: Ctx, desk: DeskRow): Promise<RequestForm> {
  const [categories, fields] = await Promise.all([listCategories(portal(ctx), desk.id), listCustomFields(portal(ctx), desk.id)]);
  return { categories, fields: fields.filter((f) => f.public), creative: isCreativeDesk(desk) };
}

export const isCreativeDesk = (desk: DeskRow) => desk.kind === "advertisers" || desk.kind === "creative";

export interface NewRequest {
  subject: string;
  text: string;
  categoryId?: string | null;
  /** Form values as submitted (strings, or several strings for multi-selects). */
  fields?: Record<string, string | string[]>;
  files?: UploadedFile[];
  creative?: Partial<Record<keyof CreativeBrief, string>>;
  locale: string;
  /** Deflection tracking: the form's journey and the reader's visitor id. */
  journeyId?: string | null;
  visitorId?: string | null;
}

/** Coerces a form's strings to the desk's field types; the tickets module then validates them. */
function coerceFields(definitions: CustomFieldRow[], values: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(values)) {
    const def = definitions.find((d) => d.key === key);
    const value = Array.isArray(raw) ? raw : raw.trim();
    if (!def) {
      out[key] = value;
      continue;
    }
    if (def.type === "multiselect") out[key] = Array.isArray(value) ? value : value ? [value] : null;
    else if (Array.isArray(value)) out[key] = value[0] ?? null;
    else if (value === "") out[key] = null;
    else if (def.type === "boolean") out[key] = value === "on" || value === "true" || value === "yes";
    else if (def.type === "number" || def.type === "integer") out[key] = Number.isFinite(Number(value)) ? Number(value) : value;
    else out[key] = value;
  }
  return out;
}

export async function openRequest(ctx: Ctx, desk: DeskRow, input: NewRequest, limits: { maxBytes: number }): Promise<TicketRow> {
  const contactId = contactOf(ctx);
  const form = await requestFormOf(ctx, desk);
  const problems: FieldProblem[] = [];
  const subject = input.subject.trim();
  if (!subject || subject.length > 250) problems.push({ path: "subject", message: "required", code: "required" });
  if (!input.text.trim()) problems.push({ path: "text", message: "required", code: "required" });
  if (input.text.length > 20_000) problems.push({ path: "text", message: "too long", code: "too_long" });
  if (input.categoryId && !form.categories.some((c) => c.id === input.categoryId && !c.archivedAt)) {
    problems.push({ path: "categoryId", message: "no such category", code: "invalid_value" });
  }
  // Only the desk's public fields may be set from the portal; the rest are the agents'.
  const submitted = coerceFields(form.fields, input.fields ?? {});
  for (const key of Object.keys(submitted)) {
    if (!form.fields.some((f) => f.key === key))
      problems.push({ path: `customFields.${key}`, message: "no such field", code: "unknown_field" });
  }
  const checked = checkCustomFieldValues(form.fields, submitted, { requireRequired: true });
  problems.push(...checked.problems);
  let brief: CreativeBrief | undefined;
  if (form.creative && input.creative) {
    const result = checkCreativeBrief(input.creative);
    problems.push(...result.problems);
    brief = result.brief;
    if (!input.files?.length) problems.push({ path: "attachments", message: "attach the creative", code: "required" });
  }
  if (problems.length) throw new DomainError("validation.failed", "Some fields need attention", {}, problems);

  const ticket = await inTransaction(ctx, async (tx) => {
    const uploads = await uploadMine(tx, input.files ?? [], limits.maxBytes);
    const created = await createTicket(portal(tx), {
      deskId: desk.id,
      subject,
      channel: "portal",
      requester: { contactId },
      categoryId: input.categoryId || null,
      customFields: checked.values,
      language: input.locale,
      tags: brief ? ["creative-request"] : [],
      message: { text: input.text, channel: "portal", attachmentIds: uploads.map((u) => u.id), authorContactId: contactId },
    });
    if (brief) await startCreativeRequest(tx, created, brief);
    return created;
  });
  if (input.journeyId) {
    await recordReaderEvent(ctx, {
      deskId: desk.id,
      kind: "request_submitted",
      locale: input.locale,
      journeyId: input.journeyId,
      visitorId: input.visitorId ?? null,
      ticketId: ticket.id,
    }).catch(() => undefined); // analytics never fails a fan's request
  }
  return ticket;
}
