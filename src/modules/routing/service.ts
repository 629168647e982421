import { and, asc, eq } from "drizzle-orm";
import { type Ctx, inTransaction, systemActor } from "../../platform/context";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import type { Reactor } from "../activity/reactors";
import { recordActivities } from "../activity/service";
import { authorize } from "../identity/policy";
import type { AgentWithAccess } from "../identity/service";
import { getAgent, listAgents, updateAgent } from "../identity/service";
import { BusinessCalendar, type OpeningHours, checkCalendarSpec } from "../sla/calendar";
import { bumpConfigVersion, cachedConfig } from "../sla/settings";
import type { TicketRow } from "../tickets/schema";
import { applyPatch, loadTicketForUpdate, openLoad, readTicket } from "../tickets/service";
import { type RoutingSkills, type RoutingStrategy, agentRoutingProfiles, routingConfigs } from "./schema";

export type RoutingConfigRow = typeof routingConfigs.$inferSelect;
export type RoutingProfileRow = typeof agentRoutingProfiles.$inferSelect;

/** What an agent without a routing profile can take: any skill, 20 open tickets, 3 chats. */
export const DEFAULT_CAPACITY: Record<string, number> = { "*": 20, chat: 3 };
const ANY_SKILLS: RoutingSkills = { languages: [], categories: [], desks: [], tiers: [] };

// ------------------------------------------------------------------ availability (agents)

export interface Availability {
  status: "online" | "away" | "offline";
  skills: RoutingSkills;
  capacity: Record<string, number>;
  shifts: OpeningHours[];
  timeZone: string;
  /** True when the agent is within a shift now (always, without shifts). */
  onShift: boolean;
}

export async function getAvailability(ctx: Ctx, agentId: string): Promise<Availability> {
  const agent = await getAgent(ctx, agentId);
  const profile = await loadProfile(ctx, agentId);
  return availabilityOf(agent, profile, ctx.clock.now());
}

function availabilityOf(agent: AgentWithAccess, profile: RoutingProfileRow | undefined, now: Date): Availability {
  const shifts = profile?.shifts ?? [];
  const timeZone = profile?.timeZone ?? agent.timezone;
  return {
    status: agent.availability,
    skills: { ...ANY_SKILLS, ...profile?.skills, languages: profile?.skills.languages.length ? profile.skills.languages : agent.languages },
    capacity: profile?.capacity ?? DEFAULT_CAPACITY,
    shifts,
    timeZone,
    onShift: shifts.length === 0 || new BusinessCalendar({ timeZone, alwaysOpen: false, hours: shifts, holidays: [] }).isOpen(now),
  };
}

async function loadProfile(ctx: Ctx, agentId: string): Promise<RoutingProfileRow | undefined> {
  const [row] = await ctx.db
    .select()
    .from(agentRoutingProfiles)
    .where(and(eq(agentRoutingProfiles.workspaceId, ctx.workspaceId), eq(agentRoutingProfiles.agentId, agentId)));
  return row;
}

export interface AvailabilityInput {
  status?: Availability["status"];
  skills?: Partial<RoutingSkills>;
  capacity?: Record<string, number>;
  shifts?: OpeningHours[];
  timeZone?: string;
}

/** An agent sets their own availability; supervisors and admins may set anyone's. */
export async function setAvailability(ctx: Ctx, agentId: string, input: AvailabilityInput): Promise<Availability> {
  const self = ctx.actor.kind === "agent" && ctx.actor.agentId === agentId;
  if (!self) authorize(ctx.actor, "automation.manage");
  if (input.shifts || input.timeZone) {
    const problems = checkCalendarSpec({ timeZone: input.timeZone ?? "UTC", alwaysOpen: false, hours: input.shifts ?? [{ day: 1, start: "00:00", end: "24:00" }], holidays: [] });
    if (problems.length) throw invalid(problems.map((p) => ({ ...p, path: p.path.replace(/^hours/, "shifts") })));
  }
  return inTransaction(ctx, async (tx) => {
    const agent = await getAgent({ ...tx, actor: systemActor("routing") }, agentId);
    if (input.status && input.status !== agent.availability) {
      await updateAgent({ ...tx, actor: systemActor("routing") }, agentId, { availability: input.status });
    }
    const before = await loadProfile(tx, agentId);
    const now = tx.clock.now();
    const row = {
      agentId,
      workspaceId: tx.workspaceId,
      skills: { ...ANY_SKILLS, ...before?.skills, ...input.skills },
      capacity: input.capacity ?? before?.capacity ?? DEFAULT_CAPACITY,
      shifts: input.shifts ?? before?.shifts ?? [],
      timeZone: input.timeZone ?? before?.timeZone ?? agent.timezone,
      lastAssignedAt: before?.lastAssignedAt ?? null,
      updatedAt: now,
    };
    await tx.db
      .insert(agentRoutingProfiles)
      .values(row)
      .onConflictDoUpdate({ target: agentRoutingProfiles.agentId, set: { skills: row.skills, capacity: row.capacity, shifts: row.shifts, timeZone: row.timeZone, updatedAt: now } });
    await recordActivities(tx, [{ type: "agent.availability_changed", subjectType: "agent", subjectId: agentId, data: { status: input.status ?? agent.availability } }]);
    return availabilityOf({ ...agent, availability: input.status ?? agent.availability }, row, now);
  });
}

