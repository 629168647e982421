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
