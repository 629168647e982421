import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import { z } from "zod";
import type { App } from "../../../app";
import { systemActor } from "../../../platform/context";
import { DomainError } from "../../../platform/errors";
import { t } from "../../../platform/i18n";
import { findContactByIdentity } from "../../contacts/service";
import { normaliseEmail } from "../../desks/addresses";
import { listDeskAddresses } from "../../desks/service";
import { ctxOf } from "../../identity/http";
import { findEndpoint, receiveInbound } from "../../intake/pipeline";
import { findOpenConversation } from "../../tickets/lookup";
import { listMessages } from "../../tickets/messages";
import { ChatHub } from "./hub";

/**
 * Live chat: the widget script, the fans' WebSocket and the agents' presence
 * socket. A fan's message goes through intake like any other and is acked
 * only after commit; an agent's reply (an ordinary outbound message on the
 * chat ticket) is announced by the delivery reactor and pushed to the fan's
 * sockets by whichever server process holds them (hub.ts). When
 * no agent is online the widget asks for an e-mail and the conversation
 * continues as an e-mail ticket, transcript included.
 */
let widget: { js: string; gzip: Buffer } | undefined;

export async function widgetScript(): Promise<{ js: string; gzip: Buffer }> {
  if (widget) return widget;
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [fileURLToPath(new URL("./widget.client.ts", import.meta.url))],
    bundle: true,
    minify: true,
    format: "iife",
    target: "es2019",
    write: false,
    legalComments: "none",
  });
  const js = result.outputFiles[0]!.text;
  widget = { js, gzip: gzipSync(js) };
  return widget;
}

const fanEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), visitorId: z.uuid(), locale: z.string().max(20).optional(), email: z.string().max(320).optional(), name: z.string().max(200).optional() }),
  z.object({ type: z.literal("email"), email: z.string().max(320) }),
  z.object({ type: z.literal("message"), id: z.uuid(), text: z.string().min(1).max(5000) }),
]);

export async function chatRoutes(server: FastifyInstance): Promise<void> {
  const app = server.usher;
  const chatHub = new ChatHub(app);
  await chatHub.start();
  server.addHook("onClose", async () => chatHub.stop());

  server.get("/chat/widget.js", { schema: { hide: true } }, async (request, reply) => {
    const { js, gzip } = await widgetScript();
    reply.header("content-type", "application/javascript; charset=utf-8").header("cache-control", "public, max-age=300");
    if (/\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""))) return reply.header("content-encoding", "gzip").send(gzip);
    return reply.send(js);
  });

  server.get("/chat/socket", { websocket: true, schema: { hide: true } }, (socket, request) => {
    const key = String((request.query as Record<string, unknown>).key ?? "");
    void fanSession(app, chatHub, socket, key);
  });

  // Agents signed in to the workspace keep this open: it is how the widget knows someone is there to answer.
  server.get("/api/v1/chat/presence", { websocket: true, schema: { hide: true } }, (socket, request) => {
    let ctx;
    try {
      ctx = ctxOf(request);
    } catch {
      socket.close(4401, "sign in first");
      return;
    }
    const leave = chatHub.agentOnline(ctx.workspaceId, { send: (event) => socket.send(JSON.stringify(event)) });
    socket.on("close", leave);
    socket.send(JSON.stringify({ type: "online", agentsOnline: chatHub.agentsOnline(ctx.workspaceId) }));
  });
}

