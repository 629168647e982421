import { type SQL, and, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { compileInsert } from "../../platform/insert";
import { compileRead, queryBuilder } from "../../platform/compiled";
import { DomainError, type FieldProblem, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { type Page, type SortKey, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { type ActivityInput, diff, recordActivities } from "../activity/service";
import { redactCardNumbers } from "../compliance/redact";
import { type IdentityInput, contactCreatedInTransaction, findOrCreateContact, getContact, getContactRow } from "../contacts/service";
import { checkCustomFieldValues } from "../desks/fields";
import { getCategory, getDesk, listCustomFields } from "../desks/service";
import { assertDeskAccess, authorize, canAccessDesk, deskFilter } from "../identity/policy";
import { getTeam, loadAgentWithAccess } from "../identity/service";
import { type ConditionGroup, compileConditions, validateConditions } from "./conditions";
import {
  beforeRawWrite,
  cached,
  claim,
  claimedVersion,
  countedMessages,
  derivedName,
  insertedIds,
  otherTicketWritesStaged,
  remember,
  settleClaim,
  stageDerived,
  stageInsert,
  unsentMessages,
} from "./cache";
import { type NewMessage, insertMessage } from "./messages";
import { takeTicketNumber } from "./numbers";
import { type Channel, type Priority, type TicketRow, type TicketStatus, messages, tickets } from "./schema";
import { assertTransition } from "./status";
import { normaliseTags } from "./tags";

export type Requester = { contactId: string } | { identities: IdentityInput[]; name?: string; locale?: string | null };

export interface NewTicket {
  deskId: string;
  subject: string;
  channel: Channel;
  requester: Requester;
  /** The first message. Defaults to inbound from the requester. */
  message?: NewMessage;
  status?: TicketStatus;
  priority?: Priority;
  categoryId?: string | null;
  tags?: string[];
  customFields?: Record<string, unknown>;
  assigneeId?: string | null;
  teamId?: string | null;
  tier?: number;
  parentId?: string | null;
  language?: string | null;
  /** When the live event the ticket is about starts (SLA policies: "the event starts within 24 hours"). */
  eventStartsAt?: Date | string | null;
  /** -1…+1, as intake's classifier judged the first message. */
  sentiment?: number | null;
}

export interface TicketPatch {
  subject?: string;
  deskId?: string;
  status?: TicketStatus;
  priority?: Priority;
  categoryId?: string | null;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  customFields?: Record<string, unknown>;
  assigneeId?: string | null;
  teamId?: string | null;
  tier?: number;
  parentId?: string | null;
  requesterId?: string;
  language?: string | null;
  eventStartsAt?: Date | string | null;
}

export interface UpdateOptions {
  /** Refuse with `conflict.version` if the ticket changed since the client read it. */
  expectedVersion?: number;
  /** Extra activity data (which rule or macro made the change). */
  cause?: Record<string, unknown>;
}

const SUBJECT_MAX = 500;

// ------------------------------------------------------------------ reading

/** Whether this transaction created the ticket; and the row as this transaction holds it, if it inserted, locked or wrote it (no query). */
export { insertedInTransaction, cached as heldTicket } from "./cache";

export async function getTicket(ctx: Ctx, idOrNumber: string | number): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.read");
  const byNumber = typeof idOrNumber === "number" || /^\d{1,9}$/.test(idOrNumber);
  const kept = byNumber ? undefined : await cached(ctx, String(idOrNumber));
  const [row] = kept ? [kept] : await ctx.db
    .select()
    .from(tickets)
    .where(
      and(eq(tickets.workspaceId, ctx.workspaceId), byNumber ? eq(tickets.number, Number(idOrNumber)) : eq(tickets.id, String(idOrNumber))),
    );
  if (!row) throw notFound("ticket", String(idOrNumber));
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("ticket", String(idOrNumber)));
  return row;
}

/** Locks the row for the rest of the transaction: concurrent changes queue up instead of overwriting. */
export async function loadTicketForUpdate(ctx: Ctx, id: string): Promise<TicketRow> {
  // A row this transaction inserted, locked or updated is locked already; a claimed one is not (see `claim`).
  let row = await cached(ctx, id);
  if (row && claimedVersion(ctx, id) !== undefined) {
    // Locking sends what is staged first: a staged write of the row checks its version and settles the claim.
    const [locked] = await ticketByIdForUpdate.run(ctx, { workspaceId: ctx.workspaceId, id });
    const expected = claimedVersion(ctx, id);
    if (!locked || (expected !== undefined && locked.version !== expected)) throw changedMeanwhile(row);
    settleClaim(ctx, id);
    row = remember(ctx, locked);
  }
  if (!row) {
    [row] = await ticketByIdForUpdate.run(ctx, { workspaceId: ctx.workspaceId, id });
    if (row) row = remember(ctx, row);
  }
  if (!row) throw notFound("ticket", id);
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("ticket", id));
  return row;
}