// ------------------------------------------------------------------ routing configuration

export async function routingConfig(ctx: Ctx): Promise<RoutingConfigRow[]> {
  return cachedConfig(ctx, "routing", () =>
    ctx.db.select().from(routingConfigs).where(eq(routingConfigs.workspaceId, ctx.workspaceId)).orderBy(asc(routingConfigs.createdAt)),
  );
}

export async function listRoutingConfigs(ctx: Ctx): Promise<RoutingConfigRow[]> {
  authorize(ctx.actor, "ticket.read");
  return routingConfig(ctx);
}

export interface RoutingConfigInput {
  deskId?: string | null;
  strategy?: RoutingStrategy;
  useSkills?: boolean;
  active?: boolean;
}

export async function createRoutingConfig(ctx: Ctx, input: RoutingConfigInput): Promise<RoutingConfigRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    const now = tx.clock.now();
    const [row] = await tx.db
      .insert(routingConfigs)
      .values({
        id: newId(),
        workspaceId: tx.workspaceId,
        deskId: input.deskId ?? null,
        strategy: input.strategy ?? "round_robin",
        useSkills: input.useSkills ?? true,
        active: input.active ?? true,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "routing.config_created", subjectType: "routing_config", subjectId: row!.id, data: { strategy: row!.strategy } }]);
    return row!;
  });
}

export async function updateRoutingConfig(ctx: Ctx, id: string, input: RoutingConfigInput): Promise<RoutingConfigRow> {
  authorize(ctx.actor, "automation.manage");
  return inTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .update(routingConfigs)
      .set({ ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)), updatedAt: tx.clock.now() })
      .where(and(eq(routingConfigs.workspaceId, tx.workspaceId), eq(routingConfigs.id, id)))
      .returning();
    if (!row) throw notFound("routing configuration", id);
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "routing.config_updated", subjectType: "routing_config", subjectId: id, data: { strategy: row.strategy } }]);
    return row;
  });
}

export async function deleteRoutingConfig(ctx: Ctx, id: string): Promise<void> {
  authorize(ctx.actor, "automation.manage");
  await inTransaction(ctx, async (tx) => {
    const deleted = await tx.db
      .delete(routingConfigs)
      .where(and(eq(routingConfigs.workspaceId, tx.workspaceId), eq(routingConfigs.id, id)))
      .returning();
    if (!deleted.length) throw notFound("routing configuration", id);
    await bumpConfigVersion(tx);
    await recordActivities(tx, [{ type: "routing.config_deleted", subjectType: "routing_config", subjectId: id }]);
  });
}

// ------------------------------------------------------------------ choosing an agent

export interface Candidate {
  agentId: string;
  availability: Availability;
  load: Record<string, number>;
  total: number;
  lastAssignedAt: Date | null;
}

/** Whether an agent can take a ticket now: online, on shift, skilled, under capacity. Pure, for tests. */
export function eligible(c: Candidate, ticket: Pick<TicketRow, "language" | "categoryId" | "deskId" | "tier" | "channel">, useSkills: boolean): boolean {
  const a = c.availability;
  if (a.status !== "online" || !a.onShift) return false;
  const cap = a.capacity[ticket.channel] ?? a.capacity["*"] ?? Number.POSITIVE_INFINITY;
  if ((c.load[ticket.channel] ?? 0) >= cap) return false;
  const total = a.capacity.total;
  if (total !== undefined && c.total >= total) return false;
  if (!useSkills) return true;
  const s = a.skills;
  if (ticket.language && s.languages.length && !s.languages.includes(ticket.language)) return false;
  if (ticket.categoryId && s.categories.length && !s.categories.includes(ticket.categoryId)) return false;
  if (s.desks.length && !s.desks.includes(ticket.deskId)) return false;
  if (s.tiers.length && !s.tiers.includes(ticket.tier)) return false;
  return true;
}

