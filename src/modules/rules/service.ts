import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import { stage } from "../../platform/batch";
import { type Ctx, inTransaction, systemActor } from "../../platform/context";
import { DomainError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Reactor } from "../activity/reactors";
import { recordActivities } from "../activity/service";
import { getContactRow } from "../contacts/service";
import { authorize, canAccessDesk } from "../identity/policy";
import { getTeam } from "../identity/service";
import { routeTicket } from "../routing/service";
import { bumpConfigVersion, cachedConfig } from "../sla/settings";
import { type ConditionGroup, compileConditions, validateConditions } from "../tickets/conditions";
import { linkTicket } from "../incidents/service";
import { addMessage } from "../tickets/messages";
import { type TicketRow, tickets as ticketsTable } from "../tickets/schema";
import { applyPatch, envOf, getTicket, getTicketsByIds, loadTicketForUpdate, readTicket } from "../tickets/service";
import { type Effect, type RuleAction, plan, preview, validateActions } from "./actions";
import { type CompiledRule, compileRule, eventOf, matches } from "./compile";
import { type RuleKind, type RuleRow, type RuleRunRow, type TriggerEvent, ruleRuns, rules } from "./schema";

// ------------------------------------------------------------------ configuration

export interface RulesConfig {
  /** Active triggers in evaluation order (position, then age). */
  triggers: CompiledRule[];
  automations: CompiledRule[];
}

export async function rulesConfig(ctx: Ctx): Promise<RulesConfig> {
  return cachedConfig(ctx, "rules", async () => {
    const rows = await ctx.db
      .select()
      .from(rules)
      .where(and(eq(rules.workspaceId, ctx.workspaceId), eq(rules.active, true)))
      .orderBy(asc(rules.position), asc(rules.createdAt), asc(rules.id));
    return {
      triggers: rows.filter((r) => r.kind === "trigger").map(compileRule),
      automations: rows.filter((r) => r.kind === "automation").map(compileRule),
    };
  });
}

// ------------------------------------------------------------------ CRUD

export interface RuleInput {
  kind?: RuleKind;
  name?: string;
  description?: string | null;
  position?: number;
  active?: boolean;
  events?: TriggerEvent[];
  changed?: string[];
  conditions?: ConditionGroup;
  actions?: RuleAction[];
  deskId?: string | null;
}

export async function listRules(ctx: Ctx, kind?: RuleKind): Promise<RuleRow[]> {
  authorize(ctx.actor, "ticket.read");
  const rows = await ctx.db
    .select()
    .from(rules)
    .where(and(eq(rules.workspaceId, ctx.workspaceId), kind ? eq(rules.kind, kind) : undefined))
    .orderBy(asc(rules.kind), asc(rules.position), asc(rules.createdAt), asc(rules.id));
  // Agents see the macros of their desks; the rest is for those who manage automation.
  if (ctx.actor.kind === "agent" && !["admin", "supervisor"].includes(ctx.actor.role)) {
    return rows.filter((r) => r.kind === "macro" && r.active && (!r.deskId || canAccessDesk(ctx.actor, r.deskId)));
  }
  return rows;
}

export async function getRule(ctx: Ctx, id: string): Promise<RuleRow> {
  authorize(ctx.actor, "ticket.read");
  const [row] = await ctx.db
    .select()
    .from(rules)
    .where(and(eq(rules.workspaceId, ctx.workspaceId), eq(rules.id, id)));
  if (!row) throw notFound("rule", id);
  return row;
}

function checkRule(input: RuleInput, kind: RuleKind) {
  if (input.conditions) validateConditions(input.conditions);
  if (input.actions) validateActions(input.actions);
  if (kind === "trigger" && input.events && input.events.length === 0) throw invalid([{ path: "events", message: "at least one of created, updated, message" }]);
  if (kind === "automation" && input.conditions && !hasTimeCondition(input.conditions)) {
    throw invalid([{ path: "conditions", message: "an automation needs a time condition (older_than_hours or within_next_hours)" }]);
  }
}

const hasTimeCondition = (group: ConditionGroup): boolean =>
  [...(group.all ?? []), ...(group.any ?? [])].some((c) => ("field" in c ? c.op === "older_than_hours" || c.op === "within_next_hours" : hasTimeCondition(c)));

