import { and, asc, count, desc, eq, gt, inArray, ne, sql } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { type Page, decodeCursor, pageSize, toPage } from "../../platform/pagination";
import { recordActivities } from "../activity/service";
import { getContact } from "../contacts/service";
import { assertDeskAccess, authorize, canAccessDesk } from "../identity/policy";
import { render } from "../rules/actions";
import { addMessage } from "../tickets/messages";
// Read-only join for the linked tickets' status; incidents never write tickets.
import { type TicketRow, tickets } from "../tickets/schema";
import { getTicket, getTicketsByIds } from "../tickets/service";
import { type IncidentRow, type IncidentSeverity, type IncidentStatus, incidentTickets, incidents } from "./schema";

export interface Incident extends IncidentRow {
  /** Tickets linked to it, and how many of them are not yet solved. */
  tickets: number;
  unsolved: number;
}

export interface IncidentInput {
  title: string;
  description?: string;
  severity?: IncidentSeverity;
  deskId?: string | null;
  eventId?: string | null;
  startedAt?: Date;
}

export interface IncidentPatch {
  title?: string;
  description?: string;
  severity?: IncidentSeverity;
  status?: IncidentStatus;
}

/** An update to everyone affected: per language ({en, uk, es…}; the fan's own, else the ticket's, else English). */
export interface IncidentUpdate {
  message: Record<string, string>;
  /** Solve the tickets with it (and resolve the incident). */
  solve?: boolean;
}

const incidentError = (code: "incident.resolved" | "incident.ticket_elsewhere", message: string) => new DomainError(code, message);

export async function createIncident(ctx: Ctx, input: IncidentInput): Promise<Incident> {
  authorize(ctx.actor, "incident.manage");
  if (input.deskId) assertDeskAccess(ctx.actor, input.deskId, () => notFound("desk", input.deskId!));
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(incidents)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        deskId: input.deskId ?? null,
        title: input.title,
        description: input.description ?? "",
        severity: input.severity ?? "major",
        eventId: input.eventId ?? null,
        startedAt: input.startedAt ?? now,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordActivities(tx, [{ type: "incident.created", subjectType: "incident", subjectId: row!.id, data: { title: row!.title, severity: row!.severity } }]);
    return { ...row!, tickets: 0, unsolved: 0 };
  });
}

async function loadIncident(ctx: Ctx, id: string): Promise<IncidentRow> {
  const [row] = await ctx.db
    .select()
    .from(incidents)
    .where(and(eq(incidents.workspaceId, ctx.workspaceId), eq(incidents.id, id)));
  if (!row) throw notFound("incident", id);
  if (row.deskId) assertDeskAccess(ctx.actor, row.deskId, () => notFound("incident", id));
  return row;
}

/**
 * How many tickets each incident has, and how many of those are unsolved: one
 * aggregate (the navigation polls the live list), reading the tickets' status
 * without writing them.
 */
async function withCounts(ctx: Ctx, rows: IncidentRow[]): Promise<Incident[]> {
  if (rows.length === 0) return [];
  const counts = await ctx.db
    .select({
      incidentId: incidentTickets.incidentId,
      tickets: count(),
      unsolved: sql<number>`(count(*) filter (where ${tickets.status} not in ('solved', 'closed')))::int`,
    })
    .from(incidentTickets)
    .innerJoin(tickets, and(eq(tickets.workspaceId, incidentTickets.workspaceId), eq(tickets.id, incidentTickets.ticketId)))
    .where(and(eq(incidentTickets.workspaceId, ctx.workspaceId), inArray(incidentTickets.incidentId, rows.map((r) => r.id))))
    .groupBy(incidentTickets.incidentId);
  const byIncident = new Map(counts.map((c) => [c.incidentId, c]));
  return rows.map((row) => ({ ...row, tickets: byIncident.get(row.id)?.tickets ?? 0, unsolved: byIncident.get(row.id)?.unsolved ?? 0 }));
}

const isDone = (t: Pick<TicketRow, "status">) => t.status === "solved" || t.status === "closed";

export async function getIncident(ctx: Ctx, id: string): Promise<Incident> {
  authorize(ctx.actor, "ticket.read");
  return (await withCounts(ctx, [await loadIncident(ctx, id)]))[0]!;
}

/** Incidents newest first; `active` (the default) is everything not resolved. */
export async function listIncidents(ctx: Ctx, filter: { status?: IncidentStatus | "active" | "all" } = {}): Promise<Incident[]> {
  authorize(ctx.actor, "ticket.read");
  const status = filter.status ?? "active";
  const rows = await ctx.db
    .select()
    .from(incidents)
    .where(
      and(
        eq(incidents.workspaceId, ctx.workspaceId),
        status === "all" ? undefined : status === "active" ? ne(incidents.status, "resolved") : eq(incidents.status, status),
      ),
    )
    .orderBy(desc(incidents.startedAt))
    .limit(200);
  return withCounts(ctx, rows.filter((r) => !r.deskId || canAccessDesk(ctx.actor, r.deskId)));
}

