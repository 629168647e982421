/**
 * Time to a usable inbox (issue #3): Chromium opens the agent workspace on
 * localhost over a workspace of N tickets (default 100,000) and waits until
 * the ticket list and the view counts are on screen — measured in the page
 * from the start of navigation. Also the agent app's JavaScript, gzipped.
 *
 *   npm run bench:inbox-load -- [--db pglite|postgres] [--tickets 100000] [--samples 10]
 *
 * Targets: usable within 1.5 s; JavaScript under 500 kB gzipped.
 */
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { launchBrowser } from "../e2e/browser";
import { importContacts } from "../src/modules/contacts/import";
import { sequenceName } from "../src/modules/tickets/numbers";
import { buildWeb } from "../web/build";
import { arg, report, startServer, summarise } from "./lib";
import { benchDatabase, benchWorkspace } from "./setup";

const kind = arg("db", "pglite");
const total = Number(arg("tickets", "100000"));
const samples = Number(arg("samples", "10"));
const port = Number(arg("port", String(4100 + Math.floor(Math.random() * 800))));

await buildWeb({ ifStale: true, quiet: true });
const assets = join(import.meta.dirname, "../web/dist/assets");
const js = readdirSync(assets).filter((f) => f.endsWith(".js"));
const gz = (f: string) => gzipSync(readFileSync(join(assets, f))).length / 1024;
const totalJs = js.reduce((sum, f) => sum + gz(f), 0);
// What the inbox loads before it is usable: everything but the lazily loaded ticket page.
const inboxJs = js.filter((f) => !f.startsWith("TicketPage")).reduce((sum, f) => sum + gz(f), 0);

const db = await benchDatabase(kind);
try {
  const app = await db.open();
  const { workspace, system, desk, other, agent } = await benchWorkspace(app);
  const contacts = await importContacts(
    system,
    Array.from({ length: 2000 }, (_, i) => ({ name: `Fan ${i}`, identities: [{ kind: "email" as const, value: `fan${i}@example.com` }] })),
  );
  // Bulk-generated in SQL, as bench/queue-page.ts does; a tenth assigned to the agent who signs in.
  const desks = [desk.id, other.id];
  const chunk = 50_000;
  for (let from = 1; from <= total; from += chunk) {
    const to = Math.min(total, from + chunk - 1);
    await app.database.db.execute(sql`
      insert into tickets (id, workspace_id, number, desk_id, subject, status, priority, priority_score, channel,
                           requester_id, assignee_id, tags, custom_fields, due_at, created_at, updated_at, version, tier, priority_reasons)
      select gen_random_uuid(), ${workspace.id}, g,
        (${sql.param(desks)}::uuid[])[1 + g % 2],
        'Ticket won''t scan at the door #' || g,
        (array['new','open','pending','on_hold','solved','closed','closed','closed','closed','closed'])[1 + (g * 7) % 10]::ticket_status,
        (array['low','normal','normal','normal','high','urgent'])[1 + (g * 13) % 6]::ticket_priority,
        0, 'email',
        (${sql.param(contacts)}::uuid[])[1 + g % ${contacts.length}],
        case when g % 10 = 0 then ${agent.id}::uuid else null end,
        '{}', '{}',
        case when g % 5 = 0 then null else now() + ((g * 37) % 2880 - 720) * interval '1 minute' end,
        now() - (${total} - g) * interval '2 seconds', now() - (${total} - g) * interval '1 second', 1, 1, '[]'
      from generate_series(${from}::int, ${to}::int) g`);
    process.stdout.write(`\r  generated ${to.toLocaleString("en")} / ${total.toLocaleString("en")} tickets`);
  }
  await app.database.db.execute(sql.raw(`select setval('${sequenceName(workspace.id)}', ${total})`));
  await app.database.db.execute(sql`analyze tickets`);
  await app.close();
  console.log("");

  const server = await startServer("start", db.env, port);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/sign-in`);
    const signIn = await page.evaluate(
      async ({ email, slug }) =>
        (
          await fetch("/api/v1/auth/sign-in", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ email, password: "bench password 123", workspace: slug }),
          })
        ).status,
      { email: agent.email, slug: workspace.slug },
    );
    if (signIn !== 200) throw new Error(`sign-in answered ${signIn}`);
    await page.evaluate((deskId) => localStorage.setItem("usher.desk", deskId), desk.id);

    /** Navigation start → rows of the list and the view counts rendered. */
    const open = async () => {
      await page.goto(`${server.url}/`, { waitUntil: "commit" });
      await page.waitForFunction(
        () => document.querySelectorAll("[data-ticket-row]").length > 0 && document.querySelector('[data-testid="count-my_open"]') !== null,
        undefined,
        { polling: "raf", timeout: 30_000 },
      );
      return page.evaluate(() => performance.now());
    };
    const cold = await open();
    const warm: number[] = [];
    for (let i = 0; i < samples; i++) warm.push(await open());
    const rows = await page.locator("[data-ticket-row]").count();
    const w = summarise(warm);
    report(`Agent inbox on ${kind}: ${total.toLocaleString("en")} tickets, ${rows} rows of "My open tickets" and every view's count`, [
      { what: "usable inbox, first load (cold cache)", value: cold, unit: "ms", target: "< 1500", ok: cold < 1500 },
      { what: "usable inbox, reload p50", value: w.p50, unit: "ms", target: "< 1500", ok: w.p50 < 1500 },
      { what: "usable inbox, reload max", value: w.max, unit: "ms" },
      { what: "JavaScript, gzipped (all chunks)", value: totalJs, unit: "kB", target: "< 500", ok: totalJs < 500 },
      { what: "JavaScript, gzipped (inbox, before the ticket page)", value: inboxJs, unit: "kB" },
    ]);
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  await db.drop();
}
