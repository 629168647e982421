import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace, uid } from "../../../../test/factories";
import { openTestApp, settle } from "../../../../test/helpers";
import type { App } from "../../../app";
import { systemActor } from "../../../platform/context";
import { addDeskAddress } from "../../desks/service";
import { addMessage, listMessages } from "../../tickets/messages";
import { getTicket, listTickets } from "../../tickets/service";
import { listTicketActivities } from "../../activity/service";
import { type DsnInput, exchangeDsn, gmailDsn, postfixDsn, qmailBounce } from "./dsn-samples";
import { type SmtpListener, startSmtpListener } from "./smtp";

/**
 * Real SMTP conversations on loopback: nodemailer (the fan's mail server)
 * talks to our listener; agents' replies leave through nodemailer to a
 * receiving smtp-server standing in for the fan's provider.
 */
const delivered: { to: string[]; raw: string }[] = [];
let receiving: SMTPServer;
let app: App;
let listener: SmtpListener;
const MAX_BYTES = 5 * 1024 * 1024;

beforeAll(async () => {
  receiving = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    // The fan's provider refuses mailboxes that do not exist, as real ones do at RCPT TO.
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("gone-")) return callback(Object.assign(new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        delivered.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => receiving.listen(0, "127.0.0.1", resolve));
  app = await openTestApp({ config: { smtpUrl: `smtp://127.0.0.1:${(receiving.server.address() as AddressInfo).port}` } });
  listener = await startSmtpListener(
    { db: app.database.db, clock: app.clock, outbox: app.outbox },
    { port: 0, host: "127.0.0.1", maxBytes: MAX_BYTES, maxPerSenderPerHour: 5 },
  );
}, 60_000);
afterAll(async () => {
  await listener?.close();
  await app?.close();
  await new Promise<void>((resolve) => receiving.close(() => resolve()));
}, 60_000);

const fanServer = () => nodemailer.createTransport({ host: "127.0.0.1", port: listener.port, secure: false, ignoreTLS: true });

async function deskAddress() {
  const ws = await makeWorkspace(app);
  const address = `help-${uid()}@lumen.example`;
  await addDeskAddress(ws.system, ws.desk.id, { channel: "email", address, displayName: "Lumen Live Help" });
  return { ...ws, address };
}

async function ticketsOf(workspaceId: string) {
  return (await listTickets(app.ctx(workspaceId, systemActor("test")), { sort: "created" })).items;
}

