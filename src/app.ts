import type { Clock } from "./platform/clock";
import { systemClock } from "./platform/clock";
import type { Config } from "./platform/config";
import { type Actor, type Ctx, type Outbox, systemActor } from "./platform/context";
import { type Database, openPglite, openPostgres } from "./platform/db";
import { type Logger, createLogger } from "./platform/logger";
import { type Mailer, createMailer } from "./platform/mailer";
import { migrate } from "./platform/migrate";
import { type PgBoss, ensureQueues, openQueue } from "./platform/queue";
import { type Reactor, createOutbox, reactorQueues } from "./modules/activity/reactors";
import { allReactors } from "./reactors";
import { setChannelRuntime } from "./modules/channels/runtime";

/**
 * The composed application: one database (PGlite or PostgreSQL), the queue
 * on it, the reactors, a clock and a logger. The server, the worker, the CLI
 * and the tests all start from here.
 */
export interface App {
  readonly config: Config;
  readonly database: Database;
  readonly boss: PgBoss;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly log: Logger;
  readonly reactors: readonly Reactor[];
  readonly mailer: Mailer;
  ctx(workspaceId: string, actor: Actor): Ctx;
  close(): Promise<void>;
}

export interface OpenOptions {
  clock?: Clock;
  /** An already open database (tests); otherwise opened from the config. */
  database?: Database;
  reactors?: readonly Reactor[];
  log?: Logger;
  /** Run pg-boss maintenance in this process. */
  supervise?: boolean;
  /** Skip migrations (a database already migrated, in tests). */
  skipMigrations?: boolean;
  mailer?: Mailer;
}

export async function openApp(config: Config, options: OpenOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  const database =
    options.database ?? (config.databaseUrl ? openPostgres(config.databaseUrl, { poolSize: config.databasePoolSize }) : await openPglite({ dataDir: config.dataDir }));
  try {
    if (!options.skipMigrations) {
      const applied = await migrate(database);
      if (applied.length) log.info({ applied }, "database migrated");
    }
    const reactors = options.reactors ?? allReactors;
    const boss = await openQueue(database, { supervise: options.supervise });
    await ensureQueues(boss, reactorQueues(reactors));
    const outbox = createOutbox(boss, reactors);
    const clock = options.clock ?? systemClock;
    const mailer = options.mailer ?? createMailer(config.smtpUrl);
    setChannelRuntime({ mailer, mailFrom: config.mailFrom, publicUrl: config.publicUrl, log });
    return {
      config,
      database,
      boss,
      outbox,
      clock,
      log,
      reactors,
      mailer,
      ctx: (workspaceId, actor) => ({ db: database.db, workspaceId, actor, clock, outbox }),
      async close() {
        await boss.stop({ graceful: true, wait: true, timeout: 5_000 } as never).catch(() => undefined);
        mailer.close();
        if (!options.database) await database.close();
      },
    };
  } catch (err) {
    if (!options.database) await database.close().catch(() => undefined);
    throw err;
  }
}

export const cliActor = systemActor("cli");
