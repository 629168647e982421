import { createHash } from "node:crypto";
import EmailReplyParser from "email-reply-parser";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import type { AutomatedKind, InboundMessage } from "../../intake/contract";
import { cleanText as clean } from "../../intake/pipeline";
import { type BounceReport, bounceReport } from "./bounce";

/**
 * Raw RFC 5322 mail (from SMTP or IMAP) → the inbound-message contract.
 * Parsing is mailparser's; what is ours: which headers make a message
 * automated, how the visible reply is cut from quoted history, and that a
 * message without a Message-ID still gets a stable id (a hash of its bytes)
 * so redelivery of the same bytes is recognised.
 */
export interface ParsedEmail {
  message: Omit<InboundMessage, "to">;
  /** Recipients named in To/Cc (lower-case), for routing when the envelope is not known (IMAP). */
  recipients: string[];
  /** For a bounce: what it reports and about which message (matched by the caller, see bounce.ts). */
  bounce?: BounceReport;
}

const KEPT_HEADERS = ["message-id", "date", "auto-submitted", "precedence", "x-autoreply", "x-autorespond", "list-id", "return-path"];

export async function parseEmail(raw: Buffer, envelope: { mailFrom?: string | null; receivedAt: Date }): Promise<ParsedEmail> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true, maxHtmlLengthToParse: 2_000_000 });
  const from = addresses(parsed.from)[0] ?? (envelope.mailFrom ? { address: envelope.mailFrom, name: "" } : undefined);
  const automated = automatedKind(parsed, envelope.mailFrom);
  const sender = from?.address ? from : { address: `mailer-daemon@${domainOf(envelope.mailFrom) ?? "unknown.invalid"}`, name: "Mail Delivery System" };
  const text = clean(parsed.text ?? "");
  const visible = automated ? text : visibleReply(text);
  const messageId = parsed.messageId?.trim() || `<sha256.${createHash("sha256").update(raw).digest("hex")}@usher.invalid>`;
  const references = typeof parsed.references === "string" ? [parsed.references] : (parsed.references ?? []);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) {
    const value = parsed.headers.get(name);
    if (value !== undefined) headers[name] = clean(typeof value === "string" ? value : JSON.stringify(value)).slice(0, 998);
  }
  return {
    recipients: [...addresses(parsed.to), ...addresses(parsed.cc)].map((a) => a.address.toLowerCase()),
    ...(automated === "bounce" ? { bounce: bounceReport(parsed, raw) } : {}),
    message: {
      channel: "email",
      from: { name: clean(sender.name ?? "").slice(0, 200) || undefined, identities: [{ kind: "email", value: sender.address.slice(0, 320) }] },
      externalId: messageId.slice(0, 998),
      subject: clean(parsed.subject ?? "").slice(0, 5000),
      text: visible,
      html: typeof parsed.html === "string" ? clean(parsed.html) : null,
      originalText: visible === text ? null : text,
      attachments: parsed.attachments.map((a) => ({
        filename: clean(a.filename ?? "attachment"),
        contentType: a.contentType || "application/octet-stream",
        content: a.content,
        contentId: a.contentId ?? null,
      })),
      inReplyTo: parsed.inReplyTo?.slice(0, 998) ?? null,
      references: references.slice(-50).map((r) => r.slice(0, 998)),
      metadata: { headers },
      automated,
      receivedAt: envelope.receivedAt,
    },
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((o) => o.value.flatMap((v) => (v.group ? v.group : [v]))).filter((v): v is { address: string; name: string } => !!v.address);
}

const domainOf = (address: string | null | undefined) => address?.split("@")[1]?.toLowerCase();

/**
 * RFC 3834 (Auto-Submitted), the de-facto Precedence and X-Autoreply headers,
 * and RFC 3464 delivery status notifications: mail a machine wrote. Stored on
 * the ticket, never answered automatically, so two auto-responders cannot
 * talk to each other forever.
 */
export function automatedKind(parsed: Pick<ParsedMail, "headers">, mailFrom?: string | null): AutomatedKind | null {
  const header = (name: string) => {
    const v = parsed.headers.get(name);
    if (v === undefined) return undefined;
    if (typeof v === "string") return v.toLowerCase();
    if (typeof v === "object" && v && "value" in v) return String((v as { value: unknown }).value).toLowerCase();
    return String(v).toLowerCase();
  };
  const contentType = header("content-type") ?? "";
  const reportType = (parsed.headers.get("content-type") as { params?: Record<string, string> } | undefined)?.params?.["report-type"];
  if ((contentType.startsWith("multipart/report") && (reportType ?? "delivery-status").toLowerCase() === "delivery-status") || mailFrom === "") {
    return "bounce";
  }
  const from = header("from") ?? "";
  if (/mailer-daemon@|postmaster@/.test(from) && /undeliver|failure|returned|delivery status/i.test(header("subject") ?? "")) return "bounce";
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted && autoSubmitted.trim() !== "no") return "auto_reply";
  if (/^(bulk|junk|list|auto_reply)$/.test(header("precedence")?.trim() ?? "")) return "auto_reply";
  if (header("x-autoreply") !== undefined || header("x-autorespond") !== undefined || header("x-autoresponse") !== undefined) return "auto_reply";
  if (/^(oof|autoreply)$/i.test(header("x-auto-response-suppress")?.trim() ?? "") && /auto/i.test(header("subject") ?? "")) return "auto_reply";
  return null;
}

const SIGNATURE = /\n(--|__|—)\s*\n[\s\S]{0,600}$/;
const MOBILE_SIGNATURE = /\n(Sent from my [^\n]+|Надіслано з [^\n]+|Enviado desde mi [^\n]+)\s*$/i;
/** Quote headers email-reply-parser does not know: Ukrainian and Spanish clients, Outlook's separator. */
const QUOTE_HEADERS = [
  /\n[^\n]{0,200}\s(пише|написав|написала):\s*\n[\s\S]*$/i,
  /\n[^\n]{0,200}\sescribió:\s*\n[\s\S]*$/i,
  /\n-{2,}\s*(Original Message|Вихідне повідомлення|Mensaje original)\s*-{2,}[\s\S]*$/i,
  /\n_{10,}\s*\n(From|Від|De):[\s\S]*$/i,
];

/** The new part of a reply: quoted history and the signature cut off (the full text is kept as originalText). */
export function visibleReply(text: string): string {
  if (!text.trim()) return text;
  let visible = new EmailReplyParser().read(text).getVisibleText();
  for (const pattern of QUOTE_HEADERS) visible = visible.replace(pattern, "");
  visible = visible.replace(MOBILE_SIGNATURE, "").replace(SIGNATURE, "").trim();
  // A message that is all quote (a forward with nothing added) keeps its text.
  return visible || text.trim();
}
