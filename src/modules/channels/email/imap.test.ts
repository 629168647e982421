import { ImapFlow } from "imapflow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Dovecot, startDovecot } from "../../../../test/dovecot";
import { makeWorkspace, uid } from "../../../../test/factories";
import { settle, useTestApp } from "../../../../test/helpers";
import { addDeskAddress } from "../../desks/service";
import { addMessage, listMessages } from "../../tickets/messages";
import { createTicket, listTickets } from "../../tickets/service";
import { postfixDsn } from "./dsn-samples";
import { pollMailbox } from "./imap";

/** IMAP polling against a real Dovecot, started for this file. */
const app = useTestApp();
let dovecot: Dovecot;

beforeAll(async () => {
  dovecot = await startDovecot([{ user: "tickets", password: "imap-password" }]);
}, 60_000);
afterAll(async () => {
  await dovecot?.stop();
}, 60_000);

async function mailbox() {
  const client = new ImapFlow({ host: "127.0.0.1", port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user: "tickets", pass: "imap-password" }, logger: false });
  await client.connect();
  return client;
}

describe("IMAP polling of an existing mailbox", { timeout: 30_000 }, () => {
  it("takes unseen mail in, marks it seen only after commit, and takes nothing twice", async () => {
    const { system, desk } = await makeWorkspace(app());
    const address = `box-office-${uid()}@lumen.example`;
    const endpoint = await addDeskAddress(system, desk.id, {
      channel: "email",
      address,
      settings: { imap: { host: "127.0.0.1", port: dovecot.port, secure: false, user: "tickets", password: "imap-password" } },
    });
    expect(JSON.stringify(endpoint.settings)).toContain("imap-password"); // stored (the API masks it)
    const client = await mailbox();
    const id = `<${uid()}@fan.example>`;
    await client.append("INBOX", `From: Fan <fan-${uid()}@example.com>\r\nTo: ${address}\r\nSubject: Lost ticket\r\nMessage-ID: ${id}\r\n\r\nI lost my ticket for the match, can you resend it?\r\n`);
    await client.append("INBOX", `From: other@example.com\r\nTo: ${address}\r\nSubject: Already read\r\nMessage-ID: <${uid()}@x>\r\n\r\nold\r\n`, ["\\Seen"]);
    await client.logout();

    const deps = { db: app().database.db, clock: app().clock, outbox: app().outbox };
    expect(await pollMailbox(deps, endpoint)).toBe(1);
    expect(await pollMailbox(deps, endpoint)).toBe(0);
    const [ticket] = (await listTickets(system)).items;
    expect(ticket).toMatchObject({ subject: "Lost ticket", channel: "email" });
    expect((await listMessages(system, ticket!.id)).items[0]!.externalId).toBe(id);

    const check = await mailbox();
    const lock = await check.getMailboxLock("INBOX");
    const unseen = [];
    for await (const m of check.fetch({ seen: false }, { uid: true })) unseen.push(m.uid);
    lock.release();
    await check.logout();
    expect(unseen).toEqual([]);
  });

  it("reports a bounce found in the mailbox on the reply it is about, without a ticket of its own", async () => {
    const { workspace, system, admin, desk } = await makeWorkspace(app());
    const address = `box-office-${uid()}@lumen.example`;
    const endpoint = await addDeskAddress(system, desk.id, {
      channel: "email",
      address,
      settings: { imap: { host: "127.0.0.1", port: dovecot.port, secure: false, user: "tickets", password: "imap-password" } },
    });
    const fan = `fan-${uid()}@example.com`;
    const ticket = await createTicket(system, {
      deskId: desk.id,
      subject: "Where are my tickets?",
      channel: "email",
      requester: { identities: [{ kind: "email", value: fan }] },
      message: { text: "They never came." },
    });
    const { message } = await addMessage(admin.ctx, ticket.id, { kind: "outbound", text: "Sent again just now." });
    await settle(app(), workspace.id);
    const reply = (await listMessages(system, ticket.id)).items.find((m) => m.id === message.id)!;
    expect(reply).toMatchObject({ deliveryStatus: "sent", externalId: expect.stringMatching(/^<usher\./) });

    const client = await mailbox();
    await client.append("INBOX", postfixDsn({ to: address, rcpt: fan, ourId: reply.externalId!, subject: "Re: Where are my tickets?" }));
    await client.logout();
    const deps = { db: app().database.db, clock: app().clock, outbox: app().outbox };
    expect(await pollMailbox(deps, endpoint)).toBe(1);
    const after = (await listMessages(system, ticket.id)).items;
    expect(after).toHaveLength(2);
    expect(after.find((m) => m.id === message.id)).toMatchObject({ deliveryStatus: "failed", metadata: expect.objectContaining({ deliveryErrorCode: "5.1.1" }) });
    expect((await listTickets(system)).items).toHaveLength(1);
  });
});
