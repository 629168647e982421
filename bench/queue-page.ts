/**
 * The agent's queue page (issue #2): one desk, unsolved tickets, most urgent
 * first then soonest due, first 50 — over a workspace of N tickets (default
 * 1,000,000) spread over four desks.
 *
 *   npm run bench:queue-page -- --db postgres|pglite [--tickets 1000000] [--samples 500]
 *
 * Target on PostgreSQL on a 2-core machine: p99 < 20 ms at 1M tickets.
 */
import { sql } from "drizzle-orm";
import { listTickets } from "../src/modules/tickets/service";
import { presentTicket } from "../src/modules/tickets/presenter";
import { sequenceName } from "../src/modules/tickets/numbers";
import { importContacts } from "../src/modules/contacts/import";
import { actorOf, loadAgentWithAccess } from "../src/modules/identity/service";
import { createDesk } from "../src/modules/desks/service";
import { query } from "../src/platform/db";
import { arg, report, summarise } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "postgres");
const total = Number(arg("tickets", "1000000"));
const samples = Number(arg("samples", "500"));

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { workspace, system, desk, other, agent } = await benchWorkspace(app);
  const desks = [desk.id, other.id, (await createDesk(system, { key: "ads", name: "Advertisers" })).id, (await createDesk(system, { key: "partners", name: "Partners" })).id];
  const contacts = await importContacts(
    system,
    Array.from({ length: 2000 }, (_, i) => ({ name: `Fan ${i}`, identities: [{ kind: "email" as const, value: `fan${i}@example.com` }] })),
  );

  // Bulk-generated in SQL: a million rows through the services would measure the import, not the queue.
  const started = performance.now();
  const chunk = 100_000;
  for (let from = 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    await app.database.db.execute(sql`
      insert into tickets (id, workspace_id, number, desk_id, subject, status, priority, priority_score, channel,
                           requester_id, tags, custom_fields, due_at, created_at, updated_at, version, tier, priority_reasons)
      select gen_random_uuid(), ${workspace.id}, g,
        (${sql.param(desks)}::uuid[])[1 + g % 4],
        'Ticket won''t scan at the door #' || g,
        (array['new','open','pending','on_hold','solved','closed','closed','closed','closed','closed'])[1 + (g * 7) % 10]::ticket_status,
        (array['low','normal','normal','normal','high','urgent'])[1 + (g * 13) % 6]::ticket_priority,
        0, 'email',
        (${sql.param(contacts)}::uuid[])[1 + g % ${contacts.length}],
        '{}', '{}',
        case when g % 5 = 0 then null else now() + ((g * 37) % 2880 - 720) * interval '1 minute' end,
        now() - (${total} - g) * interval '2 seconds', now() - (${total} - g) * interval '1 second', 1, 1, '[]'
      from generate_series(${from}::int, ${to}::int) g`);
    process.stdout.write(`\r  generated ${to.toLocaleString("en")} / ${total.toLocaleString("en")} tickets`);
  }
  await app.database.db.execute(sql.raw(`select setval('${sequenceName(workspace.id)}', ${total})`));
  await app.database.db.execute(sql`analyze tickets`);
  const generatedSeconds = (performance.now() - started) / 1000;
  console.log(`\n  generated in ${generatedSeconds.toFixed(0)} s`);

  const full = (await loadAgentWithAccess(app.database.db, workspace.id, agent.id))!;
  const ctx = app.ctx(workspace.id, actorOf(full, "session"));
  const queue = { all: [{ field: "desk", op: "is" as const, value: desk.id }, { field: "status", op: "in" as const, value: ["new", "open", "pending", "on_hold"] }] };
  const page = () => listTickets(ctx, { conditions: queue, sort: "priority", limit: 50 });

  for (let i = 0; i < 50; i++) await page(); // warm the cache and the prepared statements
  const first: number[] = [];
  const next: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    const result = await page();
    result.items.map(presentTicket);
    first.push(performance.now() - t0);
    cursor = result.nextCursor;
    const t1 = performance.now();
    await listTickets(ctx, { conditions: queue, sort: "priority", limit: 50, cursor: cursor ?? undefined });
    next.push(performance.now() - t1);
  }
  const plan = await query<{ "QUERY PLAN": string }>(
    app.database.db,
    sql`explain select id from tickets where workspace_id = ${workspace.id} and desk_id = ${desk.id}
        and status in ('new','open','pending','on_hold') order by priority desc nulls last, due_at asc nulls last, id limit 50`,
  );
  const [{ n } = { n: 0 }] = await query<{ n: number }>(app.database.db, sql`select count(*)::int as n from tickets where workspace_id = ${workspace.id}`);
  const a = summarise(first);
  const b = summarise(next);
  report(`Agent queue page on ${kind}: ${n.toLocaleString("en")} tickets, first 50 of one desk's unsolved`, [
    { what: "first page p50", value: a.p50, unit: "ms" },
    { what: "first page p99", value: a.p99, unit: "ms", target: kind === "postgres" ? "< 20" : undefined, ok: kind === "postgres" ? a.p99 < 20 : undefined },
    { what: "next page (cursor) p50", value: b.p50, unit: "ms" },
    { what: "next page (cursor) p99", value: b.p99, unit: "ms" },
  ]);
  console.log(`  plan: ${plan.map((r) => r["QUERY PLAN"]).slice(0, 3).join(" / ")}`);
  await app.close();
} finally {
  await db.drop();
}
