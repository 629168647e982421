/**
 * Memory of the all-in-one process (issue #2): `usher start` on the embedded
 * database with the demo help desk at N tickets (default 100,000), after a
 * round of agent work — lists, ticket pages, replies and new tickets.
 *
 *   npm run bench:memory -- [--tickets 100000] [--rounds 200] [--data-dir DIR]
 *
 * `--data-dir` keeps the seeded folder for the next run (seeding 100,000
 * tickets takes minutes): a folder with data in it is used as it is.
 * Target: under 400 MB resident.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arg, report, startServer } from "./lib";

const tickets = Number(arg("tickets", "100000"));
const rounds = Number(arg("rounds", "200"));
const kept = arg("data-dir", "");
const dir = kept || mkdtempSync(join(tmpdir(), "usher-memory-"));
const seeded = kept !== "" && existsSync(join(dir, "pg"));
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});

try {
  if (!seeded) {
    const seeding = spawnSync(process.execPath, [join(import.meta.dirname, "../bin/usher.js"), "seed", "--demo", "--tickets", String(tickets)], {
      env: { ...process.env, USHER_DATA_DIR: dir, USHER_LOG_LEVEL: "warn" },
      stdio: "inherit",
    });
    if (seeding.status !== 0) throw new Error("seeding failed");
  }

  const server = await startServer("start", { USHER_DATA_DIR: dir }, port);
  try {
    const afterStart = server.rssMb();
    const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@lumen.example", password: "usher-demo-password" }),
    });
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const headers = { cookie, "content-type": "application/json", "x-csrf-token": csrfToken };
    let cursor: string | null = null;
    const desks = ((await (await fetch(`${server.url}/api/v1/desks`, { headers })).json()) as { items: { id: string }[] }).items;
    for (let i = 0; i < rounds; i++) {
      // Ten pages deep in one sort, then start again in the other.
      const sort = Math.floor(i / 10) % 2 ? "priority" : "-updated";
      const url = `${server.url}/api/v1/tickets?sort=${sort}&status=new,open,pending&limit=50${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await (await fetch(url, { headers })).json()) as { items: { id: string }[]; nextCursor: string | null };
      cursor = i % 10 === 9 ? null : page.nextCursor;
      const ticket = page.items[i % page.items.length];
      if (ticket) {
        await (await fetch(`${server.url}/api/v1/tickets/${ticket.id}/messages`, { headers })).arrayBuffer();
        await (await fetch(`${server.url}/api/v1/tickets/${ticket.id}/activities`, { headers })).arrayBuffer();
        if (i % 5 === 0) {
          await fetch(`${server.url}/api/v1/tickets/${ticket.id}/messages`, {
            method: "POST",
            headers,
            body: JSON.stringify({ kind: "note", text: "Checked the scan log: the barcode was reissued." }),
          });
        }
      }
      await fetch(`${server.url}/api/v1/tickets`, {
        method: "POST",
        headers,
        body: JSON.stringify({
          deskId: desks[0]!.id,
          subject: "Ticket won't scan",
          requester: { identities: [{ kind: "email", value: `memory-${i}@example.com` }] },
          message: { text: "Hello, gate B rejects my ticket." },
        }),
      });
    }
    const afterWork = server.rssMb();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const heapMb = Number(metrics.match(/^usher_nodejs_heap_size_used_bytes (\S+)/m)?.[1] ?? NaN) / 1048576;
    report(`All-in-one process (usher start, embedded database) with ${tickets.toLocaleString("en")} demo tickets`, [
      { what: "RSS after start", value: afterStart, unit: "MB" },
      { what: `RSS after ${rounds} rounds of agent work`, value: afterWork, unit: "MB", target: "< 400", ok: afterWork < 400 },
      { what: "  of which JavaScript heap in use", value: heapMb, unit: "MB" },
    ]);
  } finally {
    await server.stop();
  }
} finally {
  if (!kept) rmSync(dir, { recursive: true, force: true });
}
