import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "vite";

/**
 * Builds the agent workspace into web/dist. With --if-stale it does nothing
 * when the build is newer than every source file (npm start runs it first).
 */
const web = import.meta.dirname;
const dist = join(web, "dist", "index.html");

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function isStale(): boolean {
  if (!existsSync(dist)) return true;
  const built = statSync(dist).mtimeMs;
  const sources = ["src", "index.html", "vite.config.ts", "../package-lock.json"].map((p) => join(web, p)).filter(existsSync);
  return Math.max(...sources.map(newest)) > built;
}

export async function buildWeb(options: { ifStale?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (options.ifStale && !isStale()) return false;
  // Always React's production build and JSX transform, also when called from a test run (NODE_ENV=test).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    await build({ configFile: join(web, "vite.config.ts"), logLevel: options.quiet ? "warn" : "info", mode: "production" });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  return true;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const ifStale = process.argv.includes("--if-stale");
  const built = await buildWeb({ ifStale });
  if (!built) console.log("web/dist is up to date");
}
