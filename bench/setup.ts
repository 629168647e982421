import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type App, openApp } from "../src/app";
import { type Ctx, systemActor } from "../src/platform/context";
import { loadConfig } from "../src/platform/config";
import { openPostgres } from "../src/platform/db";
import { createLogger } from "../src/platform/logger";
import { importContacts } from "../src/modules/contacts/import";
import { createDesk } from "../src/modules/desks/service";
import { createApiToken } from "../src/modules/identity/auth";
import { createAgent } from "../src/modules/identity/service";
import { createWorkspace } from "../src/modules/workspaces/service";

/** A throw-away database for a benchmark: a fresh PostgreSQL database or a PGlite folder. */
export interface BenchDatabase {
  kind: "pglite" | "postgres";
  /** Environment for `usher` processes using it. */
  env: Record<string, string>;
  open(): Promise<App>;
  drop(): Promise<void>;
}

export async function benchDatabase(kind: string, serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"): Promise<BenchDatabase> {
  if (kind === "postgres") {
    const name = `usher_bench_${Date.now().toString(36)}`;
    const admin = openPostgres(serverUrl);
    await admin.executeSql(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const env = { DATABASE_URL: url.toString() };
    return {
      kind: "postgres",
      env,
      open: () => openApp(loadConfig(env, { logLevel: "warn" }, { defaultFile: false }), { log: createLogger("warn") }),
      async drop() {
        await admin.executeSql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.close();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "usher-bench-"));
  const env = { USHER_DATA_DIR: dir };
  return {
    kind: "pglite",
    env,
    open: () => openApp(loadConfig(env, { logLevel: "warn" }, { defaultFile: false }), { log: createLogger("warn") }),
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function benchWorkspace(app: App) {
  const workspace = await createWorkspace(app.database.db, app.clock, { slug: `bench-${Date.now().toString(36)}`, name: "Bench Box Office" });
  const system = app.ctx(workspace.id, systemActor("bench"));
  const desk = await createDesk(system, { key: "fans", name: "Fans" });
  const other = await createDesk(system, { key: "streaming", name: "Streaming" });
  const agent = await createAgent(system, { email: `bench-${Date.now()}@usher.test`, name: "Bench Admin", role: "admin", password: "bench password 123", allDesks: true });
  const { token } = await createApiToken(system, { name: "bench", agentId: agent.id });
  return { workspace, system, desk, other, agent, token };
}

/** `count` contacts with an e-mail each, for runs where the requester is known. */
export async function knownFans(system: Ctx, count: number): Promise<string[]> {
  return importContacts(
    system,
    Array.from({ length: count }, (_, i) => ({ name: `Fan ${i}`, identities: [{ kind: "email" as const, value: `known-${i}@example.com` }] })),
  );
}

export const DOOR_SUBJECT = "Ticket won't scan at the door";
export const DOOR_TEXT = "Hi, I'm at gate B and the barcode of order LL-123456 is rejected. The show starts in 20 minutes!";

/** The benchmarks' new ticket (the body of POST /api/v1/tickets): from a known contact, or a new fan by e-mail. */
export function doorTicket(deskId: string, requester: { contactId: string } | { email: string }) {
  return {
    deskId,
    subject: DOOR_SUBJECT,
    channel: "email" as const,
    requester: "contactId" in requester ? requester : { identities: [{ kind: "email" as const, value: requester.email }], name: "Bench Fan" },
    message: { text: DOOR_TEXT },
    tags: ["door"],
  };
}
