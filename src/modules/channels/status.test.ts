import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAKE_META_TOKEN, FAKE_TWILIO_TOKEN, type FakeProviders, startFakeProviders } from "../../../test/fakes/messaging";
import { makeAgent, makeWorkspace, uid } from "../../../test/factories";
import { openTestApp, settle } from "../../../test/helpers";
import type { App } from "../../app";
import { buildServer } from "../../server";
import { listTicketActivities } from "../activity/service";
import { addDeskAddress } from "../desks/service";
import { createApiToken } from "../identity/auth";
import { addMessage } from "../tickets/messages";
import { listTickets } from "../tickets/service";
import { hubSignature } from "./meta/api";
import { twilioSignature } from "./twilio/api";

/**
 * Delivery state of outbound messages from the providers' own callbacks:
 * Twilio's StatusCallback (form-encoded, X-Twilio-Signature) and the
 * `statuses` of Meta's WhatsApp webhooks (X-Hub-Signature-256), signed as
 * the providers sign them. Replies go to local fakes of their APIs.
 */
const PUBLIC = "https://help.lumen.example";
let app: App;
let server: FastifyInstance;
let fake: FakeProviders;

beforeAll(async () => {
  fake = await startFakeProviders();
  app = await openTestApp({ config: { publicUrl: PUBLIC } });
  server = await buildServer(app, { logger: false });
  await server.ready();
}, 60_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
}, 60_000);

const phone = () => `+1555${Math.floor(1000000 + Math.random() * 8999999)}`;

function twilioPost(path: string, form: Record<string, string>, token = FAKE_TWILIO_TOKEN, signature?: string | null) {
  const sig = signature === undefined ? twilioSignature(token, `${PUBLIC}${path}`, form) : signature;
  return server.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(sig ? { "x-twilio-signature": sig } : {}) },
    payload: new URLSearchParams(form).toString(),
  });
}

function metaPost(addressId: string, payload: unknown, secret = "meta-app-secret") {
  const raw = Buffer.from(JSON.stringify(payload));
  return server.inject({
    method: "POST",
    url: `/webhooks/meta/${addressId}`,
    headers: { "content-type": "application/json", "x-hub-signature-256": hubSignature(secret, raw) },
    payload: raw,
  });
}

/** The messages as the API shows them to an agent. */
async function apiMessages(workspaceId: string, ticketId: string) {
  const agent = await makeAgent(app, workspaceId, { role: "admin", allDesks: true });
  const { token } = await createApiToken(agent.ctx, { name: "test" });
  const res = await server.inject({ method: "GET", url: `/api/v1/tickets/${ticketId}/messages`, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: { id: string; kind: string; externalId: string | null; deliveryStatus: string | null; deliveryError: unknown }[] }).items;
}

async function failures(workspaceId: string, ticketId: string) {
  const ctx = app.ctx(workspaceId, { kind: "system", name: "test" });
  return (await listTicketActivities(ctx, ticketId)).items.filter((a) => a.type === "message.delivery_failed");
}

/** A fan's SMS in, an agent's reply out through the fake Twilio: the reply's id and sid. */
async function smsConversation(fanNumber = "+447700900456") {
  const ws = await makeWorkspace(app);
  const number = phone();
  const sms = await addDeskAddress(ws.system, ws.desk.id, {
    channel: "sms",
    address: number,
    settings: { accountSid: "AC0123456789abcdef", authToken: FAKE_TWILIO_TOKEN, apiBaseUrl: fake.url },
  });
  const inbound = { MessageSid: `SM${uid()}`, AccountSid: "AC0123456789abcdef", From: fanNumber, To: number, Body: "Are the doors at 7?", NumMedia: "0" };
  expect((await twilioPost(`/webhooks/twilio/${sms.id}/sms`, inbound)).statusCode).toBe(200);
  const [ticket] = (await listTickets(ws.system)).items;
  const { message } = await addMessage(ws.admin.ctx, ticket!.id, { kind: "outbound", text: `Yes, doors at 7 (${uid()}).` });
  await settle(app, ws.workspace.id);
  const reply = (await apiMessages(ws.workspace.id, ticket!.id)).find((m) => m.id === message.id)!;
  return { ...ws, sms, ticket: ticket!, reply, statusPath: `/webhooks/twilio/${sms.id}/status` };
}

const status = (sid: string, MessageStatus: string, extra: Record<string, string> = {}) => ({
  AccountSid: "AC0123456789abcdef",
  ApiVersion: "2010-04-01",
  From: "+15550001111",
  To: "+447700900456",
  MessageSid: sid,
  SmsSid: sid,
  SmsStatus: MessageStatus,
  MessageStatus,
  ...extra,
});

