import { and, eq, inArray, sql } from "drizzle-orm";
import { type Ctx, type RecordedActivity, inTransaction } from "../../platform/context";
import { compileRead, queryBuilder } from "../../platform/compiled";
import { rawSql } from "../../platform/db";
import { type Statement, compileInsert } from "../../platform/insert";
import type { Reactor } from "../activity/reactors";
import type { ActivityRow } from "../activity/schema";
import { type ActivityInput, recordActivities } from "../activity/service";
import { getContactRow } from "../contacts/service";
import type { TicketRow, TicketStatus } from "../tickets/schema";
import { insertedInTransaction, readTicket, setDerivedFields, unsolvedTicketIds } from "../tickets/service";
import { type SlaMetric, type SlaPolicyRow, type SlaTargetRow, slaTargets } from "./schema";
import { type SlaConfig, calendarOf, choosePolicy, slaConfig } from "./service";
import { achieve, newTarget, nextDue, pause, refresh, reopen, restart, resume } from "./timeline";

/**
 * Keeps each ticket's SLA clocks in step with what happens to it, inline, so
 * a ticket has its deadlines the moment it exists:
 *
 * - the first policy (in order) whose conditions hold applies; re-chosen on every change;
 * - first reply / next reply are met by an agent's public reply (automatic replies do not count);
 * - acknowledgement is met by an agent taking the ticket (assignment, a reply or a note);
 * - resolution is met when the ticket is solved, and runs on if it is reopened;
 * - every clock pauses while the ticket is pending or on hold (and once solved).
 */

type ClockEvent =
  | { kind: "reevaluate" }
  | { kind: "replied"; at: Date }
  | { kind: "acknowledged"; at: Date }
  | { kind: "inbound"; at: Date }
  | { kind: "status"; from: TicketStatus; to: TicketStatus; at: Date };

const PAUSED: readonly TicketStatus[] = ["pending", "on_hold", "solved", "closed"];
const isPausedStatus = (s: TicketStatus) => PAUSED.includes(s);

export const slaClocks: Reactor = {
  name: "sla.clocks",
  mode: "inline",
  on: ["ticket.created", "ticket.updated", "message.received", "message.sent", "note.added"],
  async handle(ctx, activity) {
    if (!activity.ticketId) return;
    for (const event of eventsOf(activity)) await updateClocks(ctx, activity.ticketId, event);
  },
};

function eventsOf(activity: ActivityRow | RecordedActivity): ClockEvent[] {
  const at = activity.createdAt;
  const byAgent = activity.data.authorKind === "agent";
  switch (activity.type) {
    case "message.sent":
      return byAgent ? [{ kind: "replied", at }] : [{ kind: "reevaluate" }];
    case "note.added":
      return byAgent ? [{ kind: "acknowledged", at }] : [{ kind: "reevaluate" }];
    case "message.received":
      return activity.data.opening ? [] : [{ kind: "inbound", at }];
    case "ticket.updated": {
      const events: ClockEvent[] = [{ kind: "reevaluate" }];
      const status = activity.changes.status as [TicketStatus, TicketStatus] | undefined;
      if (status) events.push({ kind: "status", from: status[0], to: status[1], at });
      const assignee = activity.changes.assigneeId as [string | null, string | null] | undefined;
      if (assignee?.[1]) events.push({ kind: "acknowledged", at });
      return events;
    }
    default:
      return [{ kind: "reevaluate" }];
  }
}

