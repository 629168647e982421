import { randomUUID } from "node:crypto";
import type { Actor } from "../../platform/context";
import type { Database } from "../../platform/db";
import { canAccessDesk } from "../identity/policy";
import { type ChangeNotice, PRESENCE_CHANNEL, REALTIME_CHANNEL } from "./reactors";

export type PresenceState = "viewing" | "typing" | "left";

/** One agent's presence on a ticket, as shared between processes. */
export interface PresenceNotice {
  workspaceId: string;
  ticketId: string;
  connectionId: string;
  agentId: string;
  name: string;
  state: PresenceState;
}

export interface Client {
  id: string;
  workspaceId: string;
  actor: Extract<Actor, { kind: "agent" }>;
  send(message: unknown): void;
  /** The ticket this connection is looking at, once its access was checked. */
  ticketId: string | null;
}

interface Present {
  agentId: string;
  name: string;
  state: "viewing" | "typing";
  seenAt: number;
}

/** Presence fades if a browser stops refreshing it (crashed, asleep). */
export const PRESENCE_TTL_MS = 45_000;

/**
 * The WebSockets of one server process. Changes and presence arrive through
 * LISTEN on the database — also those this process published — so every
 * process behaves the same whether it runs alone (PGlite) or beside others.
 */
export class RealtimeHub {
  private readonly clients = new Set<Client>();
  /** ticket id → connection id → presence */
  private readonly presence = new Map<string, Map<string, Present>>();
  private unlisten: Array<() => Promise<void>> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly database: Database,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.unlisten.push(await this.database.listen(REALTIME_CHANNEL, (payload) => this.onChange(payload)));
    this.unlisten.push(await this.database.listen(PRESENCE_CHANNEL, (payload) => this.onPresence(payload)));
    this.timer = setInterval(() => this.expire(), 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const stop of this.unlisten) await stop().catch(() => undefined);
    this.unlisten = [];
  }

  add(client: Omit<Client, "id" | "ticketId">): Client {
    const full: Client = { ...client, id: randomUUID(), ticketId: null };
    this.clients.add(full);
    return full;
  }

  async remove(client: Client): Promise<void> {
    this.clients.delete(client);
    if (client.ticketId) await this.publishPresence(client, client.ticketId, "left");
  }

  get size(): number {
    return this.clients.size;
  }

  /** The client looks at a ticket (access already checked) or at none. */
  async view(client: Client, ticketId: string | null, state: "viewing" | "typing" = "viewing"): Promise<void> {
    const previous = client.ticketId;
    client.ticketId = ticketId;
    if (previous && previous !== ticketId) await this.publishPresence(client, previous, "left");
    if (ticketId) {
      // Tell the newcomer at once who is already here.
      client.send({ type: "presence", ticketId, agents: this.presentOn(ticketId) });
      await this.publishPresence(client, ticketId, state);
    }
  }

  private async publishPresence(client: Client, ticketId: string, state: PresenceState): Promise<void> {
    const notice: PresenceNotice = {
      workspaceId: client.workspaceId,
      ticketId,
      connectionId: client.id,
      agentId: client.actor.agentId,
      name: client.actor.name,
      state,
    };
    await this.database.executeSql("select pg_notify($1, $2)", [PRESENCE_CHANNEL, JSON.stringify(notice)]);
  }

  private presentOn(ticketId: string) {
    const byAgent = new Map<string, { agentId: string; name: string; typing: boolean }>();
    for (const p of this.presence.get(ticketId)?.values() ?? []) {
      const seen = byAgent.get(p.agentId);
      byAgent.set(p.agentId, { agentId: p.agentId, name: p.name, typing: (seen?.typing ?? false) || p.state === "typing" });
    }
    return [...byAgent.values()];
  }

  private onPresence(payload: string): void {
    let notice: PresenceNotice;
    try {
      notice = JSON.parse(payload) as PresenceNotice;
    } catch {
      return;
    }
    let onTicket = this.presence.get(notice.ticketId);
    if (notice.state === "left") onTicket?.delete(notice.connectionId);
    else {
      if (!onTicket) this.presence.set(notice.ticketId, (onTicket = new Map()));
      onTicket.set(notice.connectionId, { agentId: notice.agentId, name: notice.name, state: notice.state, seenAt: this.now() });
    }
    if (onTicket && onTicket.size === 0) this.presence.delete(notice.ticketId);
    this.broadcastPresence(notice.workspaceId, notice.ticketId);
  }

  private broadcastPresence(workspaceId: string, ticketId: string) {
    const agents = this.presentOn(ticketId);
    for (const client of this.clients) {
      if (client.workspaceId === workspaceId && client.ticketId === ticketId) client.send({ type: "presence", ticketId, agents });
    }
  }

  private expire() {
    const cutoff = this.now() - PRESENCE_TTL_MS;
    for (const [ticketId, onTicket] of this.presence) {
      let changed = false;
      for (const [id, p] of onTicket) {
        if (p.seenAt < cutoff) {
          onTicket.delete(id);
          changed = true;
        }
      }
      if (onTicket.size === 0) this.presence.delete(ticketId);
      if (changed) {
        const client = [...this.clients].find((c) => c.ticketId === ticketId);
        if (client) this.broadcastPresence(client.workspaceId, ticketId);
      }
    }
  }

  private onChange(payload: string): void {
    let notice: ChangeNotice;
    try {
      notice = JSON.parse(payload) as ChangeNotice;
    } catch {
      return;
    }
    for (const client of this.clients) {
      if (client.workspaceId !== notice.workspaceId) continue;
      if (notice.type === "agent.mentioned") {
        if (notice.subjectId === client.actor.agentId) client.send({ type: "mention", ...publicPart(notice) });
        continue;
      }
      // A notification is addressed to one agent (its subject); nobody else hears of it.
      if (notice.type === "agent.notified") {
        if (notice.subjectId === client.actor.agentId) client.send({ type: "notification", ...publicPart(notice) });
        continue;
      }
      if (notice.deskId && !canAccessDesk(client.actor, notice.deskId)) continue;
      client.send({ type: "change", ...publicPart(notice) });
    }
  }
}

const publicPart = (n: ChangeNotice) => ({
  activityType: n.type,
  activityId: n.activityId,
  ticketId: n.ticketId,
  deskId: n.deskId,
  version: n.version,
  actorId: n.actorId,
  subjectId: n.subjectId,
});