/**
 * Keeps a ticket read without a lock for this transaction's one staged write
 * of it (see `claim` in cache.ts): it is checked, not locked. Falls back to
 * the lock where nothing can be staged (a context without a batch).
 */
export async function claimTicket(ctx: Ctx, row: TicketRow): Promise<TicketRow> {
  if (row.workspaceId !== ctx.workspaceId) throw notFound("ticket", row.id);
  assertDeskAccess(ctx.actor, row.deskId, () => notFound("ticket", row.id));
  return claim(ctx, row) ?? loadTicketForUpdate(ctx, row.id);
}

const changedMeanwhile = (row: TicketRow) =>
  new DomainError("conflict.concurrent", `Ticket #${row.number} changed while this request ran; nothing was written, try again`);

export const ticketSorts = ["priority", "due", "updated", "-updated", "created", "-created", "number", "-number"] as const;
export type TicketSort = (typeof ticketSorts)[number];

function sortKeys(sort: TicketSort): SortKey[] {
  const id = { column: tickets.id, direction: "asc" as const };
  switch (sort) {
    case "priority": // most urgent first, then soonest due: matches the tickets_queue index
      return [
        { column: tickets.priority, direction: "desc", nulls: "last" },
        { column: tickets.dueAt, direction: "asc", nulls: "last", nullable: true },
        id,
      ];
    case "due":
      return [{ column: tickets.dueAt, direction: "asc", nulls: "last", nullable: true }, id];
    case "updated":
      return [{ column: tickets.updatedAt, direction: "asc" }, id];
    case "-updated":
      return [
        { column: tickets.updatedAt, direction: "desc" },
        { ...id, direction: "desc" },
      ];
    case "created":
      return [{ column: tickets.createdAt, direction: "asc" }, id];
    case "-created":
      return [
        { column: tickets.createdAt, direction: "desc" },
        { ...id, direction: "desc" },
      ];
    case "number":
      return [{ column: tickets.number, direction: "asc" }];
    case "-number":
      return [{ column: tickets.number, direction: "desc" }];
  }
}

function cursorValues(sort: TicketSort, t: TicketRow): unknown[] {
  switch (sort) {
    case "priority":
      return [t.priority, t.dueAt, t.id];
    case "due":
      return [t.dueAt, t.id];
    case "updated":
    case "-updated":
      return [t.updatedAt, t.id];
    case "created":
    case "-created":
      return [t.createdAt, t.id];
    case "number":
    case "-number":
      return [t.number];
  }
}

export interface TicketQuery {
  conditions?: ConditionGroup;
  /** Free text: a ticket number, or words in the subject. */
  q?: string;
  includeMerged?: boolean;
  sort?: TicketSort;
  cursor?: string;
  limit?: number;
}