export async function createRule(ctx: Ctx, input: RuleInput & { kind: RuleKind; name: string }): Promise<RuleRow> {
  authorize(ctx.actor, "automation.manage");
  checkRule({ conditions: {}, ...input }, input.kind);
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [max] = await tx.db
      .select({ max: sql<number>`coalesce(max(${rules.position}), 0)::int` })
      .from(rules)
      .where(and(eq(rules.workspaceId, tx.workspaceId), eq(rules.kind, input.kind)));
    const [row] = await tx.db
      .insert(rules)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        kind: input.kind,
        name: input.name.trim(),
        description: input.description ?? null,
        position: input.position ?? (max?.max ?? 0) + 10,
        active: input.active ?? true,
        events: input.kind === "trigger" ? (input.events ?? ["created"]) : [],
        changed: input.changed ?? [],
        conditions: input.conditions ?? {},
        actions: input.actions ?? [],
        deskId: input.deskId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "rule.created", subjectType: "rule", subjectId: row!.id, data: { kind: row!.kind, name: row!.name } }]);
    return row!;
  });
}

export async function updateRule(ctx: Ctx, id: string, input: RuleInput): Promise<RuleRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    const before = await getRule(tx, id);
    checkRule(input, before.kind);
    const { kind: _kind, ...rest } = input;
    const [row] = await tx.db
      .update(rules)
      .set({ ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)), updatedAt: tx.clock.now() })
      .where(and(eq(rules.workspaceId, tx.workspaceId), eq(rules.id, id)))
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "rule.updated", subjectType: "rule", subjectId: id, data: { kind: row!.kind, name: row!.name } }]);
    return row!;
  });
}

export async function deleteRule(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "automation.manage");
  await inTransaction(ctx, async (tx) => {
    const row = await getRule(tx, id);
    await tx.db.delete(rules).where(and(eq(rules.workspaceId, tx.workspaceId), eq(rules.id, id)));
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "rule.deleted", subjectType: "rule", subjectId: id, data: { kind: row.kind, name: row.name } }]);
  });
}

// ------------------------------------------------------------------ running a rule on a ticket

interface RunOptions {
  causeActivityId?: string | null;
  /** The agent applying a macro. */
  agentId?: string;
}

/**
 * Applies a rule's actions to a ticket: the patch through `applyPatch` (its
 * activity carries `{rule: id}` or `{macro: id}`), then the side effects,
 * then a line in the audit.
 */
async function runActions(ctx: Ctx, rule: Pick<RuleRow, "id" | "kind" | "actions">, ticket: TicketRow, options: RunOptions): Promise<TicketRow> {
  const requester = rule.actions.some((a) => a.type === "reply" || a.type === "notify")
    ? await getContactRow({ ...ctx, actor: systemActor("rules") }, ticket.requesterId).catch(() => undefined)
    : undefined;
  const { patch, effects } = plan(ticket, rule.actions, { agentId: options.agentId, requesterName: requester?.name, locale: requester?.locale });
  let changes: Record<string, [unknown, unknown]> = {};
  let current = ticket;
  const cause: Record<string, string> = rule.kind === "macro" ? { macro: rule.id } : { rule: rule.id };
  if (Object.keys(patch).length) {
    const locked = await loadTicketForUpdate(ctx, ticket.id);
    const result = await applyPatch(ctx, locked, patch, { cause });
    changes = result.changes;
    current = result.ticket;
  }
  const done: string[] = [];
  for (const effect of effects) done.push(await perform(ctx, rule, current, effect, cause));
  await stage(
    ctx,
    ctx.db.insert(ruleRuns).values({
      id: newId(),
      workspaceId: ctx.workspaceId,
      ruleId: rule.id,
      ticketId: ticket.id,
      causeActivityId: options.causeActivityId ?? null,
      changes,
      effects: done,
      actorId: ctx.actor.kind === "agent" ? ctx.actor.agentId : null,
      createdAt: ctx.clock.now(),
    }),
  );
  return (await readTicket(ctx, ticket.id)) ?? current;
}

