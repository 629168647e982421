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

/** The next number as an SQL expression, for the ticket insert itself to evaluate. */
export const nextTicketNumberSql = (workspaceId: string) => sql<number>`nextval(${sequenceName(workspaceId)})::int`;

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
