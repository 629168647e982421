import { and, asc, eq } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Reactor } from "../activity/reactors";
import { recordActivities } from "../activity/service";
import { getContactRow } from "../contacts/service";
import { authorize } from "../identity/policy";
import { slaConfig } from "../sla/service";
import { bumpConfigVersion, cachedConfig } from "../sla/settings";
import { type ConditionGroup, validateConditions } from "../tickets/conditions";
import type { TicketRow } from "../tickets/schema";
import { applyPatch, loadTicketForUpdate, messageCounts, otherOpenTickets, readTicket, setDerivedFields, unsolvedTicketIds } from "../tickets/service";
import {
  type PriorityBands,
  type PriorityFactorAction,
  type PriorityFactorRow,
  type PrioritySignal,
  priorityFactors,
  priorityPins,
  prioritySettings,
} from "./schema";
import { DEFAULT_BANDS, type Facts, type Score, scoreTicket } from "./score";

export interface PriorityConfig {
  factors: PriorityFactorRow[];
  bands: PriorityBands;
  endOfDayLeadMinutes: number;
}

export async function priorityConfig(ctx: Ctx): Promise<PriorityConfig> {
  return cachedConfig(ctx, "priority", async () => {
    const factors = await ctx.db
      .select()
      .from(priorityFactors)
      .where(eq(priorityFactors.workspaceId, ctx.workspaceId))
      .orderBy(asc(priorityFactors.position), asc(priorityFactors.createdAt));
    const [settings] = await ctx.db.select().from(prioritySettings).where(eq(prioritySettings.workspaceId, ctx.workspaceId));
    return { factors, bands: settings?.bands ?? DEFAULT_BANDS, endOfDayLeadMinutes: settings?.endOfDayLeadMinutes ?? 30 };
  });
}

// ------------------------------------------------------------------ factors and bands

export interface FactorInput {
  key?: string;
  label?: string;
  points?: number;
  conditions?: ConditionGroup;
  signal?: PrioritySignal | null;
  action?: PriorityFactorAction | null;
  position?: number;
  active?: boolean;
}

export async function listFactors(ctx: Ctx): Promise<PriorityFactorRow[]> {
  authorize(ctx.actor, "ticket.read");
  return (await priorityConfig(ctx)).factors;
}

export async function createFactor(ctx: Ctx, input: FactorInput & { key: string; label: string; points: number }): Promise<PriorityFactorRow> {
  authorize(ctx.actor, "automation.manage");
  if (input.conditions) validateConditions(input.conditions);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const { factors } = await priorityConfig(tx);
    const [row] = await tx.db
      .insert(priorityFactors)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        key: input.key,
        label: input.label.trim(),
        points: input.points,
        conditions: input.conditions ?? {},
        signal: input.signal ?? null,
        action: input.action ?? null,
        position: input.position ?? Math.max(0, ...factors.map((f) => f.position)) + 10,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "priority.factor_created", subjectType: "priority_factor", subjectId: row!.id, data: { key: row!.key, points: row!.points } }]);
    return row!;
  });
}

export async function updateFactor(ctx: Ctx, id: string, input: FactorInput): Promise<PriorityFactorRow> {
  authorize(ctx.actor, "automation.manage");
  if (input.conditions) validateConditions(input.conditions);
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(priorityFactors)
      .set({ ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), updatedAt: tx.clock.now() })
      .where(and(eq(priorityFactors.workspaceId, tx.workspaceId), eq(priorityFactors.id, id)))
      .returning();
    if (!row) throw notFound("priority factor", id);
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "priority.factor_updated", subjectType: "priority_factor", subjectId: id, data: { key: row.key, points: row.points } }]);
    return row;
  });
}

export async function deleteFactor(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "automation.manage");
  await inTransaction(ctx, async (tx) => {
    const deleted = await tx.db
      .delete(priorityFactors)
      .where(and(eq(priorityFactors.workspaceId, tx.workspaceId), eq(priorityFactors.id, id)))
      .returning();
    if (!deleted.length) throw notFound("priority factor", id);
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "priority.factor_deleted", subjectType: "priority_factor", subjectId: id }]);
  });
}

export async function getPrioritySettings(ctx: Ctx): Promise<{ bands: PriorityBands; endOfDayLeadMinutes: number }> {
  authorize(ctx.actor, "ticket.read");
  const { bands, endOfDayLeadMinutes } = await priorityConfig(ctx);
  return { bands, endOfDayLeadMinutes };
}

export async function updatePrioritySettings(ctx: Ctx, input: { bands?: PriorityBands; endOfDayLeadMinutes?: number }) {
  authorize(ctx.actor, "automation.manage");
  if (input.bands && !(input.bands.urgent > input.bands.high && input.bands.high > input.bands.normal)) {
    throw invalid([{ path: "bands", message: "urgent > high > normal" }]);
  }
  return inTransaction(ctx, async (tx) => {
    const current = await priorityConfig(tx);
    const row = {
      workspaceId: tx.workspaceId,
      bands: input.bands ?? current.bands,
      endOfDayLeadMinutes: input.endOfDayLeadMinutes ?? current.endOfDayLeadMinutes,
      updatedAt: tx.clock.now(),
    };
    await tx.db.insert(prioritySettings).values(row).onConflictDoUpdate({ target: prioritySettings.workspaceId, set: row });
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "priority.settings_updated", subjectType: "workspace", subjectId: tx.workspaceId, data: { bands: row.bands } }]);
    return { bands: row.bands, endOfDayLeadMinutes: row.endOfDayLeadMinutes };
  });
}

