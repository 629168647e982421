/**
 * The burst after a show is cancelled (issue #4): N inbound messages — half
 * e-mail over SMTP to the desk's address, half webhooks (Twilio SMS and our
 * in-app JSON, signed) — into `usher start`, end to end: parsed, contact
 * found or created, threaded, card numbers redacted, language detected,
 * classified, ticket created with its inline reactors (priority, SLA), and
 * committed before the acknowledgement (SMTP 250 / HTTP 200).
 *
 *   npm run bench:intake-burst -- --db postgres|pglite [--messages 50000] [--concurrency 64] [--only smtp|twilio|in-app]
 *
 * Reports messages/s over the burst and the acknowledgement latency
 * (p50/p99). Target on PostgreSQL on the 2-core machine: ≥ 1,000 messages/s,
 * p99 < 100 ms. `--only` sends every message down one adapter, to tell what
 * each adapter costs on top of the pipeline (server CPU per message).
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:net";
import nodemailer from "nodemailer";
import { addDeskAddress, createCategory } from "../src/modules/desks/service";
import { createClassifierRule } from "../src/modules/intake/rules";
import { twilioSignature } from "../src/modules/channels/twilio/api";
import { arg, cpuMs, poster, report, startServer, summarise } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "postgres");
const total = Number(arg("messages", "50000"));
const concurrency = Number(arg("concurrency", "64"));
const only = arg("only", "");
if (only && !["smtp", "twilio", "in-app"].includes(only)) throw new Error("--only is smtp, twilio or in-app");
/** Half e-mail, a quarter each of the webhooks; or all down one adapter. */
const adapterOf = (i: number) => only || (i % 2 === 0 ? "smtp" : i % 4 === 1 ? "twilio" : "in-app");
// Some fans write twice or three times, each on their own channel: SMS and in-app messages thread onto
// the fan's open conversation (threading is part of the work); e-mails without a reply header open tickets.
const fans = Math.max(10, Math.floor(total / 3));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

const TEXTS = [
  "The show tonight is cancelled?! I drove 200 km. I want a refund for order LL-{n} now.",
  "Hi, will my tickets for the cancelled concert be refunded automatically or do I need to do something? Order LL-{n}",
  "Добрий день! Концерт скасували — як отримати повернення коштів за квитки? Замовлення LL-{n}",
  "Is the show rescheduled? Can I keep my seats for the new date? Booking {n}",
  "Hola, ¿me devolverán el dinero de las entradas del concierto cancelado? Pedido LL-{n}",
  "refund please, card 4111 1111 1111 1111 was charged for order {n}",
];

