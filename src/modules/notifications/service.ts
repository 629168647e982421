import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Ctx, type RecordedActivity, systemActor } from "../../platform/context";
import { forbidden, invalid } from "../../platform/errors";
import { t } from "../../platform/i18n";
import { newId } from "../../platform/ids";
import { type Page, type SortKey, afterCursor, decodeCursor, orderByKeys, pageSize, toPage } from "../../platform/pagination";
import { channelRuntime } from "../channels/runtime";
import { canAccessDesk, deskFilter } from "../identity/policy";
import { type AgentWithAccess, actorOf, getTeam, loadAgentWithAccess } from "../identity/service";
import { REALTIME_CHANNEL } from "../realtime/reactors";
// Read-only join for the ticket's number and current desk; notifications never write tickets.
import { type TicketRow, tickets } from "../tickets/schema";
import { getTicket } from "../tickets/service";
import {
  type AgentNotificationRow,
  DEFAULT_EMAIL_KINDS,
  type NotificationKind,
  agentNotifications,
  notificationKinds,
  notificationPreferences,
} from "./schema";

/** The activities that tell an agent something, and the kind of notification each becomes. */
export const NOTIFYING_TYPES = ["agent.mentioned", "notification.created", "ticket.updated", "sla.warning", "sla.breached"] as const;

/** Only a change of assignee makes a `ticket.updated` worth a notification. */
export const notifies = (activity: Pick<RecordedActivity, "type" | "changes">): boolean =>
  activity.type !== "ticket.updated" || Boolean(activity.changes.assigneeId?.[1]);

export interface Notification extends AgentNotificationRow {
  /** In the reader's language. */
  title: string;
  /** A rule's own words, when it wrote some. */
  body: string | null;
  ticketNumber: number | null;
}

interface Plan {
  kind: NotificationKind;
  agentIds: string[];
  params: Record<string, string | number | null>;
}

/**
 * Who hears of an activity, and what. Mentions tell the mentioned; a rule's
 * `notify` tells whom it named; a new assignee hears of the assignment; SLA
 * warnings and breaches go to the assignee, or to the ticket's team while no
 * one has it. Nobody is told of what they did themselves.
 */
async function plan(ctx: Ctx, activity: RecordedActivity & { actorId?: string | null }, ticket: TicketRow): Promise<Plan | undefined> {
  const data = activity.data as Record<string, unknown>;
  const base = { number: ticket.number, subject: ticket.subject };
  switch (activity.type) {
    case "agent.mentioned":
      return { kind: "mention", agentIds: [activity.subjectId], params: { ...base, by: await agentName(ctx, activity.actorId) } };
    case "notification.created":
      return {
        kind: "rule",
        agentIds: Array.isArray(data.agentIds) ? data.agentIds.filter((id): id is string => typeof id === "string") : [],
        params: { ...base, text: typeof data.text === "string" ? data.text.slice(0, 2000) : null },
      };
    case "ticket.updated": {
      const assignee = activity.changes.assigneeId?.[1];
      if (typeof assignee !== "string") return undefined;
      return { kind: "assigned", agentIds: [assignee], params: { ...base, by: await agentName(ctx, activity.actorId) } };
    }
    case "sla.warning":
    case "sla.breached": {
      const agentIds = ticket.assigneeId ? [ticket.assigneeId] : ticket.teamId ? (await getTeam(ctx, ticket.teamId).catch(() => undefined))?.agentIds ?? [] : [];
      return {
        kind: activity.type === "sla.warning" ? "sla_warning" : "sla_breach",
        agentIds,
        params: { ...base, metric: String(data.metric ?? ""), dueAt: typeof data.dueAt === "string" ? data.dueAt : null },
      };
    }
  }
  return undefined;
}

async function agentName(ctx: Ctx, agentId: string | null | undefined): Promise<string | null> {
  if (!agentId) return null;
  return (await loadAgentWithAccess(ctx.db, ctx.workspaceId, agentId))?.name ?? null;
}

/**
 * Turns one activity into notifications: a row per agent (once, whatever the
 * retries), an e-mail to those who want this kind by e-mail, and a real-time
 * nudge to their open workspaces. Returns how many agents were told.
 */
