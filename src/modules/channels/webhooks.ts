import { createHmac, timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import type { App } from "../../app";
import { DomainError } from "../../platform/errors";
import type { DeskAddressRow } from "../desks/schema";
import { cachedDeskAddressById } from "../desks/address-cache";
import type { InboundMessage } from "../intake/contract";
import { type IntakeDeps, type IntakeResult, receiveInbound } from "../intake/pipeline";
import { type MetaSettings, validHubSignature } from "./meta/api";
import { metaMessages, metaStatuses } from "./meta/inbound";
import { reportByExternalId } from "./status";
import { twilioDeliveryStatus, validTwilioSignature } from "./twilio/api";

/**
 * Provider webhooks. Each URL names the desk address whose secrets sign it
 * (`/webhooks/twilio/{addressId}/sms`); the signature is checked on the raw
 * body before anything is parsed into the contract; the provider gets its 2xx
 * only after intake committed every message of the delivery. A replay (same
 * provider message id) is answered 200 and stored once.
 */
declare module "fastify" {
  interface FastifyRequest {
    rawBody?: Buffer;
  }
}

const deps = (app: App): IntakeDeps => ({
  db: app.database.db,
  clock: app.clock,
  outbox: app.outbox,
  maxAttachmentBytes: app.config.maxAttachmentBytes,
});

const missing = (header: string) => new DomainError("webhook.signature_missing", `The ${header} header is missing`, { header });
const forged = (header: string) => new DomainError("webhook.signature_invalid", `The ${header} signature does not match`, { header });
const unknownEndpoint = () => new DomainError("intake.unknown_endpoint", "No desk address has this webhook URL");

/** The address a webhook URL names; kept a few seconds (desks/address-cache.ts), or `fresh` from the database. */
async function endpointOf(app: App, id: string, channels: readonly DeskAddressRow["channel"][], fresh = false): Promise<DeskAddressRow> {
  const endpoint = await cachedDeskAddressById(app.database.db, id, { fresh });
  if (!endpoint || !channels.includes(endpoint.channel)) throw unknownEndpoint();
  return endpoint;
}

/**
 * The endpoint, once the request is signed with its secret. A signature that
 * fails against the kept copy is tried against the stored one before it is
 * refused: the secret may have been rotated by another process a moment ago.
 */
async function signedEndpoint(
  app: App,
  id: string,
  channels: readonly DeskAddressRow["channel"][],
  header: string,
  valid: (endpoint: DeskAddressRow) => boolean,
): Promise<DeskAddressRow> {
  const kept = await endpointOf(app, id, channels);
  if (valid(kept)) return kept;
  const stored = await endpointOf(app, id, channels, true);
  if (stored !== kept && valid(stored)) return stored;
  throw forged(header);
}

const setting = (endpoint: DeskAddressRow, key: string): string | undefined => {
  const value = endpoint.settings[key];
  return typeof value === "string" && value ? value : undefined;
};

/** The URL Twilio signed: our public address plus the path and query it called. */
const publicUrlOf = (app: App, request: FastifyRequest) => `${app.config.publicUrl}${request.url}`;

// Built once: a zod schema made per request costs more than the parse (zod 4 compiles each object schema on first use).
const paramsSchema = z.object({ addressId: z.string().max(100) });
const formSchema = z.record(z.string(), z.string());

export async function webhookRoutes(server: FastifyInstance): Promise<void> {
  const app = server.usher;
  // Signatures are over the bytes the provider sent: keep them (encapsulated to these routes).
  server.addContentTypeParser("application/json", { parseAs: "buffer" }, (request, body, done) => {
    request.rawBody = body as Buffer;
    try {
      done(null, JSON.parse((body as Buffer).toString("utf8")));
    } catch {
      done(new DomainError("request.invalid_json", "The body is not valid JSON"), undefined);
    }
  });
  server.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "buffer" }, (request, body, done) => {
    request.rawBody = body as Buffer;
    done(null, Object.fromEntries(new URLSearchParams((body as Buffer).toString("utf8"))));
  });

  // ---------------------------------------------------------------- Twilio

  async function twilioForm(request: FastifyRequest, channels: readonly DeskAddressRow["channel"][]) {
    const { addressId } = paramsSchema.parse(request.params);
    await endpointOf(app, addressId, channels);
    const form = formSchema.parse(request.body ?? {});
    const signature = request.headers["x-twilio-signature"];
    if (typeof signature !== "string" || !signature) throw missing("X-Twilio-Signature");
    const url = publicUrlOf(app, request);
    const endpoint = await signedEndpoint(app, addressId, channels, "X-Twilio-Signature", (e) => {
      const token = setting(e, "authToken");
      return !!token && validTwilioSignature(token, signature, url, form);
    });
    return { endpoint, form };
  }

  const twiml = (body = "") => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

  server.post("/webhooks/twilio/:addressId/sms", { schema: { hide: true } }, async (request, reply) => {
    const { endpoint, form } = await twilioForm(request, ["sms", "whatsapp"]);
    if (!form.MessageSid || !form.From) throw new DomainError("validation.failed", "MessageSid and From are required");
    const media = Array.from({ length: Math.min(Number(form.NumMedia ?? 0) || 0, 10) }, (_, i) => form[`MediaUrl${i}`]).filter(Boolean);
    await receiveInbound(
      deps(app),
      {
        channel: endpoint.channel === "whatsapp" ? "whatsapp" : "sms",
        to: form.To ?? endpoint.address,
        from: { identities: [{ kind: "phone", value: form.From.replace(/^whatsapp:/, "") }], name: form.ProfileName },
        externalId: form.MessageSid,
        text: form.Body ?? "",
        metadata: { provider: "twilio", ...(media.length ? { mediaUrls: media } : {}), fromCountry: form.FromCountry ?? null },
        receivedAt: app.clock.now(),
      },
      { workspaceId: endpoint.workspaceId },
    );
    return reply.type("text/xml").send(twiml());
  });

  // Twilio's StatusCallback for a message we sent: queued → sent → delivered / read, or undelivered / failed with ErrorCode.
  server.post("/webhooks/twilio/:addressId/status", { schema: { hide: true } }, async (request, reply) => {
    const { endpoint, form } = await twilioForm(request, ["sms", "whatsapp"]);
    const status = twilioDeliveryStatus(form.MessageStatus ?? form.SmsStatus);
    if (!form.MessageSid || !status) throw new DomainError("validation.failed", "MessageSid and a known MessageStatus are required");
    await reportByExternalId(
      deps(app),
      endpoint.workspaceId,
      { channels: ["sms", "whatsapp"], externalId: form.MessageSid },
      {
        status,
        source: "twilio",
        errorCode: form.ErrorCode || null,
        errorReason: form.ErrorMessage || (form.ErrorCode ? `Twilio error ${form.ErrorCode} (${form.MessageStatus})` : null),
        metadata: { providerStatus: form.MessageStatus ?? form.SmsStatus },
      },
    );
    // Unknown or stale callbacks are answered 204 too: Twilio must not retry what will never apply.
    return reply.code(204).send();
  });

  // A call to the desk's number: ask for a message, record it, have Twilio transcribe it.
  server.post("/webhooks/twilio/:addressId/voice", { schema: { hide: true } }, async (request, reply) => {
    const { endpoint } = await twilioForm(request, ["voice"]);
    const greeting = setting(endpoint, "greeting") ?? "Please leave a message after the tone, and we will get back to you.";
    const callback = `${app.config.publicUrl}/webhooks/twilio/${endpoint.id}/voicemail`;
    return reply
      .type("text/xml")
      .send(twiml(`<Say>${escapeXml(greeting)}</Say><Record maxLength="180" transcribe="true" transcribeCallback="${escapeXml(callback)}"/>`));
  });

  // Twilio's transcription callback: the voice mail, with its transcription and recording.
  server.post("/webhooks/twilio/:addressId/voicemail", { schema: { hide: true } }, async (request, reply) => {
    const { endpoint, form } = await twilioForm(request, ["voice"]);
    if (!form.From || !(form.RecordingSid || form.CallSid)) throw new DomainError("validation.failed", "From and RecordingSid are required");
    await receiveInbound(
      deps(app),
      voicemail({
        to: form.To ?? endpoint.address,
        from: form.From,
        id: form.RecordingSid ?? form.CallSid!,
        transcription: form.TranscriptionStatus === "failed" ? "" : (form.TranscriptionText ?? ""),
        recordingUrl: form.RecordingUrl ?? null,
        durationSeconds: form.RecordingDuration ? Number(form.RecordingDuration) : null,
        receivedAt: app.clock.now(),
        provider: "twilio",
      }),
      { workspaceId: endpoint.workspaceId },
    );
    return reply.type("text/xml").send(twiml());
  });

  // ---------------------------------------------------------------- Meta

  server.get("/webhooks/meta/:addressId", { schema: { hide: true } }, async (request, reply) => {
    const { addressId } = paramsSchema.parse(request.params);
    // Meta's subscription check is rare: the verify token as stored now.
    const endpoint = await endpointOf(app, addressId, ["whatsapp", "messenger", "instagram", "social"], true);
    const query = request.query as Record<string, string | undefined>;
    const token = setting(endpoint, "verifyToken");
    if (query["hub.mode"] !== "subscribe" || !token || !safeEqual(query["hub.verify_token"] ?? "", token)) {
      throw new DomainError("webhook.signature_invalid", "The verify token does not match", { header: "hub.verify_token" });
    }
    return reply.type("text/plain").send(query["hub.challenge"] ?? "");
  });

  server.post("/webhooks/meta/:addressId", { schema: { hide: true } }, async (request) => {
    const { addressId } = paramsSchema.parse(request.params);
    const channels = ["whatsapp", "messenger", "instagram", "social"] as const;
    await endpointOf(app, addressId, channels);
    const signature = request.headers["x-hub-signature-256"];
    if (typeof signature !== "string" || !signature) throw missing("X-Hub-Signature-256");
    const rawBody = request.rawBody;
    const endpoint = await signedEndpoint(app, addressId, channels, "X-Hub-Signature-256", (e) => {
      const secret = (e.settings as Partial<MetaSettings>).appSecret;
      return !!secret && !!rawBody && validHubSignature(secret, signature, rawBody);
    });
    const messages = metaMessages(request.body, app.clock.now());
    const results = await receiveAll(app, messages, endpoint.workspaceId);
    let statuses = 0;
    for (const status of metaStatuses(request.body)) {
      const applied = await reportByExternalId(
        deps(app),
        endpoint.workspaceId,
        { channels: [status.channel], externalId: status.id },
        { status: status.status, source: "meta", at: status.at, errorCode: status.errorCode ?? null, errorReason: status.errorReason ?? null },
      );
      if (applied === "updated") statuses++;
    }
    return { received: results.stored, duplicates: results.duplicates, ignored: results.ignored, statuses };
  });

  // ---------------------------------------------------------------- ours: in-app and voice mail

  server.post("/webhooks/in-app/:addressId", { schema: { hide: true } }, async (request) => {
    const endpoint = await signedByUs(request, ["in_app"]);
    const body = parseOurs(inAppSchema, request.body);
    const identities: InboundMessage["from"]["identities"] = [{ kind: "app", provider: endpoint.address, value: body.user.id }];
    if (body.user.email) identities.push({ kind: "email", value: body.user.email });
    if (body.user.phone) identities.push({ kind: "phone", value: body.user.phone });
    const result = await receiveInbound(
      deps(app),
      {
        channel: "in_app",
        to: endpoint.address,
        from: { identities, name: body.user.name, locale: body.user.locale ?? null },
        externalId: body.id,
        subject: body.subject,
        text: body.text,
        attachments: (body.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, "base64") })),
        metadata: { provider: "in_app", ...(body.context ? { context: body.context } : {}) },
        receivedAt: body.sentAt ? new Date(body.sentAt) : app.clock.now(),
      },
      { workspaceId: endpoint.workspaceId },
    );
    return presentResult(result);
  });

  server.post("/webhooks/voicemail/:addressId", { schema: { hide: true } }, async (request) => {
    const endpoint = await signedByUs(request, ["voice"]);
    const body = parseOurs(voicemailSchema, request.body);
    const result = await receiveInbound(
      deps(app),
      voicemail({ ...body, to: endpoint.address, receivedAt: body.receivedAt ? new Date(body.receivedAt) : app.clock.now(), provider: "usher" }),
      { workspaceId: endpoint.workspaceId },
    );
    return presentResult(result);
  });

  async function signedByUs(request: FastifyRequest, channels: readonly DeskAddressRow["channel"][]) {
    const { addressId } = paramsSchema.parse(request.params);
    await endpointOf(app, addressId, channels);
    const signature = request.headers["x-usher-signature"];
    if (typeof signature !== "string" || !signature) throw missing("X-Usher-Signature");
    const rawBody = request.rawBody;
    return signedEndpoint(app, addressId, channels, "X-Usher-Signature", (e) => {
      const secret = setting(e, "secret");
      return !!secret && !!rawBody && safeEqual(signature, usherSignature(secret, rawBody));
    });
  }
}