export async function listTickets(ctx: Ctx, input: TicketQuery = {}): Promise<Page<TicketRow>> {
  authorize(ctx.actor, "ticket.read");
  const sort = input.sort ?? "-updated";
  const keys = sortKeys(sort);
  const limit = pageSize(input.limit);
  if (input.conditions) validateConditions(input.conditions);
  const rows = await ctx.db
    .select()
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ctx.workspaceId),
        deskFilter(ctx.actor, tickets.deskId),
        input.includeMerged ? undefined : isNull(tickets.mergedIntoId),
        input.conditions ? compileConditions(input.conditions, envOf(ctx)) : undefined,
        input.q ? textMatch(input.q) : undefined,
        input.cursor ? afterCursor(keys, decodeCursor(input.cursor, keys.length)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(keys))
    .limit(limit + 1);
  return toPage(rows, limit, (t) => cursorValues(sort, t));
}

export async function countTickets(ctx: Ctx, conditions: ConditionGroup): Promise<number> {
  authorize(ctx.actor, "ticket.read");
  validateConditions(conditions);
  const [row] = await ctx.db
    .select({ n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ctx.workspaceId),
        deskFilter(ctx.actor, tickets.deskId),
        isNull(tickets.mergedIntoId),
        compileConditions(conditions, envOf(ctx)),
      ),
    );
  return row?.n ?? 0;
}

