import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeAgent, makeTicket, makeWorkspace } from "../../../test/factories";
import { openTestApp, settle } from "../../../test/helpers";
import { inTransaction } from "../../platform/context";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";
import { createTeam } from "../identity/service";
import { addMessage } from "../tickets/messages";
import { createTicket, updateTicket } from "../tickets/service";

/** `ws` comes with @fastify/websocket; Node 20 has no WebSocket client of its own. */
interface WsClient {
  on(event: "message", listener: (data: Buffer) => void): void;
  on(event: "open" | "close", listener: () => void): void;
  on(event: "error" | "unexpected-response", listener: (...args: unknown[]) => void): void;
  send(data: string): void;
  close(): void;
}
const WebSocket = createRequire(import.meta.url)("ws") as new (url: string, options?: { headers?: Record<string, string> }) => WsClient;

let app: App;
let server: FastifyInstance;
let base: string;
beforeAll(async () => {
  app = await openTestApp();
  server = await buildServer(app, { logger: false });
  await server.listen({ host: "127.0.0.1", port: 0 });
  base = `ws://127.0.0.1:${(server.server.address() as AddressInfo).port}/api/v1/realtime`;
});
afterAll(async () => {
  await server.close();
  await app.close();
});

interface Socket {
  events: Record<string, unknown>[];
  send(message: unknown): void;
  next(match: (e: Record<string, unknown>) => boolean, ms?: number): Promise<Record<string, unknown>>;
  close(): void;
}

