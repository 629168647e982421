import { and, asc, eq, sql } from "drizzle-orm";
import { type Ctx, inTransaction } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { recordActivities } from "../activity/service";
import { authorize } from "../identity/policy";
import { type ConditionGroup, evaluateConditions, validateConditions } from "../tickets/conditions";
import type { TicketRow } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import { ALWAYS_OPEN, BusinessCalendar, type CalendarSpec, checkCalendarSpec } from "./calendar";
import {
  type PolicyTarget,
  type SlaCalendarRow,
  type SlaPolicyRow,
  type SlaTargetRow,
  slaCalendars,
  slaMetrics,
  slaPolicies,
  slaTargets,
} from "./schema";
import { bumpConfigVersion, cachedConfig } from "./settings";
import { stateOf } from "./timeline";

// ------------------------------------------------------------------ compiled configuration

export interface SlaConfig {
  policies: SlaPolicyRow[];
  calendars: Map<string, BusinessCalendar>;
  calendarRows: SlaCalendarRow[];
  /** The workspace's business hours (the calendar marked default, else the first). */
  defaultCalendar: BusinessCalendar | null;
}

const aroundTheClock = new BusinessCalendar(ALWAYS_OPEN);

export async function slaConfig(ctx: Ctx): Promise<SlaConfig> {
  return cachedConfig(ctx, "sla", async () => {
    const calendarRows = await ctx.db
      .select()
      .from(slaCalendars)
      .where(eq(slaCalendars.workspaceId, ctx.workspaceId))
      .orderBy(asc(slaCalendars.createdAt), asc(slaCalendars.id));
    const policies = await ctx.db
      .select()
      .from(slaPolicies)
      .where(and(eq(slaPolicies.workspaceId, ctx.workspaceId), eq(slaPolicies.active, true)))
      .orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt));
    const calendars = new Map(calendarRows.map((c) => [c.id, new BusinessCalendar(specOf(c))]));
    const preferred = calendarRows.find((c) => c.isDefault) ?? calendarRows[0];
    return { policies, calendars, calendarRows, defaultCalendar: preferred ? calendars.get(preferred.id)! : null };
  });
}

export const specOf = (c: Pick<SlaCalendarRow, "timeZone" | "alwaysOpen" | "hours" | "holidays">): CalendarSpec => ({
  timeZone: c.timeZone,
  alwaysOpen: c.alwaysOpen,
  hours: c.hours,
  holidays: c.holidays,
});

/** The calendar a clock counts in: business hours, or around the clock when none. */
export const calendarOf = (config: SlaConfig, calendarId: string | null) =>
  (calendarId && config.calendars.get(calendarId)) || aroundTheClock;

/** The first active policy, in order, whose conditions hold for the ticket. */
export function choosePolicy(config: SlaConfig, ticket: TicketRow, env: { now: Date; requesterTier?: string }): SlaPolicyRow | null {
  const conditionEnv = { now: env.now, requester: { tier: env.requesterTier } };
  return config.policies.find((p) => evaluateConditions(p.conditions, ticket, conditionEnv)) ?? null;
}

// ------------------------------------------------------------------ calendars

export interface CalendarInput extends Partial<CalendarSpec> {
  name?: string;
  isDefault?: boolean;
}

export async function listCalendars(ctx: Ctx): Promise<SlaCalendarRow[]> {
  authorize(ctx.actor, "ticket.read");
  return (await slaConfig(ctx)).calendarRows;
}

export async function getCalendar(ctx: Ctx, id: string): Promise<SlaCalendarRow> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select()
    .from(slaCalendars)
    .where(and(eq(slaCalendars.workspaceId, ctx.workspaceId), eq(slaCalendars.id, id)));
  if (!row) throw notFound("calendar", id);
  return row;
}

function checkSpec(spec: CalendarSpec) {
  const problems = checkCalendarSpec(spec);
  if (problems.length) throw invalid(problems, "The calendar is not valid");
}

