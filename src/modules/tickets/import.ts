import { type Ctx, inTransaction } from "../../platform/context";
import { newId } from "../../platform/ids";
import { type ActivityInput, recordActivities } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { authorize } from "../identity/policy";
import { reserveTicketNumbers } from "./numbers";
import {
  type Channel,
  type MessageKind,
  type MessageRow,
  type Priority,
  type TicketRow,
  type TicketStatus,
  messages,
  tickets,
} from "./schema";
import { normaliseTags } from "./tags";

/**
 * Bulk import of whole conversations (demo data, migrations from another help
 * desk, benchmarks): thousands of rows per statement instead of one service
 * call per ticket. The invariants of the services still hold: numbers from
 * the workspace's sequence, card numbers redacted, a `ticket.created`
 * activity per ticket (history: no reactor fires for it; call
 * `rebuildTagCatalogue` afterwards). References are trusted — the caller
 * created them.
 */
export interface ImportedMessage {
  kind: MessageKind;
  text: string;
  channel?: Channel;
  authorAgentId?: string | null;
  authorContactId?: string | null;
  createdAt: Date;
}

export interface ImportedTicket {
  deskId: string;
  subject: string;
  channel: Channel;
  requesterId: string;
  organisationId?: string | null;
  status: TicketStatus;
  priority: Priority;
  priorityScore?: number;
  categoryId?: string | null;
  tags?: string[];
  customFields?: Record<string, unknown>;
  language?: string | null;
  assigneeId?: string | null;
  teamId?: string | null;
  tier?: number;
  dueAt?: Date | null;
  createdAt: Date;
  messages: ImportedMessage[];
}

const BATCH = 500;

export async function importTickets(ctx: Ctx, items: ImportedTicket[], options: { activities?: boolean } = {}): Promise<TicketRow[]> {
  authorize(ctx.actor, "workspace.admin");
  const out: TicketRow[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    out.push(...(await importBatch(ctx, items.slice(i, i + BATCH), options.activities ?? true)));
  }
  return out;
}

async function importBatch(ctx: Ctx, items: ImportedTicket[], withActivities: boolean): Promise<TicketRow[]> {
  return inTransaction(ctx, async (tx) => {
    const numbers = await reserveTicketNumbers(tx.db, tx.workspaceId, items.length);
    const rows: TicketRow[] = [];
    const messageRows: MessageRow[] = [];
    items.forEach((item, n) => {
      const sorted = [...item.messages].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
      const last = sorted.at(-1)?.createdAt ?? item.createdAt;
      const firstReply = sorted.find((m) => m.kind === "outbound")?.createdAt ?? null;
      const solved = item.status === "solved" || item.status === "closed";
      const row: TicketRow = {
        id: newId(),
        workspaceId: tx.workspaceId,
        number: numbers[n]!,
        deskId: item.deskId,
        subject: redactCardNumbers(item.subject).text,
        status: item.status,
        priority: item.priority,
        priorityScore: item.priorityScore ?? 0,
        priorityReasons: [],
        categoryId: item.categoryId ?? null,
        tags: normaliseTags(item.tags ?? []),
        customFields: item.customFields ?? {},
        channel: item.channel,
        language: item.language ?? null,
        sentiment: null,
        requesterId: item.requesterId,
        organisationId: item.organisationId ?? null,
        assigneeId: item.assigneeId ?? null,
        teamId: item.teamId ?? null,
        tier: item.tier ?? 1,
        parentId: null,
        mergedIntoId: null,
        eventId: null,
        eventStartsAt: null,
        dueAt: solved ? null : (item.dueAt ?? null),
        firstResponseAt: firstReply,
        lastMessageAt: sorted.filter((m) => m.kind !== "note").at(-1)?.createdAt ?? null,
        solvedAt: solved ? last : null,
        closedAt: item.status === "closed" ? last : null,
        createdAt: item.createdAt,
        updatedAt: last,
        version: 1,
      };
      rows.push(row);
      for (const m of sorted) {
        messageRows.push({
          id: newId(),
          workspaceId: tx.workspaceId,
          ticketId: row.id,
          kind: m.kind,
          authorKind: m.kind === "inbound" ? "contact" : m.authorAgentId ? "agent" : "system",
          authorAgentId: m.kind === "inbound" ? null : (m.authorAgentId ?? null),
          authorContactId: m.kind === "inbound" ? (m.authorContactId ?? item.requesterId) : null,
          channel: m.channel ?? item.channel,
          text: redactCardNumbers(m.text).text,
          html: null,
          originalText: null,
          externalId: null,
          metadata: {},
          deliveryStatus: m.kind === "outbound" ? "sent" : null,
          createdAt: m.createdAt,
        });
      }
    });
    await tx.db.insert(tickets).values(rows);
    for (let i = 0; i < messageRows.length; i += BATCH) await tx.db.insert(messages).values(messageRows.slice(i, i + BATCH));
    if (withActivities) {
      const activities: ActivityInput[] = rows.map((r) => ({
        type: "ticket.created",
        subjectType: "ticket",
        subjectId: r.id,
        ticketId: r.id,
        data: {
          number: r.number,
          deskId: r.deskId,
          channel: r.channel,
          status: r.status,
          priority: r.priority,
          requesterId: r.requesterId,
          tags: r.tags,
          imported: true,
        },
        at: r.createdAt,
      }));
      await recordActivities(tx, activities, { react: false });
    }
    return rows;
  });
}
