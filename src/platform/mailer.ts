import nodemailer from "nodemailer";

/**
 * Outbound e-mail over SMTP (nodemailer). Without USHER_SMTP_URL mail cannot
 * leave the machine; the "outbox" transport then keeps messages in memory so
 * the demo and tests can show what would have been sent.
 */
export interface OutgoingMail {
  from: string;
  to: string | string[];
  cc?: string | string[];
  replyTo?: string;
  subject: string;
  text: string;
  html?: string;
  /** RFC 5322 Message-ID, with angle brackets. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType?: string; cid?: string }[];
}

export interface Mailer {
  readonly kind: "smtp" | "outbox";
  send(mail: OutgoingMail): Promise<{ messageId: string; response?: string }>;
  /** Messages kept by the outbox transport (empty for SMTP). */
  readonly sent: OutgoingMail[];
  close(): void;
}

export function createMailer(smtpUrl: string | undefined): Mailer {
  if (!smtpUrl) {
    const sent: OutgoingMail[] = [];
    return {
      kind: "outbox",
      sent,
      async send(mail) {
        sent.push(mail);
        if (sent.length > 1000) sent.shift();
        return { messageId: mail.messageId ?? `<${Date.now()}.${Math.random().toString(36).slice(2)}@usher.local>` };
      },
      close() {},
    };
  }
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    kind: "smtp",
    sent: [],
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        cc: mail.cc,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        headers: mail.headers,
        attachments: mail.attachments,
      });
      return { messageId: info.messageId, response: info.response };
    },
    close: () => transport.close(),
  };
}
