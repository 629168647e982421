import { sql } from "drizzle-orm";
import type { Ctx } from "../../platform/context";
import type { Reactor } from "../activity/reactors";
import type { ActivityRow } from "../activity/schema";
import { tickets } from "../tickets/schema";
import { heldTicket } from "../tickets/service";

/** The PostgreSQL channel every server process listens on for changes to fan out to agents. */
export const REALTIME_CHANNEL = "usher_realtime";
/** Who is viewing or typing on which ticket, shared between server processes. */
export const PRESENCE_CHANNEL = "usher_presence";
/** Agents' replies on chat tickets, for the server process that holds the fan's socket. */
export const CHAT_CHANNEL = "usher_chat";

/**
 * NOTIFY in the caller's transaction: every server process listening on the
 * channel hears it when — and only if — the transaction commits.
 */
export async function notifyProcesses(ctx: Ctx, channel: string, notice: object): Promise<void> {
  await ctx.db.execute(sql`select pg_notify(${channel}, ${JSON.stringify(notice)})`);
}

/** What a change looks like on the wire between processes (NOTIFY payloads are limited to 8000 bytes: ids only). */
export interface ChangeNotice {
  workspaceId: string;
  type: string;
  activityId: string;
  subjectId: string;
  ticketId: string | null;
  deskId: string | null;
  version: number | null;
  actorId: string | null;
}

export const REALTIME_TYPES = [
  "ticket.created",
  "ticket.updated",
  "ticket.merged",
  "message.received",
  "message.sent",
  "message.delivery_failed",
  "message.delivery_retried",
  "note.added",
  "agent.mentioned",
] as const;

/**
 * Publishes ticket and message changes with NOTIFY inside the transaction
 * that made them: PostgreSQL (and PGlite) deliver a notification only when
 * its transaction commits, so agents never see a change that was rolled back,
 * and every server process listening fans it out to its own WebSockets.
 */
/**
 * Tickets already announced in a transaction: a new ticket records
 * `ticket.created` and `message.received`, a reply `message.sent` and
 * `ticket.updated` — one notice per ticket and transaction is enough for
 * clients, which re-read the ticket, and saves a round trip on every write.
 */
const announced = new WeakMap<object, Set<string>>();

export const realtimeReactor: Reactor = {
  name: "realtime.publish",
  on: REALTIME_TYPES,
  mode: "inline",
  async handle(ctx, activity) {
    if (activity.type !== "agent.mentioned" && activity.ticketId && ctx.batch) {
      let seen = announced.get(ctx.batch);
      if (!seen) announced.set(ctx.batch, (seen = new Set()));
      if (seen.has(activity.ticketId)) return;
      seen.add(activity.ticketId);
    }
    const actorId = (activity as Partial<ActivityRow>).actorId ?? (ctx.actor.kind === "agent" ? ctx.actor.agentId : null);
    const ticketId = activity.ticketId;
    const base = {
      workspaceId: ctx.workspaceId,
      type: activity.type,
      activityId: activity.id,
      subjectId: activity.subjectId,
      ticketId,
      actorId,
    };
    // The ticket as this transaction holds it: the NOTIFY goes out with the transaction's last write.
    const held = ticketId && ctx.batch ? await heldTicket(ctx, ticketId) : undefined;
    if (held) {
      ctx.batch!.notify(REALTIME_CHANNEL, JSON.stringify({ ...base, deskId: held.deskId, version: held.version }));
      return;
    }
    // One statement: the desk and version are read in the same round trip as the NOTIFY.
    await ctx.db.execute(
      ticketId
        ? sql`select pg_notify(${REALTIME_CHANNEL}, (${JSON.stringify(base)}::jsonb || jsonb_build_object('deskId', t.desk_id, 'version', t.version))::text)
              from ${tickets} t where t.workspace_id = ${ctx.workspaceId} and t.id = ${ticketId}`
        : sql`select pg_notify(${REALTIME_CHANNEL}, ${JSON.stringify({ ...base, deskId: null, version: null })})`,
    );
  },
};

export const realtimeReactors: readonly Reactor[] = [realtimeReactor];