describe("e-mail in over SMTP", { timeout: 30_000 }, () => {
  it("stores the fan's mail before answering 250, without quoted history or signature, with the attachment", async () => {
    const { workspace, system, address } = await deskAddress();
    const info = await fanServer().sendMail({
      from: '"Dana Fan" <dana@example.com>',
      to: address,
      subject: "Barcodes never arrived",
      text: "Hi, my barcodes for Saturday never arrived.\n\nThanks,\nDana\n\n-- \nDana Fan\nHead of Fun, Example Ltd\n\nOn Mon, 3 Nov 2026, Lumen <help@lumen.example> wrote:\n> Thank you for your order\n> Order 1234",
      attachments: [{ filename: "receipt.pdf", content: Buffer.from("%PDF-1.4 receipt"), contentType: "application/pdf" }],
    });
    expect(info.response).toMatch(/^250 .*stored as #\d+/);
    const [ticket] = await ticketsOf(workspace.id);
    expect(ticket).toMatchObject({ subject: "Barcodes never arrived", channel: "email" });
    const [message] = (await listMessages(system, ticket!.id)).items;
    expect(message!.text).toBe("Hi, my barcodes for Saturday never arrived.\n\nThanks,\nDana");
    expect(message!.originalText).toContain("Order 1234");
    expect(message!.externalId).toBe(info.messageId);
    expect(message!.attachments.map((a) => a.filename)).toEqual(["receipt.pdf"]);
  });

  it("sends the agent's reply threaded, and the fan's answer comes back to the same ticket", async () => {
    const { workspace, system, admin, address } = await deskAddress();
    const fan = `fan-${uid()}@example.com`;
    const first = await fanServer().sendMail({ from: fan, to: address, subject: "Seat upgrade?", text: "Can I upgrade my seat for the gala?" });
    const [ticket] = await ticketsOf(workspace.id);
    await addMessage(admin.ctx, ticket!.id, { kind: "outbound", text: "Yes — row C is free. Shall I book it?" });
    await settle(app, workspace.id);

    const mail = delivered.find((d) => d.to.includes(fan));
    expect(mail).toBeDefined();
    expect(mail!.raw).toMatch(new RegExp(`^Subject: Re: Seat upgrade\\? \\[#${ticket!.number}\\]`, "m"));
    expect(mail!.raw).toContain(`In-Reply-To: ${first.messageId}`);
    const ourId = /^Message-ID:\s+(<usher\.[^>]+>)/m.exec(mail!.raw)![1]!;
    expect(mail!.raw).toMatch(/^From: "?Lumen Live Help"? <help-/m);
    const reply = (await listMessages(system, ticket!.id)).items.find((m) => m.kind === "outbound")!;
    expect(reply).toMatchObject({ deliveryStatus: "sent", externalId: ourId });

    // The fan's client changes the subject; the headers still thread it.
    await fanServer().sendMail({ from: fan, to: address, subject: "yes please", text: "Yes please!", inReplyTo: ourId, references: [first.messageId, ourId] });
    const tickets = await ticketsOf(workspace.id);
    expect(tickets).toHaveLength(1);
    expect((await listMessages(system, ticket!.id)).items.filter((m) => m.kind === "inbound")).toHaveLength(2);
    expect((await getTicket(system, ticket!.id)).status).toBe("open");
  });

  it("refuses unknown recipients (550) and messages over the announced size (552)", async () => {
    const { address } = await deskAddress();
    await expect(fanServer().sendMail({ from: "a@example.com", to: `nobody-${uid()}@lumen.example`, text: "hi" })).rejects.toMatchObject({
      responseCode: 550,
    });
    const huge = Buffer.alloc(50 * 1024 * 1024, "a");
    await expect(
      fanServer().sendMail({ from: "a@example.com", to: address, subject: "big", text: "see attached", attachments: [{ filename: "big.bin", content: huge }] }),
    ).rejects.toMatchObject({ responseCode: 552 });
  });

  it("recognises auto-replies and bounces, stores them, and never answers them automatically", async () => {
    const { workspace, system, address } = await deskAddress();
    const fan = `fan-${uid()}@example.com`;
    await fanServer().sendMail({ from: fan, to: address, subject: "Out of office", text: "I am away until Monday.", headers: { "Auto-Submitted": "auto-replied" } });
    const dsn = [
      `From: Mail Delivery System <MAILER-DAEMON@mx.example.com>`,
      `To: ${address}`,
      `Subject: Undelivered Mail Returned to Sender`,
      `Message-ID: <dsn-${uid()}@mx.example.com>`,
      `MIME-Version: 1.0`,
      `Content-Type: multipart/report; report-type=delivery-status; boundary="b1"`,
      ``,
      `--b1`,
      `Content-Type: text/plain`,
      ``,
      `Your message could not be delivered.`,
      `--b1`,
      `Content-Type: message/delivery-status`,
      ``,
      `Reporting-MTA: dns; mx.example.com`,
      ``,
      `Final-Recipient: rfc822; gone@example.com`,
      `Action: failed`,
      `Status: 5.1.1`,
      `--b1--`,
      ``,
    ].join("\r\n");
    await fanServer().sendMail({ envelope: { from: "", to: [address] }, raw: dsn });
    const tickets = await ticketsOf(workspace.id);
    const kinds = [];
    for (const t of tickets) kinds.push(...(await listMessages(system, t.id)).items.map((m) => m.metadata.automated));
    expect(kinds.sort()).toEqual(["auto_reply", "bounce"]);

    // A rule answering the out-of-office would start a loop: the delivery refuses.
    const ooo = tickets.find((t) => t.subject === "Out of office")!;
    await addMessage(app.ctx(workspace.id, systemActor("rule")), ooo.id, { kind: "outbound", text: "We got your message!" });
    const before = delivered.length;
    await settle(app, workspace.id);
    expect(delivered.length).toBe(before);
    const auto = (await listMessages(system, ooo.id)).items.find((m) => m.kind === "outbound")!;
    expect(auto.deliveryStatus).toBe("failed");
  });

  it("flags a sender past the hourly rate as a mail loop", async () => {
    const { workspace, system, address } = await deskAddress();
    const robot = `robot-${uid()}@example.com`;
    for (let i = 0; i < 7; i++) await fanServer().sendMail({ from: robot, to: address, subject: `Ticket received ${i}`, text: `We got it (${i})` });
    const tickets = await ticketsOf(workspace.id);
    const flags = [];
    for (const t of tickets) flags.push(...(await listMessages(system, t.id)).items.map((m) => m.metadata.automated ?? null));
    expect(flags.filter((f) => f === "loop")).toHaveLength(2);
  });

  it("flags mail from one of our own desk addresses as a loop, and a fan's as nothing", async () => {
    const { workspace, system, address } = await deskAddress();
    const other = await deskAddress(); // another workspace's desk, on the same domain
    await fanServer().sendMail({ from: `fan-${uid()}@example.com`, to: address, subject: "A fan", text: "Is the show on tonight?" });
    await fanServer().sendMail({ from: other.address.toUpperCase(), to: address, subject: "Re: your ticket", text: "Thank you, we got your message." });
    const flags = [];
    for (const t of await ticketsOf(workspace.id)) flags.push(...(await listMessages(system, t.id)).items.map((m) => m.metadata.automated ?? null));
    expect(flags.sort()).toEqual(["loop", null]);
  });

  it("stores malformed MIME and invalid UTF-8 safely", async () => {
    const { workspace, system, address } = await deskAddress();
    const raw = Buffer.concat([
      Buffer.from(`From: broken@example.com\r\nTo: ${address}\r\nSubject: =?utf-8?B?!!!broken?=\r\nContent-Type: multipart/mixed; boundary="never-closed"\r\n\r\n--never-closed\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbad bytes: `),
      Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0xa0, 0xa1]),
      Buffer.from(" =ZZ end\r\n<script>alert(1)</script>\r\n"),
    ]);
    const info = await fanServer().sendMail({ envelope: { from: "broken@example.com", to: [address] }, raw });
    expect(info.response).toMatch(/^250/);
    const [ticket] = await ticketsOf(workspace.id);
    const [message] = (await listMessages(system, ticket!.id)).items;
    expect(message!.text).toContain("bad bytes");
    expect(message!.text).not.toContain("\u0000");
  });
});