describe("Twilio StatusCallback", { timeout: 60_000 }, () => {
  it("moves a reply forward to delivered and read, ignores late and replayed callbacks, and asks Twilio for them", async () => {
    const { workspace, ticket, reply, sms, statusPath } = await smsConversation();
    expect(reply.deliveryStatus).toBe("sent");
    const call = fake.calls.find((c) => c.url.endsWith("/Messages.json") && new URLSearchParams(c.body).get("Body")?.includes("doors at 7"))!;
    expect(new URLSearchParams(call.body).get("StatusCallback")).toBe(`${PUBLIC}/webhooks/twilio/${sms.id}/status`);
    const sid = reply.externalId!;

    expect((await twilioPost(statusPath, status(sid, "sent"))).statusCode).toBe(204);
    expect((await twilioPost(statusPath, status(sid, "delivered"))).statusCode).toBe(204);
    expect((await apiMessages(workspace.id, ticket.id)).find((m) => m.id === reply.id)!.deliveryStatus).toBe("delivered");
    // Out of order and replayed: a "sent" or "queued" after "delivered" changes nothing.
    expect((await twilioPost(statusPath, status(sid, "sent"))).statusCode).toBe(204);
    expect((await twilioPost(statusPath, status(sid, "queued"))).statusCode).toBe(204);
    expect((await apiMessages(workspace.id, ticket.id)).find((m) => m.id === reply.id)!.deliveryStatus).toBe("delivered");
    expect((await twilioPost(statusPath, status(sid, "read"))).statusCode).toBe(204);
    // "failed" after "read" is stale too.
    expect((await twilioPost(statusPath, status(sid, "failed", { ErrorCode: "30008" }))).statusCode).toBe(204);
    const [shown] = (await apiMessages(workspace.id, ticket.id)).filter((m) => m.id === reply.id);
    expect(shown).toMatchObject({ deliveryStatus: "read", deliveryError: null });
    expect(await failures(workspace.id, ticket.id)).toHaveLength(0);
  });

  it("marks an undelivered reply failed with Twilio's ErrorCode, once, and records message.delivery_failed", async () => {
    const { workspace, ticket, reply, statusPath } = await smsConversation();
    const sid = reply.externalId!;
    const undelivered = status(sid, "undelivered", { ErrorCode: "30003" });
    expect((await twilioPost(statusPath, undelivered)).statusCode).toBe(204);
    expect((await twilioPost(statusPath, undelivered)).statusCode).toBe(204); // Twilio retrying
    // "failed" is final: a late "delivered" does not revive it.
    expect((await twilioPost(statusPath, status(sid, "delivered"))).statusCode).toBe(204);
    const shown = (await apiMessages(workspace.id, ticket.id)).find((m) => m.id === reply.id)!;
    expect(shown).toMatchObject({ deliveryStatus: "failed", deliveryError: { code: "30003", reason: "Twilio error 30003 (undelivered)" } });
    const failed = await failures(workspace.id, ticket.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ subjectId: reply.id, data: { channel: "sms", source: "twilio", errorCode: "30003" } });
  });

  it("refuses missing, forged and re-addressed callbacks, and answers unknown MessageSids without effect", async () => {
    const { workspace, ticket, reply, statusPath } = await smsConversation();
    const sid = reply.externalId!;
    const failed = status(sid, "failed", { ErrorCode: "30007" });
    const missing = await twilioPost(statusPath, failed, FAKE_TWILIO_TOKEN, null);
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: "webhook.signature_missing" });
    const forged = await twilioPost(statusPath, failed, "not-the-auth-token");
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ code: "webhook.signature_invalid" });
    // Signed for another URL (a replay of a callback meant for another address) does not verify here.
    const other = twilioSignature(FAKE_TWILIO_TOKEN, `${PUBLIC}/webhooks/twilio/${crypto.randomUUID()}/status`, failed);
    expect((await twilioPost(statusPath, failed, FAKE_TWILIO_TOKEN, other)).statusCode).toBe(403);
    // A parameter changed after signing.
    const signed = twilioSignature(FAKE_TWILIO_TOKEN, `${PUBLIC}${statusPath}`, status(sid, "delivered"));
    expect((await twilioPost(statusPath, failed, FAKE_TWILIO_TOKEN, signed)).statusCode).toBe(403);
    expect((await twilioPost(statusPath, status(`SM${uid()}`, "failed", { ErrorCode: "30003" }))).statusCode).toBe(204);
    const bad = await twilioPost(statusPath, status(sid, "exploded"));
    expect(bad.statusCode).toBe(400);
    expect((await apiMessages(workspace.id, ticket.id)).find((m) => m.id === reply.id)!.deliveryStatus).toBe("sent");
    expect(await failures(workspace.id, ticket.id)).toHaveLength(0);
  });

  it("records Twilio's refusal of the send itself, and a retry sends it again", async () => {
    const bad = phone();
    fake.refuse.add(bad);
    const { workspace, ticket, reply, admin } = await smsConversation(bad);
    expect(reply).toMatchObject({ deliveryStatus: "failed", deliveryError: { code: "21211" } });
    expect(await failures(workspace.id, ticket.id)).toHaveLength(1);

    const { token } = await createApiToken(admin.ctx, { name: "retry" });
    const retry = () => server.inject({ method: "POST", url: `/api/v1/messages/${reply.id}/retry`, headers: { authorization: `Bearer ${token}` } });
    fake.refuse.delete(bad);
    expect((await retry()).statusCode).toBe(204);
    await settle(app, workspace.id);
    const again = (await apiMessages(workspace.id, ticket.id)).find((m) => m.id === reply.id)!;
    expect(again).toMatchObject({ deliveryStatus: "sent", deliveryError: null });
    expect(again.externalId).toMatch(/^SM/);
    // Only a failed message can be retried.
    const refused = await retry();
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: "message.not_retriable" });
  });
});

