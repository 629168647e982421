/**
 * Database round trips per ticket created through the API (issue #2): the
 * stable measure of the write path, which timings on a shared machine are not.
 * Every query node-postgres sends is counted (the wrapper sits on the driver,
 * below drizzle and pg-boss), while requests are served one at a time in
 * process with Fastify's inject; the statements of one request are listed.
 *
 * With `--path intake`, an e-mail from a new fan goes through the intake
 * pipeline instead (contact, classification, ticket: the burst's unit of work);
 * with `--path thread`, an in-app message from one of 50 fans who wrote
 * before threads onto their open conversation (the burst's repeats);
 * with `--path service`, `createTicket` is called directly — the difference
 * to `api` is what HTTP, authentication and the JSON answer cost.
 *
 *   npm run bench:round-trips -- [--tickets 200] [--requester new|known] [--path api|service|intake|thread] [--show]
 */
import pg from "pg";
import { arg, cpuMs, report } from "./lib";
import { DOOR_SUBJECT, DOOR_TEXT, benchDatabase, benchWorkspace, doorTicket, knownFans } from "./setup";
import { buildServer } from "../src/server";
import { addDeskAddress } from "../src/modules/desks/service";
import { receiveInbound } from "../src/modules/intake/pipeline";
import { createTicket } from "../src/modules/tickets/service";

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
  const known = requesterKind === "known" ? await knownFans(system, 50) : [];
  const server = await buildServer(app);
  if (path === "intake") await addDeskAddress(system, desk.id, { channel: "email", address: "help@bench.example" });
  if (path === "thread") await addDeskAddress(system, desk.id, { channel: "in_app", address: "bench-app", settings: { secret: "bench-secret" } });
  const viaThread = async (i: number) => {
    const fan = Math.abs(i) % 50;
    const stored = await receiveInbound(
      { db: app.database.db, clock: app.clock, outbox: app.outbox },
      {
        channel: "in_app",
        to: "bench-app",
        from: { identities: [{ kind: "app", value: `user-${fan}`, provider: "bench-app" }] },
        externalId: `bench-${i}`,
        text: DOOR_TEXT,
        receivedAt: new Date(),
      },
    );
    // The warm-up's first message of each fan opens the conversation; every measured one threads.
    if (i >= 0 && stored.createdTicket) throw new Error("a measured message opened a ticket instead of threading");
    return { statusCode: 201, body: "" };
  };
  const viaIntake = async (i: number) => {
    await receiveInbound(
      { db: app.database.db, clock: app.clock, outbox: app.outbox },
      {
        channel: "email",
        to: "help@bench.example",
        // --requester known: 50 fans writing again and again (known contacts; e-mail without reply headers opens a ticket each time).
        from: { name: "Bench Fan", identities: [{ kind: "email", value: `fan-${requesterKind === "known" ? Math.abs(i) % 50 : i}@example.com` }] },
        externalId: `<bench-${i}@mail.example>`,
        subject: DOOR_SUBJECT,
        text: DOOR_TEXT,
        receivedAt: new Date(),
      },
    );
    return { statusCode: 201, body: "" };
  };
  // The requester of ticket i: one of the known contacts, or a new fan.
  const requester = (i: number) => (known.length ? { contactId: known[Math.abs(i) % known.length]! } : { email: `fan-${i}@example.com` });
  const viaService = async (i: number) => {
    await createTicket(system, doorTicket(desk.id, requester(i)));
    return { statusCode: 201, body: "" };
  };
  const create = (i: number) =>
    path === "thread"
      ? viaThread(i)
      : path === "intake"
      ? viaIntake(i)
      : path === "service"
        ? viaService(i)
        : server.inject({
          method: "POST",
          url: "/api/v1/tickets",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          payload: doorTicket(desk.id, requester(i)),
        });
  for (let i = 0; i < (path === "thread" ? 60 : 20); i++) await create(-1 - i); // warm caches (configuration, prepared statements)
  // PostgreSQL's CPU: the backends serving this database, from /proc (same machine).
  const backends = (await app.database.executeSql("select pid from pg_stat_activity where datname = current_database()")).rows.map(
    (r: { pid: number }) => r.pid,
  );
  const serverCpuMs = () => cpuMs(backends);
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
  if (show) for (const [i, text] of last.entries()) console.log(`${String(i + 1).padStart(3)}  ${text.replace(/\s+/g, " ").slice(0, Number(process.env.SHOW_WIDTH ?? 160))}`);
  await server.close();
  await app.close();
  report(
    `Round trips per ticket created through ${path === "thread" ? "intake, threaded" : path === "intake" ? "intake" : path === "service" ? "createTicket" : "the API"} on postgres (${requesterKind === "known" ? "known contacts" : "a new fan each time"}, one at a time, in process)`,
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