async function fanSession(app: App, chatHub: ChatHub, socket: WebSocket, key: string): Promise<void> {
  const send = (event: Record<string, unknown>) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(event));
  // Frames can arrive while the widget key is being looked up: listen now, handle them in order once it is known.
  let open!: () => void;
  let queue: Promise<void> = new Promise<void>((resolve) => (open = resolve));
  let handle: (raw: string) => Promise<void> = async () => undefined;
  socket.on("message", (data) => {
    queue = queue.then(() => handle(String(data))).catch((err: unknown) => {
      app.log.warn({ err }, "chat: event failed");
      send({ type: "error", code: err instanceof DomainError ? err.code : "internal", message: err instanceof DomainError ? err.message : "Something went wrong; try again" });
    });
  });
  const endpoint = await findEndpoint(app.database.db, "chat", key).catch(() => undefined);
  if (!endpoint || endpoint.desk.archivedAt) {
    send({ type: "error", code: "intake.unknown_endpoint", message: "This chat is not available" });
    socket.close(4404, "unknown widget key");
    return;
  }
  const workspaceId = endpoint.address.workspaceId;
  const system = app.ctx(workspaceId, systemActor("chat"));
  const state: {
    visitorId?: string;
    email?: string;
    locale?: string;
    name?: string;
    leave?: () => void;
    ticketId?: string;
    threadRef?: string;
    firstText?: string;
  } = {};
  const peer = { send: (event: Record<string, unknown>) => void send(event) };
  const join = (ticketId: string) => {
    if (state.ticketId === ticketId) return;
    state.leave?.();
    state.ticketId = ticketId;
    state.leave = chatHub.joinConversation(ticketId, peer);
  };
  // The visitor id is a random UUID only this browser knows: it is the fan's only proof of who they are.
  // An e-mail address they type is a claim, used to answer them by e-mail, never to show them anything.
  const visitor = () => ({ kind: "app" as const, provider: `chat:${key}`, value: state.visitorId! });
  socket.on("close", () => state.leave?.());

  // One event at a time, in order: a fan's messages are acked in the order they were typed.
  handle = handleEvent;
  open();

  async function handleEvent(raw: string) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new DomainError("request.invalid_json", "Not JSON");
    }
    const parsed = fanEvent.safeParse(json);
    if (!parsed.success) throw new DomainError("validation.failed", "Not a chat event this server knows");
    const event = parsed.data;
    if (event.type === "hello") {
      state.visitorId = event.visitorId;
      state.locale = event.locale;
      state.name = event.name;
      if (event.email) state.email = normaliseEmail(event.email);
      const history = await historyOf();
      send({ type: "ready", agentsOnline: chatHub.agentsOnline(workspaceId), history });
      if (chatHub.agentsOnline(workspaceId) === 0) send({ type: "offline" });
      return;
    }
    if (!state.visitorId) throw new DomainError("validation.failed", "Say hello first");
    if (event.type === "email") {
      const email = normaliseEmail(event.email);
      if (!email) throw new DomainError("validation.failed", "That is not an e-mail address");
      state.email = email;
      return;
    }
    const online = chatHub.agentsOnline(workspaceId) > 0;
    if (!online && !state.email) {
      send({ type: "offline" });
      throw new DomainError("validation.failed", "Leave your e-mail so we can answer");
    }
    // Nobody online: the conversation continues by e-mail, from the desk's address.
    const mailbox = online ? undefined : (await listDeskAddresses(system, endpoint!.desk.id)).find((a) => a.channel === "email");
    const result = await receiveInbound(
      { db: app.database.db, clock: app.clock, outbox: app.outbox },
      mailbox
        ? {
            channel: "email",
            to: mailbox.address,
            from: { identities: [{ kind: "email" as const, value: state.email! }, visitor()], name: state.name, locale: state.locale ?? null },
            externalId: `<chat.${state.visitorId}.${event.id}@usher.chat>`,
            subject: t(endpoint!.desk.defaultLanguage, "channels:chatSubject", { text: (state.firstText ??= event.text).slice(0, 60) }),
            text: event.text,
            // Every message of this conversation names the first one, as a mail reply would: one ticket.
            references: state.threadRef ? [state.threadRef] : [],
            metadata: { via: "chat", widget: key },
            receivedAt: app.clock.now(),
          }
        : {
            channel: "chat",
            to: key,
            from: { identities: [visitor()], name: state.name, locale: state.locale ?? null },
            externalId: `chat:${state.visitorId}:${event.id}`,
            text: event.text,
            metadata: { via: "chat", widget: key },
            receivedAt: app.clock.now(),
          },
      { workspaceId, mergeContacts: false },
    );
    if (mailbox) state.threadRef ??= `<chat.${state.visitorId}.${event.id}@usher.chat>`;
    join(result.ticketId);
    send({ type: "ack", id: event.id, ticketNumber: result.ticketNumber });
    chatHub.notifyAgents(workspaceId, { type: "chat.message", ticketId: result.ticketId, ticketNumber: result.ticketNumber, text: event.text });
  }

  async function historyOf() {
    const contact = await findContactByIdentity(system, visitor());
    if (!contact) return [];
    const ticket = await findOpenConversation(system, { requesterId: contact.mergedIntoId ?? contact.id, deskId: endpoint!.desk.id, channel: "chat", reopenWithinMs: 24 * 3600_000 });
    if (!ticket) return [];
    const page = await listMessages(system, ticket.id, { includeNotes: false, limit: 100 });
    // Only a conversation this browser took part in: the contact may have been linked to others since.
    if (!page.items.some((m) => m.externalId?.startsWith(`chat:${state.visitorId}:`))) return [];
    join(ticket.id);
    return page.items.map((m) => ({ author: m.kind === "inbound" ? "fan" : "agent", text: m.text, at: m.createdAt.toISOString() }));
  }
}
