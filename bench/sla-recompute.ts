/**
 * Recomputing SLA deadlines after a calendar change (issue #5): a workspace
 * with N open tickets (default 1,000,000) whose clocks count business time in
 * one calendar; the office hours change; every running deadline and every
 * ticket's due time (the queue's sort key) is recomputed.
 *
 *   npm run bench:sla-recompute -- --db postgres|pglite [--tickets 1000000] [--batch 20000] [--concurrency 2]
 *
 * Target on PostgreSQL on a 2-core machine: < 60 s for 1,000,000 open tickets.
 */
import { sql } from "drizzle-orm";
import { recomputeCalendar } from "../src/modules/sla/recompute";
import { listCalendars, updateCalendar } from "../src/modules/sla/service";
import { sequenceName } from "../src/modules/tickets/numbers";
import { createTicket } from "../src/modules/tickets/service";
import { query } from "../src/platform/db";
import { arg, report } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "postgres");
const total = Number(arg("tickets", "1000000"));
const batchSize = Number(arg("batch", "20000"));
const concurrency = Number(arg("concurrency", "2"));

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { workspace, system, desk } = await benchWorkspace(app);
  // One ticket through the services: installs the default calendars and policies, and gives us a requester.
  const first = await createTicket(system, { deskId: desk.id, subject: "Refund please", channel: "email", tags: ["refund"], requester: { identities: [{ kind: "email", value: "fan@example.com" }] } });
  const calendar = (await listCalendars(system)).find((c) => c.isDefault)!;
  const [policy] = await query<{ id: string }>(app.database.db, sql`select policy_id as id from sla_targets where ticket_id = ${first.id} limit 1`);

  // Bulk-generated in SQL: a million tickets through the services would measure intake, not the recompute.
  const started = performance.now();
  const base = Date.now() - total - 1000;
  const chunk = 100_000;
  for (let from = 2; from <= total + 1; from += chunk) {
    const to = Math.min(total + 1, from + chunk - 1);
    await app.database.db.execute(sql`
      with t as (
        insert into tickets (id, workspace_id, number, desk_id, subject, status, priority, channel, requester_id, tags, due_at, created_at, updated_at)
        -- time-ordered ids, as the application makes them (UUIDv7): rows sit on disk in id order
        select (lpad(to_hex(${base}::bigint + g), 12, '0') || '7' || substr(md5(g::text), 1, 3) || '8' || substr(md5(g::text), 4, 15))::uuid,
          ${workspace.id}, g, ${desk.id}, 'Refund for order #' || g,
          (array['new','open','open','pending'])[1 + g % 4]::ticket_status, 'normal', 'email', ${first.requesterId}, '{refund}',
          null, now() - (g % 20000) * interval '1 minute', now()
        from generate_series(${from}::int, ${to}::int) g
        returning id, status, created_at
      )
      insert into sla_targets (workspace_id, ticket_id, metric, policy_id, calendar_id, target_minutes, warn_percent, started_at, consumed_ms, due_at, next_check_at, updated_at, achieved_at)
      select ${workspace.id}, t.id, m.metric, ${policy!.id}, ${calendar.id}, m.minutes, 20,
        case when t.status = 'pending' or (m.metric = 'first_reply' and t.status <> 'new') then null else t.created_at end,
        0, t.created_at + interval '2 days', t.created_at + interval '2 days', now(),
        case when m.metric = 'first_reply' and t.status <> 'new' then t.created_at + interval '1 hour' end
      from t cross join (values ('first_reply', 1440), ('resolution', 2700)) as m(metric, minutes)`);
    process.stdout.write(`\r  generated ${(to - 1).toLocaleString("en")} / ${total.toLocaleString("en")} open tickets`);
  }
  await app.database.db.execute(sql.raw(`select setval('${sequenceName(workspace.id)}', ${total + 1})`));
  await app.database.db.execute(sql`analyze tickets`);
  await app.database.db.execute(sql`analyze sla_targets`);
  console.log(`\n  generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  const [running] = await query<{ n: number }>(app.database.db, sql`select count(*)::int as n from sla_targets where calendar_id = ${calendar.id} and started_at is not null and achieved_at is null`);

  // The office now opens an hour later and closes an hour later, and 1 January is a holiday.
  await updateCalendar(system, calendar.id, { hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "18:00" })), holidays: ["01-01"] });
  const t0 = performance.now();
  let last = t0;
  const recomputed = await recomputeCalendar(system, calendar.id, {
    batchSize,
    concurrency,
    onBatch: (n) => {
      if (performance.now() - last > 1000) {
        last = performance.now();
        process.stdout.write(`\r  recomputed ${n.toLocaleString("en")} clocks`);
      }
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  console.log("");
  const [check] = await query<{ wrong: number }>(
    app.database.db,
    sql`select count(*)::int as wrong from tickets t where t.workspace_id = ${workspace.id} and t.status in ('new','open')
          and t.due_at is distinct from (select min(s.due_at) from sla_targets s where s.ticket_id = t.id and s.started_at is not null and s.achieved_at is null)`,
  );
  report(`SLA recompute after a calendar change: ${total.toLocaleString("en")} open tickets on ${kind}`, [
    { what: "running clocks recomputed", value: recomputed, unit: "clocks" },
    { what: "recompute time", value: seconds, unit: "s", target: kind === "postgres" ? "< 60 s at 1M tickets" : undefined, ok: kind === "postgres" && total >= 1_000_000 ? seconds < 60 : undefined },
    { what: "clocks/s", value: recomputed / seconds, unit: "clocks/s" },
    { what: "tickets whose due time disagrees afterwards", value: check!.wrong, unit: "tickets", target: "0", ok: check!.wrong === 0 },
  ]);
  console.log(`recomputed ${recomputed} of ${running!.n} running clocks in ${seconds.toFixed(2)} s`);
  await app.close();
  if (check!.wrong !== 0 || recomputed !== running!.n) process.exitCode = 1;
} finally {
  await db.drop();
}