function textMatch(q: string): SQL {
  const text = q.trim().replace(/^#/, "");
  if (/^\d{1,9}$/.test(text)) return eq(tickets.number, Number(text));
  return sql`${tickets.subject} ilike ${`%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`;
}

export const envOf = (ctx: Ctx) => ({ now: ctx.clock.now(), agentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : undefined });

// ------------------------------------------------------------------ creating

export async function createTicket(ctx: Ctx, input: NewTicket): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.create");
  return inTransaction(ctx, async (tx) => {
    const desk = await getDesk(tx, input.deskId);
    if (desk.archivedAt) throw invalid([{ path: "deskId", message: "this desk is archived" }]);
    const requester =
      "contactId" in input.requester
        ? await getContactRow(tx, input.requester.contactId).catch(() => {
            throw invalid([{ path: "requester.contactId", message: "no such contact" }]);
          })
        : (await findOrCreateContact(tx, input.requester)).contact;
    const requesterId = requester.mergedIntoId ?? requester.id;

    const refs = await checkReferences(tx, desk.id, input);
    const tags = normaliseTags(input.tags ?? []);
    const customFields = await checkCustomFields(tx, desk.id, input.customFields ?? {}, {});
    const status = input.status ?? (input.assigneeId ? "open" : "new");
    if (status === "closed") throw invalid([{ path: "status", message: "a ticket cannot be created closed" }]);
    const now = tx.clock.now();
    const { text: subject, count: subjectRedactions } = redactCardNumbers(input.subject.trim());
    if (!subject || subject.length > SUBJECT_MAX) throw invalid([{ path: "subject", message: `1–${SUBJECT_MAX} characters` }]);

    const row: TicketRow = {
      id: newId(),
      workspaceId: tx.workspaceId,
      number: await takeTicketNumber(tx.db, tx.workspaceId),
      deskId: desk.id,
      subject,
      status,
      priority: input.priority ?? "normal",
      priorityScore: 0,
      priorityReasons: [],
      categoryId: input.categoryId ?? null,
      tags,
      customFields,
      channel: input.channel,
      language: input.language ?? requester.locale ?? null,
      sentiment: input.sentiment ?? null,
      requesterId,
      organisationId: requester.organisationId,
      assigneeId: input.assigneeId ?? null,
      teamId: input.teamId ?? null,
      tier: input.tier ?? 1,
      parentId: refs.parentId,
      mergedIntoId: null,
      eventId: null,
      eventStartsAt: instant(input.eventStartsAt, "eventStartsAt"),
      dueAt: null,
      firstResponseAt: null,
      lastMessageAt: input.message ? now : null,
      solvedAt: status === "solved" ? now : null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    // Staged: the ticket, its first message, the activities and their jobs go to the database as one statement.
    stageInsert(tx, row, (current) => compileInsert(tickets, [current]));

    const activities: ActivityInput[] = [
      {
        type: "ticket.created",
        subjectType: "ticket",
        subjectId: row.id,
        ticketId: row.id,
        data: {
          deskId: row.deskId,
          channel: row.channel,
          status: row.status,
          priority: row.priority,
          requesterId,
          tags: row.tags,
          ...(subjectRedactions ? { cardNumbersRedacted: subjectRedactions } : {}),
        },
      },
    ];
    if (input.message) {
      const { activity } = await insertMessage(tx, row, { ...input.message, channel: input.message.channel ?? input.channel }, requesterId);
      // `opening`: the message that opened the ticket — reactors treat it as part of the creation, not a new message.
      activities.push({ ...activity, data: { ...activity.data, opening: true } });
    }
    await recordActivities(tx, activities);
    // As the inline reactors (priority, SLA, routing) left it.
    return (await cached(tx, row.id)) ?? getTicket(tx, row.id);
  });
}

function instant(value: Date | string | null | undefined, path: string): Date | null {
  if (value === null || value === undefined) return null;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw invalid([{ path, message: "an ISO date-time" }]);
  return at;
}

interface References {
  parentId: string | null;
}

async function checkReferences(
  ctx: Ctx,
  deskId: string,
  input: Pick<TicketPatch, "categoryId" | "assigneeId" | "teamId" | "parentId" | "tier">,
  self?: TicketRow,
): Promise<References> {
  const problems: FieldProblem[] = [];
  if (input.categoryId) {
    const category = await getCategory(ctx, input.categoryId).catch(() => undefined);
    if (!category || category.deskId !== deskId) problems.push({ path: "categoryId", message: "no such category on this desk" });
  }
  if (input.assigneeId) {
    const agent = await loadAgentWithAccess(ctx.db, ctx.workspaceId, input.assigneeId);
    if (!agent || agent.status !== "active") problems.push({ path: "assigneeId", message: "no such active agent" });
    else if (agent.role === "light_agent") problems.push({ path: "assigneeId", message: "light agents cannot be assigned tickets" });
    else if (agent.role !== "admin" && !agent.allDesks && !agent.deskIds.includes(deskId)) {
      problems.push({ path: "assigneeId", message: "this agent does not work this desk" });
    }
  }
  if (input.teamId) {
    const team = await getTeam(ctx, input.teamId).catch(() => undefined);
    if (!team) problems.push({ path: "teamId", message: "no such team" });
  }
  if (input.tier !== undefined && ![1, 2, 3].includes(input.tier)) problems.push({ path: "tier", message: "must be 1, 2 or 3" });
  let parentId: string | null = input.parentId ?? null;
  if (input.parentId) {
    const parent = await getTicket(ctx, input.parentId).catch(() => undefined);
    if (!parent) problems.push({ path: "parentId", message: "no such ticket" });
    else if (self && (parent.id === self.id || parent.parentId === self.id))
      problems.push({ path: "parentId", message: "a ticket cannot be its own parent" });
    else parentId = parent.id;
  }
  if (problems.length) throw new DomainError("ticket.invalid_reference", "The ticket refers to something that is not there", {}, problems);
  return { parentId };
}

async function checkCustomFields(
  ctx: Ctx,
  deskId: string,
  values: Record<string, unknown>,
  existing: Record<string, unknown>,
  options: { requireRequired?: boolean } = {},
): Promise<Record<string, unknown>> {
  if (Object.keys(values).length === 0 && !options.requireRequired) return existing;
  const definitions = await listCustomFields(ctx, deskId);
  const result = checkCustomFieldValues(definitions, values, { existing, requireRequired: options.requireRequired });
  if (result.problems.length) {
    throw new DomainError("ticket.custom_field_invalid", "Some custom fields are not valid", {}, result.problems);
  }
  return result.values;
}

// ------------------------------------------------------------------ updating

export async function updateTicket(ctx: Ctx, id: string, patch: TicketPatch, options: UpdateOptions = {}): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.update");
  return inTransaction(ctx, async (tx) => {
    const before = await loadTicketForUpdate(tx, id);
    const result = await applyPatch(tx, before, patch, options);
    return result.ticket;
  });
}

/**
 * Applies a patch to a locked ticket: validates, writes, and records one
 * `ticket.updated` activity with every change. Used by updates, replies with
 * a status, bulk edits, merges and (later) rules and macros.
 */
export async function applyPatch(
  ctx: Ctx,
  before: TicketRow,
  patch: TicketPatch,
  options: UpdateOptions = {},
): Promise<{ ticket: TicketRow; changes: Record<string, [unknown, unknown]> }> {
  if (options.expectedVersion !== undefined && options.expectedVersion !== before.version) {
    throw new DomainError("conflict.version", `Ticket #${before.number} changed since you loaded it`, {
      expectedVersion: options.expectedVersion,
      currentVersion: before.version,
    });
  }
  if (before.mergedIntoId) {
    throw new DomainError("ticket.merged", `Ticket #${before.number} was merged into another ticket`, {
      mergedIntoId: before.mergedIntoId,
    });
  }
  if (before.status === "closed")
    throw new DomainError("ticket.invalid_transition", `Ticket #${before.number} is closed and cannot change`);

  const next: Partial<TicketRow> = {};
  const deskId = patch.deskId ?? before.deskId;
  if (patch.deskId && patch.deskId !== before.deskId) {
    if (!canAccessDesk(ctx.actor, patch.deskId)) throw invalid([{ path: "deskId", message: "no such desk" }]);
    await getDesk(ctx, patch.deskId).catch(() => {
      throw invalid([{ path: "deskId", message: "no such desk" }]);
    });
    next.deskId = patch.deskId;
    // Categories and custom fields belong to a desk: what the new desk lacks is dropped.
    if (patch.categoryId === undefined) next.categoryId = null;
    const definitions = await listCustomFields(ctx, patch.deskId);
    const keep = new Set(definitions.map((d) => d.key));
    next.customFields = Object.fromEntries(Object.entries(before.customFields).filter(([k]) => keep.has(k)));
  }
  if (patch.subject !== undefined) {
    const subject = redactCardNumbers(patch.subject.trim()).text;
    if (!subject || subject.length > SUBJECT_MAX) throw invalid([{ path: "subject", message: `1–${SUBJECT_MAX} characters` }]);
    next.subject = subject;
  }
  const refs = await checkReferences(ctx, deskId, patch, before);
  for (const key of ["priority", "categoryId", "assigneeId", "teamId", "tier", "language"] as const) {
    if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
  }
  if (patch.parentId !== undefined) next.parentId = refs.parentId;
  if (patch.eventStartsAt !== undefined) next.eventStartsAt = instant(patch.eventStartsAt, "eventStartsAt");
  if (patch.requesterId !== undefined) {
    const requester = await getContact(ctx, patch.requesterId).catch(() => {
      throw invalid([{ path: "requesterId", message: "no such contact" }]);
    });
    next.requesterId = requester.id;
    next.organisationId = requester.organisationId;
  }
  if (patch.tags || patch.addTags || patch.removeTags) {
    const base = patch.tags ? normaliseTags(patch.tags) : before.tags;
    const add = normaliseTags(patch.addTags ?? [], "addTags");
    const remove = new Set(normaliseTags(patch.removeTags ?? [], "removeTags"));
    next.tags = [...new Set([...base, ...add])].filter((t) => !remove.has(t)).sort();
  }
  if (patch.customFields) {
    next.customFields = await checkCustomFields(ctx, deskId, patch.customFields, next.customFields ?? before.customFields);
  }

  // Status: explicit, or implied by assignment of a new ticket.
  const now = ctx.clock.now();
  let status = patch.status ?? before.status;
  if (!patch.status && before.status === "new" && patch.assigneeId) status = "open";
  if (status !== before.status) {
    assertTransition(before.status, status);
    next.status = status;
    if (status === "solved") {
      next.solvedAt = now;
      await checkCustomFields(ctx, deskId, {}, next.customFields ?? before.customFields, { requireRequired: true });
      const assignee = next.assigneeId !== undefined ? next.assigneeId : before.assigneeId;
      if (!assignee && ctx.actor.kind === "agent" && ctx.actor.role !== "light_agent") next.assigneeId = ctx.actor.agentId;
    }
    if (status === "closed") next.closedAt = now;
    if (before.status === "solved" && status !== "closed") next.solvedAt = null;
  }

  const changes = diff(before as unknown as Record<string, unknown>, next);
  for (const k of ["solvedAt", "closedAt", "organisationId"]) delete changes[k];
  if (Object.keys(changes).length === 0) return { ticket: before, changes };

  const [updated] = await ctx.db
    .update(tickets)
    .set({ ...next, updatedAt: now, version: sql`${tickets.version} + 1` })
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, before.id)))
    .returning();
  const ticket = remember(ctx, updated!);
  await recordActivities(ctx, [
    {
      type: "ticket.updated",
      subjectType: "ticket",
      subjectId: before.id,
      ticketId: before.id,
      changes,
      data: options.cause ?? {},
    },
  ]);
  return { ticket, changes };
}

