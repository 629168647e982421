import type { InboundMessage } from "../../intake/contract";

/**
 * Meta webhook payloads → inbound messages. One delivery may carry many
 * entries and messages; what is not a message from a person (delivery
 * statuses, echoes of our own replies, reactions) is skipped here.
 *
 * - WhatsApp Cloud API: object "whatsapp_business_account", entry[].changes[]
 *   with field "messages" and value {metadata, contacts, messages}.
 * - Messenger: object "page", entry[].messaging[] {sender, recipient, message}.
 * - Instagram: object "instagram", entry[].messaging[] (DMs) and
 *   entry[].changes[] with field "comments" / "mentions" (social mentions).
 */
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : typeof v === "number" ? String(v) : undefined);

export function metaMessages(body: unknown, now: Date): InboundMessage[] {
  const payload = obj(body);
  const out: InboundMessage[] = [];
  for (const e of arr(payload.entry)) {
    const entry = obj(e);
    if (payload.object === "whatsapp_business_account") {
      for (const c of arr(entry.changes)) {
        const change = obj(c);
        if (change.field !== "messages") continue;
        out.push(...whatsApp(obj(change.value)));
      }
    } else if (payload.object === "page" || payload.object === "instagram") {
      const channel = payload.object === "page" ? "messenger" : "instagram";
      for (const m of arr(entry.messaging)) {
        const message = directMessage(channel, obj(m), now);
        if (message) out.push(message);
      }
      if (payload.object === "instagram") {
        for (const c of arr(entry.changes)) {
          const mention = socialMention(str(entry.id), obj(c), now);
          if (mention) out.push(mention);
        }
      }
    }
  }
  return out;
}

function whatsApp(value: Json): InboundMessage[] {
  const metadata = obj(value.metadata);
  const display = str(metadata.display_phone_number);
  if (!display) return [];
  const names = new Map(arr(value.contacts).map((c) => [str(obj(c).wa_id), str(obj(obj(c).profile).name)]));
  const out: InboundMessage[] = [];
  for (const m of arr(value.messages)) {
    const message = obj(m);
    const from = str(message.from);
    const id = str(message.id);
    if (!from || !id) continue;
    const type = str(message.type) ?? "unknown";
    const text =
      type === "text"
        ? (str(obj(message.text).body) ?? "")
        : type === "button"
          ? (str(obj(message.button).text) ?? "")
          : type === "interactive"
            ? (str(obj(obj(message.interactive).button_reply).title) ?? str(obj(obj(message.interactive).list_reply).title) ?? "")
            : (str(obj(message[type]).caption) ?? `[${type}]`);
    const context = obj(message.context);
    out.push({
      channel: "whatsapp",
      to: `+${display.replace(/^\+/, "")}`,
      from: { name: names.get(from), identities: [{ kind: "phone", value: `+${from.replace(/^\+/, "")}` }] },
      externalId: id,
      text,
      metadata: {
        provider: "meta",
        type,
        phoneNumberId: str(metadata.phone_number_id) ?? null,
        ...(str(obj(message[type]).id) ? { mediaId: str(obj(message[type]).id) } : {}),
        ...(str(context.id) ? { replyTo: str(context.id) } : {}),
      },
      receivedAt: timestamp(message.timestamp) ?? new Date(),
    });
  }
  return out;
}

function directMessage(channel: "messenger" | "instagram", event: Json, now: Date): InboundMessage | undefined {
  const message = obj(event.message);
  const sender = str(obj(event.sender).id);
  const recipient = str(obj(event.recipient).id);
  const id = str(message.mid);
  if (!sender || !recipient || !id || message.is_echo) return undefined;
  const attachments = arr(message.attachments).map((a) => ({ type: str(obj(a).type), url: str(obj(obj(a).payload).url) }));
  return {
    channel,
    to: recipient,
    from: { identities: [{ kind: "social", provider: channel, value: sender }] },
    externalId: id,
    text: str(message.text) ?? (attachments.length ? attachments.map((a) => `[${a.type ?? "attachment"}]`).join(" ") : ""),
    metadata: { provider: "meta", ...(attachments.length ? { attachments } : {}) },
    receivedAt: millis(event.timestamp) ?? now,
  };
}

