import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { type SQL, sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import pg from "pg";
import { DomainError } from "./errors";
import { GroupCommit } from "./group-commit";

/** A drizzle handle: the database or a transaction on it. Both drivers give the same API. */
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = PgTransaction<PgQueryResultHKT>;

export interface SqlResult<T = Record<string, unknown>> {
  rows: T[];
}

/** Raw SQL with $1… placeholders, for libraries that bring their own SQL (pg-boss). */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<SqlResult<any>>;
}

export interface Database extends SqlExecutor {
  readonly kind: "pglite" | "postgres";
  readonly db: Db;
  /**
   * Runs `fn` on one dedicated connection (session-level locks, explicit
   * BEGIN/COMMIT). PGlite has only one connection: use it where nothing else
   * runs concurrently (start-up, migrations).
   */
  session<T>(fn: (connection: SqlExecutor) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; resolves to an unsubscribe function. */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /** PGlite only: the whole database as a gzipped tarball, to start others from (tests). */
  dump?(): Promise<Blob>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- PostgreSQL

export function openPostgres(url: string, options: { poolSize?: number; applicationName?: string } = {}): Database {
  // int8 (bigint counts) as number: our counts stay far below 2^53.
  pg.types.setTypeParser(20, (v) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 20,
    application_name: options.applicationName ?? "usher",
  });
  // Final writes of transactions go together on connections of their own (see group-commit.ts):
  // never the pool the transactions hold, so a full pool cannot wait on itself.
  const groupPool = new pg.Pool({ connectionString: url, max: GROUP_LANES, application_name: `${options.applicationName ?? "usher"}-group` });
  const group = new GroupCommit(
    async (statement, oneOff) => {
      const client = await groupPool.connect();
      try {
        // A config object is prepared once seen often (see `statementName`); a plain text never is.
        await (oneOff ? client.query(statement.text, statement.params) : client.query({ text: statement.text }, statement.params));
      } finally {
        client.release();
      }
    },
    { lanes: GROUP_LANES, maxParams: 30_000 },
  );
  // An idle client's error (server restart) must not crash the process.
  pool.on("error", () => undefined);
  groupPool.on("error", () => undefined);
  pool.on("connect", (client) => wrapClient(client, group));
  groupPool.on("connect", (client) => wrapClient(client));
  const db = drizzlePg({ client: pool }) as unknown as Db;
  let listener: pg.Client | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  return {
    kind: "postgres",
    db,
    async executeSql(text, values) {
      return pool.query(text, values as unknown[] | undefined);
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({ executeSql: (text, values) => client.query(text, values as unknown[] | undefined) });
      } finally {
        client.release();
      }
    },
    async listen(channel, onPayload) {
      if (!listener) {
        listener = new pg.Client({ connectionString: url, application_name: "usher-listen" });
        listener.on("error", () => undefined);
        await listener.connect();
        listener.on("notification", (n) => {
          for (const h of handlers.get(n.channel) ?? []) h(n.payload ?? "");
        });
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`LISTEN ${quoteIdent(channel)}`);
      }
      set.add(onPayload);
      return async () => {
        set!.delete(onPayload);
      };
    },
    async close() {
      await listener?.end().catch(() => undefined);
      await pool.end();
      await groupPool.end();
    },
  };
}

/**
 * Parsing and planning cost more CPU on the server than running our small
 * statements (about 1 ms against 0.1 ms for the authentication query). A
 * statement text seen a few times is sent as a named prepared statement, so
 * each connection parses it once and PostgreSQL may keep a generic plan.
 * The texts are drizzle's, stable per query shape; the count is bounded so
 * one-off shapes (long IN lists) never pile up.
 */
const seenTexts = new Map<string, number | string>();
const PREPARE_AFTER = 3;
const MAX_TRACKED = 5_000;

function statementName(text: string): string | undefined {
  const seen = seenTexts.get(text);
  if (typeof seen === "string") return seen;
  if (seen === undefined && seenTexts.size >= MAX_TRACKED) return undefined;
  const count = (seen ?? 0) + 1;
  if (count < PREPARE_AFTER) {
    seenTexts.set(text, count);
    return undefined;
  }
  const name = `u_${createHash("sha1").update(text).digest("hex").slice(0, 24)}`;
  seenTexts.set(text, name);
  return name;
}

