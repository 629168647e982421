import type { ParsedMail } from "mailparser";
import type { IntakeDeps } from "../../intake/pipeline";
import { reportByExternalId } from "../status";

/**
 * Bounces (delivery status notifications) reported back onto the message
 * they are about. RFC 3464 reports (multipart/report; message/delivery-status
 * with Action, Status, Diagnostic-Code, Final-Recipient, and the returned
 * message or its headers) and the free-text bounces older servers write
 * (qmail's "Hi. This is the qmail-send program", Exchange's "Delivery has
 * failed to these recipients") both name the original Message-ID somewhere:
 * in the returned headers, or ours (`<usher.{ticket}.{message}@…>`) quoted in
 * the text. A matched bounce marks the message failed and is not stored as a
 * message: never answered, never a ticket of its own.
 */
export interface BounceReport {
  /** Message-IDs the bounce names, most likely first (the returned headers, then anything that looks like ours). */
  messageIds: string[];
  action: "failed" | "delayed" | "delivered";
  /** RFC 3463 status, e.g. 5.1.1. */
  status: string | null;
  /** What the remote server said (Diagnostic-Code, or the line of a free-text bounce that carries the code). */
  diagnostic: string | null;
  recipient: string | null;
  reportingMta: string | null;
}

const OUR_ID = /<usher\.[0-9a-f-]{36}\.[0-9a-f-]{36}@[^>\s]{1,255}>/gi;
const MESSAGE_ID_FIELD = /^(?:message-id|original-envelope-id):[ \t]*(<[^>\s]{3,500}>)/gim;

/** The parts of a bounce, read from what mailparser made of it: the report's fields are in the text, the returned message is an attachment. */
export function bounceReport(parsed: Pick<ParsedMail, "text" | "attachments" | "messageId">, raw: Buffer): BounceReport {
  const text = parsed.text ?? "";
  const returned = parsed.attachments
    .filter((a) => /^(message\/rfc822|text\/rfc822-headers|message\/global|message\/global-headers)$/i.test(a.contentType))
    .map((a) => a.content.toString("utf8"))
    .join("\n");
  const fields = reportFields(text);
  const ids: string[] = [];
  const add = (id: string | undefined) => {
    if (id && id !== parsed.messageId && !ids.includes(id)) ids.push(id);
  };
  // The returned message's own headers: its Message-ID is the one that bounced.
  for (const m of returned.matchAll(MESSAGE_ID_FIELD)) add(m[1]);
  // Original-Envelope-Id (RFC 3464 §2.2.1) and headers quoted in a free-text bounce.
  for (const m of text.matchAll(MESSAGE_ID_FIELD)) add(m[1]);
  // Ours, wherever a server put it (some quote only part of the headers, some fold them).
  const whole = `${returned}\n${text}\n${raw.subarray(0, 2_000_000).toString("latin1")}`;
  for (const m of whole.matchAll(OUR_ID)) add(m[0]);

  const action = (fields.get("action") ?? "").toLowerCase();
  const diagnostic = fields.get("diagnostic-code")?.replace(/^[a-z-]+;\s*/i, "") ?? freeTextDiagnostic(text);
  const status = fields.get("status")?.match(/\d\.\d{1,3}\.\d{1,3}/)?.[0] ?? diagnostic?.match(/\b[245]\.\d{1,3}\.\d{1,3}\b/)?.[0] ?? null;
  return {
    messageIds: ids.slice(0, 20),
    action: action === "delayed" ? "delayed" : action === "delivered" || action === "relayed" || action === "expanded" ? "delivered" : "failed",
    status,
    diagnostic: diagnostic?.slice(0, 500) ?? null,
    recipient: fields.get("final-recipient")?.replace(/^[a-z0-9-]+;\s*/i, "") ?? null,
    reportingMta: fields.get("reporting-mta")?.replace(/^[a-z-]+;\s*/i, "") ?? null,
  };
}

/** `Name: value` fields of the delivery-status part, continuation lines unfolded; the first of each name wins (one recipient). */
function reportFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const unfolded = text.replace(/\r?\n[ \t]+/g, " ");
  for (const m of unfolded.matchAll(/^(Reporting-MTA|Final-Recipient|Original-Recipient|Action|Status|Diagnostic-Code|Remote-MTA):[ \t]*(.+)$/gim)) {
    const name = m[1]!.toLowerCase();
    if (!fields.has(name)) fields.set(name, m[2]!.trim());
  }
  return fields;
}

/** The line of a free-text bounce that carries the server's answer: an SMTP reply code, an enhanced status or qmail's (#5.1.1). */
function freeTextDiagnostic(text: string): string | undefined {
  const unfolded = text.replace(/\r?\n[ \t]+/g, " ");
  return (
    unfolded.match(/^.*\b5\d\d[ -]#?\d\.\d{1,3}\.\d{1,3}\b.*$/m)?.[0] ??
    unfolded.match(/^.*\(#\d\.\d{1,3}\.\d{1,3}\).*$/m)?.[0] ??
    unfolded.match(/^.*\b[45]\d\d\b[^\n]*(?:user|mailbox|recipient|address)[^\n]*$/im)?.[0]
  )?.trim();
}

/**
 * Reports a bounce onto the message it is about, in the workspace of the
 * desk address it came to. True when it named one of our outbound messages
 * (even if that message already knew: a repeated bounce is not news either).
 */
export async function takeBounce(deps: Pick<IntakeDeps, "db" | "clock" | "outbox">, workspaceId: string, bounce: BounceReport): Promise<boolean> {
  for (const externalId of bounce.messageIds) {
    const result = await reportByExternalId(
      deps,
      workspaceId,
      { channels: ["email"], externalId },
      bounce.action === "delayed"
        ? { status: "sent", source: "dsn" } // still trying: nothing changes but the bounce is not a ticket
        : {
            status: bounce.action,
            source: "dsn",
            errorCode: bounce.status,
            errorReason: bounce.diagnostic,
            details: { recipient: bounce.recipient, reportingMta: bounce.reportingMta },
          },
    );
    if (result !== "unknown") return true;
  }
  return false;
}
