import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProviders, startFakeProviders } from "../../../test/fakes/messaging";
import { makeWorkspace, uid } from "../../../test/factories";
import { openTestApp, settle } from "../../../test/helpers";
import type { App } from "../../app";
import { buildServer } from "../../server";
import { createApiToken } from "../identity/auth";
import { eq } from "drizzle-orm";
import { deskAddresses } from "../desks/schema";
import { addDeskAddress, removeDeskAddress } from "../desks/service";
import { addMessage, listMessages } from "../tickets/messages";
import { listTickets } from "../tickets/service";
import { hubSignature } from "./meta/api";
import { twilioSignature } from "./twilio/api";
import { usherSignature } from "./webhooks";

/**
 * Webhooks in the providers' own formats, through the HTTP server; replies
 * go to local fakes of the Twilio Messages API and the Meta Graph API that
 * check what the real ones check (auth, body shape) and answer as they do.
 */
let app: App;
let server: FastifyInstance;
let fake: FakeProviders;
let fakeUrl: string;
let calls: FakeProviders["calls"];

beforeAll(async () => {
  fake = await startFakeProviders();
  fakeUrl = fake.url;
  calls = fake.calls;
  app = await openTestApp({ config: { publicUrl: "https://help.lumen.example" } });
  server = await buildServer(app, { logger: false });
  await server.ready();
}, 60_000);
afterAll(async () => {
  await server?.close();
  await app?.close();
  await fake?.close();
}, 60_000);

const phone = () => `+1555${Math.floor(1000000 + Math.random() * 8999999)}`;

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
}

async function twilioPost(path: string, form: Record<string, string>, token = "twilio-token-secret", signature?: string | null) {
  const sig = signature === undefined ? twilioSignature(token, `https://help.lumen.example${path}`, form) : signature;
  return server.inject({
    method: "POST",
    url: path,
    headers: { "content-type": "application/x-www-form-urlencoded", ...(sig ? { "x-twilio-signature": sig } : {}) },
    payload: new URLSearchParams(form).toString(),
  });
}

async function metaPost(addressId: string, payload: unknown, secret = "meta-app-secret", signature?: string | null) {
  const raw = Buffer.from(JSON.stringify(payload));
  const sig = signature === undefined ? hubSignature(secret, raw) : signature;
  return server.inject({
    method: "POST",
    url: `/webhooks/meta/${addressId}`,
    headers: { "content-type": "application/json", ...(sig ? { "x-hub-signature-256": sig } : {}) },
    payload: raw,
  });
}

