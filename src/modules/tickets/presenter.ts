import { z } from "zod";
import { iso, isoRequired, nullableTimestamp, timestamp } from "../../platform/present";
import type { ActivityRow } from "../activity/schema";
import type { AttachmentMeta, MessageWithAttachments } from "./messages";
import { channels, deliveryStatuses, messageKinds, priorities, ticketStatuses } from "./schema";
import type { TicketRow } from "./schema";

export const ticketSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    deskId: z.string(),
    subject: z.string(),
    status: z.enum(ticketStatuses),
    priority: z.enum(priorities),
    priorityScore: z.number().int(),
    priorityReasons: z.array(z.object({ factor: z.string(), points: z.number(), label: z.string().optional() })),
    categoryId: z.string().nullable(),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), z.unknown()),
    channel: z.enum(channels),
    language: z.string().nullable(),
    sentiment: z.number().nullable(),
    requesterId: z.string(),
    organisationId: z.string().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    tier: z.number().int(),
    parentId: z.string().nullable(),
    mergedIntoId: z.string().nullable(),
    eventId: z.string().nullable(),
    eventStartsAt: nullableTimestamp,
    dueAt: nullableTimestamp,
    firstResponseAt: nullableTimestamp,
    lastMessageAt: nullableTimestamp,
    solvedAt: nullableTimestamp,
    closedAt: nullableTimestamp,
    createdAt: timestamp,
    updatedAt: timestamp,
    version: z.number().int(),
  })
  .meta({ id: "Ticket" });

export type TicketJson = z.infer<typeof ticketSchema>;

export const presentTicket = (t: TicketRow): TicketJson => ({
  id: t.id,
  number: t.number,
  deskId: t.deskId,
  subject: t.subject,
  status: t.status,
  priority: t.priority,
  priorityScore: t.priorityScore,
  priorityReasons: t.priorityReasons,
  categoryId: t.categoryId,
  tags: t.tags,
  customFields: t.customFields,
  channel: t.channel,
  language: t.language,
  sentiment: t.sentiment,
  requesterId: t.requesterId,
  organisationId: t.organisationId,
  assigneeId: t.assigneeId,
  teamId: t.teamId,
  tier: t.tier,
  parentId: t.parentId,
  mergedIntoId: t.mergedIntoId,
  eventId: t.eventId,
  eventStartsAt: iso(t.eventStartsAt),
  dueAt: iso(t.dueAt),
  firstResponseAt: iso(t.firstResponseAt),
  lastMessageAt: iso(t.lastMessageAt),
  solvedAt: iso(t.solvedAt),
  closedAt: iso(t.closedAt),
  createdAt: isoRequired(t.createdAt),
  updatedAt: isoRequired(t.updatedAt),
  version: t.version,
});

export const attachmentSchema = z
  .object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string(), url: z.string() })
  .meta({ id: "Attachment" });

export const presentAttachment = (a: AttachmentMeta): z.infer<typeof attachmentSchema> => ({
  id: a.id,
  filename: a.filename,
  contentType: a.contentType,
  size: a.size,
  sha256: a.sha256,
  url: `/api/v1/attachments/${a.id}`,
});

export const messageSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    kind: z.enum(messageKinds),
    author: z.object({ kind: z.enum(["contact", "agent", "system"]), id: z.string().nullable() }),
    channel: z.enum(channels),
    text: z.string(),
    html: z.string().nullable(),
    externalId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    deliveryStatus: z.enum(deliveryStatuses).nullable(),
    /** Why delivery failed, as the provider said it (Twilio ErrorCode, Meta error code, SMTP reply or DSN status). */
    deliveryError: z.object({ code: z.string().nullable(), reason: z.string().nullable() }).nullable(),
    attachments: z.array(attachmentSchema),
    createdAt: timestamp,
  })
  .meta({ id: "Message" });

export const presentMessage = (m: MessageWithAttachments): z.infer<typeof messageSchema> => ({
  id: m.id,
  ticketId: m.ticketId,
  kind: m.kind,
  author: { kind: m.authorKind, id: m.authorAgentId ?? m.authorContactId },
  channel: m.channel,
  text: m.text,
  html: m.html,
  externalId: m.externalId,
  metadata: m.metadata,
  deliveryStatus: m.deliveryStatus,
  deliveryError:
    m.deliveryStatus === "failed"
      ? { code: stringOrNull(m.metadata.deliveryErrorCode), reason: stringOrNull(m.metadata.deliveryError) }
      : null,
  attachments: m.attachments.map(presentAttachment),
  createdAt: isoRequired(m.createdAt),
});

export const activitySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    subjectType: z.string(),
    subjectId: z.string(),
    ticketId: z.string().nullable(),
    actor: z.object({ kind: z.enum(["agent", "contact", "system", "api"]), id: z.string().nullable() }),
    changes: z.record(z.string(), z.tuple([z.unknown(), z.unknown()])),
    data: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
  })
  .meta({ id: "Activity" });

export const presentActivity = (a: ActivityRow): z.infer<typeof activitySchema> => ({
  id: a.id,
  type: a.type,
  subjectType: a.subjectType,
  subjectId: a.subjectId,
  ticketId: a.ticketId,
  actor: { kind: a.actorKind, id: a.actorId },
  changes: a.changes,
  data: a.data,
  createdAt: isoRequired(a.createdAt),
});

const stringOrNull = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : null);