/** Our own webhooks' signature: "sha256=" + hex HMAC-SHA256 of the raw body with the address's secret. */
export function usherSignature(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
}

function safeEqual(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const inAppSchema = z
  .object({
    id: z.string().min(1).max(200),
    user: z
      .object({
        id: z.string().min(1).max(200),
        name: z.string().max(200).optional(),
        email: z.string().max(320).optional(),
        phone: z.string().max(40).optional(),
        locale: z.string().max(20).optional(),
      })
      .strict(),
    subject: z.string().max(500).optional(),
    text: z.string().max(100_000),
    sentAt: z.iso.datetime({ offset: true }).optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    attachments: z
      .array(z.object({ filename: z.string().max(255), contentType: z.string().max(255), contentBase64: z.string().max(30_000_000) }).strict())
      .max(10)
      .optional(),
  })
  .strict();

export const voicemailSchema = z
  .object({
    id: z.string().min(1).max(200),
    from: z.string().min(3).max(40),
    transcription: z.string().max(100_000),
    recordingUrl: z.url({ protocol: /^https?$/ }).nullable(),
    durationSeconds: z.number().int().min(0).max(86_400).nullable().optional(),
    receivedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

function parseOurs<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw new DomainError(
    "validation.failed",
    "The request body is not valid",
    {},
    parsed.error.issues.map((i) => ({ path: ["body", ...i.path].join("."), message: i.message })),
  );
}

function voicemail(v: {
  to: string;
  from: string;
  id: string;
  transcription: string;
  recordingUrl: string | null;
  durationSeconds?: number | null;
  receivedAt: Date;
  provider: string;
}): InboundMessage {
  // Subject and the placeholder for a missing transcription are written by intake, in the desk's language.
  return {
    channel: "voice",
    to: v.to,
    from: { identities: [{ kind: "phone", value: v.from }] },
    externalId: v.id,
    text: v.transcription.trim(),
    metadata: { provider: v.provider, recordingUrl: v.recordingUrl, durationSeconds: v.durationSeconds ?? null, transcribed: !!v.transcription.trim() },
    receivedAt: v.receivedAt,
  };
}

const presentResult = (r: IntakeResult) => ({ status: r.status, ticketNumber: r.ticketNumber, ticketId: r.ticketId, messageId: r.messageId });

/** Every message of a batched delivery, each committed before the provider hears 200; unroutable ones are counted, not fatal. */
async function receiveAll(app: App, messages: InboundMessage[], workspaceId: string) {
  let stored = 0;
  let duplicates = 0;
  let ignored = 0;
  for (const message of messages) {
    try {
      const result = await receiveInbound(deps(app), message, { workspaceId });
      if (result.status === "stored") stored++;
      else duplicates++;
    } catch (err) {
      if (err instanceof DomainError && err.status < 500) {
        app.log.warn({ code: err.code, externalId: message.externalId }, "webhook message ignored");
        ignored++;
      } else throw err;
    }
  }
  return { stored, duplicates, ignored };
}