describe("Twilio SMS and voice", { timeout: 30_000 }, () => {
  it("takes a signed SMS, answers TwiML after commit, replays idempotently, and replies through the Messages API", async () => {
    const { workspace, system, admin, desk } = await makeWorkspace(app);
    const number = phone();
    const sms = await addDeskAddress(system, desk.id, {
      channel: "sms",
      address: number,
      settings: { accountSid: "AC0123456789abcdef", authToken: "twilio-token-secret", apiBaseUrl: fakeUrl },
    });
    const path = `/webhooks/twilio/${sms.id}/sms`;
    const form = { MessageSid: `SM${uid()}`, AccountSid: "AC0123456789abcdef", From: "+447700900456", To: number, Body: "Is the 8pm show delayed?", NumMedia: "0" };
    const res = await twilioPost(path, form);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/xml/);
    expect(res.body).toContain("<Response></Response>");
    expect((await twilioPost(path, form)).statusCode).toBe(200); // Twilio retrying
    const [ticket] = (await listTickets(system)).items;
    expect(ticket).toMatchObject({ channel: "sms", subject: "Is the 8pm show delayed?" });
    expect((await listMessages(system, ticket!.id)).items).toHaveLength(1);

    await addMessage(admin.ctx, ticket!.id, { kind: "outbound", text: "No delay — doors at 7." });
    await settle(app, workspace.id);
    const call = calls.find((c) => c.url.includes("/Messages.json") && c.body.includes("doors"))!;
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({
      From: number,
      To: "+447700900456",
      Body: "No delay — doors at 7.",
      StatusCallback: `https://help.lumen.example/webhooks/twilio/${sms.id}/status`,
    });
    const reply = (await listMessages(system, ticket!.id)).items.find((m) => m.kind === "outbound")!;
    expect(reply.deliveryStatus).toBe("sent");
    expect(reply.externalId).toMatch(/^SM/);
  });

  it("refuses a missing (401) or forged (403) X-Twilio-Signature with stable codes", async () => {
    const { system, desk } = await makeWorkspace(app);
    const sms = await addDeskAddress(system, desk.id, { channel: "sms", address: phone(), settings: { accountSid: "AC1", authToken: "twilio-token-secret" } });
    const path = `/webhooks/twilio/${sms.id}/sms`;
    const form = { MessageSid: `SM${uid()}`, From: "+447700900456", To: sms.address, Body: "hi" };
    expectProblem(await twilioPost(path, form, "twilio-token-secret", null), 401, "webhook.signature_missing");
    expectProblem(await twilioPost(path, form, "someone-elses-token"), 403, "webhook.signature_invalid");
    expectProblem(await twilioPost(`/webhooks/twilio/${crypto.randomUUID()}/sms`, form), 404, "intake.unknown_endpoint");
    expect((await listTickets(system)).items).toHaveLength(0);
  });

  it("records a voice mail with its transcription and recording", async () => {
    const { system, desk } = await makeWorkspace(app);
    const voice = await addDeskAddress(system, desk.id, { channel: "voice", address: phone(), settings: { authToken: "twilio-token-secret" } });
    const call = await twilioPost(`/webhooks/twilio/${voice.id}/voice`, { CallSid: `CA${uid()}`, From: "+447700900111", To: voice.address });
    expect(call.body).toContain(`transcribeCallback="https://help.lumen.example/webhooks/twilio/${voice.id}/voicemail"`);
    const res = await twilioPost(`/webhooks/twilio/${voice.id}/voicemail`, {
      CallSid: `CA${uid()}`,
      RecordingSid: `RE${uid()}`,
      RecordingUrl: "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1",
      RecordingDuration: "21",
      TranscriptionText: "Hi, it's about my refund for the cancelled show on Friday, please call me back.",
      TranscriptionStatus: "completed",
      From: "+447700900111",
      To: voice.address,
    });
    expect(res.statusCode, res.body).toBe(200);
    const [ticket] = (await listTickets(system)).items;
    expect(ticket).toMatchObject({ channel: "voice", subject: "Voice mail from +447700900111" });
    const [message] = (await listMessages(system, ticket!.id)).items;
    expect(message!.text).toContain("refund for the cancelled show");
    expect(message!.metadata).toMatchObject({ recordingUrl: "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1", durationSeconds: 21 });
  });
});

