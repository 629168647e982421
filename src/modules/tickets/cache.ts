import type { Ctx } from "../../platform/context";
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
 * Kept beside the transaction's write batch: it dies with the transaction.
 * A context without a batch (a batch job's own transaction) keeps nothing.
 */
interface Entry {
  /** The row; absent while its insert is staged and not yet flushed (the number comes from the insert). */
  row?: TicketRow;
  /** The staged insert's key in the batch. */
  insertKey?: string;
  /** Inserted by this transaction: its messages are those counted here. */
  inserted: boolean;
  messages: { inbound: number; outbound: number; note: number };
  /** Derived fields staged and not yet flushed (merged into one UPDATE: see `setDerivedFields`). */
  derived?: Partial<TicketRow>;
}

const STATE = "tickets.rows";

function entries(ctx: Ctx): Map<string, Entry> | undefined {
  const batch = ctx.batch;
  if (!batch) return undefined;
  let map = batch.state.get(STATE) as Map<string, Entry> | undefined;
  if (!map) batch.state.set(STATE, (map = new Map()));
  return map;
}

/** A ticket whose insert was just staged under `insertKey`. */
export function rememberInsert(ctx: Ctx, id: string, insertKey: string): void {
  entries(ctx)?.set(id, { insertKey, inserted: true, messages: { inbound: 0, outbound: 0, note: 0 } });
}

/** A row as this transaction locked or wrote it. */
export function remember(ctx: Ctx, row: TicketRow): TicketRow {
  const map = entries(ctx);
  if (!map) return row;
  const entry = map.get(row.id);
  const derived = entry?.derived && ctx.batch!.holds(derivedName(row.id)) ? entry.derived : undefined;
  // A staged derived write is newer than what an immediate UPDATE … RETURNING saw.
  const current = derived ? { ...row, ...derived } : row;
  if (entry) Object.assign(entry, { row: current, insertKey: undefined });
  else map.set(row.id, { row: current, inserted: false, messages: { inbound: 0, outbound: 0, note: 0 } });
  return { ...current };
}

/** The kept row, or undefined when this transaction has not locked or written it. */
export async function cached(ctx: Ctx, id: string): Promise<TicketRow | undefined> {
  const entry = entries(ctx)?.get(id);
  if (!entry) return undefined;
  if (!entry.row && entry.insertKey) {
    await ctx.batch!.flush(ctx.db);
    entry.row = ctx.batch!.returned<TicketRow>(entry.insertKey)[0];
    entry.insertKey = undefined;
  }
  return entry.row ? { ...entry.row } : undefined;
}

/** Message counts of a ticket this transaction created, or undefined when they must be read. */
export function countedMessages(ctx: Ctx, id: string): Entry["messages"] | undefined {
  const entry = entries(ctx)?.get(id);
  return entry?.inserted ? { ...entry.messages } : undefined;
}

export function insertedInTransaction(ctx: Ctx, id: string): boolean {
  return entries(ctx)?.get(id)?.inserted ?? false;
}

export function countMessage(ctx: Ctx, id: string, kind: keyof Entry["messages"]): void {
  const entry = entries(ctx)?.get(id);
  if (entry) entry.messages[kind]++;
}

/**
 * Before a write of `tickets` that bypasses this cache (all tickets, or
 * those of `ids`): staged derived writes go out first, so they cannot land
 * after it, and the next read of those rows goes to the database.
 */
export async function beforeRawWrite(ctx: Ctx, ids?: readonly string[]): Promise<void> {
  await flushDerived(ctx);
  const map = entries(ctx);
  if (!map) return;
  if (ids) for (const id of ids) map.delete(id);
  else map.clear();
}

const DERIVED = "tickets.derived:";
export const derivedName = (id: string) => `${DERIVED}${id}`;

/** Before reading `tickets` with SQL: derived writes still staged would not be seen. */
export async function flushDerived(ctx: Ctx): Promise<void> {
  if (ctx.batch?.holdsAny(DERIVED)) await ctx.batch.flush(ctx.db);
}

/**
 * Derived fields to stage: merged with those staged before and not yet
 * flushed, so the batch holds one UPDATE per ticket. Undefined when the
 * ticket is not kept (the write then goes out at once).
 */
export function stageDerived(ctx: Ctx, id: string, fields: Partial<TicketRow>): Partial<TicketRow> | undefined {
  const entry = entries(ctx)?.get(id);
  if (!entry?.row) return undefined;
  const merged = { ...(ctx.batch!.holds(derivedName(id)) ? entry.derived : {}), ...fields };
  entry.derived = merged;
  entry.row = { ...entry.row, ...fields };
  return merged;
}