/** Set on a statement's config by the write batch: the transaction's last write (see `wrapClient`). */
export const FINAL_WRITE = Symbol("usher.finalWrite");

interface ClientState {
  /** BEGIN was asked for and not sent yet. */
  deferred: boolean;
  begun?: Promise<unknown>;
  /** Where this connection's transactions send a final write when they have not begun. */
  group?: GroupCommit;
}

/** Connections of the group commit, beside the pool's (see `openPostgres`). */
const GROUP_LANES = 2;

const STATE = Symbol("usher.clientState");

/**
 * The group commit a transaction's final write may go to: only when the
 * transaction on this connection has not begun — it holds no lock and wrote
 * nothing, so its write is a statement on its own (see `wrapClient`).
 */
export function groupCommitFor(client: object): GroupCommit | undefined {
  return notBegun(client)?.group;
}

/**
 * Whether `db` is a PostgreSQL transaction that has sent no BEGIN yet: what
 * it reads now, any connection would read (READ COMMITTED, no lock held, no
 * write of its own sent). Its reads may then go with other transactions'
 * (see read-group.ts).
 */
export function beforeBegin(db: Db): boolean {
  const client = (db as unknown as { session?: { client?: object } }).session?.client;
  return !!client && !!notBegun(client);
}

/** The connection's state while a transaction on it has asked for BEGIN and not sent it. */
function notBegun(client: object): ClientState | undefined {
  const state = (client as { [STATE]?: ClientState })[STATE];
  return state?.deferred && !state.begun ? state : undefined;
}

/**
 * Under READ COMMITTED every statement sees what was committed when it
 * started, in a transaction or not; a plain SELECT takes no lock. So a
 * transaction's BEGIN can wait until its first statement that writes or
 * locks, and a transaction that only read before its one write statement
 * needs no BEGIN and COMMIT at all: that statement is atomic on its own. A
 * new fan's ticket is a lookup and one write statement — two round trips
 * instead of four. Anything but a plain SELECT sends the BEGIN first.
 */
const PLAIN_READ = /^\s*select\b/i;
const NOT_PLAIN = /\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b|nextval|setval|pg_advisory|pg_try_advisory|pg_notify|set_config|pg_sleep/i;

function wrapClient(client: pg.PoolClient, group?: GroupCommit): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const state: ClientState = { deferred: false, group };
  (client as { [STATE]?: ClientState })[STATE] = state;
  const send = (config: unknown, values?: unknown, callback?: unknown) => {
    if (config && typeof config === "object" && !(config as pg.QueryConfig).name && Array.isArray(values) && values.length > 0) {
      const name = statementName((config as pg.QueryConfig).text);
      if (name) return query({ ...(config as pg.QueryConfig), name }, values, callback);
    }
    return query(config, values, callback);
  };
  const skipped = (command: string) => Promise.resolve({ command, rowCount: null, rows: [], fields: [] });
  (client as { query: unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    const text = typeof config === "string" ? config : (config as pg.QueryConfig | undefined)?.text;
    if (typeof text !== "string" || typeof callback === "function") return send(config, values, callback);
    const word = /^\s*(\w+)\s*;?\s*$/.exec(text)?.[1]?.toLowerCase();
    if (word === "begin") {
      state.deferred = true;
      state.begun = undefined;
      return skipped("BEGIN");
    }
    if (!state.deferred) return send(config, values);
    if (word === "commit" || word === "rollback") {
      const begun = state.begun;
      state.deferred = false;
      state.begun = undefined;
      if (!begun) return skipped(word.toUpperCase());
      // A BEGIN that failed left nothing to roll back; its error reached the statement that needed it.
      return begun.then(
        () => send(config, values),
        (err: unknown) => (word === "rollback" ? skipped("ROLLBACK") : Promise.reject(err)),
      );
    }
    if (!state.begun) {
      const final = (config as { [FINAL_WRITE]?: boolean })[FINAL_WRITE] === true;
      if (final || (PLAIN_READ.test(text) && !NOT_PLAIN.test(text))) return send(config, values);
      state.begun = send("begin");
    }
    return state.begun.then(() => send(config, values));
  };
}

