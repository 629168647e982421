import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Meta's wire formats (WhatsApp Cloud API, Messenger, Instagram). Webhooks are
 * JSON signed with X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw
 * body with the app secret. Subscriptions are verified with a GET carrying
 * hub.mode=subscribe, hub.verify_token and hub.challenge. Replies go to the
 * Graph API: /{phone-number-id}/messages (WhatsApp), /me/messages (Messenger,
 * Instagram).
 */
export interface MetaSettings {
  appSecret: string;
  verifyToken?: string;
  accessToken?: string;
  /** WhatsApp: the business phone number's id in the Cloud API. */
  phoneNumberId?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
}

export function hubSignature(appSecret: string, rawBody: Buffer): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

export function validHubSignature(appSecret: string, header: string, rawBody: Buffer): boolean {
  const expected = Buffer.from(hubSignature(appSecret, rawBody));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const graph = (s: MetaSettings) => `${(s.apiBaseUrl ?? "https://graph.facebook.com").replace(/\/$/, "")}/${s.apiVersion ?? "v21.0"}`;

async function post(url: string, token: string, body: unknown, fetchImpl: typeof fetch): Promise<Record<string, unknown>> {
  const response = await fetchImpl(url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown> & { error?: { message?: string; code?: number } };
  if (!response.ok) {
    throw Object.assign(new Error(`Meta ${response.status}: ${json.error?.message ?? "error"} (${json.error?.code ?? "-"})`), { providerCode: json.error?.code ?? response.status });
  }
  return json;
}

export async function sendWhatsAppText(settings: MetaSettings, to: string, body: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  if (!settings.accessToken || !settings.phoneNumberId) throw new Error("WhatsApp needs accessToken and phoneNumberId in the address settings");
  const json = await post(
    `${graph(settings)}/${encodeURIComponent(settings.phoneNumberId)}/messages`,
    settings.accessToken,
    { messaging_product: "whatsapp", recipient_type: "individual", to: to.replace(/^\+/, ""), type: "text", text: { preview_url: false, body } },
    fetchImpl,
  );
  const id = (json.messages as { id?: string }[] | undefined)?.[0]?.id;
  if (!id) throw new Error("Meta: no message id in the response");
  return id;
}

/** Messenger and Instagram DMs: the Send API, as a response within the 24-hour window. */
export async function sendPageMessage(settings: MetaSettings, recipientId: string, text: string, fetchImpl: typeof fetch = fetch): Promise<string> {
  if (!settings.accessToken) throw new Error("Messenger and Instagram need a page accessToken in the address settings");
  const json = await post(
    `${graph(settings)}/me/messages`,
    settings.accessToken,
    { recipient: { id: recipientId }, messaging_type: "RESPONSE", message: { text } },
    fetchImpl,
  );
  const id = json.message_id as string | undefined;
  if (!id) throw new Error("Meta: no message_id in the response");
  return id;
}
