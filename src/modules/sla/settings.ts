import { and, eq, sql } from "drizzle-orm";
import { PgTransaction } from "drizzle-orm/pg-core";
import type { Ctx } from "../../platform/context";
import type { Db } from "../../platform/db";
import { automationSettings } from "./schema";

/**
 * The configuration of SLA, priority, rules, routing and desks changes
 * rarely and is read on every ticket change. Each process keeps it compiled
 * in memory per workspace, tagged with the workspace's configuration
 * version; every admin change bumps the version in its transaction, so the
 * next reader anywhere reloads.
 *
 * The version itself is read at most once per transaction, and a process
 * trusts what it last read for `VERSION_TRUST_MS`: reading it in every
 * transaction was one round trip in ten of a new ticket. So another process
 * applies an admin change within that time; this process at once — a bump
 * here makes every reader re-read until the new version is seen (or, if the
 * bumping transaction rolled back, until the mark expires).
 */

type Seeder = (ctx: Ctx) => Promise<void>;
const seeders: Seeder[] = [];

/** Modules register how to install their defaults (the figures of the seeds) into a new workspace. */
export function registerDefaults(seed: Seeder): void {
  seeders.push(seed);
}

const versionInTx = new WeakMap<object, Map<string, number>>();
/** Transactions that changed the configuration: what they read is not cached (they may roll back). */
const changedInTx = new WeakSet<object>();
const cache = new Map<string, { version: number; values: Map<string, unknown> }>();

export const VERSION_TRUST_MS = 1_000;
/** The version this process last read per workspace, when, and the version a bump here awaits. */
const lastRead = new Map<string, { version: number; at: number; awaiting?: { version: number; until: number } }>();

function trusted(workspaceId: string): number | undefined {
  const known = lastRead.get(workspaceId);
  if (!known) return undefined;
  const now = performance.now();
  if (now - known.at > VERSION_TRUST_MS) return undefined;
  if (known.awaiting && known.version < known.awaiting.version && now < known.awaiting.until) return undefined;
  return known.version;
}

function noteRead(ctx: Ctx, version: number): void {
  // What a transaction that changed the configuration reads is not committed yet.
  if (changedInTx.has(ctx.db as object)) return;
  const known = lastRead.get(ctx.workspaceId);
  // Versions only grow: a read that started before a newer one was noted is older news.
  if (known && known.version > version) return;
  if (lastRead.size > 5_000) lastRead.clear();
  lastRead.set(ctx.workspaceId, { version, at: performance.now(), awaiting: known?.awaiting });
}

/** The workspace's configuration version; installs the defaults the first time a workspace needs them. */
export async function configVersion(ctx: Ctx): Promise<number> {
  const perTx = versionInTx.get(ctx.db as object);
  const known = perTx?.get(ctx.workspaceId) ?? (changedInTx.has(ctx.db as object) ? undefined : trusted(ctx.workspaceId));
  if (known !== undefined) {
    remember(ctx.db, ctx.workspaceId, known);
    return known;
  }
  let [row] = await ctx.db
    .select({ version: automationSettings.version })
    .from(automationSettings)
    .where(eq(automationSettings.workspaceId, ctx.workspaceId));
  if (!row) {
    // A concurrent first ticket waits on this insert and then sees the row: defaults are installed once.
    const inserted = await ctx.db
      .insert(automationSettings)
      .values({ workspaceId: ctx.workspaceId, version: 1, seededAt: ctx.clock.now() })
      .onConflictDoNothing()
      .returning({ version: automationSettings.version });
    if (inserted.length) {
      // Installing the defaults is a change like any other: if this transaction rolls back, what it
      // read must not stay cached under version 1 (the next installation's rows have other ids).
      if (ctx.db instanceof PgTransaction) changedInTx.add(ctx.db);
      for (const seed of seeders) await seed(ctx);
    }
    [row] = await ctx.db
      .select({ version: automationSettings.version })
      .from(automationSettings)
      .where(eq(automationSettings.workspaceId, ctx.workspaceId));
  }
  remember(ctx.db, ctx.workspaceId, row!.version);
  noteRead(ctx, row!.version);
  return row!.version;
}

function remember(db: Db, workspaceId: string, version: number) {
  // Outside a transaction `db` is the process's one pool: remembering there would pin every later
  // reader (API lists, the worker) to this version for good, blind to admin changes made since.
  if (!(db instanceof PgTransaction)) return;
  let perTx = versionInTx.get(db as object);
  if (!perTx) versionInTx.set(db as object, (perTx = new Map()));
  perTx.set(workspaceId, version);
}

/** Marks the configuration changed (call in the transaction that changed it). */
export async function bumpConfigVersion(ctx: Ctx): Promise<void> {
  await configVersion(ctx);
  const [row] = await ctx.db
    .update(automationSettings)
    .set({ version: sql`${automationSettings.version} + 1` })
    .where(and(eq(automationSettings.workspaceId, ctx.workspaceId)))
    .returning({ version: automationSettings.version });
  remember(ctx.db, ctx.workspaceId, row!.version);
  if (ctx.db instanceof PgTransaction) changedInTx.add(ctx.db);
  // Until this commits, readers here keep reading the version rather than trusting the last one.
  const awaiting = { version: row!.version, until: performance.now() + 10_000 };
  const known = lastRead.get(ctx.workspaceId);
  if (known) known.awaiting = awaiting;
  else lastRead.set(ctx.workspaceId, { version: 0, at: -Infinity, awaiting });
}

/** A compiled piece of configuration, loaded again only when the workspace's version moved. */
export async function cachedConfig<T>(ctx: Ctx, key: string, load: () => Promise<T>): Promise<T> {
  const version = await configVersion(ctx);
  if (changedInTx.has(ctx.db as object)) return load();
  let entry = cache.get(ctx.workspaceId);
  if (!entry || entry.version !== version) {
    entry = { version, values: new Map() };
    if (cache.size > 5_000) cache.clear();
    cache.set(ctx.workspaceId, entry);
  }
  if (entry.values.has(key)) return entry.values.get(key) as T;
  const value = await load();
  // Only cache what was read at the version current in the cache (a newer one may have arrived meanwhile).
  if (cache.get(ctx.workspaceId) === entry) entry.values.set(key, value);
  return value;
}