function socialMention(accountId: string | undefined, change: Json, now: Date): InboundMessage | undefined {
  const value = obj(change.value);
  if (!accountId) return undefined;
  if (change.field === "comments") {
    const from = obj(value.from);
    const id = str(value.id);
    const handle = str(from.username) ?? str(from.id);
    if (!id || !handle) return undefined;
    return {
      channel: "social",
      to: accountId,
      from: { identities: [{ kind: "social", provider: "instagram", value: handle }] },
      externalId: `ig-comment:${id}`,
      text: str(value.text) ?? "",
      metadata: { provider: "meta", kind: "comment", mediaId: str(obj(value.media).id) ?? null, commentId: id },
      receivedAt: now,
    };
  }
  if (change.field === "mentions") {
    const commentId = str(value.comment_id);
    const mediaId = str(value.media_id);
    if (!commentId && !mediaId) return undefined;
    return {
      channel: "social",
      to: accountId,
      from: { identities: [{ kind: "social", provider: "instagram", value: `ig-${commentId ?? mediaId}` }] },
      externalId: `ig-mention:${commentId ?? mediaId}`,
      text: `The account was mentioned in ${commentId ? `comment ${commentId}` : `media ${mediaId}`}.`,
      metadata: { provider: "meta", kind: "mention", mediaId: mediaId ?? null, commentId: commentId ?? null },
      receivedAt: now,
    };
  }
  return undefined;
}

const timestamp = (v: unknown) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : undefined;
};
const millis = (v: unknown) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n) : undefined;
};

/** A delivery status Meta reports about a message we sent. */
export interface MetaStatus {
  channel: "whatsapp" | "messenger" | "instagram";
  /** The wamid (WhatsApp) or mid (Messenger, Instagram) the send returned. */
  id: string;
  status: "sent" | "delivered" | "read" | "failed";
  at?: Date;
  errorCode?: string;
  errorReason?: string;
}

/**
 * The statuses in a delivery: WhatsApp's `value.statuses[]` ({id, status:
 * sent|delivered|read|failed, timestamp, errors[{code, title, message,
 * error_data.details}]}) and Messenger's / Instagram's `messaging[].delivery`
 * ({mids[], watermark}). Other statuses ("deleted", "warning") are skipped.
 */
export function metaStatuses(body: unknown): MetaStatus[] {
  const payload = obj(body);
  const out: MetaStatus[] = [];
  for (const e of arr(payload.entry)) {
    const entry = obj(e);
    if (payload.object === "whatsapp_business_account") {
      for (const c of arr(entry.changes)) {
        const change = obj(c);
        if (change.field !== "messages") continue;
        for (const s of arr(obj(change.value).statuses)) {
          const status = obj(s);
          const id = str(status.id);
          const state = str(status.status);
          if (!id || !(state === "sent" || state === "delivered" || state === "read" || state === "failed")) continue;
          const error = obj(arr(status.errors)[0]);
          const seconds = Number(str(status.timestamp));
          out.push({
            channel: "whatsapp",
            id,
            status: state,
            at: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined,
            errorCode: str(error.code),
            errorReason: [str(error.title) ?? str(error.message), str(obj(error.error_data).details)].filter(Boolean).join(": ") || undefined,
          });
        }
      }
    } else if (payload.object === "page" || payload.object === "instagram") {
      for (const m of arr(entry.messaging)) {
        const delivery = obj(obj(m).delivery);
        for (const mid of arr(delivery.mids)) {
          const id = str(mid);
          if (id) out.push({ channel: payload.object === "page" ? "messenger" : "instagram", id, status: "delivered" });
        }
      }
    }
  }
  return out;
}
