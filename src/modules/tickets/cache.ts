import type { Ctx } from "../../platform/context";
import type { Statement } from "../../platform/insert";
import type { TicketRow } from "./schema";

/**
 * Ticket rows this transaction inserted, locked or updated, as they stand.
 * A new ticket is read by the priority, rules, routing and SLA reactors and
 * once more when it is returned — five round trips for a row the
 * transaction itself just wrote. No other transaction can change a row this
 * one inserted or locked until it commits, so the kept copy stays true as
 * long as every write of `tickets` in the transaction goes through here:
 * `applyPatch`, `touch` and `setDerivedFields` keep it up to date, and the
 * raw updates (merge, split, contact merges, SLA recomputation) forget it.
 *
 * A new ticket's INSERT stays staged, built from the kept row when the
 * batch is sent: the derived fields its inline reactors decide (priority,
 * due time) go into the INSERT itself rather than an UPDATE after it.
 *
 * Kept beside the transaction's write batch: it dies with the transaction.
 * A context without a batch (a batch job's own transaction) keeps nothing.
 */
interface Entry {
  row: TicketRow;
  /** Inserted by this transaction: its messages are those counted here. */
  inserted: boolean;
  /**
   * Messages this transaction added: all of them for a ticket it inserted;
   * for another, those staged since the batch's `countedAt`-th flush (still
   * unsent, so a read of the table would miss them).
   */
  messages: { inbound: number; outbound: number; note: number };
  countedAt?: number;
  /** Derived fields staged and not yet flushed (merged into one UPDATE: see `setDerivedFields`). */
  derived?: Partial<TicketRow>;
  /**
   * Claimed, not locked (see `claim`): the version the row was read at,
   * which its write must still find. Cleared once the row is written or locked.
   */
  claimedVersion?: number;
}

const STATE = "tickets.rows";

function entries(ctx: Ctx): Map<string, Entry> | undefined {
  const batch = ctx.batch;
  if (!batch) return undefined;
  let map = batch.state.get(STATE) as Map<string, Entry> | undefined;
  if (!map) batch.state.set(STATE, (map = new Map()));
  return map;
}

const INSERT = "tickets.insert:";
const insertName = (id: string) => `${INSERT}${id}`;

/** Stages a new ticket's INSERT, built by `insert` from the row as it stands when the batch is sent. */
export function stageInsert(ctx: Ctx, row: TicketRow, insert: (row: TicketRow) => Statement): void {
  const entry: Entry = { row: { ...row }, inserted: true, messages: { inbound: 0, outbound: 0, note: 0 } };
  entries(ctx)!.set(row.id, entry);
  ctx.batch!.put(insertName(row.id), () => insert(entry.row));
}

/** A row as this transaction locked or wrote it. */
export function remember(ctx: Ctx, row: TicketRow): TicketRow {
  const map = entries(ctx);
  if (!map) return row;
  const entry = map.get(row.id);
  const derived = entry?.derived && ctx.batch!.holds(derivedName(row.id)) ? entry.derived : undefined;
  // A staged derived write is newer than what an immediate UPDATE … RETURNING saw.
  const current = derived ? { ...row, ...derived } : row;
  if (entry) entry.row = current;
  else map.set(row.id, { row: current, inserted: false, messages: { inbound: 0, outbound: 0, note: 0 } });
  return { ...current };
}

/**
 * Keeps a row read WITHOUT a lock, for a transaction that will write it
 * once, with everything else it stages (a fan's message threading onto a
 * ticket): no BEGIN, no row lock held across round trips, and the write may
 * go with other transactions' in a group commit. The price is a check:
 * the row's staged UPDATE carries `usher_expect_version(version, <read>)`
 * (migration 0011), and a row changed meanwhile fails the statement with
 * `conflict.concurrent` — nothing of the transaction is written, and the
 * caller runs it again. Locking the row later in the transaction
 * (`loadTicketForUpdate`) checks the version the same way.
 *
 * Returns undefined where nothing can be kept (no batch): lock the row instead.
 */
export function claim(ctx: Ctx, row: TicketRow): TicketRow | undefined {
  const map = entries(ctx);
  if (!map || map.has(row.id)) return undefined;
  map.set(row.id, { row: { ...row }, inserted: false, messages: { inbound: 0, outbound: 0, note: 0 }, claimedVersion: row.version });
  return { ...row };
}