export async function updateClocks(ctx: Ctx, ticketId: string, event: ClockEvent, options: { fromCreation?: boolean } = {}): Promise<void> {
  const ticket = await readTicket(ctx, ticketId);
  if (!ticket) return;
  if (ticket.mergedIntoId) {
    // Merged away: its clocks stop for good (the ticket it joined carries the conversation on).
    keptClocks(ctx)?.set(ticketId, []);
    await ctx.db.delete(slaTargets).where(and(eq(slaTargets.workspaceId, ctx.workspaceId), eq(slaTargets.ticketId, ticketId)));
    if (ticket.dueAt) await setDerivedFields(ctx, ticket.id, { dueAt: null });
    return;
  }
  const config = await slaConfig(ctx);
  const now = ctx.clock.now();
  const before = await currentClocks(ctx, ticketId);
  const snapshot = new Map(before.map((r) => [r.metric, JSON.stringify(r)]));

  const requesterTier = config.policies.some((p) => JSON.stringify(p.conditions).includes("requester.tier"))
    ? (await getContactRow(ctx, ticket.requesterId).catch(() => undefined))?.tier
    : undefined;
  const policy = choosePolicy(config, ticket, { now, requesterTier });
  const activities: ActivityInput[] = [];
  const rows = reconcile(config, ticket, before, policy, now, options.fromCreation ?? false);

  const cal = (row: SlaTargetRow) => calendarOf(config, row.calendarId);
  const breached: SlaTargetRow[] = [];
  const meet = (row: SlaTargetRow | undefined, at: Date) => {
    if (row && achieve(row, at, cal(row))) breached.push(row);
  };
  const get = (metric: SlaMetric) => rows.get(metric);
  switch (event.kind) {
    case "replied":
      meet(get("first_reply"), event.at);
      meet(get("next_reply"), event.at);
      meet(get("acknowledgement"), event.at);
      break;
    case "acknowledged":
      meet(get("acknowledgement"), event.at);
      break;
    case "inbound": {
      const target = policy?.targets.find((t) => t.metric === "next_reply");
      const firstMet = get("first_reply")?.achievedAt ?? ticket.firstResponseAt;
      if (!policy || !target || !firstMet) break;
      const nextReply = get("next_reply");
      const paused = isPausedStatus(ticket.status);
      // A message while a reply is still owed adds nothing; one after the last reply starts a new round.
      if (!nextReply) {
        const base = { workspaceId: ticket.workspaceId, ticketId: ticket.id, policyId: policy.id, calendarId: policy.calendarId, targetMinutes: target.minutes, warnPercent: policy.warnPercent };
        const row = newTarget(base, "next_reply", event.at, calendarOf(config, policy.calendarId));
        if (paused) pause(row, event.at, cal(row));
        rows.set("next_reply", row);
      } else if (nextReply.achievedAt) restart(nextReply, event.at, cal(nextReply), paused);
      break;
    }
    case "status": {
      if (event.to === "solved" || event.to === "closed") meet(get("resolution"), event.at);
      const done = (s: TicketStatus) => s === "solved" || s === "closed";
      if (done(event.from) && !done(event.to)) {
        const resolution = get("resolution");
        if (resolution) reopen(resolution, event.at, cal(resolution), isPausedStatus(event.to));
      }
      for (const row of rows.values()) {
        if (isPausedStatus(event.to)) pause(row, event.at, cal(row));
        else resume(row, event.at, cal(row));
      }
      break;
    }
    case "reevaluate":
      break;
  }

  // Write what changed.
  const changed = [...rows.values()].filter((r) => snapshot.get(r.metric) !== JSON.stringify(r));
  const removed = [...snapshot.keys()].filter((m) => !rows.has(m));
  keptClocks(ctx)?.set(ticketId, [...rows.values()].map((r) => ({ ...r })));
  if (removed.length) {
    await ctx.db
      .delete(slaTargets)
      .where(and(eq(slaTargets.workspaceId, ctx.workspaceId), eq(slaTargets.ticketId, ticketId), inArray(slaTargets.metric, removed)));
  }
  if (changed.length) await stageTargets(ctx, ticketId, changed);
  const due = nextDue([...rows.values()]);
  if ((due?.getTime() ?? null) !== (ticket.dueAt?.getTime() ?? null)) await setDerivedFields(ctx, ticket.id, { dueAt: due });
  for (const row of breached) activities.push(breachActivity(row, ticket.id));
  if (activities.length) await recordActivities(ctx, activities);
}

export const breachActivity = (row: SlaTargetRow, ticketId: string): ActivityInput => ({
  type: "sla.breached",
  subjectType: "ticket",
  subjectId: ticketId,
  ticketId,
  data: { metric: row.metric, dueAt: row.dueAt?.toISOString() ?? null, policyId: row.policyId, targetMinutes: row.targetMinutes },
});

/**
 * A transaction's clocks of the tickets it has worked on, as it left them:
 * every change to a ticket re-reads its clocks, and a new ticket is changed
 * several times in its own transaction (created, prioritised, routed). A
 * ticket created in this transaction starts with none. Kept beside the
 * transaction's write batch (see tickets/cache.ts for the same idea).
 */
function keptClocks(ctx: Ctx): Map<string, SlaTargetRow[]> | undefined {
  const batch = ctx.batch;
  if (!batch) return undefined;
  let map = batch.state.get("sla.clocks") as Map<string, SlaTargetRow[]> | undefined;
  if (!map) batch.state.set("sla.clocks", (map = new Map()));
  return map;
}

/** After a write of clocks that bypassed `updateClocks` (a recomputation): read them again. */
export function forgetClocks(ctx: Ctx): void {
  ctx.batch?.state.delete("sla.clocks");
}

async function currentClocks(ctx: Ctx, ticketId: string): Promise<SlaTargetRow[]> {
  const kept = keptClocks(ctx)?.get(ticketId);
  if (kept) return kept.map((r) => ({ ...r }));
  if (ctx.batch && insertedInTransaction(ctx, ticketId)) return [];
  const read = () => clocksOfTicket.run(ctx, { workspaceId: ctx.workspaceId, ticketId });
  // Only a staged upsert of these clocks (kept above once staged) could change the answer: other staged writes wait.
  if (ctx.batch && !ctx.batch.holds(stagedName(ticketId))) return ctx.batch.readPast(read);
  return read();
}

const clocksOfTicket = compileRead<SlaTargetRow>(
  queryBuilder
    .select()
    .from(slaTargets)
    .where(and(eq(slaTargets.workspaceId, sql.placeholder("workspaceId")), eq(slaTargets.ticketId, sql.placeholder("ticketId")))),
  slaTargets,
);

