/**
 * Ticket creation through the API (issue #2): tickets/s and latency with 1
 * and 32 concurrent clients, each ticket from a new fan (contact, identity,
 * ticket, first message, activities, reactor jobs — the whole write path).
 *
 *   npm run bench:ticket-create -- --db postgres|pglite [--seconds 10] [--clients 1,32] [--requester new|known] [--warmup 2]
 *
 * --processes N (PostgreSQL): N `usher serve` HTTP processes plus one
 * `usher worker`, instead of the all-in-one `usher start`.
 *
 * --requester new (default): every ticket from a fan never seen before, the
 * intake's worst case; known: tickets of 500 existing contacts (portal, API
 * integrations, a fan writing again).
 *
 * Target on PostgreSQL on a 2-core machine: ≥1,000 tickets/s with p99 < 50 ms
 * at 32 clients (DESIGN.md ceilings: one-row INSERT route ~2.9k req/s PG, ~1.5k PGlite).
 */
import { createServer } from "node:net";
import { readFileSync, readdirSync } from "node:fs";
import { arg, cpuMs, poster, load, report, startServer, summarise } from "./lib";
import { openPostgres } from "../src/platform/db";
import { benchDatabase, benchWorkspace, doorTicket, knownFans } from "./setup";

const kind = arg("db", "postgres");
const seconds = Number(arg("seconds", "10"));
const clientCounts = arg("clients", "1,32").split(",").map(Number);
const requesterKind = arg("requester", "new");
const processes = Number(arg("processes", "1"));
// Seconds of load before measuring: JIT, connection pools, and with --processes, forked processes still starting.
const warmup = Number(arg("warmup", processes > 1 ? "6" : "2"));

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

/** Child processes of `pid` (`usher serve --processes N` forks its HTTP processes). */
function childrenOf(pid: number): number[] {
  return readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]!.split(" ")[1] === String(pid);
      } catch {
        return false;
      }
    });
}

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { desk, token, system } = await benchWorkspace(app);
  const known = requesterKind === "known" ? await knownFans(system, 500) : [];
  await app.close();

  const scaled = kind === "postgres" && processes > 1;
  const server = scaled ? await startServer("serve", db.env, port, ["--processes", String(processes)]) : await startServer("start", db.env, port);
  const worker = scaled ? await startServer("worker", db.env, port) : undefined;
  try {
    const body = (i: number) =>
      JSON.stringify(doorTicket(desk.id, known.length ? { contactId: known[i % known.length]! } : { email: `fan-${process.pid}-${i}@example.com` }));
    const figures = [];
    let offset = 0;
    // PostgreSQL's backends serving the benchmark's database (its servers' pools), for their CPU.
    const probe = openPostgres(db.env.DATABASE_URL ?? "");
    const backends = async () =>
      kind === "postgres"
        ? ((await probe.executeSql("select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")).rows as { pid: number }[]).map(
            (r) => r.pid,
          )
        : [];
    const serverPids = [server.child.pid!, ...(worker ? [worker.child.pid!] : [])];
    let acknowledged = 0;
    for (const clients of clientCounts) {
      const base = offset;
      let pids: number[] = [];
      let before = { server: 0, postgres: 0, client: 0 };
      let used = { server: 0, postgres: 0, client: 0 };
      const pgPids = await backends();
      const post = poster(clients);
      const run = await load(
        clients,
        seconds,
        (i) => post(`${server.url}/api/v1/tickets`, { authorization: `Bearer ${token}`, "content-type": "application/json" }, body(base + i)),
        warmup,
        (open) => {
          pids = [...serverPids, ...childrenOf(server.child.pid!)];
          if (open) before = { server: cpuMs(pids), postgres: cpuMs(pgPids), client: cpuMs([process.pid]) };
          else used = { server: cpuMs(pids) - before.server, postgres: cpuMs(pgPids) - before.postgres, client: cpuMs([process.pid]) - before.client };
        },
      );
      offset += 1_000_000;
      acknowledged += run.acknowledged;
      const s = summarise(run.latencies);
      const strict = clients >= 32 && kind === "postgres";
      figures.push(
        { what: `${clients} client(s): tickets/s`, value: run.perSecond, unit: "tickets/s", target: strict ? "≥ 1000" : undefined, ok: strict ? run.perSecond >= 1000 : undefined },
        { what: `${clients} client(s): p50 latency`, value: s.p50, unit: "ms" },
        { what: `${clients} client(s): p99 latency`, value: s.p99, unit: "ms", target: strict ? "< 50" : undefined, ok: strict ? s.p99 < 50 : undefined },
        { what: `${clients} client(s): errors`, value: run.errors, unit: "" },
        { what: `${clients} client(s): Usher CPU per ticket`, value: used.server / Math.max(1, run.latencies.length), unit: "ms" },
        ...(kind === "postgres" ? [{ what: `${clients} client(s): PostgreSQL CPU per ticket`, value: used.postgres / Math.max(1, run.latencies.length), unit: "ms" }] : []),
        // The benchmark's own client shares the machine's two cores with the server and PostgreSQL.
        { what: `${clients} client(s): this client's CPU per ticket`, value: used.client / Math.max(1, run.latencies.length), unit: "ms" },
      );
    }
    if (!scaled) figures.push({ what: "server RSS after the run", value: server.rssMb(), unit: "MB" });
    const setup = scaled ? `${processes} HTTP processes + a worker` : "usher start";
    await probe.close();
    await server.stop();
    await worker?.stop();
    // Every ticket the API acknowledged is stored, with its first message: the write path
    // merges the writes of concurrent requests, and none may go missing.
    const check = await db.open();
    const [stored] = (
      await check.database.executeSql(
        "select (select count(*)::int from tickets where workspace_id = $1) as tickets, (select count(*)::int from messages where workspace_id = $1) as messages",
        [desk.workspaceId],
      )
    ).rows as { tickets: number; messages: number }[];
    await check.close();
    figures.push(
      { what: "acknowledged tickets not stored", value: acknowledged - stored!.tickets, unit: "", target: "0", ok: stored!.tickets === acknowledged },
      { what: "acknowledged first messages not stored", value: acknowledged - stored!.messages, unit: "", target: "0", ok: stored!.messages === acknowledged },
    );
    report(`Ticket creation through the API on ${kind}, ${setup} (${requesterKind === "known" ? "known contacts" : "a new fan each time"})`, figures);
  } finally {
    await server.stop();
    await worker?.stop();
  }
} finally {
  await db.drop();
}