describe("delivery of replies and bounces", { timeout: 60_000 }, () => {
  async function replied(fan: string) {
    const ws = await deskAddress();
    await fanServer().sendMail({ from: fan, to: ws.address, subject: "Doors?", text: "When do doors open?" });
    const [ticket] = await ticketsOf(ws.workspace.id);
    const { message } = await addMessage(ws.admin.ctx, ticket!.id, { kind: "outbound", text: "Doors open at 7." });
    await settle(app, ws.workspace.id);
    const reply = (await listMessages(ws.system, ticket!.id)).items.find((m) => m.id === message.id)!;
    return { ...ws, ticket: ticket!, reply };
  }
  const failures = async (workspaceId: string, ticketId: string) =>
    (await listTicketActivities(app.ctx(workspaceId, systemActor("test")), ticketId)).items.filter((a) => a.type === "message.delivery_failed");

  it("records the relay's refusal (the SMTP reply nodemailer got) as a failed delivery", async () => {
    const { workspace, ticket, reply } = await replied(`gone-${uid()}@example.com`);
    expect(reply.deliveryStatus).toBe("failed");
    expect(reply.metadata).toMatchObject({ deliveryErrorCode: "550", deliverySource: "smtp" });
    expect(String(reply.metadata.deliveryError)).toMatch(/5\.1\.1.*User unknown/);
    expect(await failures(workspace.id, ticket.id)).toHaveLength(1);
  });

  it.each([
    ["Postfix", postfixDsn, "5.1.1", /User unknown in virtual mailbox table/],
    ["Gmail", gmailDsn, "5.1.1", /550-5\.1\.1 The email account that you tried to reach does not exist/],
    ["Exchange Online", exchangeDsn, "5.1.10", /RESOLVER\.ADR\.RecipientNotFound/],
    ["qmail (no report)", qmailBounce, "5.1.1", /no mailbox here by that name/],
  ] as const)("matches a %s bounce to the reply it reports on: failed, on the ticket, never a ticket of its own", async (_name, sample, status, diagnostic) => {
    const fan = `fan-${uid()}@example.com`;
    const { workspace, system, address, ticket, reply } = await replied(fan);
    expect(reply.deliveryStatus).toBe("sent");
    const input: DsnInput = { to: address, rcpt: fan, ourId: reply.externalId!, subject: `Re: Doors? [#${ticket.number}]` };
    const before = delivered.length;
    const info = await fanServer().sendMail({ envelope: { from: "", to: [address] }, raw: sample(input) });
    expect(info.response).toMatch(/^250/);
    // The same bounce again (a server retrying after a lost 250) changes nothing and is not news.
    await fanServer().sendMail({ envelope: { from: "", to: [address] }, raw: sample(input) });
    await settle(app, workspace.id);

    const after = (await listMessages(system, ticket.id)).items;
    expect(after.map((m) => m.kind)).toEqual(["inbound", "outbound"]);
    expect(after[1]).toMatchObject({ deliveryStatus: "failed", metadata: expect.objectContaining({ deliveryErrorCode: status, deliverySource: "dsn" }) });
    expect(String(after[1]!.metadata.deliveryError)).toMatch(diagnostic);
    expect(await ticketsOf(workspace.id)).toHaveLength(1);
    const failed = await failures(workspace.id, ticket.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ subjectId: reply.id, data: { source: "dsn", errorCode: status } });
    expect(delivered.length).toBe(before); // never answered
  });

  it("keeps a bounce about a message that is not ours, or another workspace's, as an automated message", async () => {
    const fan = `fan-${uid()}@example.com`;
    const mine = await replied(fan);
    const other = await deskAddress();
    // Another workspace's desk receives a bounce naming this workspace's reply: not matched across workspaces.
    const foreign = postfixDsn({ to: other.address, rcpt: fan, ourId: mine.reply.externalId!, subject: "Re: Doors?" });
    await fanServer().sendMail({ envelope: { from: "", to: [other.address] }, raw: foreign });
    const stranger = postfixDsn({ to: mine.address, rcpt: fan, ourId: `<${uid()}@elsewhere.example>`, subject: "Hello" });
    await fanServer().sendMail({ envelope: { from: "", to: [mine.address] }, raw: stranger });

    expect((await listMessages(mine.system, mine.ticket.id)).items.find((m) => m.id === mine.reply.id)!.deliveryStatus).toBe("sent");
    const [kept] = await ticketsOf(other.workspace.id);
    expect((await listMessages(other.system, kept!.id)).items[0]!.metadata.automated).toBe("bounce");
    const tickets = await ticketsOf(mine.workspace.id);
    expect(tickets).toHaveLength(2);
  });
});