/** The version a claimed row was read at, while no write or lock of it has gone out; undefined otherwise. */
export function claimedVersion(ctx: Ctx, id: string): number | undefined {
  return entries(ctx)?.get(id)?.claimedVersion;
}

/** The claimed row's write is going out, or it was locked: from now on this transaction holds it. */
export function settleClaim(ctx: Ctx, id: string): void {
  const entry = entries(ctx)?.get(id);
  if (entry) entry.claimedVersion = undefined;
}

/** The kept row, or undefined when this transaction has not locked or written it. */
export async function cached(ctx: Ctx, id: string): Promise<TicketRow | undefined> {
  const entry = entries(ctx)?.get(id);
  return entry ? { ...entry.row } : undefined;
}

/** Message counts of a ticket this transaction created, or undefined when they must be read. */
export function countedMessages(ctx: Ctx, id: string): Entry["messages"] | undefined {
  const entry = entries(ctx)?.get(id);
  return entry?.inserted ? { ...entry.messages } : undefined;
}

/** Ids of the tickets this transaction inserted. */
export function insertedIds(ctx: Ctx): string[] {
  return [...(entries(ctx) ?? [])].filter(([, e]) => e.inserted).map(([id]) => id);
}

/** Whether a write of `tickets` other than `id`'s own (staged INSERT or UPDATE) waits in the batch (a read of other tickets would miss it). */
export function otherTicketWritesStaged(ctx: Ctx, id: string): boolean {
  if (!ctx.batch) return false;
  if (ctx.batch.holdsAny(DERIVED, derivedName(id))) return true;
  return [...(entries(ctx) ?? [])].some(([other]) => other !== id && ctx.batch!.holds(insertName(other)));
}

export function insertedInTransaction(ctx: Ctx, id: string): boolean {
  return entries(ctx)?.get(id)?.inserted ?? false;
}

export function countMessage(ctx: Ctx, id: string, kind: keyof Entry["messages"]): void {
  const entry = entries(ctx)?.get(id);
  if (!entry) return;
  if (!entry.inserted && entry.countedAt !== ctx.batch!.flushes) {
    // What was counted before the last flush is in the table now.
    entry.messages = { inbound: 0, outbound: 0, note: 0 };
    entry.countedAt = ctx.batch!.flushes;
  }
  entry.messages[kind]++;
}

/**
 * Messages this transaction staged for a ticket it did not insert and has
 * not sent yet, or undefined when there are none: a count read past the
 * batch (`readPast`) adds them.
 */
export function unsentMessages(ctx: Ctx, id: string): Entry["messages"] | undefined {
  const entry = entries(ctx)?.get(id);
  return entry && !entry.inserted && entry.countedAt === ctx.batch!.flushes ? { ...entry.messages } : undefined;
}

/**
 * Before a write of `tickets` that bypasses this cache (all tickets, or
 * those of `ids`): the next read of those rows goes to the database. (Staged
 * derived writes go out before the raw write: the batch is write-behind.)
 */
export function beforeRawWrite(ctx: Ctx, ids?: readonly string[]): void {
  const map = entries(ctx);
  if (!map) return;
  if (ids) for (const id of ids) map.delete(id);
  else map.clear();
}

const DERIVED = "tickets.derived:";
export const derivedName = (id: string) => `${DERIVED}${id}`;

/**
 * Derived fields to stage: "insert" when they went into the ticket's staged
 * INSERT; else merged with those staged before and not yet flushed, so the
 * batch holds one UPDATE per ticket. Undefined when the ticket is not kept
 * (the write then goes out at once).
 */
export function stageDerived(ctx: Ctx, id: string, fields: Partial<TicketRow>): Partial<TicketRow> | "insert" | undefined {
  const entry = entries(ctx)?.get(id);
  if (!entry) return undefined;
  if (ctx.batch!.holds(insertName(id))) {
    entry.row = { ...entry.row, ...fields };
    return "insert";
  }
  const merged = { ...(ctx.batch!.holds(derivedName(id)) ? entry.derived : {}), ...fields };
  entry.derived = merged;
  entry.row = { ...entry.row, ...fields };
  return merged;
}
