import { ImapFlow } from "imapflow";
import type { Logger } from "../../../platform/logger";
import type { DeskAddressRow } from "../../desks/schema";
import { listAddressesOfChannel } from "../../desks/service";
import { type IntakeDeps, receiveInbound } from "../../intake/pipeline";
import { takeBounce } from "./bounce";
import { parseEmail } from "./parse";

/**
 * IMAP polling of mailboxes a desk already has (the provider keeps the MX):
 * unseen messages are taken through intake and only then flagged \Seen. A
 * crash in between leaves them unseen; the next poll takes them again and
 * intake recognises them by Message-ID — nothing lost, nothing doubled.
 *
 * Configured per desk address: settings.imap = {host, port, secure, user,
 * password, mailbox}.
 */
export interface ImapSettings {
  host: string;
  port?: number;
  secure?: boolean;
  user: string;
  password: string;
  mailbox?: string;
}

export function imapSettingsOf(address: DeskAddressRow): ImapSettings | undefined {
  const imap = address.settings.imap as Partial<ImapSettings> | undefined;
  if (!imap || typeof imap.host !== "string" || typeof imap.user !== "string" || typeof imap.password !== "string") return undefined;
  return imap as ImapSettings;
}

const BATCH = 200;

/** Polls one mailbox; returns how many messages were taken in. */
export async function pollMailbox(deps: IntakeDeps, address: DeskAddressRow, log?: Logger): Promise<number> {
  const settings = imapSettingsOf(address);
  if (!settings) return 0;
  const client = new ImapFlow({
    host: settings.host,
    port: settings.port ?? (settings.secure === false ? 143 : 993),
    secure: settings.secure ?? true,
    auth: { user: settings.user, pass: settings.password },
    logger: false,
    // Plain IMAP on loopback (tests, a local relay) without STARTTLS.
    doSTARTTLS: settings.secure === false && /^(127\.|localhost$)/.test(settings.host) ? false : undefined,
    connectionTimeout: 15_000,
  });
  client.on("error", (err: unknown) => log?.warn({ err, address: address.address }, "imap: connection error"));
  await client.connect();
  let taken = 0;
  try {
    const lock = await client.getMailboxLock(settings.mailbox ?? "INBOX");
    try {
      const unseen: { uid: number; source: Buffer }[] = [];
      for await (const message of client.fetch({ seen: false }, { uid: true, source: true }, { uid: true })) {
        if (message.source) unseen.push({ uid: message.uid, source: message.source });
        if (unseen.length >= BATCH) break;
      }
      const done: number[] = [];
      for (const { uid, source } of unseen) {
        try {
          const { message, bounce } = await parseEmail(source, { receivedAt: deps.clock.now() });
          if (!bounce || !(await takeBounce(deps, address.workspaceId, bounce))) await receiveInbound(deps, { ...message, to: address.address });
          done.push(uid);
          taken++;
        } catch (err) {
          // One bad message must not block the mailbox: it stays unseen and is logged; the rest go on.
          log?.error({ err, uid, address: address.address }, "imap: message not taken in");
        }
      }
      if (done.length) await client.messageFlagsAdd(done.join(","), ["\\Seen"], { uid: true });
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
  return taken;
}

/** Polls every configured mailbox every `seconds`, one round at a time; returns a stop function. */
export function startImapPolling(deps: IntakeDeps, options: { seconds: number; log?: Logger }): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const round = async () => {
    const addresses = (await listAddressesOfChannel(deps.db, "email")).filter((a) => imapSettingsOf(a));
    for (const address of addresses) {
      if (stopped) return;
      try {
        const n = await pollMailbox(deps, address, options.log);
        if (n) options.log?.info({ address: address.address, messages: n }, "imap: messages taken in");
      } catch (err) {
        options.log?.warn({ err, address: address.address }, "imap: poll failed");
      }
    }
  };
  const timer = setInterval(() => {
    running = running.then(round).catch((err: unknown) => options.log?.error({ err }, "imap: round failed"));
  }, options.seconds * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