async function perform(ctx: Ctx, rule: Pick<RuleRow, "id">, ticket: TicketRow, effect: Effect, cause: Record<string, string>): Promise<string> {
  switch (effect.type) {
    case "reply":
      await addMessage(ctx, ticket.id, { kind: "outbound", text: effect.text });
      return "reply";
    case "notify": {
      const agentIds =
        effect.to === "assignee"
          ? ticket.assigneeId
            ? [ticket.assigneeId]
            : []
          : effect.to === "team"
            ? ticket.teamId
              ? (await getTeam({ ...ctx, actor: systemActor("rules") }, ticket.teamId)).agentIds
              : []
            : [effect.to];
      if (agentIds.length === 0) return "notify:nobody";
      await recordActivities(ctx, [
        { type: "notification.created", subjectType: "ticket", subjectId: ticket.id, ticketId: ticket.id, data: { ...cause, agentIds, text: effect.text } },
      ]);
      return `notify:${agentIds.length}`;
    }
    case "link_incident": {
      // A resolved or deleted incident, or one the ticket is not eligible for, is noted in the rule's audit, not an error of the change.
      const outcome = await linkTicket({ ...ctx, actor: systemActor("rules") }, effect.incidentId, ticket.id).then(
        ({ linked }) => (linked ? "linked" : "already"),
        (err: unknown) => {
          if (err instanceof DomainError) return err.code;
          throw err;
        },
      );
      return `link_incident:${effect.incidentId}:${outcome}`;
    }
    case "webhook":
      await recordActivities(ctx, [
        { type: "rule.webhook", subjectType: "ticket", subjectId: ticket.id, ticketId: ticket.id, data: { ruleId: rule.id, actionIndex: effect.index, url: effect.url } },
      ]);
      return `webhook:${effect.url}`;
    case "route": {
      const assigned = await routeTicket(ctx, ticket.id);
      return assigned ? `route:${assigned}` : "route:nobody";
    }
  }
}

// ------------------------------------------------------------------ triggers

/**
 * Triggers run inline on a ticket's creation, its updates and customer
 * messages. Order: by position, then age. One pass per change: each trigger
 * is tested against the ticket as the earlier ones left it and fires at most
 * once. Changes made by a trigger carry `{rule: id}` and do not start a pass
 * of their own — that is the loop protection.
 */
export const ruleTriggers: Reactor = {
  name: "rules.triggers",
  mode: "inline",
  on: ["ticket.created", "ticket.updated", "message.received"],
  async handle(ctx, activity) {
    if (!activity.ticketId || activity.data.rule || activity.data.opening) return;
    const event = eventOf(activity.type);
    if (!event) return;
    const config = await rulesConfig(ctx);
    const candidates = config.triggers.filter((t) => t.events.has(event) && (event !== "updated" || t.wakesOn(activity.changes)));
    if (candidates.length === 0) return;
    let ticket = await readTicket(ctx, activity.ticketId);
    if (!ticket || ticket.mergedIntoId || ticket.status === "closed") return;
    const system: Ctx = { ...ctx, actor: systemActor("rules") };
    const env = { now: ctx.clock.now() };
    for (const trigger of candidates) {
      if (!matches(trigger, ticket, env)) continue;
      ticket = await runActions(system, trigger.row, ticket, { causeActivityId: activity.id });
      if (ticket.status === "closed") break;
    }
  },
};

// ------------------------------------------------------------------ automations

/**
 * Time-based automations, run by a scheduled job: each finds the tickets its
 * conditions select (compiled to SQL) and acts on them. An automation acts on
 * a ticket at most once until the ticket changes again (its audit row is newer
 * than the ticket's last update).
 */
export async function runAutomations(base: Pick<Ctx, "db" | "clock" | "outbox">, workspaceId: string, options: { limit?: number } = {}): Promise<number> {
  const ctx: Ctx = { ...base, workspaceId, actor: systemActor("automations") };
  const config = await inTransaction(ctx, (tx) => rulesConfig(tx));
  let fired = 0;
  for (const automation of config.automations) {
    const where = compileConditions(automation.row.conditions, envOf(ctx));
    const due = await ctx.db
      .select({ id: ticketsTable.id })
      .from(ticketsTable)
      .where(
        and(
          eq(ticketsTable.workspaceId, workspaceId),
          sql`${ticketsTable.status} <> 'closed'`,
          sql`${ticketsTable.mergedIntoId} is null`,
          where,
          sql`not exists (select 1 from ${ruleRuns} r where r.workspace_id = ${workspaceId} and r.rule_id = ${automation.row.id}
                and r.ticket_id = ${ticketsTable.id} and r.created_at >= ${ticketsTable.updatedAt})`,
        ),
      )
      .limit(options.limit ?? 500);
    for (const { id } of due) {
      try {
        await inTransaction(ctx, async (tx) => {
          const ticket = await readTicket(tx, id);
          if (ticket) await runActions(tx, automation.row, ticket, {});
        });
        fired++;
      } catch (err) {
        // One ticket the actions cannot apply to (a required field missing before solving, say) does not stop the rest.
        if (!(err instanceof DomainError)) throw err;
      }
    }
  }
  return fired;
}

/** Workspaces with at least one active automation (for the scheduled job). */
export async function workspacesWithAutomations(db: Ctx["db"]): Promise<string[]> {
  const rows = await db
    .selectDistinct({ workspaceId: rules.workspaceId })
    .from(rules)
    .where(and(eq(rules.kind, "automation"), eq(rules.active, true)));
  return rows.map((r) => r.workspaceId);
}