export async function createCalendar(ctx: Ctx, input: CalendarInput & { name: string; timeZone: string }): Promise<SlaCalendarRow> {
  authorize(ctx.actor, "automation.manage");
  const spec: CalendarSpec = { timeZone: input.timeZone, alwaysOpen: input.alwaysOpen ?? false, hours: input.hours ?? [], holidays: input.holidays ?? [] };
  checkSpec(spec);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    if (input.isDefault) await clearDefault(tx);
    const [row] = await tx.db
      .insert(slaCalendars)
      .values({ id: newId(), workspaceId: tx.workspaceId, name: input.name.trim(), ...spec, isDefault: input.isDefault ?? false, createdAt: now, updatedAt: now })
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "sla.calendar_created", subjectType: "calendar", subjectId: row!.id, data: { name: row!.name } }]);
    return row!;
  });
}

async function clearDefault(ctx: Ctx) {
  await ctx.db.update(slaCalendars).set({ isDefault: false }).where(eq(slaCalendars.workspaceId, ctx.workspaceId));
}

/**
 * Changing hours, holidays or time zone moves every running deadline counted
 * in this calendar: the `sla.calendar_updated` activity has a reactor
 * recompute them in bulk (recompute.ts).
 */
export async function updateCalendar(ctx: Ctx, id: string, input: CalendarInput): Promise<SlaCalendarRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    const before = await getCalendar(tx, id);
    const spec: CalendarSpec = {
      timeZone: input.timeZone ?? before.timeZone,
      alwaysOpen: input.alwaysOpen ?? before.alwaysOpen,
      hours: input.hours ?? before.hours,
      holidays: input.holidays ?? before.holidays,
    };
    checkSpec(spec);
    if (input.isDefault) await clearDefault(tx);
    const [row] = await tx.db
      .update(slaCalendars)
      .set({ ...spec, ...(input.name ? { name: input.name.trim() } : {}), ...(input.isDefault !== undefined ? { isDefault: input.isDefault } : {}), updatedAt: tx.clock.now() })
      .where(and(eq(slaCalendars.workspaceId, tx.workspaceId), eq(slaCalendars.id, id)))
      .returning();
    await bumpConfigVersion(tx);
    const hoursChanged = JSON.stringify(specOf(before)) !== JSON.stringify(spec);
    await recordActivities(tx, [
      { type: "sla.calendar_updated", subjectType: "calendar", subjectId: id, data: { name: row!.name, hoursChanged } },
    ]);
    return row!;
  });
}

export async function deleteCalendar(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "automation.manage");
  await inTransaction(ctx, async (tx) => {
    await getCalendar(tx, id);
    const [used] = await tx.db
      .select({ id: slaPolicies.id })
      .from(slaPolicies)
      .where(and(eq(slaPolicies.workspaceId, tx.workspaceId), eq(slaPolicies.calendarId, id)))
      .limit(1);
    if (used) throw new DomainError("automation.in_use", "An SLA policy counts business time in this calendar", { policyId: used.id });
    await tx.db.delete(slaCalendars).where(and(eq(slaCalendars.workspaceId, tx.workspaceId), eq(slaCalendars.id, id)));
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "sla.calendar_deleted", subjectType: "calendar", subjectId: id }]);
  });
}

// ------------------------------------------------------------------ policies

export interface PolicyInput {
  name?: string;
  position?: number;
  active?: boolean;
  conditions?: ConditionGroup;
  targets?: PolicyTarget[];
  calendarId?: string | null;
  warnPercent?: number;
}

export async function listPolicies(ctx: Ctx): Promise<SlaPolicyRow[]> {
  authorize(ctx.actor, "ticket.read");
  return ctx.db
    .select()
    .from(slaPolicies)
    .where(eq(slaPolicies.workspaceId, ctx.workspaceId))
    .orderBy(asc(slaPolicies.position), asc(slaPolicies.createdAt));
}

export async function getPolicy(ctx: Ctx, id: string): Promise<SlaPolicyRow> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select()
    .from(slaPolicies)
    .where(and(eq(slaPolicies.workspaceId, ctx.workspaceId), eq(slaPolicies.id, id)));
  if (!row) throw notFound("SLA policy", id);
  return row;
}

async function checkPolicy(ctx: Ctx, input: PolicyInput) {
  if (input.conditions) validateConditions(input.conditions);
  if (input.targets) {
    const metrics = input.targets.map((t) => t.metric);
    if (new Set(metrics).size !== metrics.length) throw invalid([{ path: "targets", message: "one target per metric" }]);
    input.targets.forEach((t, i) => {
      if (!slaMetrics.includes(t.metric)) throw invalid([{ path: `targets.${i}.metric`, message: `one of ${slaMetrics.join(", ")}` }]);
    });
  }
  if (input.calendarId) await getCalendar(ctx, input.calendarId).catch(() => {
    throw invalid([{ path: "calendarId", message: "no such calendar" }]);
  });
}

