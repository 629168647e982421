import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../src/app";
import { addDeskAddress } from "../src/modules/desks/service";
import { createApiToken } from "../src/modules/identity/auth";
import { addMessage, listMessages } from "../src/modules/tickets/messages";
import { getTicket } from "../src/modules/tickets/service";
import { buildServer } from "../src/server";
import { type ChatClient, connect } from "./chat-client";
import { makeWorkspace, uid } from "./factories";
import { openTestApp, settle } from "./helpers";

/**
 * Two Usher servers on one PostgreSQL database, as `usher serve --processes 2`
 * or two machines run it: each has its own pool, its own LISTEN connection
 * and its own sockets. The fan is connected to one; the delivery job runs on
 * the other. The reply must reach the fan exactly once, and a fan who was
 * offline reads it in the transcript.
 */
interface Instance {
  app: App;
  server: FastifyInstance;
  base: string;
}
let one: Instance;
let two: Instance;

async function instance(): Promise<Instance> {
  const app = await openTestApp();
  const server = await buildServer(app, { logger: false });
  await server.listen({ port: 0, host: "127.0.0.1" });
  return { app, server, base: `127.0.0.1:${(server.server.address() as AddressInfo).port}` };
}

beforeAll(async () => {
  one = await instance();
  two = await instance();
}, 60_000);
afterAll(async () => {
  for (const i of [one, two]) {
    await i?.server.close();
    await i?.app.close();
  }
}, 60_000);

const quiet = () => new Promise((r) => setTimeout(r, 400));
const agentReplies = (c: ChatClient) => c.received.filter((e) => e.type === "message");

describe("chat replies across server processes", { timeout: 60_000 }, () => {
  it("reach the fan on the other process exactly once, and a fan offline finds them on reconnect", async () => {
    const ws = await makeWorkspace(one.app);
    const key = `lumen-${uid()}`;
    await addDeskAddress(ws.system, ws.desk.id, { channel: "chat", address: key });
    const { token } = await createApiToken(ws.admin.ctx, { name: "workspace" });

    // The agent is online on process two, the fan chats through process two; the reply is sent from process one.
    const agent = await connect(`ws://${two.base}/api/v1/chat/presence`, { authorization: `Bearer ${token}` });
    await agent.next("online");
    const visitorId = randomUUID();
    const fan = await connect(`ws://${two.base}/chat/socket?key=${key}`);
    fan.send({ type: "hello", visitorId });
    await fan.next("ready");
    fan.send({ type: "message", id: randomUUID(), text: "Is the cloakroom open during the interval?" });
    const ack = await fan.next("ack");
    // A second tab of the same browser, on process one.
    const tab = await connect(`ws://${one.base}/chat/socket?key=${key}`);
    tab.send({ type: "hello", visitorId });
    expect((await tab.next("ready")).history).toHaveLength(1);

    const system = one.app.ctx(ws.workspace.id, { kind: "system", name: "test" });
    const ticket = await getTicket(system, ack.ticketNumber as number);
    const { message } = await addMessage(ws.admin.ctx, ticket.id, { kind: "outbound", text: "Yes, until the end of the show." });
    await settle(one.app, ws.workspace.id);
    expect(await fan.next("message")).toMatchObject({ id: message.id, author: "agent", text: "Yes, until the end of the show." });
    expect(await tab.next("message")).toMatchObject({ id: message.id });
    await quiet();
    expect(agentReplies(fan)).toHaveLength(1);
    expect(agentReplies(tab)).toHaveLength(1);
    const reply = (await listMessages(system, ticket.id)).items.find((m) => m.id === message.id)!;
    expect(reply.deliveryStatus).toBe("delivered");

    // The fan closes both; the next reply waits in the transcript.
    fan.socket.close();
    tab.socket.close();
    await quiet();
    const { message: later } = await addMessage(ws.admin.ctx, ticket.id, { kind: "outbound", text: "And the bar opens at 6." });
    await settle(two.app, ws.workspace.id);
    expect((await listMessages(system, ticket.id)).items.find((m) => m.id === later.id)!.deliveryStatus).toBe("sent");
    const back = await connect(`ws://${one.base}/chat/socket?key=${key}`);
    back.send({ type: "hello", visitorId });
    const ready = await back.next("ready");
    expect((ready.history as { author: string; text: string }[]).map((m) => `${m.author}: ${m.text}`)).toEqual([
      "fan: Is the cloakroom open during the interval?",
      "agent: Yes, until the end of the show.",
      "agent: And the bar opens at 6.",
    ]);
    await quiet();
    expect(agentReplies(back)).toHaveLength(0);
    back.socket.close();
    agent.socket.close();
  });
});