// ------------------------------------------------------------------ macros

export async function applyMacro(ctx: Ctx, ticketId: string, macroId: string): Promise<TicketRow> {
  authorize(ctx.actor, "ticket.update");
  return inTransaction(ctx, async (tx) => {
    const ticket = await getTicket(tx, ticketId);
    const macro = await getRule(tx, macroId);
    if (macro.kind !== "macro" || !macro.active) throw notFound("macro", macroId);
    if (macro.deskId && macro.deskId !== ticket.deskId) throw new DomainError("rule.not_applicable", "This macro is for another desk");
    return runActions(tx, macro, ticket, { agentId: tx.actor.kind === "agent" ? tx.actor.agentId : undefined });
  });
}

// ------------------------------------------------------------------ dry run and audit

export interface DryRunResult {
  matches: boolean | null;
  changes: Record<string, [unknown, unknown]>;
  effects: Effect[];
  /** Automations without a ticket: how many tickets it would act on now, and some of them. */
  matchingTickets?: number;
  sample?: Array<{ id: string; number: number; subject: string }>;
}

/** What a rule (saved, or as drafted) would do to a ticket — or, for an automation, to which tickets — changing nothing. */
export async function dryRun(
  ctx: Ctx,
  input: { ruleId?: string; rule?: { kind: RuleKind; conditions?: ConditionGroup; actions: RuleAction[] }; ticketId?: string },
): Promise<DryRunResult> {
  authorize(ctx.actor, "ticket.read");
  const source = input.ruleId ? await getRule(ctx, input.ruleId) : input.rule;
  if (!source) throw invalid([{ path: "ruleId", message: "a saved rule's id, or a rule" }]);
  const conditions = source.conditions ?? {};
  validateConditions(conditions);
  validateActions(source.actions);
  if (input.ticketId) {
    const ticket = await getTicket(ctx, input.ticketId);
    const compiled = compileRule({ id: "draft", kind: source.kind, events: [], changed: [], conditions, actions: source.actions } as unknown as RuleRow);
    const ok = source.kind === "macro" ? true : matches(compiled, ticket, { now: ctx.clock.now() });
    const planned = plan(ticket, source.actions, { agentId: ctx.actor.kind === "agent" ? ctx.actor.agentId : undefined });
    return { matches: ok, changes: ok ? preview(ticket, planned.patch) : {}, effects: ok ? planned.effects : [] };
  }
  if (source.kind !== "automation") throw invalid([{ path: "ticketId", message: "a ticket to try the rule on" }]);
  const where = and(eq(ticketsTable.workspaceId, ctx.workspaceId), sql`${ticketsTable.status} <> 'closed'`, compileConditions(conditions, envOf(ctx)));
  const [count] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(ticketsTable).where(where);
  const sample = await ctx.db
    .select({ id: ticketsTable.id, number: ticketsTable.number, subject: ticketsTable.subject })
    .from(ticketsTable)
    .where(where)
    .orderBy(asc(ticketsTable.updatedAt))
    .limit(20);
  return { matches: null, changes: {}, effects: [], matchingTickets: count?.n ?? 0, sample };
}

export type RuleRunWithTicket = RuleRunRow & { ticket: { number: number; subject: string } | null };

/** The rule's audit, newest first, each run with the ticket's number and subject (null: a ticket outside the reader's desks). */
export async function listRuleRuns(ctx: Ctx, ruleId: string, options: { before?: string; limit?: number } = {}): Promise<{ items: RuleRunWithTicket[]; nextCursor: string | null }> {
  authorize(ctx.actor, "automation.manage");
  await getRule(ctx, ruleId);
  const limit = Math.min(options.limit ?? 50, 200);
  const rows = await ctx.db
    .select()
    .from(ruleRuns)
    .where(and(eq(ruleRuns.workspaceId, ctx.workspaceId), eq(ruleRuns.ruleId, ruleId), options.before ? lt(ruleRuns.id, options.before) : undefined))
    .orderBy(desc(ruleRuns.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const ticketsById = new Map((await getTicketsByIds(ctx, [...new Set(page.map((r) => r.ticketId))])).map((t) => [t.id, t]));
  const items = page.map((r) => {
    const ticket = ticketsById.get(r.ticketId);
    return { ...r, ticket: ticket ? { number: ticket.number, subject: ticket.subject } : null };
  });
  return { items, nextCursor: rows.length > limit ? page.at(-1)!.id : null };
}