describe("Meta: WhatsApp, Messenger, Instagram", { timeout: 30_000 }, () => {
  it("verifies the subscription challenge only with the right verify token", async () => {
    const { system, desk } = await makeWorkspace(app);
    const wa = await addDeskAddress(system, desk.id, { channel: "whatsapp", address: phone(), settings: { appSecret: "meta-app-secret", verifyToken: "let-me-in" } });
    const ok = await server.inject({ method: "GET", url: `/webhooks/meta/${wa.id}?hub.mode=subscribe&hub.verify_token=let-me-in&hub.challenge=1158201444` });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toBe("1158201444");
    const bad = await server.inject({ method: "GET", url: `/webhooks/meta/${wa.id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1` });
    expectProblem(bad, 403, "webhook.signature_invalid");
  });

  it("takes WhatsApp messages, replies through the Graph API, and refuses forged payloads", async () => {
    const { workspace, system, admin, desk } = await makeWorkspace(app);
    const number = phone();
    const wa = await addDeskAddress(system, desk.id, {
      channel: "whatsapp",
      address: number,
      settings: { appSecret: "meta-app-secret", accessToken: "meta-access-token", phoneNumberId: "106540352242922", apiBaseUrl: fakeUrl },
    });
    const wamid = `wamid.HBgL${uid()}`;
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: number.slice(1), phone_number_id: "106540352242922" },
                contacts: [{ profile: { name: "Olena" }, wa_id: "380501112233" }],
                messages: [{ from: "380501112233", id: wamid, timestamp: "1763900000", text: { body: "Добрий день! Чи можна повернути квиток на концерт?" }, type: "text" }],
              },
            },
          ],
        },
      ],
    };
    expectProblem(await metaPost(wa.id, payload, "meta-app-secret", null), 401, "webhook.signature_missing");
    expectProblem(await metaPost(wa.id, payload, "wrong-secret"), 403, "webhook.signature_invalid");
    const res = await metaPost(wa.id, payload);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ received: 1, duplicates: 0, ignored: 0, statuses: 0 });
    expect((await metaPost(wa.id, payload)).json()).toEqual({ received: 0, duplicates: 1, ignored: 0, statuses: 0 });

    const [ticket] = (await listTickets(system)).items;
    expect(ticket).toMatchObject({ channel: "whatsapp", language: "uk" });
    await addMessage(admin.ctx, ticket!.id, { kind: "outbound", text: "Так, повернення доступне до п'ятниці." });
    await settle(app, workspace.id);
    const call = calls.find((c) => c.url === "/v21.0/106540352242922/messages" && c.body.includes("п'ятниці"))!;
    expect(JSON.parse(call.body)).toMatchObject({ messaging_product: "whatsapp", to: "380501112233", type: "text", text: { body: "Так, повернення доступне до п'ятниці." } });
    const reply = (await listMessages(system, ticket!.id)).items.find((m) => m.kind === "outbound")!;
    expect(reply.externalId).toMatch(/^wamid\./);
  });

  it("takes Messenger DMs, skips echoes, and takes Instagram comments as social mentions", async () => {
    const { system, desk } = await makeWorkspace(app);
    const pageId = String(Date.now()) + String(Math.floor(Math.random() * 1000));
    const page = await addDeskAddress(system, desk.id, { channel: "messenger", address: pageId, settings: { appSecret: "meta-app-secret" } });
    const igId = `17841${Math.floor(Math.random() * 1e9)}`;
    await addDeskAddress(system, desk.id, { channel: "social", address: igId });
    const messenger = {
      object: "page",
      entry: [
        {
          id: pageId,
          time: 1763900000000,
          messaging: [
            { sender: { id: "6543210987" }, recipient: { id: pageId }, timestamp: 1763900000000, message: { mid: `m_${uid()}`, text: "Where is my merch order?" } },
            { sender: { id: pageId }, recipient: { id: "6543210987" }, timestamp: 1763900000001, message: { mid: `m_${uid()}`, text: "echo", is_echo: true } },
          ],
        },
      ],
    };
    expect((await metaPost(page.id, messenger)).json()).toEqual({ received: 1, duplicates: 0, ignored: 0, statuses: 0 });
    const instagram = {
      object: "instagram",
      entry: [{ id: igId, time: 1763900000, changes: [{ field: "comments", value: { from: { id: "1784", username: "angry_fan" }, media: { id: "1799" }, id: `1801${uid()}`, text: "@lumen refunds when??" } }] }],
    };
    expect((await metaPost(page.id, instagram)).json()).toEqual({ received: 1, duplicates: 0, ignored: 0, statuses: 0 });
    const tickets = (await listTickets(system, { sort: "created" })).items;
    expect(tickets.map((t) => t.channel)).toEqual(["messenger", "social"]);
    expect(tickets[1]!.subject).toBe("Instagram comment by @angry_fan");
  });
});

describe("our own JSON webhooks", { timeout: 30_000 }, () => {
  it("takes a signed in-app message, merging the app user with the e-mail the app vouches for", async () => {
    const { system, desk } = await makeWorkspace(app);
    const appEndpoint = await addDeskAddress(system, desk.id, { channel: "in_app", address: `lumen-app-${uid()}`, settings: { secret: "in-app-shared-secret" } });
    const body = JSON.stringify({
      id: `msg-${uid()}`,
      user: { id: "user-42", name: "Sam", email: `sam-${uid()}@example.com`, locale: "es" },
      text: "La app se cierra cuando abro mis entradas para el partido del domingo.",
      context: { screen: "tickets", appVersion: "5.2.1" },
    });
    const post = (signature?: string) =>
      server.inject({
        method: "POST",
        url: `/webhooks/in-app/${appEndpoint.id}`,
        headers: { "content-type": "application/json", ...(signature ? { "x-usher-signature": signature } : {}) },
        payload: body,
      });
    expectProblem(await post(), 401, "webhook.signature_missing");
    expectProblem(await post(usherSignature("nope", body)), 403, "webhook.signature_invalid");
    const res = await post(usherSignature("in-app-shared-secret", body));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: "stored", ticketNumber: expect.any(Number) });
    expect((await post(usherSignature("in-app-shared-secret", body))).json()).toMatchObject({ status: "duplicate" });
    const [ticket] = (await listTickets(system)).items;
    expect(ticket).toMatchObject({ channel: "in_app", language: "es" });
  });

  it("takes a signed voice mail and rejects a malformed one with the field named", async () => {
    const { system, desk } = await makeWorkspace(app);
    const voice = await addDeskAddress(system, desk.id, { channel: "voice", address: phone(), settings: { secret: "vm-secret" } });
    const send = (payload: unknown) => {
      const raw = JSON.stringify(payload);
      return server.inject({
        method: "POST",
        url: `/webhooks/voicemail/${voice.id}`,
        headers: { "content-type": "application/json", "x-usher-signature": usherSignature("vm-secret", raw) },
        payload: raw,
      });
    };
    const ok = await send({ id: `vm-${uid()}`, from: "+380441234567", transcription: "Передзвоніть, будь ласка, щодо мого замовлення.", recordingUrl: "https://pbx.example/rec/1.mp3", durationSeconds: 14 });
    expect(ok.statusCode, ok.body).toBe(200);
    const bad = await send({ id: "x", from: "+380441234567", transcription: "hi", recordingUrl: "javascript:alert(1)" });
    expectProblem(bad, 400, "validation.failed");
    expect((await listTickets(system)).items).toHaveLength(1);
  });
});