/** Round robin: whoever was given a ticket longest ago. Least loaded: fewest open tickets, then round robin. */
export function pick(candidates: Candidate[], strategy: RoutingStrategy): Candidate | undefined {
  const lastAt = (c: Candidate) => c.lastAssignedAt?.getTime() ?? 0;
  return [...candidates].sort((a, b) =>
    strategy === "least_loaded" ? a.total - b.total || lastAt(a) - lastAt(b) || a.agentId.localeCompare(b.agentId) : lastAt(a) - lastAt(b) || a.agentId.localeCompare(b.agentId),
  )[0];
}

/**
 * Assigns an unassigned ticket by its desk's routing: returns the agent, or
 * null when routing is off for the desk or nobody can take it now (it waits
 * in the queue; the next change or an agent coming online tries again).
 */
export async function routeTicket(ctx: Ctx, ticketId: string): Promise<string | null> {
  const configs = await routingConfig(ctx);
  if (!configs.some((c) => c.active)) return null; // the common case: routing off, no need to read the ticket
  const ticket = await readTicket(ctx, ticketId);
  if (!ticket || ticket.assigneeId || ticket.mergedIntoId || !["new", "open"].includes(ticket.status)) return null;
  const config = configs.find((c) => c.deskId === ticket.deskId) ?? configs.find((c) => c.deskId === null);
  if (!config?.active) return null;
  const system: Ctx = { ...ctx, actor: systemActor("routing") };
  const agents: AgentWithAccess[] = [];
  for (let cursor: string | undefined, i = 0; i < 50; i++) {
    const page = await listAgents(system, { deskId: ticket.deskId, status: "active", cursor, limit: 100 });
    agents.push(...page.items.filter((a) => a.role !== "light_agent" && a.availability === "online"));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (agents.length === 0) return null;
  const profiles = await ctx.db.select().from(agentRoutingProfiles).where(eq(agentRoutingProfiles.workspaceId, ctx.workspaceId));
  const loads = await openLoad(ctx, agents.map((a) => a.id));
  const now = ctx.clock.now();
  const candidates: Candidate[] = agents.map((agent) => {
    const profile = profiles.find((p) => p.agentId === agent.id);
    const load: Record<string, number> = {};
    let total = 0;
    for (const l of loads) if (l.assigneeId === agent.id) (load[l.channel] = l.n), (total += l.n);
    return { agentId: agent.id, availability: availabilityOf(agent, profile, now), load, total, lastAssignedAt: profile?.lastAssignedAt ?? null };
  });
  const chosen = pick(
    candidates.filter((c) => eligible(c, ticket, config.useSkills)),
    config.strategy,
  );
  if (!chosen) return null;
  const locked = await loadTicketForUpdate(system, ticket.id);
  await applyPatch(system, locked, { assigneeId: chosen.agentId }, { cause: { routing: config.strategy } });
  await ctx.db
    .insert(agentRoutingProfiles)
    .values({ agentId: chosen.agentId, workspaceId: ctx.workspaceId, skills: ANY_SKILLS, capacity: DEFAULT_CAPACITY, shifts: [], timeZone: "UTC", lastAssignedAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: agentRoutingProfiles.agentId, set: { lastAssignedAt: now } });
  return chosen.agentId;
}

/** Routes new tickets, and tickets that lost their assignee or moved desk or tier. */
export const routingReactor: Reactor = {
  name: "routing.assign",
  mode: "inline",
  on: ["ticket.created", "ticket.updated"],
  async handle(ctx, activity) {
    if (!activity.ticketId || activity.data.routing) return;
    if (activity.type === "ticket.updated") {
      const c = activity.changes;
      const unassigned = c.assigneeId && c.assigneeId[1] === null;
      if (!unassigned && !c.deskId && !c.tier && !(c.status && c.status[1] === "open")) return;
    }
    await routeTicket(ctx, activity.ticketId);
  },
};
