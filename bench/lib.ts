import { type ChildProcess, spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { appendFileSync, readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";

/** Shared pieces of the benchmarks: percentiles, a figure table, and the server under test as a child process. */

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function summarise(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

export function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}, Node ${process.version}`;
}

export interface Figure {
  what: string;
  value: number;
  unit: string;
  /** The ceiling or target it is judged against. */
  target?: string;
  ok?: boolean;
}

export function report(title: string, figures: Figure[]): void {
  console.log(`\n${title}\n${new Date().toISOString()} · ${machine()}`);
  for (const f of figures) {
    const verdict = f.ok === undefined ? "" : f.ok ? "  ✓" : "  ✗";
    console.log(`  ${f.what.padEnd(48)} ${f.value.toFixed(f.value < 10 ? 2 : 0).padStart(10)} ${f.unit.padEnd(10)} ${f.target ? `target ${f.target}` : ""}${verdict}`);
  }
}

export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
  rssMb(): number;
  /** CPU time (user + system, every thread) the server process has used so far, from /proc. */
  cpuMs(): number;
}

const usherSettings = () => Object.fromEntries(Object.entries(process.env).filter(([k, v]) => k.startsWith("USHER_") && v !== undefined)) as Record<string, string>;

/** Starts `usher <command>` and waits for it to listen. */
export async function startServer(command: "start" | "serve" | "worker", env: Record<string, string>, port: number, args: string[] = []): Promise<ServerProcess> {
  // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" profiles the server (Node refuses --cpu-prof in NODE_OPTIONS).
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(import.meta.dirname, "../bin/usher.js"), command, ...args], {
    // No rate limit: the benchmark is the only client.
    // USHER_* settings of the benchmark's own environment reach the server (USHER_MEMORY=fast, say).
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...usherSettings(), USHER_LOG_LEVEL: "warn", USHER_API_RATE_LIMIT: "100000000", PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  // BENCH_SERVER_LOG=file keeps what the server prints (with BENCH_NODE_ARGS="--trace-gc", its collections).
  const keep = process.env.BENCH_SERVER_LOG;
  child.stdout!.on("data", (d) => {
    out += d;
    if (keep) appendFileSync(keep, d);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600 && command !== "worker"; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not yet */
    }
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    child,
    rssMb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        return Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024;
      } catch {
        return NaN;
      }
    },
    cpuMs() {
      return child.pid === undefined ? NaN : cpuMs([child.pid]);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return; // stopped already
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** An HTTP answer as `load` needs it. */
export interface Answer {
  status: number;
  text(): Promise<string>;
}

/**
 * POSTs over node:http with a keep-alive agent. The load generator runs on
 * the same two cores as the server and PostgreSQL, so it must be light:
 * `fetch` cost the ticket benchmark's client about 0.5 ms of CPU per
 * request, as much as the server spent creating the ticket; real clients
 * are on other machines.
 */
export function poster(sockets: number): (url: string, headers: Record<string, string>, body: string) => Promise<Answer> {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return (url, headers, body) =>
    new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(url, { method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, text: async () => text });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
}

/**
 * Fires `clients` concurrent request loops for `seconds`, after a warm-up;
 * returns per-request latencies and the throughput.
 */
export async function load(
  clients: number,
  seconds: number,
  request: (i: number) => Promise<Answer>,
  warmupSeconds = 2,
  /** Called as the measured window opens (true) and closes (false): CPU readings around exactly it. */
  onWindow?: (open: boolean) => void,
): Promise<{ latencies: number[]; perSecond: number; errors: number; acknowledged: number }> {
  let counter = 0;
  let errors = 0;
  /** Successful answers over the whole run, warm-up included: what the server says it has stored. */
  let acknowledged = 0;
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  const loop = async () => {
    while (!stop) {
      const started = performance.now();
      const res = await request(counter++).catch((err: unknown) => {
        if (errors < 3) console.error(`  request threw: ${(err as Error).message} ${String((err as { cause?: unknown }).cause ?? "")}`);
        return undefined;
      });
      const elapsed = performance.now() - started;
      if (!res || res.status >= 400) {
        errors++;
        if (res && errors < 3) console.error(`  request failed: ${res.status} ${await res.text()}`);
      } else {
        acknowledged++;
        await res.text();
      }
      if (measuring) latencies.push(elapsed);
    }
  };
  const loops = Array.from({ length: clients }, loop);
  await new Promise((r) => setTimeout(r, warmupSeconds * 1000));
  onWindow?.(true);
  measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  onWindow?.(false);
  const duration = (performance.now() - t0) / 1000;
  stop = true;
  await Promise.all(loops);
  return { latencies, perSecond: latencies.length / duration, errors, acknowledged };
}

/**
 * CPU time (user + system, all threads) of processes on this machine, in ms,
 * from /proc: the figure a busy machine disturbs least (clock ticks of
 * 10 ms). A process that is gone counts nothing.
 */
export function cpuMs(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      return sum + ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      return sum;
    }
  }, 0);
}