async function connect(ctx: Parameters<typeof createApiToken>[0], headers: Record<string, string> = {}): Promise<Socket> {
  const { token } = await createApiToken(ctx, { name: "ws" });
  const ws = new WebSocket(base, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const events: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on("message", (data) => {
    events.push(JSON.parse(String(data)));
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    ws.on("open", resolve);
    ws.on("error", reject);
    ws.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${(res as { statusCode: number }).statusCode}`)));
  });
  return {
    events,
    send: (message) => ws.send(JSON.stringify(message)),
    async next(match, ms = 5_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(events)}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => ws.close(),
  };
}

const settleMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("real time over WebSocket", () => {
  it("pushes committed changes to the agents who may see the desk, never rolled-back ones", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app);
    const fans = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const ads = await makeAgent(app, workspace.id, { deskIds: [otherDesk.id] });
    const a = await connect(fans.ctx);
    const b = await connect(ads.ctx);
    await a.next((e) => e.type === "hello");

    // Rolled back: nothing may reach anyone.
    await expect(
      inTransaction(admin.ctx, async (tx) => {
        await makeTicket(tx, desk.id, { subject: "Never happened" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    const ticket = await makeTicket(admin.ctx, desk.id);
    const created = await a.next((e) => e.type === "change" && e.activityType === "ticket.created" && e.ticketId === ticket.id);
    expect(created).toMatchObject({ deskId: desk.id, actorId: admin.agent.id });
    expect(a.events.filter((e) => e.activityType === "ticket.created")).toHaveLength(1);

    await updateTicket(admin.ctx, ticket.id, { priority: "urgent" });
    await a.next((e) => e.activityType === "ticket.updated" && e.ticketId === ticket.id);
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "On it" });
    await a.next((e) => e.activityType === "message.sent" && e.ticketId === ticket.id);

    // The advertisers' agent saw none of it, but sees their own desk.
    const theirs = await createTicket(admin.ctx, {
      deskId: otherDesk.id,
      subject: "Campaign paused",
      channel: "email",
      requester: { identities: [{ kind: "email", value: "ads@example.com" }] },
    });
    await b.next((e) => e.activityType === "ticket.created" && e.ticketId === theirs.id);
    expect(b.events.filter((e) => e.ticketId === ticket.id)).toEqual([]);
    a.close();
    b.close();
  });

  it("shares who is viewing and typing on a ticket, and only with agents who may open it", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app);
    const sam = await makeAgent(app, workspace.id, { deskIds: [desk.id], name: "Sam Reid" });
    const olena = await makeAgent(app, workspace.id, { allDesks: true, name: "Olena Kovalenko" });
    const outsider = await makeAgent(app, workspace.id, { deskIds: [otherDesk.id] });
    const ticket = await makeTicket(admin.ctx, desk.id);
    const a = await connect(sam.ctx);
    const b = await connect(olena.ctx);
    const c = await connect(outsider.ctx);

    a.send({ type: "view", ticketId: ticket.id });
    await a.next((e) => e.type === "presence" && (e.agents as unknown[]).length === 1);
    b.send({ type: "view", ticketId: ticket.id });
    await a.next((e) => e.type === "presence" && JSON.stringify(e.agents).includes("Olena Kovalenko"));
    b.send({ type: "typing", ticketId: ticket.id, typing: true });
    await a.next((e) => e.type === "presence" && JSON.stringify(e.agents).includes('"typing":true'));

    // An agent without the desk cannot watch the ticket, and learns nothing of who is there.
    c.send({ type: "view", ticketId: ticket.id });
    await c.next((e) => e.type === "error" && e.code === "not_found");
    expect(c.events.filter((e) => e.type === "presence")).toEqual([]);
    c.send({ type: "view", ticketId: "not-a-uuid" });
    await c.next((e) => e.type === "error" && e.code === "validation.failed");

    // Leaving (closing the tab) is seen too.
    const before = a.events.length;
    b.close();
    await a.next((e, i = a.events.indexOf(e)) => i >= before && e.type === "presence" && (e.agents as unknown[]).length === 1);
    a.close();
    c.close();
  });

  it("tells a mentioned agent (and a mentioned team's members), records it, and refuses other origins", async () => {
    const { admin, desk, otherDesk, workspace } = await makeWorkspace(app);
    const aoife = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const taras = await makeAgent(app, workspace.id, { deskIds: [desk.id] });
    const stranger = await makeAgent(app, workspace.id, { deskIds: [otherDesk.id] });
    const team = await createTeam(admin.ctx, {
      key: "tier-2",
      name: "Tier 2",
      agentIds: [taras.agent.id, stranger.agent.id, admin.agent.id],
    });
    const ticket = await makeTicket(admin.ctx, desk.id);
    const socket = await connect(aoife.ctx);
    const tarasSocket = await connect(taras.ctx);
    const { message } = await addMessage(admin.ctx, ticket.id, {
      kind: "note",
      text: "@Aoife and @Tier 2, please look",
      mentions: { agentIds: [aoife.agent.id], teamIds: [team.id] },
    });
    expect(message.metadata).toEqual({ mentions: { agentIds: [aoife.agent.id], teamIds: [team.id] } });
    await socket.next((e) => e.type === "mention" && e.ticketId === ticket.id && e.subjectId === aoife.agent.id);
    const { rows } = await app.database.executeSql(
      "select subject_id from activities where workspace_id = $1 and type = 'agent.mentioned' order by subject_id",
      [workspace.id],
    );
    // The writer and the agent who cannot see the desk are not told.
    expect(rows.map((r: { subject_id: string }) => r.subject_id).sort()).toEqual([aoife.agent.id, taras.agent.id].sort());
    // The kept notification (written by a queued reactor) nudges each agent's own socket, and only theirs.
    await settle(app, workspace.id);
    await socket.next((e) => e.type === "notification" && e.ticketId === ticket.id && e.subjectId === aoife.agent.id);
    await tarasSocket.next((e) => e.type === "notification" && e.ticketId === ticket.id && e.subjectId === taras.agent.id);
    expect(socket.events.filter((e) => e.type === "notification").map((e) => e.subjectId)).toEqual([aoife.agent.id]);
    tarasSocket.close();
    await expect(addMessage(admin.ctx, ticket.id, { kind: "note", text: "x", mentions: { agentIds: [ticket.id] } })).rejects.toMatchObject({
      code: "validation.failed",
    });

    await expect(connect(aoife.ctx, { origin: "https://evil.example" })).rejects.toThrow("HTTP 403");
    await settleMs(10);
    socket.close();
  });
});