// ------------------------------------------------------------------ scoring tickets

async function factsOf(ctx: Ctx, ticket: TicketRow, config: PriorityConfig): Promise<Facts> {
  const used = new Set(config.factors.filter((f) => f.active && f.signal).map((f) => f.signal));
  const wantsTier = config.factors.some((f) => f.active && JSON.stringify(f.conditions).includes("requester.tier"));
  const needsOthers = used.has("asks_status_of_tier2") || used.has("new_topic_existing_case") || used.has("about_tier2_item");
  const needsContact = used.has("east_coast_afternoon") || wantsTier;
  const system: Ctx = { ...ctx, actor: systemActor("priority") };
  // One after another: inside a transaction they share one connection.
  const counts = used.has("follow_up") ? await messageCounts(ctx, ticket.id) : undefined;
  const others = needsOthers ? await otherOpenTickets(ctx, ticket) : [];
  const contact = needsContact ? await getContactRow(system, ticket.requesterId).catch(() => undefined) : undefined;
  const parent = ticket.parentId && used.has("about_tier2_item") ? await readTicket(ctx, ticket.parentId) : undefined;
  return {
    calendar: used.has("after_hours") ? (await slaConfig(ctx)).defaultCalendar : null,
    inboundMessages: counts?.inbound ?? 0,
    otherOpen: others,
    parentTier: parent?.tier ?? null,
    requesterTimeZone: contact?.timezone ?? null,
    requesterTier: contact?.tier,
    now: ctx.clock.now(),
  };
}

async function isPinned(ctx: Ctx, ticketId: string): Promise<boolean> {
  const [row] = await ctx.db
    .select({ id: priorityPins.ticketId })
    .from(priorityPins)
    .where(and(eq(priorityPins.workspaceId, ctx.workspaceId), eq(priorityPins.ticketId, ticketId)));
  return !!row;
}

async function pin(ctx: Ctx, ticketId: string) {
  await ctx.db.insert(priorityPins).values({ workspaceId: ctx.workspaceId, ticketId, pinnedAt: ctx.clock.now() }).onConflictDoNothing();
}

/** Scores a ticket and applies the result: score and reasons on the ticket, its band (unless pinned), a sub-ticket link. */
export async function prioritise(ctx: Ctx, ticketId: string, current?: TicketRow): Promise<Score | null> {
  const ticket = current ?? (await readTicket(ctx, ticketId));
  if (!ticket || ticket.mergedIntoId || ticket.status === "closed") return null;
  const config = await priorityConfig(ctx);
  if (config.factors.length === 0) return null;
  const result = scoreTicket(ticket, config.factors, config.bands, await factsOf(ctx, ticket, config));
  if (result.score !== ticket.priorityScore || JSON.stringify(result.reasons) !== JSON.stringify(ticket.priorityReasons)) {
    await setDerivedFields(ctx, ticket.id, { priorityScore: result.score, priorityReasons: result.reasons });
  }
  const patch: { priority?: TicketRow["priority"]; parentId?: string } = {};
  if (result.band !== ticket.priority && !(await isPinned(ctx, ticket.id))) patch.priority = result.band;
  if (result.attachTo) patch.parentId = result.attachTo;
  if (Object.keys(patch).length) {
    const system: Ctx = { ...ctx, actor: systemActor("priority") };
    const locked = await loadTicketForUpdate(system, ticket.id);
    await applyPatch(system, locked, patch, { cause: { priorityScore: result.score } });
  }
  return result;
}

const WATCHED = ["tags", "categoryId", "channel", "customFields", "parentId", "tier", "subject", "requesterId", "deskId"];

/**
 * Scores tickets inline when created, when the customer writes again, and
 * when a field a factor may look at changes. A priority set by hand (or by a
 * rule) pins the band: the score and reasons still follow the ticket.
 */
export const priorityReactor: Reactor = {
  name: "priority.score",
  mode: "inline",
  on: ["ticket.created", "ticket.updated", "message.received"],
  async handle(ctx, activity) {
    if (!activity.ticketId || activity.data.priorityScore !== undefined) return;
    if (activity.type === "ticket.created" && activity.data.priority && activity.data.priority !== "normal") await pin(ctx, activity.ticketId);
    if (activity.type === "ticket.updated") {
      if (activity.changes.priority) await pin(ctx, activity.ticketId);
      if (!WATCHED.some((f) => f in activity.changes)) return;
    }
    // The message that opened a ticket is part of its creation, scored with it.
    if (activity.type === "message.received" && activity.data.opening) return;
    const ticket = await readTicket(ctx, activity.ticketId);
    if (!ticket) return;
    await prioritise(ctx, activity.ticketId, ticket);
  },
};

/**
 * The end-of-day re-prioritisation (seeds/004: "near the close of day,
 * re-prioritize all support"): every unsolved ticket scored again, in
 * batches, each batch its own transaction.
 */
export async function reprioritiseAll(base: Pick<Ctx, "db" | "clock" | "outbox">, workspaceId: string): Promise<number> {
  const ctx: Ctx = { ...base, workspaceId, actor: systemActor("priority.end-of-day") };
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const ids = await unsolvedTicketIds(ctx, after, 200);
    if (ids.length === 0) return total;
    await inTransaction(ctx, async (tx) => {
      for (const id of ids) await prioritise(tx, id);
    });
    total += ids.length;
    after = ids.at(-1)!;
  }
}
