import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { folders, freePort, usher } from "./cli-process";

describe("usher start on the embedded database", () => {
  it("seeds the demo, prints the address and sign-in, serves, and refuses a second opener of its data folder", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "usher-cli-"));
    folders.push(dataDir);
    const port = await freePort();
    const start = usher(["start", "--demo", "--tickets", "120"], { USHER_DATA_DIR: dataDir, PORT: String(port) });
    await start.waitFor(/Demo sign-in: admin@lumen\.example \/ usher-demo-password/, 90_000);
    expect(start.output()).toContain(`Usher is running at http://127.0.0.1:${port}`);

    const signIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/sign-in`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@lumen.example", password: "usher-demo-password" }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
    const list = await fetch(`http://127.0.0.1:${port}/api/v1/tickets?limit=5`, { headers: { cookie } });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(5);

    const second = usher(["migrate"], { USHER_DATA_DIR: dataDir });
    expect(await second.exited).toBe(1);
    expect(second.output()).toMatch(/in use by another Usher process/);

    start.child.kill("SIGTERM");
    expect(await start.exited).toBe(0);
    const after = usher(["migrate"], { USHER_DATA_DIR: dataDir });
    expect(await after.exited).toBe(0); // the lock was released on shutdown
    expect(after.output()).toContain("up to date");
  }, 120_000);

  it("explains configuration mistakes and refuses to scale out without PostgreSQL", async () => {
    const bad = usher(["start"], { PORT: "eighty", DATABASE_URL: "mysql://nope" });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toMatch(/2 mistakes/);
    expect(bad.output()).toMatch(/PORT \(port\)/);
    const serve = usher(["serve"], {});
    expect(await serve.exited).toBe(1);
    expect(serve.output()).toMatch(/DATABASE_URL: `usher serve` shares a database/);
  }, 60_000);
});