// ------------------------------------------------------------------ bulk

export interface BulkResult {
  id: string;
  ok: boolean;
  ticket?: TicketRow;
  error?: { code: string; detail: string; errors?: FieldProblem[] };
}

export const BULK_MAX = 100;

/** One patch over many tickets; each ticket changes atomically on its own, and each gets a result. */
export async function bulkUpdateTickets(ctx: Ctx, ids: string[], patch: TicketPatch): Promise<BulkResult[]> {
  authorize(ctx.actor, "ticket.update");
  const unique = [...new Set(ids)];
  if (unique.length === 0 || unique.length > BULK_MAX) throw invalid([{ path: "ids", message: `1–${BULK_MAX} ticket ids` }]);
  const results: BulkResult[] = [];
  for (const id of unique) {
    try {
      results.push({ id, ok: true, ticket: await updateTicket(ctx, id, patch) });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ id, ok: false, error: { code: err.code, detail: err.message, ...(err.errors.length ? { errors: err.errors } : {}) } });
    }
  }
  return results;
}

/** Tickets by id, limited to those the actor may see. */
export async function getTicketsByIds(ctx: Ctx, ids: string[]): Promise<TicketRow[]> {
  if (ids.length === 0) return [];
  return ctx.db
    .select()
    .from(tickets)
    .where(and(eq(tickets.workspaceId, ctx.workspaceId), inArray(tickets.id, ids), deskFilter(ctx.actor, tickets.deskId)));
}

