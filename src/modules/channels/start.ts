import type { App } from "../../app";
import { startImapPolling } from "./email/imap";
import { startSmtpListener } from "./email/smtp";

/**
 * The listeners and pollers beside HTTP: the inbound SMTP listener (when
 * USHER_SMTP_LISTEN_PORT is set) and IMAP polling of desk mailboxes.
 * `usher start` runs both, `usher serve` the listener, `usher worker` the polling.
 */
export async function startChannels(app: App, what: { smtp?: boolean; imap?: boolean }): Promise<() => Promise<void>> {
  const deps = { db: app.database.db, clock: app.clock, outbox: app.outbox, maxAttachmentBytes: app.config.maxAttachmentBytes };
  const stops: (() => Promise<void>)[] = [];
  if (what.smtp && app.config.smtpListenPort) {
    const listener = await startSmtpListener(
      { ...deps, log: app.log },
      {
        port: app.config.smtpListenPort,
        host: app.config.smtpListenHost,
        maxBytes: app.config.maxInboundMailBytes,
        maxPerSenderPerHour: app.config.maxMailsPerSenderPerHour,
        log: app.log,
        name: new URL(app.config.publicUrl).hostname,
      },
    );
    app.log.info(`SMTP intake listening on ${app.config.smtpListenHost}:${listener.port}`);
    stops.push(listener.close);
  }
  if (what.imap) stops.push(startImapPolling(deps, { seconds: app.config.imapPollSeconds, log: app.log }));
  return async () => {
    for (const stop of stops) await stop();
  };
}