// ---------------------------------------------------------------- PGlite

export const pgliteExtensions = { pg_trgm };

/**
 * PGlite's buffers live inside its WebAssembly memory, which grows and never
 * shrinks; data files are read through Node's file system, which the
 * operating system caches outside the process anyway. Small buffers keep the
 * all-in-one process small (issue #2: under 400 MB with 100k tickets)
 * without slowing the queue down measurably.
 */
const PGLITE_CONF = ["shared_buffers = 32MB", "maintenance_work_mem = 16MB", "temp_buffers = 4MB", "wal_buffers = 1MB"];

export interface PgliteOptions {
  /** Folder for the data; omitted means in memory. */
  dataDir?: string;
  /** A dump made with `dumpDataDir()` to start from (tests). */
  loadDataDir?: Blob | File;
}

/**
 * The embedded database. Two processes opening one PGlite folder corrupt it for
 * good, so the folder is guarded by an exclusive lock file and a second opener
 * is refused with a clear message.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  const dir = options.dataDir ? resolve(options.dataDir) : undefined;
  const releaseLock = dir ? lockDataDir(dir) : () => undefined;
  let client: PGlite;
  try {
    client = new PGlite({
      ...(dir ? { dataDir: join(dir, "pg") } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      extensions: pgliteExtensions,
      postgresqlconf: PGLITE_CONF,
    });
    await client.waitReady;
  } catch (err) {
    releaseLock();
    throw err;
  }
  return wrapPglite(client, releaseLock);
}

export function wrapPglite(client: PGlite, onClose: () => void = () => undefined): Database {
  const db = drizzlePglite({ client }) as unknown as Db;
  const executeSql = async (text: string, values?: unknown[]): Promise<SqlResult<any>> => {
    if (!values || values.length === 0) {
      // Simple protocol: may hold several statements (pg-boss migrations).
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    }
    return client.query(text, values);
  };
  return {
    kind: "pglite",
    db,
    executeSql,
    session: (fn) => fn({ executeSql }),
    dump: async () => (await client.dumpDataDir("gzip")) as Blob,
    async listen(channel, onPayload) {
      const unsubscribe = await client.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    async close() {
      try {
        await client.close();
      } finally {
        onClose();
      }
    },
  };
}

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, "usher.lock");
  const me = `${process.pid}@${hostname()}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx");
      writeSync(fd, me);
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(lockPath, "utf8") === me) rmSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = readFileSync(lockPath, "utf8").trim();
      const [pidText, host] = holder.split("@");
      const pid = Number(pidText);
      if (host === hostname() && Number.isInteger(pid) && !isAlive(pid)) {
        rmSync(lockPath, { force: true }); // stale: its process is gone
        continue;
      }
      throw new DomainError(
        "database.locked",
        `The data folder ${dir} is in use by another Usher process (${holder}). ` +
          "Only one process may open the embedded database; stop the other one, " +
          "or set DATABASE_URL to use PostgreSQL for several processes.",
      );
    }
  }
  throw new DomainError("database.locked", `Could not lock the data folder ${dir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

// ---------------------------------------------------------------- helpers

export async function query<T = Record<string, unknown>>(db: Db, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as SqlResult<T>;
  return result.rows;
}

/**
 * Lets a library that speaks `executeSql(text, values)` run inside a drizzle
 * transaction — so pg-boss jobs are inserted in the same transaction as the
 * change that caused them.
 */
export function executorFor(db: Db): SqlExecutor {
  return {
    async executeSql(text, values = []) {
      return (await db.execute(rawSql(text, values))) as unknown as SqlResult;
    },
  };
}

/** SQL text with $1… placeholders as a drizzle SQL object, so it can be composed (staged in a batch). */
export function rawSql(text: string, values: unknown[] = []): SQL {
  const parts = text.split(/\$(\d+)/);
  const chunks: SQL[] = [];
  parts.forEach((part, i) => {
    // sql.param keeps an array as one parameter (a template value would be spread).
    chunks.push(i % 2 === 0 ? sql.raw(part) : sql`${sql.param(values[Number(part) - 1])}`);
  });
  return sql.join(chunks);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