// ------------------------------------------------------------------ derived fields

/**
 * Fields other modules derive from a ticket and keep on it for the queue:
 * the nearest SLA deadline (sla module) and the priority score with its
 * reasons (priority module). Derived, not edited: no activity of their own
 * (the deriving module records what it decided) and no version bump, so an
 * agent's open form does not go stale because a clock moved.
 *
 * On a ticket this transaction holds (see cache.ts) the write is staged in
 * the write batch, merged with any derived write staged before it.
 */
export async function setDerivedFields(
  ctx: Ctx,
  id: string,
  fields: Partial<Pick<TicketRow, "dueAt" | "priorityScore" | "priorityReasons" | "lastMessageAt" | "firstResponseAt" | "updatedAt" | "version">>,
): Promise<void> {
  if (Object.keys(fields).length === 0) return;
  const staged = stageDerived(ctx, id, fields);
  if (staged === "insert") return;
  if (!staged) {
    await ctx.db
      .update(tickets)
      .set(fields)
      .where(and(eq(tickets.workspaceId, ctx.workspaceId), eq(tickets.id, id)));
    return;
  }
  // Built when sent: a claimed row's write checks the version it was read at, and from then on the row is held.
  ctx.batch!.put(derivedName(id), () => {
    const expected = claimedVersion(ctx, id);
    settleClaim(ctx, id);
    return ctx.db
      .update(tickets)
      .set(staged)
      .where(
        and(
          eq(tickets.workspaceId, ctx.workspaceId),
          eq(tickets.id, id),
          expected === undefined ? undefined : sql`usher_expect_version(${tickets.version}, ${expected}::int, 'ticket')`,
        ),
      );
  });
}

