import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The benchmarks run by hand at full size (docs/benchmarks.md); here they run
 * at a small size, so a change that breaks one is caught by CI.
 */
function bench(script: string, args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../bench", script), ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", TMPDIR: process.env.TMPDIR ?? "/tmp" },
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("benchmarks at a small size", () => {
  it("the queue page", () => {
    const run = bench("queue-page.ts", ["--db", "pglite", "--tickets", "3000", "--samples", "20"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/first page p99\s+[\d.]+ ms/);
    expect(run.output).toMatch(/Index Only Scan using tickets_queue/);
  }, 150_000);

  it("ticket creation through the API", () => {
    const run = bench("ticket-create.ts", ["--db", "pglite", "--seconds", "1", "--clients", "1,4"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/4 client\(s\): tickets\/s\s+\d+/);
    expect(run.output).toMatch(/4 client\(s\): errors\s+0/);
    expect(run.output).toMatch(/acknowledged tickets not stored\s+0\.00/);
    expect(run.output).toMatch(/acknowledged first messages not stored\s+0\.00/);
  }, 150_000);

  it("the intake burst", () => {
    const run = bench("intake-burst.ts", ["--db", "pglite", "--messages", "200", "--concurrency", "8"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/messages\/s \(acknowledged\)\s+\d+/);
    expect(run.output).toMatch(/errors\s+0\.00/);
    expect(run.output).toMatch(/card numbers left unredacted\s+0\.00/);
  }, 150_000);

  it("memory of the all-in-one process", () => {
    const run = bench("memory.ts", ["--tickets", "300", "--rounds", "20"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/RSS after 20 rounds of agent work\s+\d+ MB/);
  }, 150_000);

  it("commerce: ingestion, customer 360 and refunds", () => {
    const run = bench("commerce.ts", ["--db", "pglite", "--orders", "1000", "--samples", "20"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/ingestion\s+\d+ orders\/s/);
    expect(run.output).toMatch(/customer 360 p99\s+[\d.]+ ms/);
  }, 150_000);

  it("trigger evaluation in process", () => {
    const run = bench("trigger-eval.ts", ["--rules", "20", "--updates", "20000"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/ticket updates evaluated\/s\s+\d+/);
  }, 150_000);

  it("SLA recompute after a calendar change", () => {
    const run = bench("sla-recompute.ts", ["--db", "pglite", "--tickets", "2000", "--batch", "500"]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toMatch(/recomputed \d+ of \d+ running clocks/);
    expect(run.output).toMatch(/disagrees afterwards\s+0\.00/);
  }, 150_000);
});