describe("Meta WhatsApp statuses", { timeout: 60_000 }, () => {
  async function whatsAppConversation() {
    const ws = await makeWorkspace(app);
    const number = phone();
    const wa = await addDeskAddress(ws.system, ws.desk.id, {
      channel: "whatsapp",
      address: number,
      settings: { appSecret: "meta-app-secret", accessToken: FAKE_META_TOKEN, phoneNumberId: "106540352242922", apiBaseUrl: fake.url },
    });
    const incoming = envelope(number, { contacts: [{ profile: { name: "Olena" }, wa_id: "380501112233" }], messages: [{ from: "380501112233", id: `wamid.${uid()}`, timestamp: "1763900000", type: "text", text: { body: "Коли відкриють двері?" } }] });
    expect((await metaPost(wa.id, incoming)).statusCode).toBe(200);
    const [ticket] = (await listTickets(ws.system)).items;
    const first = await addMessage(ws.admin.ctx, ticket!.id, { kind: "outbound", text: "О 19:00." });
    const second = await addMessage(ws.admin.ctx, ticket!.id, { kind: "outbound", text: "Квитки на вході." });
    await settle(app, ws.workspace.id);
    const shown = await apiMessages(ws.workspace.id, ticket!.id);
    return { ...ws, wa, number, ticket: ticket!, first: shown.find((m) => m.id === first.message.id)!, second: shown.find((m) => m.id === second.message.id)! };
  }

  const envelope = (number: string, value: Record<string, unknown>) => ({
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: number.slice(1), phone_number_id: "106540352242922" }, ...value } }],
      },
    ],
  });
  const statusOf = (id: string, state: string, extra: Record<string, unknown> = {}) => ({
    id,
    status: state,
    timestamp: "1763900100",
    recipient_id: "380501112233",
    conversation: { id: "CONVERSATION_ID", origin: { type: "service" } },
    pricing: { billable: true, pricing_model: "CBP", category: "service" },
    ...extra,
  });

  it("applies sent, delivered and read in any order, and a failure with Meta's error code", async () => {
    const { workspace, wa, number, ticket, first, second } = await whatsAppConversation();
    expect(first.externalId).toMatch(/^wamid\./);
    // One delivery, out of order: read before the late sent and delivered.
    const res = await metaPost(wa.id, envelope(number, { statuses: [statusOf(first.externalId!, "read"), statusOf(first.externalId!, "sent"), statusOf(first.externalId!, "delivered")] }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ received: 0, statuses: 1 });
    const failure = statusOf(second.externalId!, "failed", {
      errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }],
    });
    expect((await metaPost(wa.id, envelope(number, { statuses: [failure] }))).json()).toMatchObject({ statuses: 1 });
    expect((await metaPost(wa.id, envelope(number, { statuses: [failure] }))).json()).toMatchObject({ statuses: 0 }); // replayed
    const shown = await apiMessages(workspace.id, ticket.id);
    expect(shown.find((m) => m.id === first.id)).toMatchObject({ deliveryStatus: "read", deliveryError: null });
    expect(shown.find((m) => m.id === second.id)).toMatchObject({
      deliveryStatus: "failed",
      deliveryError: { code: "131047", reason: expect.stringContaining("more than 24 hours") },
    });
    const failed = await failures(workspace.id, ticket.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ subjectId: second.id, data: { source: "meta", errorCode: "131047" } });
  });

  it("ignores forged statuses and statuses of other workspaces' messages", async () => {
    const { workspace, wa, number, ticket, first } = await whatsAppConversation();
    const forged = await metaPost(wa.id, envelope(number, { statuses: [statusOf(first.externalId!, "failed", { errors: [{ code: 1 }] })] }), "guessed-secret");
    expect(forged.statusCode).toBe(403);
    // Another workspace's address, correctly signed with its own secret, cannot touch this workspace's message.
    const other = await makeWorkspace(app);
    const theirs = await addDeskAddress(other.system, other.desk.id, { channel: "whatsapp", address: phone(), settings: { appSecret: "their-secret" } });
    const crossed = await metaPost(theirs.id, envelope(number, { statuses: [statusOf(first.externalId!, "failed", { errors: [{ code: 1 }] })] }), "their-secret");
    expect(crossed.json()).toMatchObject({ statuses: 0 });
    expect((await apiMessages(workspace.id, ticket.id)).find((m) => m.id === first.id)!.deliveryStatus).toBe("sent");
  });
});