/** Due times of many tickets in one statement (an SLA recomputation after a calendar change). */
export async function setDueTimes(ctx: Ctx, ids: string[], dueAts: (Date | null)[]): Promise<void> {
  if (ids.length === 0) return;
  await beforeRawWrite(ctx, ids);
  await ctx.db.execute(sql`
    update ${tickets} set due_at = v.due_at
    from unnest(${`{${ids.join(",")}}`}::uuid[], ${`{${dueAts.map((d) => (d ? `"${d.toISOString()}"` : "NULL")).join(",")}}`}::timestamptz[]) as v(id, due_at)
    where ${tickets.workspaceId} = ${ctx.workspaceId} and ${tickets.id} = v.id and ${tickets.dueAt} is distinct from v.due_at`);
}

/** The current row, read without the actor's desk check (reactors act for Usher). */
export async function readTicket(ctx: Ctx, id: string): Promise<TicketRow | undefined> {
  const kept = await cached(ctx, id);
  if (kept) return kept;
  const [row] = await ticketById.run(ctx, { workspaceId: ctx.workspaceId, id });
  return row;
}

const byId = () => queryBuilder.select().from(tickets).where(and(eq(tickets.workspaceId, sql.placeholder("workspaceId")), eq(tickets.id, sql.placeholder("id"))));
const ticketById = compileRead<TicketRow>(byId(), tickets);
const ticketByIdForUpdate = compileRead<TicketRow>(byId().for("update"), tickets);

/** Unsolved tickets per assignee and channel (routing's load). */
export async function openLoad(ctx: Ctx, agentIds: string[]): Promise<{ assigneeId: string; channel: Channel; n: number }[]> {
  if (agentIds.length === 0) return [];
  return ctx.db
    .select({ assigneeId: sql<string>`${tickets.assigneeId}`, channel: tickets.channel, n: sql<number>`count(*)::int` })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ctx.workspaceId),
        inArray(tickets.assigneeId, agentIds),
        inArray(tickets.status, ["new", "open", "pending", "on_hold"]),
      ),
    )
    .groupBy(tickets.assigneeId, tickets.channel);
}

/** How many messages of each kind a ticket has (priority signals: has the customer written again?). */
export async function messageCounts(ctx: Ctx, ticketId: string): Promise<{ inbound: number; outbound: number; note: number }> {
  const counted = countedMessages(ctx, ticketId);
  if (counted) return counted;
  const read = () => countsByKind.run(ctx, { workspaceId: ctx.workspaceId, ticketId });
  // Messages staged and not sent yet are added to a count read past them, rather than sent first to be counted.
  const unsent = unsentMessages(ctx, ticketId);
  const rows = unsent ? await ctx.batch!.readPast(read) : await read();
  const counts = unsent ?? { inbound: 0, outbound: 0, note: 0 };
  for (const r of rows) counts[r.kind] += r.n;
  return counts;
}

const countsByKind = compileRead<{ kind: "inbound" | "outbound" | "note"; n: number }>(
  queryBuilder
    .select({ kind: messages.kind, n: sql<number>`count(*)::int`.as("n") })
    .from(messages)
    .where(and(eq(messages.workspaceId, sql.placeholder("workspaceId")), eq(messages.ticketId, sql.placeholder("ticketId"))))
    .groupBy(messages.kind),
);