export async function createPolicy(ctx: Ctx, input: PolicyInput & { name: string; targets: PolicyTarget[] }): Promise<SlaPolicyRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    await checkPolicy(tx, input);
    const now = tx.clock.now();
    const position = input.position ?? (await nextPosition(tx));
    const [row] = await tx.db
      .insert(slaPolicies)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        name: input.name.trim(),
        position,
        active: input.active ?? true,
        conditions: input.conditions ?? {},
        targets: input.targets,
        calendarId: input.calendarId ?? null,
        warnPercent: input.warnPercent ?? 20,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "sla.policy_created", subjectType: "sla_policy", subjectId: row!.id, data: { name: row!.name } }]);
    return row!;
  });
}

async function nextPosition(ctx: Ctx): Promise<number> {
  const [row] = await ctx.db
    .select({ max: sql<number>`coalesce(max(${slaPolicies.position}), 0)::int` })
    .from(slaPolicies)
    .where(eq(slaPolicies.workspaceId, ctx.workspaceId));
  return (row?.max ?? 0) + 10;
}

/** Tickets already running keep their clocks until their next change re-evaluates the policy. */
export async function updatePolicy(ctx: Ctx, id: string, input: PolicyInput): Promise<SlaPolicyRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    await getPolicy(tx, id);
    await checkPolicy(tx, input);
    const [row] = await tx.db
      .update(slaPolicies)
      .set({
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
        ...(input.name ? { name: input.name.trim() } : {}),
        updatedAt: tx.clock.now(),
      })
      .where(and(eq(slaPolicies.workspaceId, tx.workspaceId), eq(slaPolicies.id, id)))
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "sla.policy_updated", subjectType: "sla_policy", subjectId: id, data: { name: row!.name } }]);
    return row!;
  });
}

export async function deletePolicy(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "automation.manage");
  await inTransaction(ctx, async (tx) => {
    await getPolicy(tx, id);
    await tx.db.delete(slaPolicies).where(and(eq(slaPolicies.workspaceId, tx.workspaceId), eq(slaPolicies.id, id)));
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "sla.policy_deleted", subjectType: "sla_policy", subjectId: id }]);
  });
}

// ------------------------------------------------------------------ a ticket's timeline

export interface TicketSla {
  policy: { id: string; name: string } | null;
  targets: Array<{
    metric: SlaTargetRow["metric"];
    dueAt: Date | null;
    achievedAt: Date | null;
    pausedAt: Date | null;
    state: ReturnType<typeof stateOf>;
    businessTime: boolean;
    targetMinutes: number;
    cycle: number;
  }>;
}

const METRIC_ORDER = Object.fromEntries(slaMetrics.map((m, i) => [m, i]));

export async function getTicketSla(ctx: Ctx, ticketId: string): Promise<TicketSla> {
  const ticket = await getTicket(ctx, ticketId);
  const rows = await ticketTargets(ctx, ticket.id);
  const now = ctx.clock.now();
  const policyId = rows.find((r) => r.policyId)?.policyId;
  const policy = policyId ? (await slaConfig(ctx)).policies.find((p) => p.id === policyId) ?? (await getPolicy(ctx, policyId).catch(() => null)) : null;
  return {
    policy: policy ? { id: policy.id, name: policy.name } : null,
    targets: rows
      .sort((a, b) => METRIC_ORDER[a.metric]! - METRIC_ORDER[b.metric]!)
      .map((r) => ({
        metric: r.metric,
        dueAt: r.dueAt,
        achievedAt: r.achievedAt,
        pausedAt: r.pausedAt,
        state: stateOf(r, now),
        businessTime: r.calendarId !== null,
        targetMinutes: r.targetMinutes,
        cycle: r.cycle,
      })),
  };
}

export async function ticketTargets(ctx: Ctx, ticketId: string): Promise<SlaTargetRow[]> {
  return ctx.db
    .select()
    .from(slaTargets)
    .where(and(eq(slaTargets.workspaceId, ctx.workspaceId), eq(slaTargets.ticketId, ticketId)));
}