export async function updateIncident(ctx: Ctx, id: string, patch: IncidentPatch): Promise<Incident> {
  authorize(ctx.actor, "incident.manage");
  return inTransaction(ctx, async (tx) => {
    const before = await loadIncident(tx, id);
    const now = tx.clock.now();
    const status = patch.status ?? before.status;
    const [row] = await tx.db
      .update(incidents)
      .set({
        title: patch.title ?? before.title,
        description: patch.description ?? before.description,
        severity: patch.severity ?? before.severity,
        status,
        resolvedAt: status === "resolved" ? (before.resolvedAt ?? now) : null,
        updatedAt: now,
      })
      .where(and(eq(incidents.workspaceId, tx.workspaceId), eq(incidents.id, id)))
      .returning();
    const changes = Object.fromEntries(
      (["title", "description", "severity", "status"] as const).filter((k) => before[k] !== row![k]).map((k) => [k, [before[k], row![k]] as [unknown, unknown]]),
    );
    if (Object.keys(changes).length) {
      await recordActivities(tx, [{ type: status === "resolved" && before.status !== "resolved" ? "incident.resolved" : "incident.updated", subjectType: "incident", subjectId: id, changes }]);
    }
    return (await withCounts(tx, [row!]))[0]!;
  });
}

/**
 * Links a fan's ticket to the incident (idempotent). A resolved incident takes
 * no more tickets, and a ticket is part of one live incident at a time — so an
 * update never reaches a fan twice for one problem.
 */
export async function linkTicket(ctx: Ctx, incidentId: string, ticketId: string): Promise<{ linked: boolean }> {
  authorize(ctx.actor, "ticket.update");
  return inTransaction(ctx, async (tx) => {
    const incident = await loadIncident(tx, incidentId);
    const ticket = await getTicket(tx, ticketId);
    if (incident.status === "resolved") throw incidentError("incident.resolved", "The incident is resolved; open a new one or reopen it first");
    const [elsewhere] = await tx.db
      .select({ incidentId: incidentTickets.incidentId })
      .from(incidentTickets)
      .innerJoin(incidents, eq(incidents.id, incidentTickets.incidentId))
      .where(and(eq(incidentTickets.workspaceId, tx.workspaceId), eq(incidentTickets.ticketId, ticket.id), ne(incidents.status, "resolved")));
    if (elsewhere?.incidentId === incident.id) return { linked: false };
    if (elsewhere) throw incidentError("incident.ticket_elsewhere", "The ticket is already part of another live incident; unlink it there first");
    await tx.db.insert(incidentTickets).values({ workspaceId: tx.workspaceId, incidentId: incident.id, ticketId: ticket.id, linkedAt: tx.clock.now() });
    await recordActivities(tx, [
      { type: "incident.linked", subjectType: "incident", subjectId: incident.id, ticketId: ticket.id, data: { incidentId: incident.id, title: incident.title } },
    ]);
    return { linked: true };
  });
}

export async function unlinkTicket(ctx: Ctx, incidentId: string, ticketId: string): Promise<void> {
  authorize(ctx.actor, "ticket.update");
  await inTransaction(ctx, async (tx) => {
    const incident = await loadIncident(tx, incidentId);
    const ticket = await getTicket(tx, ticketId);
    const removed = await tx.db
      .delete(incidentTickets)
      .where(and(eq(incidentTickets.workspaceId, tx.workspaceId), eq(incidentTickets.incidentId, incident.id), eq(incidentTickets.ticketId, ticket.id)))
      .returning();
    if (removed.length === 0) throw notFound("incident ticket", ticketId);
    await recordActivities(tx, [{ type: "incident.unlinked", subjectType: "incident", subjectId: incident.id, ticketId: ticket.id, data: { incidentId: incident.id } }]);
  });
}