export async function notifyFromActivity(ctx: Ctx, activity: RecordedActivity & { actorId?: string | null }): Promise<number> {
  if (!activity.ticketId || !notifies(activity)) return 0;
  const system: Ctx = { ...ctx, actor: systemActor("notifications") };
  const ticket = await getTicket(system, activity.ticketId).catch(() => undefined);
  if (!ticket) return 0;
  const planned = await plan(system, activity, ticket);
  if (!planned) return 0;

  const recipients: AgentWithAccess[] = [];
  for (const agentId of new Set(planned.agentIds)) {
    if (agentId === activity.actorId) continue;
    const agent = await loadAgentWithAccess(ctx.db, ctx.workspaceId, agentId);
    // Someone who lost the desk (or left) hears nothing of its tickets.
    if (agent?.status === "active" && canAccessDesk(actorOf(agent, "cli"), ticket.deskId)) recipients.push(agent);
  }
  if (recipients.length === 0) return 0;

  const now = ctx.clock.now();
  const inserted = await ctx.db
    .insert(agentNotifications)
    .values(
      recipients.map((agent) => ({
        id: newId(),
        workspaceId: ctx.workspaceId,
        agentId: agent.id,
        ticketId: ticket.id,
        activityId: activity.id,
        kind: planned.kind,
        params: planned.params,
        createdAt: now,
      })),
    )
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return 0;

  const emailKinds = await emailKindsOf(ctx, inserted.map((n) => n.agentId));
  const emailed: string[] = [];
  for (const row of inserted) {
    const agent = recipients.find((a) => a.id === row.agentId)!;
    if (!emailKinds.get(agent.id)!.includes(row.kind)) continue;
    if (await sendEmail(agent, render(agent.locale, row, ticket.number), ticket)) emailed.push(row.id);
  }
  if (emailed.length) await ctx.db.update(agentNotifications).set({ emailedAt: now }).where(inArray(agentNotifications.id, emailed));

  // Addressed to each agent (the hub delivers `agent.notified` only to its subject); visible once this commits.
  const notices = inserted.map((row) =>
    JSON.stringify({
      workspaceId: ctx.workspaceId,
      type: "agent.notified",
      activityId: activity.id,
      subjectId: row.agentId,
      ticketId: ticket.id,
      deskId: ticket.deskId,
      version: null,
      actorId: activity.actorId ?? null,
    }),
  );
  await ctx.db.execute(sql`select pg_notify(${REALTIME_CHANNEL}, n) from jsonb_array_elements_text(${JSON.stringify(notices)}::jsonb) as n`);
  return inserted.length;
}

async function emailKindsOf(ctx: Ctx, agentIds: string[]): Promise<Map<string, readonly NotificationKind[]>> {
  const rows = await ctx.db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.workspaceId, ctx.workspaceId), inArray(notificationPreferences.agentId, agentIds)));
  return new Map(agentIds.map((id) => [id, rows.find((r) => r.agentId === id)?.emailKinds ?? DEFAULT_EMAIL_KINDS]));
}

/** An e-mail failure is logged, not thrown: the notification is in the workspace either way, and a retry would repeat it for everyone. */
async function sendEmail(agent: AgentWithAccess, message: { title: string; body: string | null }, ticket: TicketRow): Promise<boolean> {
  const runtime = channelRuntime();
  const link = `${runtime.publicUrl.replace(/\/$/, "")}/tickets/${ticket.number}`;
  try {
    await runtime.mailer.send({
      from: runtime.mailFrom,
      to: agent.email,
      subject: `${message.title} — ${ticket.subject}`.slice(0, 250),
      text: [message.title, "", message.body, message.body ? "" : null, t(agent.locale, "notifications:email.open", { link }), "", t(agent.locale, "notifications:email.footer")]
        .filter((line) => line !== null)
        .join("\n"),
      // Agents' own mail rules must never answer these, and our intake must never take them for a fan's mail.
      headers: { "Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All" },
    });
    return true;
  } catch (err) {
    runtime.log?.warn({ err, agentId: agent.id }, "notification e-mail not sent");
    return false;
  }
}

function render(locale: string, row: Pick<AgentNotificationRow, "kind" | "params">, ticketNumber: number | null): { title: string; body: string | null } {
  const p = row.params;
  const metric = p.metric ? t(locale, `notifications:metric.${p.metric}`) : "";
  const title = t(locale, `notifications:title.${row.kind}${row.kind === "mention" || row.kind === "assigned" ? (p.by ? ".by" : ".anonymous") : ""}`, {
    ...p,
    number: ticketNumber ?? p.number,
    metric,
  });
  return { title, body: row.kind === "rule" && typeof p.text === "string" ? p.text : null };
}

// ------------------------------------------------------------------ the agent's own

function me(ctx: Ctx): { agentId: string } {
  if (ctx.actor.kind !== "agent") throw forbidden("Notifications belong to agents");
  return { agentId: ctx.actor.agentId };
}

