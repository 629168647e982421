import { sql } from "drizzle-orm";
import { type Db, query } from "../../platform/db";

/**
 * Ticket numbers count up per workspace. A sequence per workspace, not a
 * counter row: a counter row is locked until commit and would serialise every
 * ticket creation of a workspace behind one fsync. Like every help desk's,
 * numbers may skip one when a creation rolls back.
 */
export const sequenceName = (workspaceId: string) => `ticket_number_${workspaceId.replace(/-/g, "")}`;

export async function prepareTicketNumbers(db: Db, workspaceId: string): Promise<void> {
  await db.execute(sql.raw(`CREATE SEQUENCE IF NOT EXISTS ${sequenceName(workspaceId)} AS integer`));
}

/**
 * A new ticket's number, known before its INSERT is sent (so the ticket's
 * inline reactors work on the whole row without a round trip). Each process
 * reserves a few numbers at a time: one statement per `RESERVE` tickets.
 * Numbers stay unique; across processes they interleave, and a stopped
 * process leaves the rest of its block unused — gaps, as after a rollback.
 */
const RESERVE = 16;
const reserved = new Map<string, number[]>();

export async function takeTicketNumber(db: Db, workspaceId: string): Promise<number> {
  let numbers = reserved.get(workspaceId);
  if (!numbers?.length) {
    // No shared refill: a transaction must not wait on a statement of another one (it may be blocked by this one).
    const block = await reserveTicketNumbers(db, workspaceId, RESERVE);
    numbers = reserved.get(workspaceId) ?? [];
    numbers.push(...block);
    numbers.sort((a, b) => a - b);
    if (reserved.size > 5_000) reserved.clear();
    reserved.set(workspaceId, numbers);
  }
  return numbers.shift()!;
}

export async function nextTicketNumber(db: Db, workspaceId: string): Promise<number> {
  const [row] = await query<{ n: number }>(db, sql`select nextval(${sequenceName(workspaceId)})::int as n`);
  return row!.n;
}

/** Numbers for `count` tickets at once (imports, demo data): unique, usually contiguous. */
export async function reserveTicketNumbers(db: Db, workspaceId: string, count: number): Promise<number[]> {
  const rows = await query<{ n: number }>(
    db,
    sql`select nextval(${sequenceName(workspaceId)})::int as n from generate_series(1, ${count})`,
  );
  return rows.map((r) => r.n).sort((a, b) => a - b);
}