const [httpPort, smtpPort] = [await freePort(), await freePort()];
const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { system, desk } = await benchWorkspace(app);
  const refunds = await createCategory(system, desk.id, { key: "refunds", name: "Refunds" });
  const reschedule = await createCategory(system, desk.id, { key: "reschedule", name: "Rescheduling" });
  await createClassifierRule(system, desk.id, { categoryId: refunds.id, keywords: ["refund", "refunded", "повернення", "devolverán", "money back"] });
  await createClassifierRule(system, desk.id, { categoryId: reschedule.id, keywords: ["rescheduled", "new date", "перенесли"] });
  const mailbox = "fans@lumen-live.example";
  const phone = "+15005550006";
  await addDeskAddress(system, desk.id, { channel: "email", address: mailbox });
  const sms = await addDeskAddress(system, desk.id, { channel: "sms", address: phone, settings: { accountSid: "ACbench", authToken: "bench-token" } });
  const inApp = await addDeskAddress(system, desk.id, { channel: "in_app", address: "lumen-app", settings: { secret: "bench-secret" } });
  await app.close();

  const publicUrl = `http://127.0.0.1:${httpPort}`;
  const server = await startServer(
    "start",
    {
      ...db.env,
      USHER_SMTP_LISTEN_PORT: String(smtpPort),
      USHER_SMTP_LISTEN_HOST: "127.0.0.1",
      USHER_PUBLIC_URL: publicUrl,
      USHER_MAX_MAILS_PER_SENDER_PER_HOUR: "1000000",
    },
    httpPort,
  );
  let stopped = false;
  // The webhook senders share the machine's cores with the server: node:http, not fetch (see `poster`).
  const post = poster(concurrency);
  const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: Math.ceil(concurrency / 2), maxMessages: Infinity });
  try {
    const text = (i: number) => TEXTS[i % TEXTS.length]!.replace("{n}", String(100000 + (i % fans)));
    const send = async (i: number): Promise<void> => {
      const fan = i % fans;
      const adapter = adapterOf(fan);
      if (adapter === "smtp") {
        const info = await smtp.sendMail({ from: `fan-${fan}@example.com`, to: mailbox, subject: "Cancelled show", text: text(i), messageId: `<burst-${i}@example.com>` });
        if (!info.response.startsWith("250")) throw new Error(info.response);
      } else if (adapter === "twilio") {
        const path = `/webhooks/twilio/${sms.id}/sms`;
        const form = { MessageSid: `SM${i.toString(16).padStart(32, "0")}`, AccountSid: "ACbench", From: `+1555${String(1000000 + fan).slice(-7)}`, To: phone, Body: text(i) };
        const res = await post(
          `${publicUrl}${path}`,
          { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": twilioSignature("bench-token", `${publicUrl}${path}`, form) },
          new URLSearchParams(form).toString(),
        );
        if (res.status !== 200) throw new Error(`Twilio webhook ${res.status}`);
      } else {
        const body = JSON.stringify({ id: `burst-${i}`, user: { id: `user-${fan}` }, text: text(i) });
        const res = await post(
          `${publicUrl}/webhooks/in-app/${inApp.id}`,
          { "content-type": "application/json", "x-usher-signature": `sha256=${createHmac("sha256", "bench-secret").update(body).digest("hex")}` },
          body,
        );
        if (res.status !== 200) throw new Error(`in-app webhook ${res.status}: ${await res.text()}`);
      }
    };

    // Warm up (JIT, prepared statements, pools) on messages outside the measured range.
    let next = 0;
    const latencies: number[] = [];
    let errors = 0;
    const run = async (from: number, to: number, record: boolean) => {
      next = from;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < to; i = next++) {
            const started = performance.now();
            try {
              await send(i);
              if (record) latencies.push(performance.now() - started);
            } catch (err) {
              if (errors++ < 3) console.error(`  message ${i} failed: ${(err as Error).message}`);
            }
          }
        }),
      );
    };
    await run(total, total + Math.min(500, Math.max(50, total / 20)), false);
    const cpu0 = server.cpuMs();
    const senders0 = cpuMs([process.pid]);
    const started = performance.now();
    await run(0, total, true);
    const seconds = (performance.now() - started) / 1000;
    // The figure to trust on a shared machine: the server's own CPU per message does not move with the load.
    const cpuPerMessage = (server.cpuMs() - cpu0) / total;
    const sendersCpuPerMessage = (cpuMs([process.pid]) - senders0) / total;

    const rss = server.rssMb();
    smtp.close();
    await server.stop(); // the embedded database's folder has one opener at a time
    stopped = true;
    const check = await db.open();
    const { rows } = await check.database.executeSql(
      `select count(*)::int as messages,
              count(distinct ticket_id)::int as tickets,
              count(*) filter (where metadata->'classification'->>'categoryId' is not null)::int as classified,
              count(*) filter (where text ~ '4111 1111 1111 1111')::int as unredacted
         from messages where kind = 'inbound' and created_at > now() - interval '1 day'`,
    );
    await check.close();
    const stats = rows[0] as { messages: number; tickets: number; classified: number; unredacted: number };
    const s = summarise(latencies);
    const perSecond = latencies.length / seconds;
    const strict = kind === "postgres" && total >= 10_000;
    const mix = only ? `all ${only}` : "½ SMTP, ¼ Twilio SMS, ¼ in-app";
    report(`Intake burst on ${kind}: ${total} messages (${mix}), ${concurrency} concurrent senders, usher start`, [
      { what: "messages/s (acknowledged)", value: perSecond, unit: "msg/s", target: strict ? "≥ 1000" : undefined, ok: strict ? perSecond >= 1000 : undefined },
      { what: "ack latency p50", value: s.p50, unit: "ms" },
      { what: "ack latency p99", value: s.p99, unit: "ms", target: strict ? "< 100" : undefined, ok: strict ? s.p99 < 100 : undefined },
      { what: "server CPU per message (user + system)", value: cpuPerMessage, unit: "ms" },
      { what: "senders' CPU per message (this process)", value: sendersCpuPerMessage, unit: "ms" },
      { what: "errors", value: errors, unit: "" },
      { what: "messages stored (incl. warm-up)", value: stats.messages, unit: "" },
      { what: "tickets", value: stats.tickets, unit: "" },
      { what: "messages classified", value: stats.classified, unit: "" },
      { what: "card numbers left unredacted", value: stats.unredacted, unit: "" },
      { what: "server RSS after the burst", value: rss, unit: "MB" },
    ]);
  } finally {
    if (!stopped) {
      smtp.close();
      await server.stop();
    }
  }
} finally {
  await db.drop();
}