/** The incident's tickets the caller may see, in the order they were linked. */
export async function listIncidentTickets(ctx: Ctx, incidentId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<TicketRow>> {
  authorize(ctx.actor, "ticket.read");
  await loadIncident(ctx, incidentId);
  const limit = pageSize(options.limit, 50);
  const links = await ctx.db
    .select({ ticketId: incidentTickets.ticketId })
    .from(incidentTickets)
    .where(
      and(
        eq(incidentTickets.workspaceId, ctx.workspaceId),
        eq(incidentTickets.incidentId, incidentId),
        options.cursor ? gt(incidentTickets.ticketId, afterTicket(options.cursor)) : undefined,
      ),
    )
    .orderBy(asc(incidentTickets.ticketId))
    .limit(limit + 1);
  const page = toPage(links, limit, (l) => [l.ticketId]);
  const byId = new Map((await getTicketsByIds(ctx, page.items.map((l) => l.ticketId))).map((t) => [t.id, t]));
  return { items: page.items.flatMap((l) => byId.get(l.ticketId) ?? []), nextCursor: page.nextCursor };
}

/** The cursor of `toPage`: the last ticket id of the page before. */
function afterTicket(cursor: string): string {
  const [id] = decodeCursor(cursor, 1);
  if (typeof id !== "string" || !/^[0-9a-f-]{36}$/.test(id)) throw new DomainError("request.invalid_cursor", "The cursor is not one this API gave out; start again without it");
  return id;
}

/** The live incident a ticket is part of, if any. */
export async function incidentOfTicket(ctx: Ctx, ticketId: string): Promise<Incident | undefined> {
  const ticket = await getTicket(ctx, ticketId);
  const [row] = await ctx.db
    .select({ incident: incidents })
    .from(incidentTickets)
    .innerJoin(incidents, eq(incidents.id, incidentTickets.incidentId))
    .where(and(eq(incidentTickets.workspaceId, ctx.workspaceId), eq(incidentTickets.ticketId, ticket.id)))
    .orderBy(sql`${incidents.status} = 'resolved'`, desc(incidents.startedAt))
    .limit(1);
  return row ? (await withCounts(ctx, [row.incident]))[0] : undefined;
}

/**
 * Posts an update to everyone affected: recorded now, sent by a queued
 * reactor as a public reply on each unsolved linked ticket — on the ticket's
 * own channel, in the fan's language. With `solve`, the tickets are solved by
 * it and the incident is resolved.
 */
export async function postIncidentUpdate(ctx: Ctx, incidentId: string, update: IncidentUpdate): Promise<{ recipients: number }> {
  authorize(ctx.actor, "incident.broadcast");
  const texts = Object.entries(update.message).filter(([, text]) => text.trim());
  if (texts.length === 0) throw invalid([{ path: "message", message: "write the update in at least one language" }]);
  return inTransaction(ctx, async (tx) => {
    const incident = await loadIncident(tx, incidentId);
    if (incident.status === "resolved") throw incidentError("incident.resolved", "The incident is resolved; reopen it to post an update");
    const [row] = await tx.db
      .select({ n: count() })
      .from(incidentTickets)
      .where(and(eq(incidentTickets.workspaceId, tx.workspaceId), eq(incidentTickets.incidentId, incident.id)));
    await recordActivities(tx, [
      { type: "incident.update_posted", subjectType: "incident", subjectId: incident.id, data: { message: Object.fromEntries(texts), solve: update.solve === true } },
    ]);
    if (update.solve) {
      await tx.db
        .update(incidents)
        .set({ status: "resolved", resolvedAt: tx.clock.now(), updatedAt: tx.clock.now() })
        .where(and(eq(incidents.workspaceId, tx.workspaceId), eq(incidents.id, incident.id)));
      await recordActivities(tx, [{ type: "incident.resolved", subjectType: "incident", subjectId: incident.id, changes: { status: [incident.status, "resolved"] } }]);
    }
    return { recipients: row?.n ?? 0 };
  });
}

/**
 * Sends one posted update to the linked tickets (the reactor's work, in one
 * transaction with its receipt: a retried job sends nothing twice). Tickets
 * already solved or closed are left alone.
 */
export async function deliverIncidentUpdate(ctx: Ctx, incidentId: string, update: IncidentUpdate): Promise<number> {
  const system: Ctx = { ...ctx, actor: systemActor("incidents") };
  const links = await ctx.db
    .select({ ticketId: incidentTickets.ticketId })
    .from(incidentTickets)
    .where(and(eq(incidentTickets.workspaceId, ctx.workspaceId), eq(incidentTickets.incidentId, incidentId)));
  let sent = 0;
  for (const ticket of await getTicketsByIds(system, links.map((l) => l.ticketId))) {
    if (isDone(ticket)) continue;
    const contact = await getContact(system, ticket.requesterId).catch(() => undefined);
    const text =
      update.message[contact?.locale ?? ""] ?? update.message[ticket.language ?? ""] ?? update.message.en ?? Object.values(update.message)[0]!;
    await addMessage(system, ticket.id, {
      kind: "outbound",
      text: render(text, ticket, { requesterName: contact?.name ?? null }),
      status: update.solve ? "solved" : undefined,
    });
    sent++;
  }
  return sent;
}