const stagedName = (ticketId: string) => `sla.targets:${ticketId}`;

/**
 * The changed clocks go in the transaction's write batch, merged with those
 * of the ticket staged before and not yet flushed: one upsert per ticket and
 * statement (an upsert cannot touch a row twice).
 */
async function stageTargets(ctx: Ctx, ticketId: string, rows: SlaTargetRow[]): Promise<void> {
  if (!ctx.batch) return upsertTargets(ctx, rows);
  const name = stagedName(ticketId);
  const pending = new Map<string, SlaTargetRow>();
  if (ctx.batch.holds(name)) for (const r of (ctx.batch.state.get(name) as SlaTargetRow[] | undefined) ?? []) pending.set(r.metric, r);
  for (const r of rows) pending.set(r.metric, { ...r });
  const merged = [...pending.values()];
  ctx.batch.state.set(name, merged);
  ctx.batch.put(name, upsertTargetsSql(merged));
}

export async function upsertTargets(ctx: Ctx, rows: SlaTargetRow[]): Promise<void> {
  if (rows.length === 0) return;
  const { text, params } = upsertTargetsSql(rows);
  await ctx.db.execute(rawSql(text, params));
}

const UPSERT_SET = [
  "policy_id",
  "calendar_id",
  "target_minutes",
  "warn_percent",
  "started_at",
  "consumed_ms",
  "due_at",
  "warn_at",
  "achieved_at",
  "paused_at",
  "warned_at",
  "breached_at",
  "next_check_at",
  "cycle",
  "updated_at",
];
const UPSERT_CONFLICT = `on conflict ("ticket_id", "metric") do update set ${UPSERT_SET.map((c) => `"${c}" = excluded.${c}`).join(", ")}`;

/** Clocks inserted or replaced, compiled once per shape (a new ticket's clocks are in its write statement). */
function upsertTargetsSql(rows: SlaTargetRow[]): Statement {
  return compileInsert(slaTargets, rows, UPSERT_CONFLICT);
}

/**
 * The clocks the policy asks for, from the ones the ticket has: kept (with
 * the new target and calendar) when the metric stays, started when new,
 * dropped when the policy no longer has it.
 */
function reconcile(
  config: SlaConfig,
  ticket: TicketRow,
  existing: SlaTargetRow[],
  policy: SlaPolicyRow | null,
  now: Date,
  fromCreation: boolean,
): Map<SlaMetric, SlaTargetRow> {
  const rows = new Map<SlaMetric, SlaTargetRow>();
  if (!policy) return rows;
  const cal = calendarOf(config, policy.calendarId);
  const paused = isPausedStatus(ticket.status);
  for (const target of policy.targets) {
    const current = existing.find((r) => r.metric === target.metric);
    if (current) {
      const row = { ...current };
      if (row.policyId !== policy.id || row.targetMinutes !== target.minutes || row.calendarId !== policy.calendarId || row.warnPercent !== policy.warnPercent) {
        Object.assign(row, { policyId: policy.id, targetMinutes: target.minutes, calendarId: policy.calendarId, warnPercent: policy.warnPercent, updatedAt: now });
        refresh(row, cal);
      }
      rows.set(target.metric, row);
      continue;
    }
    const base = { workspaceId: ticket.workspaceId, ticketId: ticket.id, policyId: policy.id, calendarId: policy.calendarId, targetMinutes: target.minutes, warnPercent: policy.warnPercent };
    // A next-reply clock starts with the customer's next message after a reply.
    if (target.metric === "next_reply") continue;
    // New clocks start now: with the ticket (same transaction) or when a change brings it under
    // a policy with this target (an escalation's 1-hour acknowledgement counts from the escalation).
    const firstSetup = existing.length === 0;
    const row = newTarget(base, target.metric, firstSetup && fromCreation ? ticket.createdAt : now, cal);
    if (firstSetup && target.metric === "first_reply" && ticket.firstResponseAt) achieve(row, ticket.firstResponseAt, cal);
    else if (firstSetup && target.metric === "acknowledgement" && ticket.assigneeId) achieve(row, now, cal);
    else if (target.metric === "resolution" && ticket.solvedAt) achieve(row, ticket.solvedAt, cal);
    else if (paused) pause(row, now, cal);
    rows.set(target.metric, row);
  }
  return rows;
}

/**
 * Gives clocks to unsolved tickets that have none, counted from their
 * creation — tickets imported from another help desk (imports do not run
 * reactors), or the demo's history. Returns how many tickets it looked at.
 */
export async function backfillClocks(ctx: Ctx): Promise<number> {
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const ids = await unsolvedTicketIds(ctx, after, 200);
    if (ids.length === 0) return total;
    await inTransaction(ctx, async (tx) => {
      for (const id of ids) await updateClocks(tx, id, { kind: "reevaluate" }, { fromCreation: true });
    });
    total += ids.length;
    after = ids.at(-1)!;
  }
}
