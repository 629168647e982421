import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Twilio's wire formats. Webhooks are form-encoded and signed: X-Twilio-Signature
 * is base64(HMAC-SHA1(auth token, full URL + each POST parameter's name and
 * value, sorted by name)) — https://www.twilio.com/docs/usage/security.
 * Replies go through the Messages API (form-encoded, HTTP basic auth).
 */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Defaults to https://api.twilio.com; tests point it at a local fake. */
  apiBaseUrl?: string;
}

export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf8")).digest("base64");
}

export function validTwilioSignature(authToken: string, signature: string, url: string, params: Record<string, string>): boolean {
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export async function sendTwilioMessage(
  settings: TwilioSettings,
  message: { from: string; to: string; body: string; statusCallback?: string },
  fetchImpl: typeof fetch = fetch,
): Promise<{ sid: string; status: string }> {
  const base = (settings.apiBaseUrl ?? "https://api.twilio.com").replace(/\/$/, "");
  const response = await fetchImpl(`${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      From: message.from,
      To: message.to,
      Body: message.body,
      ...(message.statusCallback ? { StatusCallback: message.statusCallback } : {}),
    }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const json = (await response.json().catch(() => ({}))) as { sid?: string; status?: string; message?: string; code?: number };
  if (!response.ok || !json.sid) {
    throw Object.assign(new Error(`Twilio ${response.status}: ${json.message ?? "no message sid"} (${json.code ?? "-"})`), { providerCode: json.code ?? response.status });
  }
  return { sid: json.sid, status: json.status ?? "queued" };
}

/**
 * Twilio's MessageStatus in a StatusCallback → our delivery state. queued,
 * accepted, scheduled and sending are all "with Twilio" (= sent, as far as we
 * are concerned); undelivered is a carrier's refusal (failed).
 * https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 */
export function twilioDeliveryStatus(status: string | undefined): "sent" | "delivered" | "read" | "failed" | undefined {
  switch (status) {
    case "queued":
    case "accepted":
    case "scheduled":
    case "sending":
    case "sent":
      return "sent";
    case "delivered":
      return "delivered";
    case "read":
      return "read";
    case "undelivered":
    case "failed":
      return "failed";
    default:
      return undefined;
  }
}