/** What the priority signals need of a requester's other unsolved tickets. */
export type OtherOpenTicket = Pick<TicketRow, "id" | "tier" | "categoryId" | "subject">;

/**
 * A requester's other unsolved tickets, newest first (priority signals). Only
 * the columns the signals read: on the intake path, selecting and mapping
 * whole rows for a fan who writes often was about 8 % of the process's CPU.
 */
export async function otherOpenTickets(ctx: Ctx, ticket: Pick<TicketRow, "id" | "requesterId" | "organisationId">): Promise<OtherOpenTicket[]> {
  // A fan first seen in this transaction has no tickets but those it created (a new fan's first ticket: no query).
  if (!ticket.organisationId && contactCreatedInTransaction(ctx, ticket.requesterId)) {
    const others = insertedIds(ctx).filter((id) => id !== ticket.id);
    if (others.length === 0) return [];
  }
  const values = { workspaceId: ctx.workspaceId, requesterId: ticket.requesterId, organisationId: ticket.organisationId, ticketId: ticket.id };
  const read = () => (ticket.organisationId ? othersOfOrganisation : othersOfRequester).run(ctx, values);
  // The ticket's own staged INSERT cannot change the answer (it is left out): it waits, to go out with
  // what its reactors decide. Any other staged write of tickets goes first.
  if (ctx.batch && !otherTicketWritesStaged(ctx, ticket.id)) return ctx.batch.readPast(read);
  return read();
}

const otherOpenColumns = { id: tickets.id, tier: tickets.tier, categoryId: tickets.categoryId, subject: tickets.subject };
const otherOpen = (whose: SQL) =>
  compileRead<OtherOpenTicket>(
    queryBuilder
      .select(otherOpenColumns)
      .from(tickets)
      .where(
        and(
          eq(tickets.workspaceId, sql.placeholder("workspaceId")),
          whose,
          inArray(tickets.status, ["new", "open", "pending", "on_hold"]),
          isNull(tickets.mergedIntoId),
          sql`${tickets.id} <> ${sql.placeholder("ticketId")}`,
        ),
      )
      .orderBy(desc(tickets.createdAt))
      .limit(50),
    otherOpenColumns,
  );
const othersOfRequester = otherOpen(eq(tickets.requesterId, sql.placeholder("requesterId")));
const othersOfOrganisation = otherOpen(or(eq(tickets.requesterId, sql.placeholder("requesterId")), eq(tickets.organisationId, sql.placeholder("organisationId")))!);

/** Ids of a workspace's unsolved tickets after a cursor, in id order (batch jobs). */
export async function unsolvedTicketIds(ctx: Ctx, after: string | null, limit: number): Promise<string[]> {
  const rows = await ctx.db
    .select({ id: tickets.id })
    .from(tickets)
    .where(
      and(
        eq(tickets.workspaceId, ctx.workspaceId),
        inArray(tickets.status, ["new", "open", "pending", "on_hold"]),
        isNull(tickets.mergedIntoId),
        after ? sql`${tickets.id} > ${after}` : undefined,
      ),
    )
    .orderBy(tickets.id)
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Internal notes of some tickets written in [from, to), newest first (the shift hand-over report). */
export async function notesBetween(ctx: Ctx, ticketIds: string[], from: Date, to: Date) {
  if (ticketIds.length === 0) return [];
  return ctx.db
    .select({ id: messages.id, ticketId: messages.ticketId, text: messages.text, authorAgentId: messages.authorAgentId, createdAt: messages.createdAt })
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, ctx.workspaceId),
        inArray(messages.ticketId, ticketIds),
        eq(messages.kind, "note"),
        sql`${messages.createdAt} >= ${from} and ${messages.createdAt} < ${to}`,
      ),
    )
    .orderBy(desc(messages.createdAt));
}
