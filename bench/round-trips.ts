/**
 * Database round trips per ticket created through the API (issue #2): the
 * stable measure of the write path, which timings on a shared machine are not.
 * Every query node-postgres sends is counted (the wrapper sits on the driver,
 * below drizzle and pg-boss), while requests are served one at a time in
 * process with Fastify's inject; the statements of one request are listed.
 *
 * With `--path intake`, an e-mail from a new fan goes through the intake
 * pipeline instead (contact, classification, ticket: the burst's unit of work).
 *
 *   npm run bench:round-trips -- [--tickets 200] [--requester new|known] [--path api|intake] [--show]
 */
import { readFileSync } from "node:fs";
import pg from "pg";
import { arg, report } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";
import { buildServer } from "../src/server";
import { importContacts } from "../src/modules/contacts/import";
import { addDeskAddress } from "../src/modules/desks/service";
import { receiveInbound } from "../src/modules/intake/pipeline";

const count = Number(arg("tickets", "200"));
const requesterKind = arg("requester", "new");
const show = process.argv.includes("--show");
const path = arg("path", "api");

let sent: string[] = [];
const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, config: unknown, ...rest: unknown[]) {
  sent.push(typeof config === "string" ? config : String((config as { text?: string }).text));
  return original.call(this, config, ...rest);
};

const db = await benchDatabase("postgres");
try {
  const app = await db.open();
  const { desk, token, system } = await benchWorkspace(app);
  const known =
    requesterKind === "known"
      ? await importContacts(
          system,
          Array.from({ length: 50 }, (_, i) => ({
            name: `Fan ${i}`,
            identities: [{ kind: "email" as const, value: `known-${i}@example.com` }],
          })),
        )
      : [];
  const server = await buildServer(app);
  if (path === "intake") await addDeskAddress(system, desk.id, { channel: "email", address: "help@bench.example" });
  const viaIntake = async (i: number) => {
    await receiveInbound(
      { db: app.database.db, clock: app.clock, outbox: app.outbox },
      {
        channel: "email",
        to: "help@bench.example",
        from: { name: "Bench Fan", identities: [{ kind: "email", value: `fan-${i}@example.com` }] },
        externalId: `<bench-${i}@mail.example>`,
        subject: "Ticket won't scan at the door",
        text: "Hi, I'm at gate B and the barcode of order LL-123456 is rejected. The show starts in 20 minutes!",
        receivedAt: new Date(),
      },
    );
    return { statusCode: 201, body: "" };
  };
  const create = (i: number) =>
    path === "intake"
      ? viaIntake(i)
      : server.inject({
          method: "POST",
          url: "/api/v1/tickets",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          payload: {
            deskId: desk.id,
            subject: "Ticket won't scan at the door",
            channel: "email",
            requester: known.length
              ? { contactId: known[i % known.length] }
              : { identities: [{ kind: "email", value: `fan-${i}@example.com` }], name: "Bench Fan" },
            message: { text: "Hi, I'm at gate B and the barcode of order LL-123456 is rejected. The show starts in 20 minutes!" },
            tags: ["door"],
          },
        });
  for (let i = 0; i < 20; i++) await create(-1 - i); // warm caches (configuration, prepared statements)
  // PostgreSQL's CPU: the backends serving this database, from /proc (same machine).
  const backends = (await app.database.executeSql("select pid from pg_stat_activity where datname = current_database()")).rows.map(
    (r: { pid: number }) => r.pid,
  );
  const serverCpuMs = () =>
    backends.reduce((sum: number, pid: number) => {
      try {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
      } catch {
        return sum;
      }
    }, 0);
  const pg0 = serverCpuMs();
  const perTicket: number[] = [];
  let last: string[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    sent = [];
    const res = await create(i);
    if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
    perTicket.push(sent.length);
    last = sent;
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pgCpu = serverCpuMs() - pg0;
  if (show) for (const [i, text] of last.entries()) console.log(`${String(i + 1).padStart(3)}  ${text.replace(/\s+/g, " ").slice(0, 160)}`);
  await server.close();
  await app.close();
  report(
    `Round trips per ticket created through ${path === "intake" ? "intake" : "the API"} on postgres (${requesterKind === "known" ? "known contacts" : "a new fan each time"}, one at a time, in process)`,
    [
      { what: "round trips per ticket (mean)", value: perTicket.reduce((a, b) => a + b, 0) / count, unit: "" },
      { what: "round trips per ticket (max)", value: Math.max(...perTicket), unit: "" },
      { what: "Node CPU per ticket (server and client in one process)", value: (cpu.user + cpu.system) / 1000 / count, unit: "ms" },
      { what: "PostgreSQL CPU per ticket (backends of the database)", value: pgCpu / count, unit: "ms" },
      { what: "wall time per ticket", value: elapsed / count, unit: "ms" },
    ],
  );
} finally {
  await db.drop();
}
