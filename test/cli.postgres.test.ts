import { describe, expect, inject, it } from "vitest";
import { freePort, usher } from "./cli-process";

describe("usher serve and worker on PostgreSQL", () => {
  it("run as separate processes on one database", async () => {
    const url = inject("postgresUrl");
    const port = await freePort();
    const worker = usher(["worker"], { DATABASE_URL: url, USHER_LOG_LEVEL: "info" });
    const serve = usher(["serve", "--processes", "2"], { DATABASE_URL: url, PORT: String(port), USHER_LOG_LEVEL: "info" });
    await serve.waitFor(/Usher API listening[\s\S]*Usher API listening/, 60_000); // two HTTP processes
    await worker.waitFor(/workers started/, 60_000);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(await health.json()).toEqual({ status: "ok", database: "postgres" });
    serve.child.kill("SIGTERM");
    worker.child.kill("SIGTERM");
    expect(await serve.exited).toBe(0);
    expect(await worker.exited).toBe(0);
  }, 90_000);
});
