import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../app";
import { makeWorkspace, uid } from "../../../test/factories";
import { openTestApp } from "../../../test/helpers";
import { redeemSignInLink, requestSignInLink } from "./auth";

/**
 * The sign-in link leaves through a real SMTP conversation: a receiving
 * server (smtp-server) on loopback, nodemailer speaking to it.
 */
interface Received {
  from: string;
  to: string[];
  raw: string;
}

const received: Received[] = [];
let smtp: SMTPServer;
let app: App;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  app = await openTestApp({ config: { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: "Lumen Live <help@lumen.example>" } });
});
afterAll(async () => {
  await app?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The text body of a single-part message, as nodemailer encodes it (base64 or quoted-printable). */
function bodyOf(raw: string): string {
  const split = raw.indexOf("\r\n\r\n");
  const headers = raw.slice(0, split);
  const body = raw.slice(split + 4);
  if (/^Content-Transfer-Encoding: base64/im.test(headers)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe("the sign-in link over SMTP", () => {
  it("is delivered to the receiving server and signs the fan in", async () => {
    const { desk, system, workspace } = await makeWorkspace(app);
    expect(app.mailer.kind).toBe("smtp");
    const email = `smtp-${uid()}@example.com`;
    const deps = {
      db: app.database.db,
      clock: app.clock,
      mailer: app.mailer,
      publicUrl: "https://help.lumen.example",
      mailFrom: app.config.mailFrom,
    };
    const { sent } = await requestSignInLink(deps, {
      workspaceId: workspace.id,
      deskId: desk.id,
      deskKey: desk.key,
      deskName: desk.name,
      email,
      locale: "uk",
    });
    expect(sent).toBe(true);

    const mail = received.find((m) => m.to.includes(email))!;
    expect(mail.from).toBe("help@lumen.example");
    expect(mail.raw).toMatch(/^Subject: =\?UTF-8\?/m); // Ukrainian subject, MIME-encoded
    expect(mail.raw).toMatch(/^Auto-Submitted: auto-generated/m);
    const body = bodyOf(mail.raw);
    expect(body).toContain("Скористайтеся цим посиланням");
    const link = /https:\/\/help\.lumen\.example\/help\/fans\/uk\/sign-in\/([A-Za-z0-9_-]+)/.exec(body);
    expect(link, body).not.toBeNull();

    const session = await redeemSignInLink(deps, system, link![1]!);
    expect(session).toMatchObject({ workspaceId: workspace.id, locale: "uk" });
    expect(await redeemSignInLink(deps, system, link![1]!)).toBeUndefined();
  });
});
