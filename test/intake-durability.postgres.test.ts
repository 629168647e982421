import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { App } from "../src/app";
import { usherSignature } from "../src/modules/channels/webhooks";
import { addDeskAddress } from "../src/modules/desks/service";
import { freePort, usher } from "./cli-process";
import { makeWorkspace, uid } from "./factories";
import { openTestApp } from "./helpers";

/**
 * "Accepted means durable": a real `usher serve` takes a burst of webhooks
 * and SMTP mail, is killed with SIGKILL in the middle, and restarted. Every
 * message it acknowledged (HTTP 200, SMTP 250) must be stored; providers'
 * retries of the rest are then stored exactly once.
 */
let app: App;
beforeAll(async () => {
  app = await openTestApp();
}, 60_000);
afterAll(async () => {
  await app?.close();
}, 60_000);

describe("intake durability", () => {
  it("loses no acknowledged message when the process is killed mid-burst", async () => {
    const { desk, system, workspace } = await makeWorkspace(app);
    const inApp = await addDeskAddress(system, desk.id, { channel: "in_app", address: `app-${uid()}`, settings: { secret: "burst-secret" } });
    const mailbox = `burst-${uid()}@lumen.example`;
    await addDeskAddress(system, desk.id, { channel: "email", address: mailbox });

    const [httpPort, smtpPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: inject("postgresUrl"),
      PORT: String(httpPort),
      USHER_SMTP_LISTEN_PORT: String(smtpPort),
      USHER_SMTP_LISTEN_HOST: "127.0.0.1",
      USHER_PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      USHER_LOG_LEVEL: "info",
      USHER_API_RATE_LIMIT: "1000000",
    };
    const start = async () => {
      const run = usher(["serve"], env);
      await run.waitFor(/SMTP intake listening/, 60_000);
      return run;
    };

    const webhook = async (id: string) => {
      const body = JSON.stringify({ id, user: { id: `user-${id}` }, text: `Is my refund for the cancelled show coming? (${id})` });
      const res = await fetch(`http://127.0.0.1:${httpPort}/webhooks/in-app/${inApp.id}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-usher-signature": usherSignature("burst-secret", body) },
        body,
      });
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    };
    const mail = async (id: string) => {
      const transport = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true, connectionTimeout: 5000, socketTimeout: 5000 });
      try {
        const info = await transport.sendMail({ from: `fan-${id}@example.com`, to: mailbox, subject: "Cancelled show", text: "Refund please", messageId: id });
        if (!/^250/.test(info.response)) throw new Error(info.response);
      } finally {
        transport.close();
      }
    };

    const ids = Array.from({ length: 400 }, (_, i) => (i % 4 === 0 ? { kind: "mail" as const, id: `<burst-${i}-${uid()}@fan.example>` } : { kind: "webhook" as const, id: `burst-${i}-${uid()}` }));
    const acknowledged: typeof ids = [];
    const failures: string[] = [];
    let server = await start();
    let killed = false;
    const inFlight = ids.map(async (m, i) => {
      await new Promise((r) => setTimeout(r, i * 2)); // a burst, not one instant
      try {
        await (m.kind === "mail" ? mail(m.id) : webhook(m.id));
        acknowledged.push(m);
        if (acknowledged.length === 120 && !killed) {
          killed = true;
          server.child.kill("SIGKILL");
        }
      } catch (err) {
        // Not acknowledged: the provider will retry.
        failures.push(`${m.kind}: ${(err as Error).message}`);
      }
    });
    await Promise.all(inFlight);
    if (!killed) server.child.kill("SIGKILL");
    await server.exited;
    expect(killed, `acknowledged ${acknowledged.length}; failures: ${failures.slice(0, 5).join("; ")}\n${server.output().slice(-2000)}`).toBe(true);
    expect(acknowledged.length).toBeGreaterThanOrEqual(120);
    expect(acknowledged.length).toBeLessThan(ids.length); // the kill did interrupt the burst

    const stored = async () => {
      const { rows } = await app.database.executeSql(
        "select channel::text as channel, external_id from messages where workspace_id = $1 and kind = 'inbound'",
        [workspace.id],
      );
      return rows as { channel: string; external_id: string }[];
    };
    const afterKill = new Set((await stored()).map((r) => r.external_id));
    const lost = acknowledged.filter((m) => !afterKill.has(m.id));
    expect(lost).toEqual([]);

    // Restarted, the providers retry everything not acknowledged (and some that were): each is stored once.
    server = await start();
    const acked = new Set(acknowledged.map((m) => m.id));
    for (const m of ids.filter((x) => !acked.has(x.id)).concat(acknowledged.slice(0, 20))) {
      await (m.kind === "mail" ? mail(m.id) : webhook(m.id));
    }
    const all = await stored();
    expect(all.length).toBe(ids.length);
    expect(new Set(all.map((r) => r.external_id)).size).toBe(ids.length);
    server.child.kill("SIGTERM");
    await server.exited;
  }, 180_000);
});
