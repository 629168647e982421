/**
 * Ticket creation through the API (issue #2): tickets/s and latency with 1
 * and 32 concurrent clients, each ticket from a new fan (contact, identity,
 * ticket, first message, activities, reactor jobs — the whole write path).
 *
 *   npm run bench:ticket-create -- --db postgres|pglite [--seconds 10] [--clients 1,32] [--requester new|known]
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
import { arg, load, report, startServer, summarise } from "./lib";
import { importContacts } from "../src/modules/contacts/import";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "postgres");
const seconds = Number(arg("seconds", "10"));
const clientCounts = arg("clients", "1,32").split(",").map(Number);
const requesterKind = arg("requester", "new");
const processes = Number(arg("processes", "1"));

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { desk, token, system } = await benchWorkspace(app);
  const known =
    requesterKind === "known"
      ? await importContacts(
          system,
          Array.from({ length: 500 }, (_, i) => ({ name: `Fan ${i}`, identities: [{ kind: "email" as const, value: `known-${i}@example.com` }] })),
        )
      : [];
  await app.close();

  const scaled = kind === "postgres" && processes > 1;
  const server = scaled ? await startServer("serve", db.env, port, ["--processes", String(processes)]) : await startServer("start", db.env, port);
  const worker = scaled ? await startServer("worker", db.env, port) : undefined;
  try {
    const body = (i: number) =>
      JSON.stringify({
        deskId: desk.id,
        subject: "Ticket won't scan at the door",
        channel: "email",
        requester: known.length
          ? { contactId: known[i % known.length] }
          : { identities: [{ kind: "email", value: `fan-${process.pid}-${i}@example.com` }], name: "Bench Fan" },
        message: { text: "Hi, I'm at gate B and the barcode of order LL-123456 is rejected. The show starts in 20 minutes!" },
        tags: ["door"],
      });
    const figures = [];
    let offset = 0;
    for (const clients of clientCounts) {
      const base = offset;
      const run = await load(clients, seconds, (i) =>
        fetch(`${server.url}/api/v1/tickets`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body(base + i),
        }),
      );
      offset += 1_000_000;
      const s = summarise(run.latencies);
      const strict = clients >= 32 && kind === "postgres";
      figures.push(
        { what: `${clients} client(s): tickets/s`, value: run.perSecond, unit: "tickets/s", target: strict ? "≥ 1000" : undefined, ok: strict ? run.perSecond >= 1000 : undefined },
        { what: `${clients} client(s): p50 latency`, value: s.p50, unit: "ms" },
        { what: `${clients} client(s): p99 latency`, value: s.p99, unit: "ms", target: strict ? "< 50" : undefined, ok: strict ? s.p99 < 50 : undefined },
        { what: `${clients} client(s): errors`, value: run.errors, unit: "" },
      );
    }
    if (!scaled) figures.push({ what: "server RSS after the run", value: server.rssMb(), unit: "MB" });
    const setup = scaled ? `${processes} HTTP processes + a worker` : "usher start";
    report(`Ticket creation through the API on ${kind}, ${setup} (${requesterKind === "known" ? "known contacts" : "a new fan each time"})`, figures);
  } finally {
    await server.stop();
    await worker?.stop();
  }
} finally {
  await db.drop();
}
