import type { App } from "../../../app";
import { type Ctx, systemActor } from "../../../platform/context";
import { CHAT_CHANNEL, notifyProcesses } from "../../realtime/reactors";
import { getMessage } from "../../tickets/messages";
import { reportDelivery } from "../status";

/**
 * The chat sockets connected to one server: fans by their conversation
 * (ticket), agents by workspace (to know whether anyone is online).
 *
 * An agent's reply reaches the fan through the database, as the agents'
 * real-time feed does: the delivery reactor NOTIFYs `usher_chat` in its
 * transaction, every server LISTENs (also the one that sent it), and the one
 * holding the fan's socket pushes the reply and marks it delivered. So it
 * does not matter which process runs the job or holds the socket; a fan
 * offline at that moment reads it in the transcript on reconnect.
 */
export interface ChatPeer {
  send(event: Record<string, unknown>): void;
}

/** What goes over NOTIFY (payloads are limited to 8000 bytes: ids only; the text is read from the database). */
export interface ChatReplyNotice {
  workspaceId: string;
  ticketId: string;
  messageId: string;
}

/** Announces a reply to every server process, when the caller's transaction commits. */
export async function publishChatReply(ctx: Ctx, reply: Omit<ChatReplyNotice, "workspaceId">): Promise<void> {
  const notice: ChatReplyNotice = { workspaceId: ctx.workspaceId, ...reply };
  await notifyProcesses(ctx, CHAT_CHANNEL, notice);
}

export class ChatHub {
  private readonly fans = new Map<string, Set<ChatPeer>>();
  private readonly agents = new Map<string, Set<ChatPeer>>();
  private unlisten: (() => Promise<void>) | undefined;
  /** Replies being pushed, so a test or shutdown can wait for them. */
  private pending = Promise.resolve();

  constructor(private readonly app: Pick<App, "database" | "clock" | "outbox" | "log">) {}

  async start(): Promise<void> {
    this.unlisten = await this.app.database.listen(CHAT_CHANNEL, (payload) => {
      this.pending = this.pending.then(() => this.onReply(payload)).catch((err: unknown) => this.app.log.warn({ err }, "chat: reply push failed"));
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.().catch(() => undefined);
    await this.pending;
  }

  joinConversation = (ticketId: string, peer: ChatPeer) => add(this.fans, ticketId, peer);
  agentOnline = (workspaceId: string, peer: ChatPeer) => add(this.agents, workspaceId, peer);
  agentsOnline = (workspaceId: string) => this.agents.get(workspaceId)?.size ?? 0;

  notifyAgents(workspaceId: string, event: Record<string, unknown>): void {
    for (const peer of this.agents.get(workspaceId) ?? []) peer.send(event);
  }

  private async onReply(payload: string): Promise<void> {
    let notice: ChatReplyNotice;
    try {
      notice = JSON.parse(payload) as ChatReplyNotice;
    } catch {
      return;
    }
    const peers = this.fans.get(notice.ticketId);
    if (!peers?.size) return; // not on this process (or offline: the transcript has it)
    const ctx: Ctx = {
      db: this.app.database.db,
      clock: this.app.clock,
      outbox: this.app.outbox,
      workspaceId: notice.workspaceId,
      actor: systemActor("chat"),
    };
    const message = await getMessage(ctx, notice.messageId);
    if (message.ticketId !== notice.ticketId || message.kind !== "outbound") return;
    for (const peer of peers) peer.send({ type: "message", id: message.id, author: "agent", text: message.text, at: message.createdAt.toISOString() });
    await reportDelivery(ctx, message.id, { status: "delivered", source: "chat" });
  }
}

function add(map: Map<string, Set<ChatPeer>>, key: string, peer: ChatPeer): () => void {
  const set = map.get(key) ?? new Set();
  set.add(peer);
  map.set(key, set);
  return () => {
    set.delete(peer);
    if (set.size === 0) map.delete(key);
  };
}
