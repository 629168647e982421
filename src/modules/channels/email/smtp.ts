import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";
import type { Logger } from "../../../platform/logger";
import { DomainError } from "../../../platform/errors";
import { mayBeDeskEmailAddress } from "../../desks/address-cache";
import { findEndpoint, type IntakeDeps, receiveInbound } from "../../intake/pipeline";
import { takeBounce } from "./bounce";
import { parseEmail } from "./parse";
import { SenderRate } from "./rate";

/**
 * The SMTP listener desks' MX points at (or a relay forwards to). A message
 * is answered 250 only after the intake pipeline committed it for every desk
 * recipient: a crash before that makes the sending server try again, never
 * a lost message. The size limit is announced in EHLO (RFC 1870) and a
 * larger message is refused with 552.
 */
export interface SmtpListenerOptions {
  port: number;
  host?: string;
  maxBytes: number;
  /** Messages per sender per hour before further ones are treated as a mail loop. */
  maxPerSenderPerHour: number;
  log?: Logger;
  /** Host name in the greeting. */
  name?: string;
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) => Object.assign(new Error(message), { responseCode: code });

export async function startSmtpListener(deps: IntakeDeps & { log?: Logger }, options: SmtpListenerOptions): Promise<SmtpListener> {
  const rate = new SenderRate(options.maxPerSenderPerHour, 3600_000);
  const server = new SMTPServer({
    name: options.name,
    banner: "Usher intake",
    size: options.maxBytes,
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    // The client's reverse DNS name is only used in greetings and logs we do not keep; looking it up
    // costs a DNS round trip (up to smtp-server's timeout) before the greeting of every connection.
    disableReverseLookup: true,
    maxClients: 200,
    async onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      try {
        const endpoint = await findEndpoint(deps.db, "email", address.address);
        if (!endpoint || endpoint.desk.archivedAt) return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
        callback();
      } catch (err) {
        options.log?.error({ err }, "smtp: recipient lookup failed");
        callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
      }
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size <= options.maxBytes) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (stream.sizeExceeded || size > options.maxBytes) {
          return callback(smtpError(552, `5.3.4 Message too big: at most ${options.maxBytes} bytes`));
        }
        const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        accept(deps, Buffer.concat(chunks), mailFrom, recipients, rate).then(
          (ids) => callback(null, `2.0.0 Ok: stored as ${ids.join(", ")}`),
          (err: unknown) => {
            if (err instanceof DomainError && err.status < 500) return callback(smtpError(550, `5.6.0 ${err.message}`));
            options.log?.error({ err }, "smtp: intake failed");
            callback(smtpError(451, "4.3.0 Temporary failure, try again later"));
          },
        );
      });
    },
  });
  server.on("error", (err) => options.log?.warn({ err }, "smtp: connection error"));
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function accept(deps: IntakeDeps, raw: Buffer, mailFrom: string, recipients: string[], rate: SenderRate): Promise<string[]> {
  const { message, bounce } = await parseEmail(raw, { mailFrom, receivedAt: deps.clock.now() });
  const sender = message.from.identities[0]!.value.toLowerCase();
  // Past the per-sender rate it is almost surely a loop with another robot: kept, flagged, never answered.
  // Mail "from" one of our own desk addresses is our own mail come back. Asked of the domains first:
  // a burst is mostly new fans, each a cache miss that would cost a query of its own.
  const ours = (await mayBeDeskEmailAddress(deps.db, sender)) && (await findEndpoint(deps.db, "email", sender));
  const automated = message.automated ?? (ours || !rate.hit(sender) ? "loop" : null);
  const ids: string[] = [];
  for (const to of recipients) {
    // A bounce about one of our replies is reported on that reply, not stored as a message.
    const endpoint = bounce ? await findEndpoint(deps.db, "email", to) : undefined;
    if (bounce && endpoint && (await takeBounce(deps, endpoint.address.workspaceId, bounce))) {
      ids.push("bounce");
      continue;
    }
    const result = await receiveInbound(deps, { ...message, to, automated });
    ids.push(`#${result.ticketNumber}`);
  }
  return ids;
}