describe("desk addresses through the API", { timeout: 30_000 }, () => {
  it("are set per desk, and their secrets are stored but never returned in full", async () => {
    const { admin, desk } = await makeWorkspace(app);
    const { token } = await createApiToken(admin.ctx, { name: "test" });
    const res = await server.inject({
      method: "POST",
      url: `/api/v1/desks/${desk.id}/addresses`,
      headers: { authorization: `Bearer ${token}` },
      payload: { channel: "whatsapp", address: phone(), settings: { appSecret: "a-very-long-app-secret", verifyToken: "verify-me-please", phoneNumberId: "1065" } },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().settings).toEqual({ appSecret: "…cret", verifyToken: "…ease", phoneNumberId: "1065" });
    const list = await server.inject({ method: "GET", url: `/api/v1/desks/${desk.id}/addresses`, headers: { authorization: `Bearer ${token}` } });
    expect(list.body).not.toContain("a-very-long-app-secret");

    // Rotating the app secret keeps the address (its id is in Meta's webhook URL) and the other settings.
    const address = res.json() as { id: string };
    const rotated = await server.inject({
      method: "PATCH",
      url: `/api/v1/desks/${desk.id}/addresses/${address.id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { settings: { appSecret: "the-new-rotated-secret", phoneNumberId: null } },
    });
    expect(rotated.statusCode, rotated.body).toBe(200);
    expect(rotated.json()).toMatchObject({ id: address.id, settings: { appSecret: "…cret", verifyToken: "…ease" } });
    expect(rotated.json().settings.phoneNumberId).toBeUndefined();
    const payload = { object: "whatsapp_business_account", entry: [] };
    expect((await metaPost(address.id, payload, "a-very-long-app-secret")).statusCode).toBe(403);
    expect((await metaPost(address.id, payload, "the-new-rotated-secret")).statusCode).toBe(200);
  });
});

describe("desk addresses kept by the webhooks between requests", { timeout: 30_000 }, () => {
  const twilioForm = (number: string) => ({ MessageSid: `SM${uid()}`, AccountSid: "AC1", From: phone(), To: number, Body: "Is the show on?" });

  it("take a secret rotated by another process at once, and forget an address removed here at once", async () => {
    const { system, desk } = await makeWorkspace(app);
    const number = phone();
    const sms = await addDeskAddress(system, desk.id, { channel: "sms", address: number, settings: { accountSid: "AC1", authToken: "old-token" } });
    const path = `/webhooks/twilio/${sms.id}/sms`;
    expect((await twilioPost(path, twilioForm(number), "old-token")).statusCode).toBe(200);

    // Another process (`usher serve` × n) rotates the token: this one still keeps the old copy.
    await app.database.db.update(deskAddresses).set({ settings: { accountSid: "AC1", authToken: "new-token" } }).where(eq(deskAddresses.id, sms.id));
    expect((await twilioPost(path, twilioForm(number), "new-token")).statusCode).toBe(200);
    expectProblem(await twilioPost(path, twilioForm(number), "old-token"), 403, "webhook.signature_invalid");

    await removeDeskAddress(system, desk.id, sms.id);
    expectProblem(await twilioPost(path, twilioForm(number), "new-token"), 404, "intake.unknown_endpoint");
  });
});
