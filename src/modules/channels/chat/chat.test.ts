import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect } from "../../../../test/chat-client";
import { makeWorkspace, uid } from "../../../../test/factories";
import { openTestApp, settle } from "../../../../test/helpers";
import type { App } from "../../../app";
import { buildServer } from "../../../server";
import { addDeskAddress } from "../../desks/service";
import { createApiToken } from "../../identity/auth";
import { addMessage, listMessages } from "../../tickets/messages";
import { getTicket } from "../../tickets/service";

/** The chat widget's socket with a real WebSocket client, against the server listening on loopback. */
let app: App;
let server: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = await openTestApp();
  server = await buildServer(app, { logger: false });
  await server.listen({ port: 0, host: "127.0.0.1" });
  base = `127.0.0.1:${(server.server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
}, 60_000);

async function chatDesk() {
  const ws = await makeWorkspace(app);
  const key = `lumen-${uid()}`;
  await addDeskAddress(ws.system, ws.desk.id, { channel: "chat", address: key });
  await addDeskAddress(ws.system, ws.desk.id, { channel: "email", address: `help-${uid()}@lumen.example` });
  const { token } = await createApiToken(ws.admin.ctx, { name: "workspace" });
  return { ...ws, key, token };
}

describe("the chat widget", { timeout: 30_000 }, () => {
  it("is one script under 50 kB gzipped", async () => {
    const res = await fetch(`http://${base}/chat/widget.js`, { headers: { "accept-encoding": "gzip" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const raw = await fetch(`http://${base}/chat/widget.js`, { headers: { "accept-encoding": "identity" } }).then((r) => r.text());
    expect(raw).toContain("usher-chat");
    const { gzipSync } = await import("node:zlib");
    expect(gzipSync(raw).length).toBeLessThan(50 * 1024);
  });

  it("carries a conversation with an online agent both ways, and keeps the transcript on the ticket", async () => {
    const { workspace, system, admin, key, token } = await chatDesk();
    const agent = await connect(`ws://${base}/api/v1/chat/presence`, { authorization: `Bearer ${token}` });
    expect(await agent.next("online")).toMatchObject({ agentsOnline: 1 });

    const visitorId = randomUUID();
    const fan = await connect(`ws://${base}/chat/socket?key=${key}`);
    fan.send({ type: "hello", visitorId, locale: "en-GB" });
    expect(await fan.next("ready")).toMatchObject({ agentsOnline: 1, history: [] });
    const id = randomUUID();
    fan.send({ type: "message", id, text: "Hi! Is there step-free access at the Arena?" });
    const ack = await fan.next("ack");
    expect(ack).toMatchObject({ id, ticketNumber: expect.any(Number) });
    expect(await agent.next("chat.message")).toMatchObject({ ticketNumber: ack.ticketNumber, text: "Hi! Is there step-free access at the Arena?" });

    const ticket = await getTicket(system, ack.ticketNumber as number);
    expect(ticket.channel).toBe("chat");
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Yes — use the north entrance, lifts to every level." });
    await settle(app, workspace.id);
    expect(await fan.next("message")).toMatchObject({ author: "agent", text: "Yes — use the north entrance, lifts to every level." });
    fan.socket.close();

    // The fan comes back: the transcript is there.
    const again = await connect(`ws://${base}/chat/socket?key=${key}`);
    again.send({ type: "hello", visitorId });
    const ready = await again.next("ready");
    expect((ready.history as { author: string }[]).map((m) => m.author)).toEqual(["fan", "agent"]);
    again.socket.close();
    agent.socket.close();
  });

  it("asks for an e-mail when no agent is online and continues as one e-mail ticket", async () => {
    const { workspace, system, admin, key } = await chatDesk();
    const fan = await connect(`ws://${base}/chat/socket?key=${key}`);
    fan.send({ type: "hello", visitorId: randomUUID() });
    expect(await fan.next("ready")).toMatchObject({ agentsOnline: 0 });
    await fan.next("offline");
    fan.send({ type: "message", id: randomUUID(), text: "hello?" });
    expect(await fan.next("error")).toMatchObject({ code: "validation.failed" });
    const email = `night-owl-${uid()}@example.com`;
    fan.send({ type: "email", email });
    fan.send({ type: "message", id: randomUUID(), text: "My e-ticket shows the wrong date." });
    const first = await fan.next("ack");
    fan.send({ type: "message", id: randomUUID(), text: "It says Friday, the show is Saturday." });
    const second = await fan.next("ack");
    expect(second.ticketNumber).toBe(first.ticketNumber);
    const ticket = await getTicket(system, first.ticketNumber as number);
    expect(ticket.channel).toBe("email");
    expect((await listMessages(system, ticket.id)).items.map((m) => m.text)).toEqual([
      "My e-ticket shows the wrong date.",
      "It says Friday, the show is Saturday.",
    ]);
    await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Thanks — a corrected ticket is on its way." });
    await settle(app, workspace.id);
    expect(app.mailer.sent.some((m) => m.to === email && m.text.includes("corrected ticket"))).toBe(true);
    fan.socket.close();
  });

  it("never shows a conversation to a visitor who only claims the fan's e-mail", async () => {
    const { key, token } = await chatDesk();
    const email = `dana-${uid()}@example.com`;
    // Dana leaves her e-mail while nobody is online, then chats with an agent.
    const dana = await connect(`ws://${base}/chat/socket?key=${key}`);
    const danaId = randomUUID();
    dana.send({ type: "hello", visitorId: danaId, email });
    await dana.next("offline");
    dana.send({ type: "message", id: randomUUID(), text: "Anyone there?" });
    await dana.next("ack");
    const agent = await connect(`ws://${base}/api/v1/chat/presence`, { authorization: `Bearer ${token}` });
    await agent.next("online");
    dana.send({ type: "message", id: randomUUID(), text: "My seat is 14F, booking LL-77" });
    await dana.next("ack");
    agent.socket.close();
    await new Promise((r) => setTimeout(r, 100));
    // Mallory types Dana's e-mail while nobody is online, then comes back.
    const mallory = await connect(`ws://${base}/chat/socket?key=${key}`);
    const malloryId = randomUUID();
    mallory.send({ type: "hello", visitorId: malloryId, email });
    await mallory.next("offline");
    mallory.send({ type: "message", id: randomUUID(), text: "what was my booking?" });
    await mallory.next("ack");
    mallory.socket.close();
    const again = await connect(`ws://${base}/chat/socket?key=${key}`);
    again.send({ type: "hello", visitorId: malloryId });
    expect(await again.next("ready")).toMatchObject({ history: [] });
    again.socket.close();
    // Dana herself still sees hers.
    const back = await connect(`ws://${base}/chat/socket?key=${key}`);
    back.send({ type: "hello", visitorId: danaId });
    expect(JSON.stringify(await back.next("ready"))).toContain("14F");
    back.socket.close();
    dana.socket.close();
  });

  it("refuses an unknown widget key and junk frames without crashing", async () => {
    const bad = await connect(`ws://${base}/chat/socket?key=nope-${uid()}`);
    expect(await bad.next("error")).toMatchObject({ code: "intake.unknown_endpoint" });
    const { key } = await chatDesk();
    const fan = await connect(`ws://${base}/chat/socket?key=${key}`);
    fan.socket.send("{not json");
    expect(await fan.next("error")).toMatchObject({ code: "request.invalid_json" });
    fan.send({ type: "message", id: "x", text: "<script>" });
    expect(await fan.next("error")).toMatchObject({ code: "validation.failed" });
    fan.socket.close();
  });
});