async function localeOf(ctx: Ctx, agentId: string): Promise<string> {
  return (await loadAgentWithAccess(ctx.db, ctx.workspaceId, agentId))?.locale ?? "en";
}

const inboxKeys: SortKey[] = [
  { column: agentNotifications.createdAt, direction: "desc" },
  { column: agentNotifications.id, direction: "desc" },
];

/** The signed-in agent's notifications, newest first, with the unread count; only of tickets they may still see. */
export async function listNotifications(
  ctx: Ctx,
  filter: { unread?: boolean; limit?: number; cursor?: string } = {},
): Promise<Page<Notification> & { unread: number }> {
  const { agentId } = me(ctx);
  const limit = pageSize(filter.limit, 20);
  const rows = await ctx.db
    .select({ notification: agentNotifications, ticketNumber: tickets.number })
    .from(agentNotifications)
    .innerJoin(tickets, and(eq(tickets.workspaceId, agentNotifications.workspaceId), eq(tickets.id, agentNotifications.ticketId)))
    .where(
      and(
        eq(agentNotifications.workspaceId, ctx.workspaceId),
        eq(agentNotifications.agentId, agentId),
        // The ticket's desk now, not when it was written: a ticket moved away, or a desk taken away, stops showing.
        deskFilter(ctx.actor, tickets.deskId),
        filter.unread ? isNull(agentNotifications.readAt) : undefined,
        filter.cursor ? afterCursor(inboxKeys, decodeCursor(filter.cursor, 2)) : undefined,
      ),
    )
    .orderBy(...orderByKeys(inboxKeys))
    .limit(limit + 1);
  const locale = await localeOf(ctx, agentId);
  const page = toPage(rows, limit, (r) => [r.notification.createdAt, r.notification.id]);
  return {
    items: page.items.map((r) => ({ ...r.notification, ...render(locale, r.notification, r.ticketNumber), ticketNumber: r.ticketNumber })),
    nextCursor: page.nextCursor,
    unread: await countUnread(ctx),
  };
}

export async function countUnread(ctx: Ctx): Promise<number> {
  const { agentId } = me(ctx);
  const [row] = await ctx.db
    .select({ n: count() })
    .from(agentNotifications)
    .innerJoin(tickets, and(eq(tickets.workspaceId, agentNotifications.workspaceId), eq(tickets.id, agentNotifications.ticketId)))
    .where(
      and(
        eq(agentNotifications.workspaceId, ctx.workspaceId),
        eq(agentNotifications.agentId, agentId),
        isNull(agentNotifications.readAt),
        deskFilter(ctx.actor, tickets.deskId),
      ),
    );
  return row?.n ?? 0;
}

/** Marks some (or all) of the signed-in agent's notifications read; another agent's ids are ignored. Returns what stays unread. */
export async function markRead(ctx: Ctx, which: { ids?: string[]; all?: boolean }): Promise<{ unread: number }> {
  const { agentId } = me(ctx);
  if (!which.all && !which.ids?.length) throw invalid([{ path: "ids", message: "give the ids to mark read, or all: true" }]);
  await ctx.db
    .update(agentNotifications)
    .set({ readAt: ctx.clock.now() })
    .where(
      and(
        eq(agentNotifications.workspaceId, ctx.workspaceId),
        eq(agentNotifications.agentId, agentId),
        isNull(agentNotifications.readAt),
        which.all ? undefined : inArray(agentNotifications.id, which.ids!),
      ),
    );
  return { unread: await countUnread(ctx) };
}

export interface NotificationPreferences {
  emailKinds: NotificationKind[];
}

export async function getPreferences(ctx: Ctx): Promise<NotificationPreferences> {
  const { agentId } = me(ctx);
  return { emailKinds: [...(await emailKindsOf(ctx, [agentId])).get(agentId)!] };
}

export async function setPreferences(ctx: Ctx, input: NotificationPreferences): Promise<NotificationPreferences> {
  const { agentId } = me(ctx);
  const unknown = input.emailKinds.filter((k) => !(notificationKinds as readonly string[]).includes(k));
  if (unknown.length) throw invalid([{ path: "emailKinds", message: `unknown kinds: ${unknown.join(", ")}` }]);
  const emailKinds = notificationKinds.filter((k) => input.emailKinds.includes(k));
  const now = ctx.clock.now();
  await ctx.db
    .insert(notificationPreferences)
    .values({ workspaceId: ctx.workspaceId, agentId, emailKinds, updatedAt: now })
    .onConflictDoUpdate({ target: [notificationPreferences.workspaceId, notificationPreferences.agentId], set: { emailKinds, updatedAt: now } });
  return { emailKinds };
}
